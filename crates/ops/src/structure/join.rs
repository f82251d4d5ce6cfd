//! Joining tensors along an axis: `concat` (an existing axis) and `stack` (a new one).
//!
//! Both write each input's blocks side by side: with the output seen as `(outer, Σ lenᵢ,
//! inner)` around the axis, input `i` fills positions `offᵢ..offᵢ + lenᵢ`. The VJP of input
//! `i` reads the same positions of the cotangent back. `stack` is `concat` of the inputs seen
//! with a new axis of length 1.
use super::strided::{add_into, check_axis, invalid, same_tape};
use crate::Axis;
use smallvec::SmallVec;
use wengert_tape::{Error, ErrorKind, Op, Real, Shape, TensorRef, Var};

#[derive(Clone)]
struct Concat {
    name: &'static str,
    outer: usize,
    inner: usize,
    /// Per input, its length along the axis.
    lens: SmallVec<[usize; 4]>,
    /// Per input, its offset along the axis (the sum of the lengths before it).
    starts: SmallVec<[usize; 4]>,
    total: usize,
}

/// The offsets of blocks of lengths `lens` laid side by side.
fn starts(lens: &[usize]) -> SmallVec<[usize; 4]> {
    lens.iter()
        .scan(0, |acc, &l| {
            let s = *acc;
            *acc += l;
            Some(s)
        })
        .collect()
}

impl Concat {
    /// Calls `f(input, src, dst, n)` for each contiguous block of `n` elements of input `input`
    /// at its offset `src` and the output's offset `dst`.
    fn blocks(&self, only: Option<usize>, mut f: impl FnMut(usize, usize, usize, usize)) {
        if let Some(k) = only {
            // One input's blocks without walking the others: the VJPs of a stack of n
            // scalars were n² steps (a third of a compiled call stacking 64 inputs).
            let off = self.starts[k];
            let n = self.lens[k] * self.inner;
            for o in 0..self.outer {
                f(k, o * n, (o * self.total + off) * self.inner, n);
            }
            return;
        }
        for o in 0..self.outer {
            let mut off = 0;
            for (i, &len) in self.lens.iter().enumerate() {
                let n = len * self.inner;
                if only.is_none_or(|k| k == i) {
                    f(i, o * n, (o * self.total + off) * self.inner, n);
                }
                off += len;
            }
        }
    }
}

impl<T: Real> Op<T> for Concat {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        self.blocks(None, |i, s, d, n| {
            out[d..d + n].copy_from_slice(&inputs[i].data[s..s + n]);
        });
    }

    fn vjp(
        &self,
        input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        self.blocks(Some(input), |_, s, d, n| {
            add_into(&mut grad_in[s..s + n], &grad_out[d..d + n]);
        });
    }
}

/// The shapes of `xs`, or an error if there are none or they live on different tapes.
#[track_caller]
fn shapes<T: Real>(op: &'static str, xs: &[Var<'_, T>]) -> Result<SmallVec<[Shape; 4]>, Error> {
    if xs.is_empty() {
        return Err(invalid(op, "needs at least one tensor".to_string()));
    }
    same_tape(op, xs)?;
    Ok(xs.iter().map(|x| x.shape()).collect())
}

#[track_caller]
fn mismatch(op: &'static str, lhs: &Shape, rhs: &Shape) -> Error {
    Error::here(ErrorKind::ShapeMismatch {
        op,
        lhs: lhs.clone(),
        rhs: rhs.clone(),
    })
}

/// [`concat`](fn@concat), returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for no inputs, rank-0 inputs (use [`stack`]) or an axis out
/// of range; [`ErrorKind::ShapeMismatch`] naming the first shape and the first that differs
/// from it off the axis; [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_concat<'t, T: Real>(xs: &[Var<'t, T>], axis: Axis) -> Result<Var<'t, T>, Error> {
    let shapes = shapes("concat", xs)?;
    let first = &shapes[0];
    if first.rank() == 0 {
        return Err(invalid(
            "concat",
            "cannot concatenate rank-0 tensors; use stack".to_string(),
        ));
    }
    let a = check_axis("concat", first, axis, false)?;
    for s in &shapes[1..] {
        let same_off_axis = s.rank() == first.rank()
            && s.iter()
                .zip(first.iter())
                .enumerate()
                .all(|(i, (x, y))| i == a || x == y);
        if !same_off_axis {
            return Err(mismatch("concat", first, s));
        }
    }
    let lens: SmallVec<[usize; 4]> = shapes.iter().map(|s| s[a]).collect();
    let total = lens.iter().sum();
    let mut dims: SmallVec<[usize; 4]> = SmallVec::from_slice(first.dims());
    dims[a] = total;
    let op = Concat {
        name: "concat",
        outer: first[..a].iter().product(),
        inner: first[a + 1..].iter().product(),
        starts: starts(&lens),
        lens,
        total,
    };
    Ok(xs[0].tape().record_op(op, xs, Shape::from(&dims[..])))
}

/// Joins tensors along an existing axis (see the [module docs](super) for an example).
///
/// `concat([X₁, …, Xₙ], axis)` has length `Σ lenᵢ` along `axis`; the gradient of `Xᵢ` is the
/// matching block of the cotangent.
///
/// # Panics
/// As [`try_concat`] errs.
#[track_caller]
pub fn concat<'t, T: Real>(xs: &[Var<'t, T>], axis: Axis) -> Var<'t, T> {
    try_concat(xs, axis).unwrap_or_else(|e| panic!("{e}"))
}

/// [`stack`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for no inputs or an axis past the inputs' rank;
/// [`ErrorKind::ShapeMismatch`] naming the first shape and the first that differs;
/// [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_stack<'t, T: Real>(xs: &[Var<'t, T>], axis: Axis) -> Result<Var<'t, T>, Error> {
    let shapes = shapes("stack", xs)?;
    let first = &shapes[0];
    let a = check_axis("stack", first, axis, true)?;
    if let Some(s) = shapes[1..].iter().find(|s| *s != first) {
        return Err(mismatch("stack", first, s));
    }
    let mut dims: SmallVec<[usize; 4]> = SmallVec::from_slice(first.dims());
    dims.insert(a, xs.len());
    let op = Concat {
        name: "stack",
        outer: first[..a].iter().product(),
        inner: first[a..].iter().product(),
        lens: SmallVec::from_elem(1, xs.len()),
        starts: (0..xs.len()).collect(),
        total: xs.len(),
    };
    Ok(xs[0].tape().record_op(op, xs, Shape::from(&dims[..])))
}

/// Joins same-shape tensors (or scalars) along a new axis inserted at `axis`
/// (`0..=rank`): `stack(xs, axis)` selected at `i` along `axis` is `xs[i]`. Stacking `n`
/// scalars gives a 1-D tensor of length `n`. The gradient of `xs[i]` is that slice of the
/// cotangent.
///
/// ```
/// use wengert_ops::prelude::*;
/// use wengert_ops::structure::stack;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let (a, b) = (tape.var(1.0), tape.var(2.0));
/// let v = stack(&[a, b, a * b], Axis(0));
/// assert_eq!(v.to_vec(), vec![1.0, 2.0, 2.0]);
/// let g = tape.backward(v.sum_all()); // a + b + ab
/// assert_eq!((g[a], g[b]), (1.0 + 2.0, 1.0 + 1.0));
/// ```
///
/// # Panics
/// As [`try_stack`] errs.
#[track_caller]
pub fn stack<'t, T: Real>(xs: &[Var<'t, T>], axis: Axis) -> Var<'t, T> {
    try_stack(xs, axis).unwrap_or_else(|e| panic!("{e}"))
}
