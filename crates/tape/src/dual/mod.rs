//! Forward-mode automatic differentiation with dual numbers.
//!
//! A [`Dual`] carries a value `re` and one tangent `eps`; every arithmetic operation and every
//! [`num_traits::Float`] method propagates the tangent by the chain rule, so evaluating a
//! generic `fn f<F: Float>(x: F) -> F` at `Dual::variable(x)` yields `f(x)` in `re` and `f'(x)`
//! in `eps`. A [`DualVec`] carries `N` tangents at once (one forward pass gives a whole gradient
//! of a function of `N` inputs, or a Jacobian-vector product for `N` directions).
//!
//! ```
//! use num_traits::Float;
//! use wengert_tape::dual::Dual64;
//!
//! fn f<F: Float>(x: F) -> F {
//!     (x * x).sin()
//! }
//! let x = 0.7_f64;
//! let y = f(Dual64::variable(x));
//! assert_eq!(y.re, f(x));
//! assert!((y.eps - 2.0 * x * (x * x).cos()).abs() < 1e-15); // d/dx sin(x²) = 2x cos(x²)
//! ```
//!
//! # Conventions
//!
//! * Comparisons ([`PartialOrd`], [`Float::max`], [`Float::min`], [`Float::clamp`]) look at
//!   `re` only; `max`/`min`/`clamp` return the whole operand whose `re` they pick. Equality
//!   ([`PartialEq`], [`Zero::is_zero`], [`One::is_one`]) compares both parts.
//! * Predicates and queries (`is_nan`, `classify`, `integer_decode`, ...) look at `re` only.
//! * Piecewise-constant functions (`floor`, `ceil`, `round`, `trunc`, `signum`) and the
//!   constants (`nan`, `epsilon`, [`NumCast::from`], ...) have a zero tangent.
//! * A zero tangent stays exactly zero through every [`Float`] method, even where the
//!   derivative is infinite or undefined (e.g. `Dual::constant(0.0).sqrt()` has `eps == 0`).
//!   The plain arithmetic operators follow IEEE rules without that guard.
//! * Where the derivative does not exist, a one-sided or conventional value is used: `abs`
//!   follows the sign bit of `re` (so `d|x|/dx = 1` at `+0.0`), `max`/`min`/`clamp` follow the
//!   operand they return, `hypot` and `atan2` have a zero tangent at the origin.
//!
//! [`Float`]: num_traits::Float
//! [`Float::max`]: num_traits::Float::max
//! [`Float::min`]: num_traits::Float::min
//! [`Float::clamp`]: num_traits::Float::clamp
//! [`Zero::is_zero`]: num_traits::Zero::is_zero
//! [`One::is_one`]: num_traits::One::is_one
//! [`NumCast::from`]: num_traits::NumCast::from

// Layout: each derivative rule is written once, in `rules` (on plain values) or in `ops` /
// `float` (generic over `parts::DualNumber`, for rules that mix whole operands). `scalar` and
// `vector` define the two types and how to take them apart; `ops`, `num` and `float` implement
// the std and num-traits traits for both types by forwarding to those rules.

mod float;
mod num;
mod ops;
mod parts;
mod rules;
mod scalar;
mod vector;

#[cfg(test)]
mod tests_fd;
#[cfg(test)]
mod tests_literal;

pub use scalar::{Dual, Dual32, Dual64};
pub use vector::{DualVec, DualVec32, DualVec64};
