//! (being written)
use wengert_tape::{Real, Var};

/// (being written)
pub trait StructureExt<'t, T: Real> {}

impl<'t, T: Real> StructureExt<'t, T> for Var<'t, T> {}
