//! Elementwise functions of scalars and tensors: `exp`, `ln`, `sin`, `sigmoid`, powers,
//! `maximum`, ...
//!
//! Each function is a zero-sized struct implementing [`Unary`](wengert_tape::op::Unary) (or
//! [`Binary`](wengert_tape::op::Binary)) with its formula and derivative, so
//! `x.map::<Exp>()`, the method `x.exp()` and the free function `exp(x)` are the same op. On
//! a scalar `Var` the op takes the tape's fast scalar path (the partial derivative is stored
//! when the op is recorded); on a tensor it is applied to every element.
//!
//! ```
//! use wengert_ops::elementwise::{exp, sigmoid, Exp};
//! use wengert_ops::prelude::*;
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let x = tape.var(0.3);
//! assert_eq!(x.exp().value(), exp(x).value());
//! assert_eq!(x.exp().value(), x.map::<Exp>().value());
//! let t = tape.tensor([3], vec![-1.0, 0.0, 1.0]);
//! let g = tape.backward(sigmoid(t).sum_all());
//! assert_eq!(g.wrt(t)[1], 0.25); // σ'(0) = σ(0)(1 − σ(0))
//! ```
use wengert_tape::{Error, Real, Var};

mod activations;
mod algebraic;
mod exp;
mod ext_impl;
mod log;
mod minmax;
mod power;
pub mod special;
mod trig;

pub use activations::{
    log_sigmoid, relu, sigmoid, softplus, tanh, LogSigmoid, Relu, Sigmoid, Softplus, Tanh,
};
pub use algebraic::{abs, recip, sqrt, square, Abs, Recip, Sqrt, Square};
pub use exp::{exp, exp_m1, Exp, ExpM1};
pub use log::{ln, ln_1p, Ln, Ln1p};
pub use minmax::{clamp, maximum, minimum, try_clamp, try_maximum, try_minimum, Maximum, Minimum};
pub use power::{pow, powf, powi, try_pow, Pow};
pub use special::{digamma, lgamma, Digamma, Lgamma};
pub use trig::{cos, sin, Cos, Sin};

/// Elementwise functions as methods on [`Var`] (scalars and tensors of any shape).
///
/// Method names mirror `f64`'s. Every method records one node (`clamp` up to two) whose
/// derivative is given in the method's documentation and on the op's struct.
///
/// ```
/// use wengert_ops::prelude::*;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.var(0.5);
/// let y = x.sin() * x.exp();                          // y = sin(x) eˣ
/// let want = (0.5f64.cos() + 0.5f64.sin()) * 0.5f64.exp(); // (cos x + sin x) eˣ
/// assert!((tape.backward(y)[x] - want).abs() < 1e-15);
/// ```
pub trait ElementwiseExt<'t, T: Real> {
    /// `eˣ`; derivative `eˣ`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(2.0);
    /// assert_eq!(tape.backward(x.exp())[x], 2f64.exp());
    /// ```
    fn exp(self) -> Var<'t, T>;

    /// `eˣ − 1`, accurate for small `x`; derivative `eˣ`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(1e-12);
    /// let y = x.exp_m1();
    /// assert_eq!(y.value(), 1e-12f64.exp_m1());
    /// assert!((tape.backward(y)[x] - 1.0).abs() < 1e-11);
    /// ```
    fn exp_m1(self) -> Var<'t, T>;

    /// `ln x` (for `x > 0`); derivative `1/x`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(4.0);
    /// assert_eq!(tape.backward(x.ln())[x], 0.25);
    /// ```
    fn ln(self) -> Var<'t, T>;

    /// `ln(1 + x)` (for `x > −1`), accurate for small `x`; derivative `1/(1 + x)`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(1.0);
    /// assert_eq!(tape.backward(x.ln_1p())[x], 0.5);
    /// ```
    fn ln_1p(self) -> Var<'t, T>;

    /// `sin x`; derivative `cos x`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(0.5);
    /// assert_eq!(tape.backward(x.sin())[x], 0.5f64.cos());
    /// ```
    fn sin(self) -> Var<'t, T>;

    /// `cos x`; derivative `−sin x`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(0.5);
    /// assert_eq!(tape.backward(x.cos())[x], -0.5f64.sin());
    /// ```
    fn cos(self) -> Var<'t, T>;

    /// `tanh x`; derivative `1 − tanh² x`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(0.5);
    /// let d = 1.0 - 0.5f64.tanh().powi(2);
    /// assert!((tape.backward(x.tanh())[x] - d).abs() < 1e-15);
    /// ```
    fn tanh(self) -> Var<'t, T>;

    /// The logistic function `σ(x) = 1/(1 + e⁻ˣ)`; derivative `σ(x)(1 − σ(x))`. Stable for
    /// any `x` (see [`Sigmoid`]).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(0.0);
    /// assert_eq!(tape.backward(x.sigmoid())[x], 0.25);
    /// assert_eq!(tape.var(-800.0).sigmoid().value(), 0.0); // no overflow
    /// ```
    fn sigmoid(self) -> Var<'t, T>;

    /// `softplus(x) = ln(1 + eˣ)`; derivative `σ(x)`. Stable for any `x` (see [`Softplus`]).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(800.0);
    /// let y = x.softplus();
    /// assert_eq!((y.value(), tape.backward(y)[x]), (800.0, 1.0));
    /// ```
    fn softplus(self) -> Var<'t, T>;

    /// `ln σ(x) = −softplus(−x)`; derivative `1 − σ(x)`. Stable for any `x`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(-800.0);
    /// let y = x.log_sigmoid();
    /// assert_eq!((y.value(), tape.backward(y)[x]), (-800.0, 1.0));
    /// ```
    fn log_sigmoid(self) -> Var<'t, T>;

    /// `max(x, 0)`; derivative 1 for `x > 0`, 0 for `x ≤ 0` (0 at the kink).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([3], vec![-1.0, 0.0, 2.0]);
    /// let y = x.relu();
    /// assert_eq!(y.to_vec(), [0.0, 0.0, 2.0]);
    /// assert_eq!(tape.backward(y.sum_all()).wrt(x), &[0.0, 0.0, 1.0]);
    /// ```
    fn relu(self) -> Var<'t, T>;

    /// `|x|`; derivative `sign(x)`, 0 at `x = 0`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([3], vec![-2.0, 0.0, 3.0]);
    /// let g = tape.backward(x.abs().sum_all());
    /// assert_eq!(g.wrt(x), &[-1.0, 0.0, 1.0]);
    /// ```
    fn abs(self) -> Var<'t, T>;

    /// `√x` (for `x ≥ 0`); derivative `1/(2√x)`, `+∞` at 0.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(4.0);
    /// assert_eq!(tape.backward(x.sqrt())[x], 0.25);
    /// ```
    fn sqrt(self) -> Var<'t, T>;

    /// `x²`; derivative `2x`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(3.0);
    /// assert_eq!(tape.backward(x.square())[x], 6.0);
    /// ```
    fn square(self) -> Var<'t, T>;

    /// `1/x`; derivative `−1/x²`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(2.0);
    /// assert_eq!(tape.backward(x.recip())[x], -0.25);
    /// ```
    fn recip(self) -> Var<'t, T>;

    /// `xⁿ` for an integer `n` (any real `x`); derivative `n xⁿ⁻¹`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(-2.0);
    /// let y = x.powi(3);
    /// assert_eq!((y.value(), tape.backward(y)[x]), (-8.0, 12.0));
    /// ```
    fn powi(self, n: i32) -> Var<'t, T>;

    /// `xᵖ` for a constant real `p` (for `x > 0`); derivative `p xᵖ⁻¹`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(4.0);
    /// assert_eq!(tape.backward(x.powf(0.5))[x], 0.25);
    /// ```
    fn powf(self, p: T) -> Var<'t, T>;

    /// `xᵖ` with a variable exponent (for `x > 0`), broadcasting; partial derivatives
    /// `p xᵖ⁻¹` and `xᵖ ln x` (see [`Pow`] for `x = 0`).
    ///
    /// # Panics
    /// If the shapes cannot be broadcast or the `Var`s are on different tapes.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (x, p) = (tape.var(2.0), tape.var(3.0));
    /// let g = tape.backward(x.pow(p));
    /// assert_eq!((g[x], g[p]), (12.0, 8.0 * 2f64.ln()));
    /// ```
    fn pow(self, p: Var<'t, T>) -> Var<'t, T>;

    /// [`ElementwiseExt::pow`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::Broadcast`](wengert_tape::ErrorKind::Broadcast) or
    /// [`ErrorKind::DifferentTapes`](wengert_tape::ErrorKind::DifferentTapes).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (x, p) = (tape.tensor([2], vec![1.0; 2]), tape.tensor([3], vec![1.0; 3]));
    /// assert!(x.try_pow(p).unwrap_err().to_string().contains("pow"));
    /// ```
    fn try_pow(self, p: Var<'t, T>) -> Result<Var<'t, T>, Error>;

    /// `min(max(x, lo), hi)`; derivative 1 for `lo ≤ x ≤ hi` (bounds included), else 0.
    ///
    /// # Panics
    /// If `lo > hi` or a bound is NaN.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([3], vec![-2.0, 0.5, 3.0]);
    /// let y = x.clamp(0.0, 1.0);
    /// assert_eq!(y.to_vec(), [0.0, 0.5, 1.0]);
    /// assert_eq!(tape.backward(y.sum_all()).wrt(x), &[0.0, 1.0, 0.0]);
    /// ```
    fn clamp(self, lo: T, hi: T) -> Var<'t, T>;

    /// [`ElementwiseExt::clamp`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `lo > hi`
    /// or a bound is NaN.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// assert!(tape.var(0.5).try_clamp(1.0, 0.0).is_err());
    /// ```
    fn try_clamp(self, lo: T, hi: T) -> Result<Var<'t, T>, Error>;

    /// `max(x, other)` elementwise, broadcasting; the gradient goes to the larger operand,
    /// to `self` on ties (see [`Maximum`]).
    ///
    /// # Panics
    /// If the shapes cannot be broadcast or the `Var`s are on different tapes.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (x, c) = (tape.tensor([3], vec![1.0, 3.0, 5.0]), tape.var(3.0));
    /// let y = x.maximum(c);
    /// assert_eq!(y.to_vec(), [3.0, 3.0, 5.0]);
    /// let g = tape.backward(y.sum_all());
    /// assert_eq!((g.wrt(x), g[c]), (&[0.0, 1.0, 1.0][..], 1.0)); // tie at 3: to x
    /// ```
    fn maximum(self, other: Var<'t, T>) -> Var<'t, T>;

    /// [`ElementwiseExt::maximum`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::Broadcast`](wengert_tape::ErrorKind::Broadcast) or
    /// [`ErrorKind::DifferentTapes`](wengert_tape::ErrorKind::DifferentTapes).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (a, b) = (tape.tensor([2], vec![1.0; 2]), tape.tensor([3], vec![1.0; 3]));
    /// assert!(a.try_maximum(b).is_err());
    /// ```
    fn try_maximum(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error>;

    /// `min(x, other)` elementwise, broadcasting; the gradient goes to the smaller operand,
    /// to `self` on ties (see [`Minimum`]).
    ///
    /// # Panics
    /// If the shapes cannot be broadcast or the `Var`s are on different tapes.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (x, c) = (tape.tensor([3], vec![1.0, 3.0, 5.0]), tape.var(3.0));
    /// let y = x.minimum(c);
    /// assert_eq!(y.to_vec(), [1.0, 3.0, 3.0]);
    /// let g = tape.backward(y.sum_all());
    /// assert_eq!((g.wrt(x), g[c]), (&[1.0, 1.0, 0.0][..], 1.0)); // tie at 3: to x
    /// ```
    fn minimum(self, other: Var<'t, T>) -> Var<'t, T>;

    /// [`ElementwiseExt::minimum`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::Broadcast`](wengert_tape::ErrorKind::Broadcast) or
    /// [`ErrorKind::DifferentTapes`](wengert_tape::ErrorKind::DifferentTapes).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (a, b) = (tape.tensor([2], vec![1.0; 2]), tape.tensor([3], vec![1.0; 3]));
    /// assert!(a.try_minimum(b).is_err());
    /// ```
    fn try_minimum(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error>;
}
