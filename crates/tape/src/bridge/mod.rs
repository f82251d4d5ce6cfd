//! Bridges to other crates, each behind its own cargo feature (off by default, so a
//! tape-only build compiles none of them):
//!
//! - `argmin` ([`argmin`](self::argmin), feature `argmin`): a scalar function recorded on a
//!   tape as argmin's `CostFunction`, `Gradient` and `Hessian`, for its solvers (L-BFGS,
//!   line searches, ...).
//! - `ndarray` ([`Tensor`](crate::Tensor) ⇄ `ndarray::ArrayD`, gradients as arrays, arrays
//!   as [`Tree`](crate::transforms::Tree) inputs).
//! - `nalgebra` (vectors as inputs of scalar functions, gradients as vectors).
#[cfg(feature = "argmin")]
pub mod argmin;
#[cfg(feature = "nalgebra")]
mod nalgebra;
#[cfg(feature = "ndarray")]
mod ndarray;
