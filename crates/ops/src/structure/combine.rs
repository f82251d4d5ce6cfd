//! Building and combining tensors: `one_hot`, `where_mask`, and the tutorial's `switch` and
//! plus (`add_n`) modules.
use super::strided::{add_into, check_index, invalid, same_tape};
use wengert_tape::{Error, ErrorKind, Op, Real, Tape, TensorRef, Var};

/// [`one_hot`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::IndexOutOfRange`] naming the first index `≥ n`;
/// [`ErrorKind::InvalidArgument`] when `indices.len() × n` overflows or cannot be allocated.
#[track_caller]
pub fn try_one_hot<'t, T: Real>(
    tape: &'t Tape<T>,
    n: usize,
    indices: &[usize],
) -> Result<Var<'t, T>, Error> {
    // Indices first: a bad one is reported before anything is allocated.
    for &i in indices {
        check_index("one_hot", i, n)?;
    }
    let shape = wengert_tape::Shape::from([indices.len(), n]);
    let mut data = wengert_tape::try_filled("one_hot", &shape, T::zero())?;
    for (row, &i) in indices.iter().enumerate() {
        data[row * n + i] = T::one();
    }
    Ok(tape.constant_tensor([indices.len(), n], data))
}

/// The constant `(indices.len(), n)` tensor whose row `r` is 1 at column `indices[r]` and 0
/// elsewhere. No gradient flows into it.
///
/// ```
/// use wengert_ops::structure::one_hot;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let y = one_hot(&tape, 3, &[2, 0]);
/// assert_eq!(y.shape().dims(), &[2, 3]);
/// assert_eq!(y.to_vec(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
/// ```
///
/// # Panics
/// As [`try_one_hot`] errors.
#[track_caller]
pub fn one_hot<'t, T: Real>(tape: &'t Tape<T>, n: usize, indices: &[usize]) -> Var<'t, T> {
    try_one_hot(tape, n, indices).unwrap_or_else(|e| panic!("{e}"))
}

/// `Y_i = mask_i ? A_i : B_i`; the cotangent goes to `A` where the mask is set, to `B`
/// elsewhere.
#[derive(Clone)]
struct WhereMask {
    mask: Vec<bool>,
}

impl<T: Real> Op<T> for WhereMask {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        "where_mask"
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let (a, b) = (inputs[0].data, inputs[1].data);
        for (i, (o, &m)) in out.iter_mut().zip(&self.mask).enumerate() {
            *o = if m { a[i] } else { b[i] };
        }
    }

    fn vjp(
        &self,
        input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        // Input 0 (A) takes the set positions, input 1 (B) the others.
        let want = input == 0;
        for ((gi, &g), &m) in grad_in.iter_mut().zip(grad_out).zip(&self.mask) {
            if m == want {
                *gi += g;
            }
        }
    }
}

/// [`where_mask`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::ShapeMismatch`] naming both shapes when `a` and `b` differ;
/// [`ErrorKind::InvalidArgument`] when the mask's length is not their number of elements;
/// [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_where_mask<'t, T: Real>(
    mask: &[bool],
    a: Var<'t, T>,
    b: Var<'t, T>,
) -> Result<Var<'t, T>, Error> {
    same_tape("where_mask", &[a, b])?;
    let (sa, sb) = (a.shape(), b.shape());
    if sa != sb {
        return Err(Error::here(ErrorKind::ShapeMismatch {
            op: "where_mask",
            lhs: sa,
            rhs: sb,
        }));
    }
    if mask.len() != sa.numel() {
        return Err(invalid(
            "where_mask",
            format!(
                "the mask has {} elements but the operands have shape {sa} ({} elements)",
                mask.len(),
                sa.numel()
            ),
        ));
    }
    let op = WhereMask {
        mask: mask.to_vec(),
    };
    Ok(a.tape().record_op(op, &[a, b], sa))
}

/// Elementwise selection: `a` where `mask` is true, `b` elsewhere (row-major mask, same
/// shapes; no broadcasting). The gradient of each element goes to the operand it came from.
///
/// ```
/// use wengert_ops::structure::where_mask;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let a = tape.tensor([3], vec![1.0, 2.0, 3.0]);
/// let b = tape.tensor([3], vec![10.0, 20.0, 30.0]);
/// let y = where_mask(&[true, false, true], a, b);
/// assert_eq!(y.to_vec(), vec![1.0, 20.0, 3.0]);
/// let g = tape.backward(y.sum_all());
/// assert_eq!(g.wrt(a), &[1.0, 0.0, 1.0]);
/// assert_eq!(g.wrt(b), &[0.0, 1.0, 0.0]);
/// ```
///
/// # Panics
/// As [`try_where_mask`] errs.
#[track_caller]
pub fn where_mask<'t, T: Real>(mask: &[bool], a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    try_where_mask(mask, a, b).unwrap_or_else(|e| panic!("{e}"))
}

/// [`switch`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::IndexOutOfRange`] when `k ≥ inputs.len()`; [`ErrorKind::ShapeMismatch`] naming
/// the first shape and the first that differs; [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_switch<'t, T: Real>(inputs: &[Var<'t, T>], k: usize) -> Result<Var<'t, T>, Error> {
    check_index("switch", k, inputs.len())?;
    same_tape("switch", inputs)?;
    check_same_shapes("switch", inputs)?;
    Ok(inputs[k])
}

/// The switch module of the EBM tutorial: `Y = X_k`. The gradient flows to `inputs[k]` only
/// (`∂Y/∂X_k = I`, `∂Y/∂X_j = 0` for `j ≠ k`). The inputs must share one shape (so that the
/// output's shape does not depend on `k`). Nothing is recorded: the result is `inputs[k]`.
///
/// ```
/// use wengert_ops::structure::switch;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let xs = tape.vars(&[1.0, 2.0, 3.0]);
/// let y = switch(&xs, 1) * 5.0;
/// let g = tape.backward(y);
/// assert_eq!((g[xs[0]], g[xs[1]], g[xs[2]]), (0.0, 5.0, 0.0));
/// ```
///
/// # Panics
/// As [`try_switch`] errs.
#[track_caller]
pub fn switch<'t, T: Real>(inputs: &[Var<'t, T>], k: usize) -> Var<'t, T> {
    try_switch(inputs, k).unwrap_or_else(|e| panic!("{e}"))
}

/// `Y = Σᵢ Xᵢ`; every input receives the whole cotangent.
#[derive(Clone)]
struct AddN;

impl<T: Real> Op<T> for AddN {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        "add_n"
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        for x in inputs {
            for (o, &v) in out.iter_mut().zip(x.data) {
                *o += v;
            }
        }
    }

    fn vjp(
        &self,
        _input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        add_into(grad_in, grad_out);
    }
}

/// [`add_n`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for no inputs; [`ErrorKind::ShapeMismatch`] naming the first
/// shape and the first that differs; [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_add_n<'t, T: Real>(xs: &[Var<'t, T>]) -> Result<Var<'t, T>, Error> {
    if xs.is_empty() {
        return Err(invalid("add_n", "needs at least one input".to_string()));
    }
    same_tape("add_n", xs)?;
    if xs.iter().all(|x| !x.is_tensor()) {
        // Scalars stay on the tape's fast scalar path.
        return Ok(xs[1..].iter().fold(xs[0], |acc, &x| acc + x));
    }
    let shape = check_same_shapes("add_n", xs)?;
    Ok(xs[0].tape().record_op(AddN, xs, shape))
}

/// The plus module of the EBM tutorial: the sum of many same-shape `Var`s (scalars or
/// tensors), recorded as one node. Each input's gradient is the output's.
///
/// ```
/// use wengert_ops::structure::add_n;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let a = tape.tensor([2], vec![1.0, 2.0]);
/// let b = tape.tensor([2], vec![10.0, 20.0]);
/// let y = add_n(&[a, b, a]);
/// assert_eq!(y.to_vec(), vec![12.0, 24.0]);
/// let g = tape.backward(y.sum_all());
/// assert_eq!(g.wrt(a), &[2.0, 2.0]); // a appears twice
/// assert_eq!(g.wrt(b), &[1.0, 1.0]);
/// ```
///
/// # Panics
/// As [`try_add_n`] errs.
#[track_caller]
pub fn add_n<'t, T: Real>(xs: &[Var<'t, T>]) -> Var<'t, T> {
    try_add_n(xs).unwrap_or_else(|e| panic!("{e}"))
}

/// The common shape of `xs` (non-empty), or the error naming the first that differs.
#[track_caller]
fn check_same_shapes<T: Real>(
    op: &'static str,
    xs: &[Var<'_, T>],
) -> Result<wengert_tape::Shape, Error> {
    let first = xs[0].shape();
    for x in &xs[1..] {
        let s = x.shape();
        if s != first {
            return Err(Error::here(ErrorKind::ShapeMismatch {
                op,
                lhs: first,
                rhs: s,
            }));
        }
    }
    Ok(first)
}
