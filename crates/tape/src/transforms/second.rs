//! Second order by forward-over-reverse: record the function on a `Tape<Dual<T>>` whose
//! inputs carry the tangent `v`; every local partial is then a dual number too, so the
//! backward sweep computes `∇f(x + εv) = ∇f(x) + ε H v` and the tangents of the gradient are
//! the Hessian-vector product.
use super::check_len;
use crate::dual::Dual;
use crate::{Real, Tape, Tensor, Var};

/// The Hessian-vector product `H v` of a scalar function at `x`, by forward-over-reverse:
/// one recording over [`Dual`] numbers (input `i` is `Dual(xᵢ, vᵢ)`) and one backward sweep;
/// the `eps` parts of the gradient are `H v` (the `re` parts are the gradient).
///
/// Costs a small constant times one gradient, whatever the dimension.
///
/// # Panics
/// If `v` and `x` differ in length, or `f` returns more than one element.
///
/// ```
/// use wengert_tape::transforms::hvp;
/// // f(x, y) = x² y: H = [[2y, 2x], [2x, 0]]
/// let hv = hvp(|v| v[0] * v[0] * v[1], &[3.0, 2.0], &[1.0, 1.0]);
/// assert_eq!(hv, vec![4.0 + 6.0, 6.0]);
/// ```
#[track_caller]
pub fn hvp<T: Real, F>(f: F, x: &[T], v: &[T]) -> Vec<T>
where
    F: for<'t> Fn(&[Var<'t, Dual<T>>]) -> Var<'t, Dual<T>>,
{
    check_len("hvp", x.len(), v.len());
    let tape = Tape::new();
    let mut out = vec![T::zero(); x.len()];
    hvp_on(&tape, &f, x, |i| v[i], &mut out);
    out
}

/// The Hessian of a scalar function at `x`, as an `[n, n]` tensor: `n` Hessian-vector
/// products with the unit vectors, on one reused tape. Column `j` is `H eⱼ`; the result is
/// symmetric up to rounding (it is not symmetrized).
///
/// # Panics
/// If `f` returns more than one element.
///
/// ```
/// use wengert_tape::transforms::hessian;
/// // f(x, y) = x³ + xy: H = [[6x, 1], [1, 0]]
/// let h = hessian(|v| v[0] * v[0] * v[0] + v[0] * v[1], &[2.0, 5.0]);
/// assert_eq!(h.data(), &[12.0, 1.0, 1.0, 0.0]);
/// ```
#[track_caller]
pub fn hessian<T: Real, F>(f: F, x: &[T]) -> Tensor<T>
where
    F: for<'t> Fn(&[Var<'t, Dual<T>>]) -> Var<'t, Dual<T>>,
{
    let n = x.len();
    let mut tape = Tape::new();
    let mut col = vec![T::zero(); n];
    let mut h = vec![T::zero(); n * n];
    for j in 0..n {
        hvp_on(
            &tape,
            &f,
            x,
            |i| if i == j { T::one() } else { T::zero() },
            &mut col,
        );
        for (i, &c) in col.iter().enumerate() {
            h[i * n + j] = c;
        }
        tape.clear();
    }
    Tensor::new([n, n], h)
}

/// One forward-over-reverse pass on `tape`, writing `H v` into `out`.
#[track_caller]
fn hvp_on<T: Real, F>(tape: &Tape<Dual<T>>, f: &F, x: &[T], v: impl Fn(usize) -> T, out: &mut [T])
where
    F: for<'t> Fn(&[Var<'t, Dual<T>>]) -> Var<'t, Dual<T>>,
{
    let xs: Vec<_> = x
        .iter()
        .enumerate()
        .map(|(i, &a)| tape.var(Dual::new(a, v(i))))
        .collect();
    let y = f(&xs);
    let g = tape.backward(y);
    for (o, &xi) in out.iter_mut().zip(&xs) {
        *o = g[xi].eps;
    }
}
