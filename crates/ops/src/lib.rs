//! Differentiable primitives for the wengert tape.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The ops extension trait and free functions.
pub mod prelude {}
