//! A Wengert-list tape for reverse-mode automatic differentiation.
//!
//! Operations on a [`Var`] are recorded on a [`Tape`] as they run, so the order of the
//! records is a topological order: parents always precede children. [`Tape::backward`] walks
//! the records once in reverse and accumulates adjoints (vector-Jacobian products).
//!
//! ```
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let x = tape.var(2.0);
//! let z = tape.var(3.0);
//! let y = x * z + x / z;          // y = xz + x/z
//! let g = tape.backward(y);
//! assert_eq!(y.value(), 6.0 + 2.0 / 3.0);
//! assert!((g[x] - (3.0 + 1.0 / 3.0)).abs() < 1e-15); // dy/dx = z + 1/z
//! assert!((g[z] - (2.0 - 2.0 / 9.0)).abs() < 1e-15); // dy/dz = x - x/z²
//! ```
//!
//! # Layout
//!
//! Scalar operations are stored Adept-style: the local partial derivatives are computed when
//! the operation is recorded, and a scalar node is two parent indices and two partials
//! (`8 + 2·size_of::<T>()` bytes). Operations with one differentiable operand (`x.sin()`,
//! `2.0 * x`, `x * x`) record no node: the `Var` carries a weight `w` into which their
//! partials are multiplied, and only an operation of two distinct recorded operands appends a
//! node (see [`Var`], and [`Var::retain_grad`] to read the gradient of such an intermediate).
//! The scalar backward sweep is therefore `adj[parent] += partial * adj[node]` with no
//! dispatch. Tensor operations are boxed [`Op`] objects over a flat value arena; the two kinds
//! interleave in one topological order (see `docs/architecture.md`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod arith;
mod arith_lit;
mod backward;
pub mod bridge;
pub mod dual;
mod elementwise;
mod error;
pub mod gradcheck;
mod grads_bulk;
mod id;
mod leaf;
mod memory;
pub mod op;
mod params;
mod real;
mod record;
mod shape;
mod sum;
mod tape;
mod tensor;
pub mod trace;
pub mod transforms;
mod var;

pub use backward::Grads;
pub use error::{Error, ErrorKind};
pub use id::NodeId;
pub use op::{Op, TensorRef};
pub use params::{Bound, ParamKey, ParamStore};
pub use real::Real;
pub use shape::{broadcast_shapes, Shape};
pub use tape::Tape;
pub use tensor::{try_filled, Tensor};
pub use var::Var;
