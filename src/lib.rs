//! wengert: reverse-mode automatic differentiation on a tape, with an energy-based-model
//! toolkit built on it.
//!
//! This facade re-exports [`tape`], [`ops`], [`ebm`] and (feature `jit`, on by default)
//! `jit`, the compiled functions; [`prelude`] brings the everyday names into scope.
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

pub use wengert_ebm as ebm;
#[cfg(feature = "jit")]
pub use wengert_jit as jit;
pub use wengert_ops as ops;
pub use wengert_tape as tape;

/// The everyday names: `Tape`, `Var`, `Tensor`, `ParamStore`, the ops extension trait.
pub mod prelude {
    pub use wengert_ops::prelude::*;
    pub use wengert_tape::{Grads, ParamKey, ParamStore, Real, Shape, Tape, Tensor, Var};
}

/// The user guide (`docs/guide.md`), included here so that its examples run as doc tests.
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
