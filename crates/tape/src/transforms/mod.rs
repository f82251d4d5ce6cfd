//! JAX-style function transforms: write a function once over [`Var`]s, then ask for its
//! gradient, vector-Jacobian or Jacobian-vector products, Jacobians, Hessian-vector products
//! and Hessians.
//!
//! # Writing the function
//!
//! A *scalar* function is `for<'t> Fn(&[Var<'t, R>]) -> Var<'t, R>` (the output is a scalar
//! or a one-element tensor). A *vector-valued* function returns `Vec<Var<'t, R>>`; its output
//! vector is the concatenation of the elements of those `Var`s, row-major, so a function may
//! return scalars (`vec![y0, y1]`), one tensor (`vec![y]`) or a mix. The inputs are always a
//! flat slice of scalars, recorded as scalar leaves.
//!
//! Reverse-mode transforms ([`grad`], [`value_and_grad`], [`vjp`], [`jacrev`]) run the
//! function on a `Tape<T>`. Forward-mode ones ([`jvp`], [`jacfwd`], [`hvp`], [`hessian`]) run
//! it on a `Tape<Dual<T>>` (and [`jacfwd_chunked`] on a `Tape<DualVec<T, N>>`): the same ops,
//! over [dual numbers](crate::dual) whose tangents ride along the forward pass. To use one
//! function with both kinds, write it generic over the element type `R: Real` and pass the
//! function item itself: Rust infers `R` for each transform. Inside such a function use
//! `R::lit(2.0)` for literals (`Var op R` works; `f64 op Var` only for concrete types).
//! A closure needs neither: `f64` literals work on `Var<'t, Dual<f64>>` too, so the same
//! closure text goes to `grad` and to `hvp` (`|v| (v[0] - 1.0) * 2.0`). The price of those
//! literal impls: a closure whose element type is fixed by nothing but a float literal now
//! needs it named (`from_fn::<f64, _>(...)`).
//!
//! ```
//! use wengert_tape::transforms::{grad, hessian, hvp};
//! use wengert_tape::{Real, Var};
//!
//! // Rosenbrock: f(x, y) = (1 − x)² + 100 (y − x²)²
//! fn rosen<'t, R: Real>(v: &[Var<'t, R>]) -> Var<'t, R> {
//!     let a = v[0] - R::one();
//!     let b = v[1] - v[0] * v[0];
//!     a * a + b * b * R::lit(100.0)
//! }
//! let x = [1.5_f64, 2.0];
//! let g = grad(rosen, &x); // (2(x−1) − 400x(y−x²), 200(y−x²))
//! assert!((g[0] - (1.0 - 600.0 * (2.0 - 2.25))).abs() < 1e-12);
//! assert!((g[1] - 200.0 * (2.0 - 2.25)).abs() < 1e-12);
//! let h = hessian(rosen, &x); // [[1200x² − 400y + 2, −400x], [−400x, 200]]
//! assert_eq!(h.data(), &[1200.0 * 2.25 - 800.0 + 2.0, -600.0, -600.0, 200.0]);
//! assert_eq!(hvp(rosen, &x, &[0.0, 1.0]), vec![-600.0, 200.0]);
//! ```
//!
//! Tape-free forward mode for functions written over plain [`num_traits::Float`] is in
//! [`forward`].
use crate::{Error, ErrorKind, Real, Tape, Tensor, Var};

pub mod forward;
mod fwd;
mod second;
mod tree;

pub use fwd::{jacfwd, jacfwd_chunked, jvp};
pub use second::{hessian, hvp};
pub use tree::{grad_of, value_and_grad_of, Tree, TreeFn};

/// The gradient of a scalar function at `x` (reverse mode: one recording, one sweep).
///
/// # Panics
/// If `f` returns a tensor with more than one element.
///
/// ```
/// use wengert_tape::transforms::grad;
/// // f(x, y) = x² y: ∇f = (2xy, x²)
/// let g = grad(|v| v[0] * v[0] * v[1], &[3.0, 2.0]);
/// assert_eq!(g, vec![12.0, 9.0]);
/// ```
#[track_caller]
pub fn grad<T: Real, F>(f: F, x: &[T]) -> Vec<T>
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    value_and_grad(f, x).1
}

/// The value and the gradient of a scalar function at `x`.
///
/// # Panics
/// If `f` returns a tensor with more than one element.
///
/// ```
/// use wengert_tape::transforms::value_and_grad;
/// // f(x, y) = x / y: ∇f = (1/y, −x/y²)
/// let (y, g) = value_and_grad(|v| v[0] / v[1], &[1.0, 2.0]);
/// assert_eq!((y, g), (0.5, vec![0.5, -0.25]));
/// ```
#[track_caller]
pub fn value_and_grad<T: Real, F>(f: F, x: &[T]) -> (T, Vec<T>)
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    let tape = Tape::new();
    let xs = tape.vars(x);
    let y = f(&xs);
    let g = tape.backward(y);
    (y.value(), xs.iter().map(|&v| g[v]).collect())
}

/// The value of a vector-valued function and the vector-Jacobian product `uᵀ J` at `x`
/// (reverse mode: one recording, one sweep).
///
/// Returns `(f(x), Jᵀ u)`; `u` (the cotangent) has one element per output element.
///
/// # Panics
/// If `cotangent` does not have one element per output element.
///
/// ```
/// use wengert_tape::transforms::vjp;
/// // f(x, y) = (xy, x + y): J = [[y, x], [1, 1]]
/// let (fx, g) = vjp(|v| vec![v[0] * v[1], v[0] + v[1]], &[2.0, 3.0], &[1.0, 10.0]);
/// assert_eq!(fx, vec![6.0, 5.0]);
/// assert_eq!(g, vec![3.0 + 10.0, 2.0 + 10.0]); // Jᵀ u
/// ```
#[track_caller]
pub fn vjp<T: Real, F>(f: F, x: &[T], cotangent: &[T]) -> (Vec<T>, Vec<T>)
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let tape = Tape::new();
    let xs = tape.vars(x);
    let ys = f(&xs);
    let value = flatten(&ys);
    check_len("vjp", value.len(), cotangent.len());
    // uᵀ f(x) as one scalar, so that a single sweep gives the whole product.
    let mut total: Option<Var<'_, T>> = None;
    let mut off = 0;
    for &y in &ys {
        let n = y.numel();
        let u = &cotangent[off..off + n];
        off += n;
        let term = if y.is_tensor() {
            (y * tape.constant_tensor(y.shape(), u.to_vec())).sum_all()
        } else {
            y * u[0]
        };
        total = Some(match total {
            Some(t) => t + term,
            None => term,
        });
    }
    let grads = match total {
        Some(t) => {
            let g = tape.backward(t);
            xs.iter().map(|&v| g[v]).collect()
        }
        None => vec![T::zero(); x.len()],
    };
    (value, grads)
}

/// The Jacobian of a vector-valued function at `x` by reverse mode: one recording and one
/// sweep per output element. Row `i` of the `[m, n]` result is `∇fᵢ`.
///
/// Prefer it to [`jacfwd`] when there are fewer outputs than inputs.
///
/// ```
/// use wengert_tape::transforms::jacrev;
/// // f(x, y) = (xy, x + y, x²): J = [[y, x], [1, 1], [2x, 0]]
/// let j = jacrev(|v| vec![v[0] * v[1], v[0] + v[1], v[0] * v[0]], &[2.0, 3.0]);
/// assert_eq!(j.shape().dims(), &[3, 2]);
/// assert_eq!(j.data(), &[3.0, 2.0, 1.0, 1.0, 4.0, 0.0]);
/// ```
#[track_caller]
pub fn jacrev<T: Real, F>(f: F, x: &[T]) -> Tensor<T>
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let tape = Tape::new();
    let xs = tape.vars(x);
    let ys = f(&xs);
    let n = x.len();
    let m: usize = ys.iter().map(|y| y.numel()).sum();
    let mut jac = Vec::with_capacity(m * n);
    let mut unit = Vec::new();
    for &y in &ys {
        if !y.is_tensor() {
            let g = tape.backward(y);
            jac.extend(xs.iter().map(|&v| g[v]));
            continue;
        }
        unit.clear();
        unit.resize(y.numel(), T::zero());
        for i in 0..y.numel() {
            unit[i] = T::one();
            let g = tape.vjp(y, &unit);
            jac.extend(xs.iter().map(|&v| g[v]));
            unit[i] = T::zero();
        }
    }
    Tensor::new([m, n], jac)
}

/// The elements of every output `Var`, concatenated.
pub(crate) fn flatten<T: Real>(ys: &[Var<'_, T>]) -> Vec<T> {
    let mut out = Vec::with_capacity(ys.iter().map(|y| y.numel()).sum());
    for y in ys {
        y.with_values(|v| out.extend_from_slice(v));
    }
    out
}

/// Panics with a shape-mismatch error naming `op` unless `a == b`.
#[track_caller]
pub(crate) fn check_len(op: &'static str, a: usize, b: usize) {
    if a != b {
        let e = Error::here(ErrorKind::ShapeMismatch {
            op,
            lhs: [a].into(),
            rhs: [b].into(),
        });
        panic!("{e}");
    }
}
