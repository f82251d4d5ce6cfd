//! (being written)
use wengert_tape::{Real, Var};

/// (being written)
pub trait LinalgExt<'t, T: Real> {}

impl<'t, T: Real> LinalgExt<'t, T> for Var<'t, T> {}
