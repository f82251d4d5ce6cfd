//! Energy-based models from LeCun's tutorial as wengert graph expressions.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod energy;
pub mod infer;
pub mod init;
pub mod io;
pub mod loss;
pub mod module;
pub mod train;
