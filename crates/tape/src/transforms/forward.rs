//! Forward-mode derivatives without a tape, for functions written over plain
//! [`num_traits::Float`]: the function is simply evaluated at [dual numbers](crate::dual).
//!
//! The function has the form `Fn(&[D]) -> D` where `D` is the dual type ([`Dual`]`<T>` for
//! [`gradient`] and [`jvp`], [`DualVec`]`<T, N>` for [`gradient_chunked`]); closures infer it,
//! and a function written generically (`fn f<F: Float>(x: &[F]) -> F`) can be passed as is.
//!
//! A gradient costs `n` evaluations with [`Dual`], or `⌈n / N⌉` evaluations carrying `N`
//! tangents each with [`DualVec`]; reverse mode ([`grad`](super::grad)) costs a small
//! constant number of evaluations whatever `n`, but records a tape. Each call allocates only
//! its input buffer (reused across passes) and the result.
//!
//! ```
//! use num_traits::Float;
//! use wengert_tape::transforms::forward;
//!
//! fn f<F: Float>(x: &[F]) -> F {
//!     x[0].sin() * x[1] // ∇f = (cos x · y, sin x)
//! }
//! let x = [0.5, 2.0];
//! let g = forward::gradient(f, &x);
//! assert_eq!(g, vec![0.5.cos() * 2.0, 0.5.sin()]);
//! assert_eq!(forward::gradient_chunked::<2, _>(f, &x), g);
//! ```
use crate::dual::{Dual, DualVec};
use num_traits::Float;

/// The gradient of `f` at `x` by `n` forward passes over [`Dual`] numbers (pass `i` seeds
/// input `i` with tangent 1).
///
/// ```
/// use wengert_tape::transforms::forward;
/// // f(x, y) = x² y: ∇f = (2xy, x²)
/// let g = forward::gradient(|v| v[0] * v[0] * v[1], &[3.0, 2.0]);
/// assert_eq!(g, vec![12.0, 9.0]);
/// ```
pub fn gradient<T: Float, F>(f: F, x: &[T]) -> Vec<T>
where
    F: Fn(&[Dual<T>]) -> Dual<T>,
{
    value_and_gradient(f, x).1
}

/// The value and the gradient of `f` at `x`, by `n` forward passes over [`Dual`] numbers
/// (with `n = 0`, one pass for the value).
///
/// ```
/// use wengert_tape::transforms::forward;
/// // f(x, y) = x / y: ∇f = (1/y, −x/y²)
/// let (y, g) = forward::value_and_gradient(|v| v[0] / v[1], &[1.0, 2.0]);
/// assert_eq!((y, g), (0.5, vec![0.5, -0.25]));
/// ```
pub fn value_and_gradient<T: Float, F>(f: F, x: &[T]) -> (T, Vec<T>)
where
    F: Fn(&[Dual<T>]) -> Dual<T>,
{
    let mut inputs: Vec<Dual<T>> = x.iter().map(|&a| Dual::constant(a)).collect();
    let mut grad = vec![T::zero(); x.len()];
    if x.is_empty() {
        return (f(&inputs).re, grad);
    }
    let mut value = T::zero();
    for i in 0..x.len() {
        inputs[i].eps = T::one();
        let y = f(&inputs);
        inputs[i].eps = T::zero();
        grad[i] = y.eps;
        value = y.re;
    }
    (value, grad)
}

/// The gradient of `f` at `x` by `⌈n / N⌉` forward passes over [`DualVec`]`<T, N>` numbers,
/// each seeding `N` inputs with unit tangents (the last chunk may be narrower: `N` need not
/// divide `n`). Call it as `gradient_chunked::<N, _>(f, x)`.
///
/// # Panics
/// If `N == 0`.
///
/// ```
/// use wengert_tape::transforms::forward;
/// // f = Σᵢ i·xᵢ²: ∂f/∂xᵢ = 2i·xᵢ
/// let f = |v: &[_]| (0..v.len()).fold(v[0] * 0.0, |s, i| s + v[i] * v[i] * i as f64);
/// let x = [1.0, 1.0, 1.0, 1.0, 1.0];
/// assert_eq!(forward::gradient_chunked::<2, _>(f, &x), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
/// ```
#[track_caller]
pub fn gradient_chunked<const N: usize, T: Float>(
    f: impl Fn(&[DualVec<T, N>]) -> DualVec<T, N>,
    x: &[T],
) -> Vec<T> {
    assert!(
        N > 0,
        "wengert: gradient_chunked: the chunk width N must be positive"
    );
    let n = x.len();
    let mut inputs: Vec<DualVec<T, N>> = x.iter().map(|&a| DualVec::constant(a)).collect();
    let mut grad = vec![T::zero(); n];
    let mut start = 0;
    while start < n {
        let width = N.min(n - start);
        for k in 0..width {
            inputs[start + k].eps[k] = T::one();
        }
        let y = f(&inputs);
        for k in 0..width {
            inputs[start + k].eps[k] = T::zero();
        }
        grad[start..start + width].copy_from_slice(&y.eps[..width]);
        start += width;
    }
    grad
}

/// The value of `f` at `x` and its directional derivative `∇f · v`, in one forward pass
/// (input `i` is `Dual(xᵢ, vᵢ)`).
///
/// # Panics
/// If `x` and `v` differ in length.
///
/// ```
/// use wengert_tape::transforms::forward;
/// // f(x, y) = xy, v = (1, 10): ∇f · v = y + 10x
/// assert_eq!(forward::jvp(|a| a[0] * a[1], &[2.0, 3.0], &[1.0, 10.0]), (6.0, 23.0));
/// ```
#[track_caller]
pub fn jvp<T: Float, F>(f: F, x: &[T], v: &[T]) -> (T, T)
where
    F: Fn(&[Dual<T>]) -> Dual<T>,
{
    super::check_len("forward::jvp", x.len(), v.len());
    let inputs: Vec<Dual<T>> = x.iter().zip(v).map(|(&a, &b)| Dual::new(a, b)).collect();
    let y = f(&inputs);
    (y.re, y.eps)
}
