//! The derivative rules on plain values, shared by both dual types.
//!
//! A unary rule returns `(f(x), f'(x))`; a binary rule `f(a, b)` returns
//! `(f(a, b), ∂f/∂a, ∂f/∂b)`. The dual types apply them with
//! [`DualNumber::chain`](super::parts::DualNumber::chain) and `chain2`, which keep zero
//! tangents exactly zero. Where a rule returns an `Option`, `None` means the result is a
//! constant by convention (zero tangent).

use num_traits::Float;

/// `ln 2` without requiring `FloatConst`.
#[inline]
fn ln_2<T: Float>() -> T {
    (T::one() + T::one()).ln()
}

/// `ln 10` without requiring `FloatConst`.
#[inline]
fn ln_10<T: Float>() -> T {
    T::from(10u8).map_or_else(T::nan, T::ln)
}

/// `1 - x²`, factored for accuracy near `|x| = 1`.
#[inline]
fn one_minus_sq<T: Float>(x: T) -> T {
    (T::one() - x) * (T::one() + x)
}

/// `(1/x)' = -1/x²`.
#[inline]
pub(super) fn recip<T: Float>(x: T) -> (T, T) {
    let r = x.recip();
    (r, -r * r)
}

/// `(xⁿ)' = n xⁿ⁻¹`; `x⁰ = 1` is a constant (`None`), even at `x = 0`.
#[inline]
pub(super) fn powi<T: Float>(x: T, n: i32) -> (T, Option<T>) {
    if n == 0 {
        return (T::one(), None);
    }
    let nf = T::from(n).unwrap_or_else(T::nan);
    // n - 1 overflows at i32::MIN: fall back to powf.
    let d = match n.checked_sub(1) {
        Some(m) => nf * x.powi(m),
        None => nf * x.powf(nf - T::one()),
    };
    (x.powi(n), Some(d))
}

/// `d(xᵖ) = p xᵖ⁻¹ dx + xᵖ ln x dp`; the first partial is 0 for `p = 0` and the second 0 where
/// `xᵖ = 0` (not `0 · ln 0 = NaN`).
#[inline]
pub(super) fn powf<T: Float>(x: T, p: T) -> (T, T, T) {
    let re = x.powf(p);
    let dx = if p == T::zero() {
        T::zero()
    } else {
        p * x.powf(p - T::one())
    };
    let dp = if re == T::zero() {
        T::zero()
    } else {
        re * x.ln()
    };
    (re, dx, dp)
}

/// `(√x)' = 1 / (2√x)`.
#[inline]
pub(super) fn sqrt<T: Float>(x: T) -> (T, T) {
    let s = x.sqrt();
    (s, (s + s).recip())
}

/// `(∛x)' = 1 / (3 ∛x²)`.
#[inline]
pub(super) fn cbrt<T: Float>(x: T) -> (T, T) {
    let c = x.cbrt();
    (c, (T::from(3u8).unwrap_or_else(T::nan) * c * c).recip())
}

/// `(eˣ)' = eˣ`.
#[inline]
pub(super) fn exp<T: Float>(x: T) -> (T, T) {
    let e = x.exp();
    (e, e)
}

/// `(2ˣ)' = 2ˣ ln 2`.
#[inline]
pub(super) fn exp2<T: Float>(x: T) -> (T, T) {
    let e = x.exp2();
    (e, e * ln_2())
}

/// `(eˣ - 1)' = eˣ`.
#[inline]
pub(super) fn exp_m1<T: Float>(x: T) -> (T, T) {
    (x.exp_m1(), x.exp())
}

/// `(ln x)' = 1/x`.
#[inline]
pub(super) fn ln<T: Float>(x: T) -> (T, T) {
    (x.ln(), x.recip())
}

/// `(ln(1 + x))' = 1/(1 + x)`.
#[inline]
pub(super) fn ln_1p<T: Float>(x: T) -> (T, T) {
    (x.ln_1p(), (T::one() + x).recip())
}

/// `log_b x = ln x / ln b`: `∂/∂x = 1/(x ln b)`, `∂/∂b = -log_b x / (b ln b)`.
#[inline]
pub(super) fn log<T: Float>(x: T, b: T) -> (T, T, T) {
    let re = x.log(b);
    let lb = b.ln();
    (re, (x * lb).recip(), -re / (b * lb))
}

/// `(log₂ x)' = 1/(x ln 2)`.
#[inline]
pub(super) fn log2<T: Float>(x: T) -> (T, T) {
    (x.log2(), (x * ln_2()).recip())
}

/// `(log₁₀ x)' = 1/(x ln 10)`.
#[inline]
pub(super) fn log10<T: Float>(x: T) -> (T, T) {
    (x.log10(), (x * ln_10()).recip())
}

/// `d√(x² + y²) = (x dx + y dy) / √(x² + y²)`; a constant at the origin.
#[inline]
pub(super) fn hypot<T: Float>(x: T, y: T) -> (T, Option<(T, T)>) {
    let h = x.hypot(y);
    if h == T::zero() {
        return (h, None);
    }
    (h, Some((x / h, y / h)))
}

/// `(sin x)' = cos x`.
#[inline]
pub(super) fn sin<T: Float>(x: T) -> (T, T) {
    x.sin_cos()
}

/// `(cos x)' = -sin x`.
#[inline]
pub(super) fn cos<T: Float>(x: T) -> (T, T) {
    let (s, c) = x.sin_cos();
    (c, -s)
}

/// [`sin`] and [`cos`] from one `sin_cos` evaluation.
#[inline]
pub(super) fn sin_cos<T: Float>(x: T) -> ((T, T), (T, T)) {
    let (s, c) = x.sin_cos();
    ((s, c), (c, -s))
}

/// `(tan x)' = 1 + tan² x`.
#[inline]
pub(super) fn tan<T: Float>(x: T) -> (T, T) {
    let t = x.tan();
    (t, T::one() + t * t)
}

/// `(asin x)' = 1/√(1 - x²)`.
#[inline]
pub(super) fn asin<T: Float>(x: T) -> (T, T) {
    (x.asin(), one_minus_sq(x).sqrt().recip())
}

/// `(acos x)' = -1/√(1 - x²)`.
#[inline]
pub(super) fn acos<T: Float>(x: T) -> (T, T) {
    (x.acos(), -one_minus_sq(x).sqrt().recip())
}

/// `(atan x)' = 1/(1 + x²)`.
#[inline]
pub(super) fn atan<T: Float>(x: T) -> (T, T) {
    (x.atan(), (T::one() + x * x).recip())
}

/// `d atan2(y, x) = (x dy - y dx) / (x² + y²)`; a constant where `x² + y²` is 0.
#[inline]
pub(super) fn atan2<T: Float>(y: T, x: T) -> (T, Option<(T, T)>) {
    let re = y.atan2(x);
    let r2 = x * x + y * y;
    if r2 == T::zero() {
        return (re, None);
    }
    (re, Some((x / r2, -y / r2)))
}

/// `(sinh x)' = cosh x`.
#[inline]
pub(super) fn sinh<T: Float>(x: T) -> (T, T) {
    (x.sinh(), x.cosh())
}

/// `(cosh x)' = sinh x`.
#[inline]
pub(super) fn cosh<T: Float>(x: T) -> (T, T) {
    (x.cosh(), x.sinh())
}

/// `(tanh x)' = 1 - tanh² x`.
#[inline]
pub(super) fn tanh<T: Float>(x: T) -> (T, T) {
    let t = x.tanh();
    (t, T::one() - t * t)
}

/// `(asinh x)' = 1/√(x² + 1)`.
#[inline]
pub(super) fn asinh<T: Float>(x: T) -> (T, T) {
    (x.asinh(), x.hypot(T::one()).recip())
}

/// `(acosh x)' = 1/(√(x - 1) √(x + 1))`.
#[inline]
pub(super) fn acosh<T: Float>(x: T) -> (T, T) {
    let d = ((x - T::one()).sqrt() * (x + T::one()).sqrt()).recip();
    (x.acosh(), d)
}

/// `(atanh x)' = 1/(1 - x²)`.
#[inline]
pub(super) fn atanh<T: Float>(x: T) -> (T, T) {
    (x.atanh(), one_minus_sq(x).recip())
}
