//! Building tensors from a vector: `scatter` (each element of `x` added at a flat position of
//! a zero tensor), and the matrices built on it: `diag`, `tril_from`, `strict_tril_from`,
//! `triu_from` (a Cholesky factor from its free parameters, as GMM needs).
//!
//! `Y = 0; Y[pos_j] += x_j`, so `∂Y[pos_j]/∂x_j = 1` and the VJP is the gather
//! `∂L/∂x_j = ∂L/∂Y[pos_j]`; a position named twice gets the sum of both elements, and both
//! elements then get that position's cotangent.
use super::strided::{check_index, invalid};
use wengert_tape::{Error, ErrorKind, Op, Real, Shape, TensorRef, Var};

/// `out[pos[j]] += x[j]` into a zero tensor.
#[derive(Clone)]
struct Scatter {
    name: &'static str,
    pos: Vec<usize>,
}

impl<T: Real> Op<T> for Scatter {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        out.fill(T::zero());
        for (&p, &x) in self.pos.iter().zip(inputs[0].data) {
            out[p] += x;
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
        for (g, &p) in grad_in.iter_mut().zip(&self.pos) {
            *g += grad_out[p];
        }
    }
}

/// Checks that `x` is a vector of `want` elements (`what` says what `want` is).
#[track_caller]
fn check_vector<T: Real>(
    op: &'static str,
    x: Var<'_, T>,
    want: usize,
    what: &str,
) -> Result<(), Error> {
    let shape = x.shape();
    if shape.rank() != 1 || shape[0] != want {
        return Err(invalid(
            op,
            format!("expected a vector of {want} elements ({what}), got shape {shape}"),
        ));
    }
    Ok(())
}

#[track_caller]
fn record<'t, T: Real>(
    name: &'static str,
    x: Var<'t, T>,
    shape: Shape,
    pos: Vec<usize>,
) -> Var<'t, T> {
    x.tape().record_op(Scatter { name, pos }, &[x], shape)
}

/// [`scatter`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::ShapeMismatch`](wengert_tape::ErrorKind::ShapeMismatch) naming `scatter` if
/// `x` does not have one element per position;
/// [`ErrorKind::IndexOutOfRange`](wengert_tape::ErrorKind::IndexOutOfRange) for the first
/// position past the output's element count.
///
/// ```
/// use wengert_ops::structure::try_scatter;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2], vec![1.0, 2.0]);
/// assert!(try_scatter(x, [2, 2], &[0, 4]).unwrap_err().to_string().contains("scatter"));
/// ```
#[track_caller]
pub fn try_scatter<'t, T: Real>(
    x: Var<'t, T>,
    shape: impl Into<Shape>,
    positions: &[usize],
) -> Result<Var<'t, T>, Error> {
    let shape = shape.into();
    let n = x.shape().numel();
    if n != positions.len() {
        return Err(Error::here(ErrorKind::ShapeMismatch {
            op: "scatter",
            lhs: x.shape(),
            rhs: Shape::from([positions.len()]),
        }));
    }
    for &p in positions {
        check_index("scatter", p, shape.numel())?;
    }
    Ok(record("scatter", x, shape, positions.to_vec()))
}

/// A tensor of `shape`, zero except that element `j` of `x` (row-major, any shape) is added
/// at the flat row-major position `positions[j]`; positions may repeat (they accumulate).
/// The VJP gathers the cotangent back: `∂L/∂x_j = ∂L/∂Y[positions[j]]`.
///
/// # Panics
/// If `x` has not exactly one element per position, or a position is past the end (see
/// [`try_scatter`]).
///
/// ```
/// use wengert_ops::structure::scatter;
/// use wengert_ops::prelude::*;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([3], vec![1.0, 2.0, 3.0]);
/// let y = scatter(x, [2, 2], &[3, 0, 3]); // [[2, 0], [0, 1 + 3]]
/// assert_eq!(y.to_vec(), vec![2.0, 0.0, 0.0, 4.0]);
/// let w = tape.constant_tensor([2, 2], vec![1.0, 10.0, 100.0, 1000.0]);
/// let g = tape.backward((y * w).sum_all());
/// assert_eq!(g.wrt(x), &[1000.0, 1.0, 1000.0]);
/// ```
#[track_caller]
pub fn scatter<'t, T: Real>(
    x: Var<'t, T>,
    shape: impl Into<Shape>,
    positions: &[usize],
) -> Var<'t, T> {
    try_scatter(x, shape, positions).unwrap_or_else(|e| panic!("{e}"))
}

/// [`diag`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) naming `diag` and
/// the shape if `v` is not a vector.
///
/// ```
/// use wengert_ops::structure::try_diag;
/// let tape = wengert_tape::Tape::<f64>::new();
/// assert!(try_diag(tape.tensor([1, 2], vec![1.0, 2.0])).is_err());
/// ```
#[track_caller]
pub fn try_diag<'t, T: Real>(v: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    let shape = v.shape();
    if shape.rank() != 1 {
        return Err(invalid(
            "diag",
            format!("expected a vector, got shape {shape}"),
        ));
    }
    let n = shape[0];
    Ok(record(
        "diag",
        v,
        Shape::from([n, n]),
        (0..n).map(|i| i * n + i).collect(),
    ))
}

/// The `[n, n]` diagonal matrix with `v` (`[n]`) on its diagonal; `∂L/∂vᵢ = ∂L/∂Yᵢᵢ`.
///
/// # Panics
/// If `v` is not a vector (see [`try_diag`]).
///
/// ```
/// use wengert_ops::structure::diag;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let v = tape.tensor([2], vec![3.0, 4.0]);
/// assert_eq!(diag(v).to_vec(), vec![3.0, 0.0, 0.0, 4.0]);
/// ```
#[track_caller]
pub fn diag<'t, T: Real>(v: Var<'t, T>) -> Var<'t, T> {
    try_diag(v).unwrap_or_else(|e| panic!("{e}"))
}

/// Which triangle, and whether it includes the diagonal.
#[derive(Clone, Copy)]
enum Tri {
    Lower,
    StrictLower,
    Upper,
}

/// The flat positions of the triangle of an `[n, n]` matrix, row by row.
fn tri_positions(n: usize, tri: Tri) -> Vec<usize> {
    let mut pos = Vec::with_capacity(n * (n + 1) / 2);
    for i in 0..n {
        let cols = match tri {
            Tri::Lower => 0..i + 1,
            Tri::StrictLower => 0..i,
            Tri::Upper => i..n,
        };
        pos.extend(cols.map(|j| i * n + j));
    }
    pos
}

#[track_caller]
fn try_tri<'t, T: Real>(
    op: &'static str,
    v: Var<'t, T>,
    n: usize,
    tri: Tri,
) -> Result<Var<'t, T>, Error> {
    let (want, what) = match tri {
        Tri::StrictLower => (n * n.saturating_sub(1) / 2, "n(n − 1)/2"),
        _ => (n * (n + 1) / 2, "n(n + 1)/2"),
    };
    check_vector(op, v, want, &format!("{what} for n = {n}"))?;
    Ok(record(op, v, Shape::from([n, n]), tri_positions(n, tri)))
}

/// [`tril_from`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) naming
/// `tril_from`, `n` and the shape if `v` is not a vector of `n(n + 1)/2` elements.
///
/// ```
/// use wengert_ops::structure::try_tril_from;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = try_tril_from(tape.tensor([4], vec![0.0; 4]), 2).unwrap_err();
/// assert!(e.to_string().contains("expected a vector of 3 elements"));
/// ```
#[track_caller]
pub fn try_tril_from<'t, T: Real>(v: Var<'t, T>, n: usize) -> Result<Var<'t, T>, Error> {
    try_tri("tril_from", v, n, Tri::Lower)
}

/// The `[n, n]` lower-triangular matrix (diagonal included) whose triangle, read row by row,
/// is `v` (`n(n + 1)/2` elements): `L = [[v₀, 0, 0], [v₁, v₂, 0], [v₃, v₄, v₅]]` for `n = 3`.
/// The VJP reads the triangle of the cotangent back, row by row.
///
/// # Panics
/// If `v` is not a vector of `n(n + 1)/2` elements (see [`try_tril_from`]).
///
/// ```
/// use wengert_ops::structure::tril_from;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let v = tape.tensor([3], vec![1.0, 2.0, 3.0]);
/// assert_eq!(tril_from(v, 2).to_vec(), vec![1.0, 0.0, 2.0, 3.0]);
/// ```
#[track_caller]
pub fn tril_from<'t, T: Real>(v: Var<'t, T>, n: usize) -> Var<'t, T> {
    try_tril_from(v, n).unwrap_or_else(|e| panic!("{e}"))
}

/// [`strict_tril_from`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) naming
/// `strict_tril_from`, `n` and the shape if `v` is not a vector of `n(n − 1)/2` elements.
///
/// ```
/// use wengert_ops::structure::try_strict_tril_from;
/// let tape = wengert_tape::Tape::<f64>::new();
/// assert!(try_strict_tril_from(tape.tensor([3], vec![0.0; 3]), 2).is_err());
/// ```
#[track_caller]
pub fn try_strict_tril_from<'t, T: Real>(v: Var<'t, T>, n: usize) -> Result<Var<'t, T>, Error> {
    try_tri("strict_tril_from", v, n, Tri::StrictLower)
}

/// The `[n, n]` strictly lower-triangular matrix (zero diagonal) whose triangle, row by row,
/// is `v` (`n(n − 1)/2` elements). A Cholesky factor with a positive diagonal is
/// `diag(q.exp()) + strict_tril_from(l, n)`.
///
/// # Panics
/// If `v` is not a vector of `n(n − 1)/2` elements (see [`try_strict_tril_from`]).
///
/// ```
/// use wengert_ops::prelude::*;
/// use wengert_ops::structure::{diag, strict_tril_from};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let (q, l) = (tape.tensor([2], vec![0.0, 0.0]), tape.tensor([1], vec![5.0]));
/// let chol = diag(q.exp()) + strict_tril_from(l, 2);
/// assert_eq!(chol.to_vec(), vec![1.0, 0.0, 5.0, 1.0]);
/// ```
#[track_caller]
pub fn strict_tril_from<'t, T: Real>(v: Var<'t, T>, n: usize) -> Var<'t, T> {
    try_strict_tril_from(v, n).unwrap_or_else(|e| panic!("{e}"))
}

/// [`triu_from`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) naming
/// `triu_from`, `n` and the shape if `v` is not a vector of `n(n + 1)/2` elements.
///
/// ```
/// use wengert_ops::structure::try_triu_from;
/// let tape = wengert_tape::Tape::<f64>::new();
/// assert!(try_triu_from(tape.tensor([2], vec![0.0; 2]), 2).is_err());
/// ```
#[track_caller]
pub fn try_triu_from<'t, T: Real>(v: Var<'t, T>, n: usize) -> Result<Var<'t, T>, Error> {
    try_tri("triu_from", v, n, Tri::Upper)
}

/// The `[n, n]` upper-triangular matrix (diagonal included) whose triangle, row by row, is
/// `v` (`n(n + 1)/2` elements): `U = [[v₀, v₁], [0, v₂]]` for `n = 2`.
///
/// # Panics
/// If `v` is not a vector of `n(n + 1)/2` elements (see [`try_triu_from`]).
///
/// ```
/// use wengert_ops::structure::triu_from;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let v = tape.tensor([3], vec![1.0, 2.0, 3.0]);
/// assert_eq!(triu_from(v, 2).to_vec(), vec![1.0, 2.0, 0.0, 3.0]);
/// ```
#[track_caller]
pub fn triu_from<'t, T: Real>(v: Var<'t, T>, n: usize) -> Var<'t, T> {
    try_triu_from(v, n).unwrap_or_else(|e| panic!("{e}"))
}
