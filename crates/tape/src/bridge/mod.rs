//! Bridges from wengert functions to other crates' traits, each behind its own cargo feature
//! (off by default, so a tape-only build compiles none of them).
//!
//! - `argmin` ([`argmin`](self::argmin), feature `argmin`): a scalar function recorded on a
//!   tape as argmin's `CostFunction`, `Gradient` and `Hessian`, for its solvers (L-BFGS,
//!   line searches, ...).
#[cfg(feature = "argmin")]
pub mod argmin;
