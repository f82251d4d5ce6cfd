//! (being written)
use wengert_tape::{Real, Var};

/// (being written)
pub trait ReduceExt<'t, T: Real> {}

impl<'t, T: Real> ReduceExt<'t, T> for Var<'t, T> {}
