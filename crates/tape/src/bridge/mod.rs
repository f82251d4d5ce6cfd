//! Bridges to the array libraries users already have, each behind a cargo feature:
//! `ndarray` ([`Tensor`](crate::Tensor) ⇄ `ndarray::ArrayD`, gradients as arrays, arrays as
//! [`Tree`](crate::transforms::Tree) inputs) and `nalgebra` (vectors as inputs of scalar
//! functions, gradients as vectors).
#[cfg(feature = "nalgebra")]
mod nalgebra;
#[cfg(feature = "ndarray")]
mod ndarray;
