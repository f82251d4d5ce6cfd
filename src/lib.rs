//! wengert: reverse-mode automatic differentiation on a tape, with an energy-based-model
//! toolkit built on it.
//!
//! This facade re-exports [`tape`], [`ops`], (feature `ebm`, on by default) `ebm` and
//! (feature `jit`, off by default) `jit`, the compiled functions; [`prelude`] brings the
//! everyday names into scope.
//!
//! # Cargo features
//!
//! - `ebm` (default): the energy-based-model toolkit, re-exported as `wengert::ebm`.
//! - `jit`: the compiled functions, re-exported as `wengert::jit` (Cranelift native code for
//!   `f64`; `wengert = { version = "0.1", features = ["jit"] }`). Off by default because
//!   Cranelift is most of a first build.
//!
//! With `default-features = false` the facade is the tape and the ops only.
//!
//! ```
//! use wengert::prelude::*;
//! let tape = Tape::<f64>::new();
//! let x = tape.var(2.0);
//! let y = x * x;
//! assert_eq!(tape.backward(y)[x], 4.0);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The num-traits crate the element types are built on (`Float`, `Zero`, `One`, ...), so
/// that generic code needs no dependency of its own.
///
/// ```
/// use wengert::num_traits::Float;
/// assert_eq!(Float::max(1.0_f64, 2.0), 2.0);
/// ```
pub use num_traits;
#[cfg(feature = "ebm")]
pub use wengert_ebm as ebm;
#[cfg(feature = "jit")]
pub use wengert_jit as jit;
pub use wengert_ops as ops;
pub use wengert_ops::Scalar;
pub use wengert_tape as tape;

/// The everyday names: `Tape`, `Var`, `Tensor`, `ParamStore`, `Bound`, the ops extension
/// traits and the transforms.
///
/// ```
/// use wengert::prelude::*;
/// let w = Tensor::new([2], vec![1.0, 2.0]);
/// assert_eq!(grad_of(|w| (*w * *w).sum_all(), &w).data(), &[2.0, 4.0]);
/// assert_eq!(hvp(|v| v[0] * v[0] * 3.0, &[1.0], &[1.0]), vec![6.0]);
/// ```
pub mod prelude {
    pub use wengert_ops::prelude::*;
    pub use wengert_tape::transforms::{
        grad, grad_of, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, value_and_grad_of, vjp,
        Tree,
    };
    pub use wengert_tape::{Bound, Grads, ParamKey, ParamStore, Real, Shape, Tape, Tensor, Var};
}

/// The user guide (`docs/guide.md`), included here so that its examples run as doc tests.
#[cfg(all(feature = "ebm", feature = "jit"))]
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

/// The README's examples, compiled and run as doc tests (they use `wengert::jit`).
#[cfg(all(doctest, feature = "jit"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
