//! Differentiable primitives for the wengert tape, with method syntax on [`Var`] through
//! extension traits and the same operations as free functions.
//!
//! ```
//! use wengert_ops::prelude::*;
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let x = tape.var(0.5);
//! let y = x.sin() * x.exp();              // y = sin(x) eˣ
//! let g = tape.backward(y);
//! let want = (0.5f64.cos() + 0.5f64.sin()) * 0.5f64.exp(); // (cos x + sin x) eˣ
//! assert!((g[x] - want).abs() < 1e-15);
//! ```
//!
//! Every op is defined on the tape's open op interface ([`wengert_tape::Op`],
//! [`wengert_tape::op::Unary`], [`wengert_tape::op::Binary`]): nothing here is privileged.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod elementwise;
pub mod linalg;
pub mod reduce;
pub mod scalar;
pub mod structure;

pub use scalar::Scalar;
pub use wengert_tape::Var;

/// An axis of a tensor, counted from the outermost (0).
///
/// ```
/// use wengert_ops::Axis;
/// assert_eq!(Axis(1).index(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Axis(pub usize);

impl Axis {
    /// The axis number.
    pub fn index(self) -> usize {
        self.0
    }
}

/// The extension traits that give [`Var`] its op methods, and [`Axis`].
pub mod prelude {
    pub use crate::elementwise::ElementwiseExt;
    pub use crate::linalg::LinalgExt;
    pub use crate::reduce::ReduceExt;
    pub use crate::structure::StructureExt;
    pub use crate::Axis;
}
