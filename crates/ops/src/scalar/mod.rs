//! [`Scalar`]: one trait for plain numbers, dual numbers and scalar [`Var`]s, so one generic
//! function runs plainly, in forward mode and on the tape.
//!
//! `Var` cannot implement `num_traits::Float` (a constant such as `Float::one()` would need a
//! tape to live on), so `Scalar` asks only for what a model needs: arithmetic with itself
//! and with its element type [`Scalar::Elem`] (on either side), and the `f64`-style methods.
//! Literals are `S::lit(2.5)`, a value of the element type: `x * S::lit(2.5)` and
//! `S::lit(1.0) - x` work for every implementor, and on the tape they fold into the handle
//! (no node) like any `Var op T`.
//!
//! ```
//! use wengert_ops::Scalar;
//! use wengert_tape::{dual::Dual64, Tape};
//!
//! // f(x) = sin(x) eˣ − 1.5 x²; f'(x) = (cos x + sin x) eˣ − 3x
//! fn f<S: Scalar>(x: S) -> S {
//!     x.sin() * x.exp() - x.powi(2) * S::lit(1.5)
//! }
//! let x = 0.8_f64;
//! let plain = f(x);                              // plain f64
//! let fwd = f(Dual64::variable(x));              // forward mode
//! let tape = Tape::<f64>::new();
//! let v = tape.var(x);
//! let y = f(v);                                  // on the tape
//! let rev = tape.backward(y)[v];
//! let want = (x.cos() + x.sin()) * x.exp() - 3.0 * x;
//! assert_eq!(fwd.re, plain);
//! assert_eq!(y.value(), plain);
//! assert!((fwd.eps - want).abs() < 1e-14 && (rev - want).abs() < 1e-14);
//! ```
//!
//! In a module that also imports `wengert_ops::prelude::*`, a method call on a *concrete*
//! `Var` is ambiguous between [`ElementwiseExt`](crate::elementwise::ElementwiseExt) and
//! `Scalar`; that is why `Scalar` is not in the prelude: import it where generic code uses it.
use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Sub};
use wengert_tape::Real;

mod impls;

/// A number-like value: `f32`, `f64`, a [`Dual`](wengert_tape::dual::Dual) or a scalar
/// [`Var`](wengert_tape::Var). See the [module documentation](self) for an example that runs
/// one function all three ways.
///
/// Every method mirrors `f64`'s, with the derivative the tape's op of the same name uses.
///
/// ```
/// use wengert_ops::Scalar;
/// fn softplus_twice<S: Scalar>(x: S) -> S { x.softplus() * S::lit(2.0) }
/// assert!((softplus_twice(0.0_f64) - 2.0 * 2f64.ln()).abs() < 1e-15);
/// ```
pub trait Scalar:
    Copy
    + Debug
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<Self::Elem, Output = Self>
    + Sub<Self::Elem, Output = Self>
    + Mul<Self::Elem, Output = Self>
    + Div<Self::Elem, Output = Self>
{
    /// The element type literals and values have: `Self` for plain and dual numbers, `T`
    /// for a `Var<'t, T>`.
    type Elem: Real
        + Add<Self, Output = Self>
        + Sub<Self, Output = Self>
        + Mul<Self, Output = Self>
        + Div<Self, Output = Self>;

    /// An `f64` literal as the element type (rounded for `f32`; a constant for duals).
    ///
    /// ```
    /// use wengert_ops::Scalar;
    /// assert_eq!(<f32 as Scalar>::lit(0.25), 0.25f32);
    /// ```
    fn lit(x: f64) -> Self::Elem {
        Self::Elem::lit(x)
    }
    /// The value (for a `Var`, its recorded value; for the others, itself).
    ///
    /// ```
    /// use wengert_ops::Scalar;
    /// assert_eq!(Scalar::value(2.0_f64), 2.0);
    /// ```
    fn value(self) -> Self::Elem;
    /// `eˣ`.
    fn exp(self) -> Self;
    /// `eˣ − 1`, accurate near 0.
    fn exp_m1(self) -> Self;
    /// The natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + x)`, accurate near 0.
    fn ln_1p(self) -> Self;
    /// The sine.
    fn sin(self) -> Self;
    /// The cosine.
    fn cos(self) -> Self;
    /// The hyperbolic tangent.
    fn tanh(self) -> Self;
    /// The logistic sigmoid `1 / (1 + e⁻ˣ)`.
    fn sigmoid(self) -> Self;
    /// `ln(1 + eˣ)`, without overflow.
    fn softplus(self) -> Self;
    /// The square root.
    fn sqrt(self) -> Self;
    /// `x²`.
    fn square(self) -> Self {
        self * self
    }
    /// `1 / x`.
    fn recip(self) -> Self;
    /// `|x|`.
    fn abs(self) -> Self;
    /// `xⁿ` for an integer `n`.
    fn powi(self, n: i32) -> Self;
    /// `xᵖ` for a constant `p`.
    fn powf(self, p: Self::Elem) -> Self;
    /// `ln |Γ(x)|` (derivative `ψ(x)`), as in Dirichlet, gamma and Student-t log densities.
    ///
    /// ```
    /// use wengert_ops::Scalar;
    /// assert!((Scalar::lgamma(5.0_f64) - 24f64.ln()).abs() < 1e-14);
    /// ```
    fn lgamma(self) -> Self;
    /// The digamma function `ψ(x) = d/dx ln Γ(x)` (derivative the trigamma function).
    ///
    /// ```
    /// use wengert_ops::Scalar;
    /// assert!((Scalar::digamma(1.0_f64) + 0.577_215_664_901_532_9).abs() < 1e-14);
    /// ```
    fn digamma(self) -> Self;
    /// The larger of the two (the derivative follows the one returned).
    fn max(self, other: Self) -> Self;
    /// The smaller of the two (the derivative follows the one returned).
    fn min(self, other: Self) -> Self;
}
