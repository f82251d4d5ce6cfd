//! (being written)
use wengert_tape::{Real, Var};

/// (being written)
pub trait ElementwiseExt<'t, T: Real> {}

impl<'t, T: Real> ElementwiseExt<'t, T> for Var<'t, T> {}
