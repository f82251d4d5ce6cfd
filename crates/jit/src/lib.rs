//! Compiled recorded functions: trace a wengert function once, then evaluate its value and
//! gradient at new inputs without recording.
//!
//! The pipeline is trace -> optimize -> roll -> lower -> call (see `docs/architecture.md`):
//! the program is the flat SSA list of [`ir`], differentiated by a source transform into one
//! program computing the value and the gradient, optimized (dead code, common
//! subexpressions, constants), re-rolled into loops where the trace repeats, and lowered to
//! native code (feature `cranelift`) or run by an interpreter.
//!
//! ```
//! use wengert_jit::ir::{BinOp, Inst, Program, Val};
//! // y = x0 * x1, written as a program by hand.
//! let mut p = Program::<f64>::new(1);
//! let a = p.push(Inst::Input(0));
//! let b = p.push(Inst::Input(1));
//! let y = p.push(Inst::Bin(BinOp::Mul, a, b));
//! p.push(Inst::Output(0, y));
//! assert_eq!(p.len(), 4);
//! assert_eq!(p.inputs(), 2);
//! ```
#![deny(missing_docs)]
// Only the module that calls JIT-compiled code may use `unsafe` (it says `#[allow]`, a comment
// per block); everything else is safe Rust.
#![deny(unsafe_code)]

mod chain;
pub mod compiled;
mod deriv;
pub mod error;
pub mod fori;
pub mod grad;
pub mod interp;
pub mod ir;
pub mod jvp;
pub mod kernel;
#[cfg(feature = "cranelift")]
pub mod native;
pub mod opt;
pub mod roll;
pub mod tensor;
pub mod trace;

pub use compiled::{Compiled, GradFn};
pub use error::{Error, ErrorKind};
