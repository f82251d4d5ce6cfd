//! Structure: reshaping, broadcasting, slicing, gathering, joining and selecting.
//!
//! These ops move elements without arithmetic, so each VJP moves the cotangent back: a copy
//! for a reshape, a scatter-add for a gather (repeated picks accumulate), a sum over the
//! stretched axes for a broadcast.
//!
//! ```
//! use wengert_ops::prelude::*;
//! use wengert_ops::structure::concat;
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let x = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//! let y = concat(&[x, x.slice(Axis(1), 0..1)], Axis(1)); // (2, 4): x with its first column again
//! assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0, 1.0, 4.0, 5.0, 6.0, 4.0]);
//! let g = tape.backward(y.sum_all());
//! assert_eq!(g.wrt(x), &[2.0, 1.0, 1.0, 2.0, 1.0, 1.0]); // the first column is used twice
//! ```
use crate::Axis;
use wengert_tape::{Error, Real, Shape, Var};

mod combine;
mod join;
mod reshape;
mod scatter;
pub(crate) mod strided;
mod take;

pub use combine::{
    add_n, one_hot, switch, try_add_n, try_one_hot, try_switch, try_where_mask, where_mask,
};
pub use join::{concat, stack, try_concat, try_stack};
pub use reshape::{broadcast_to, flatten, reshape, try_broadcast_to, try_reshape};
pub use scatter::{
    diag, scatter, strict_tril_from, tril_from, triu_from, try_diag, try_scatter,
    try_strict_tril_from, try_tril_from, try_triu_from,
};
pub use take::{
    gather_rows, index_select, select, slice, try_gather_rows, try_index_select, try_select,
    try_slice,
};

/// Structure methods on [`Var`]; the free functions of this module ([`concat`](fn@concat), [`stack`],
/// [`one_hot`], [`where_mask`], [`switch`], [`add_n`]) take several `Var`s.
///
/// ```
/// use wengert_ops::prelude::*;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([6], (0..6).map(f64::from).collect());
/// let m = x.reshape([2, 3]);
/// assert_eq!(m.select(Axis(0), 1).to_vec(), vec![3.0, 4.0, 5.0]);
/// assert_eq!(m.index_select(Axis(1), &[2, 2]).to_vec(), vec![2.0, 2.0, 5.0, 5.0]);
/// assert_eq!(m.gather_rows(&[0, 2]).to_vec(), vec![0.0, 5.0]);
/// ```
pub trait StructureExt<'t, T: Real> {
    /// The same elements (row-major) with another shape; the VJP reshapes the cotangent back.
    ///
    /// # Panics
    /// If the shapes hold different numbers of elements (see [`StructureExt::try_reshape`]).
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([2, 3], vec![1.0; 6]);
    /// assert_eq!(x.reshape([3, 2]).shape().dims(), &[3, 2]);
    /// assert!(x.try_reshape([4]).unwrap_err().to_string()
    ///     .contains("reshape: shape mismatch: [2, 3] and [4]"));
    /// ```
    fn reshape(self, shape: impl Into<Shape>) -> Var<'t, T>;

    /// [`StructureExt::reshape`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::ShapeMismatch`](wengert_tape::ErrorKind::ShapeMismatch) naming `reshape`
    /// and both shapes.
    fn try_reshape(self, shape: impl Into<Shape>) -> Result<Var<'t, T>, Error>;

    /// Stretches axes of length 1, and prepends axes, to reach `shape` (numpy rules, axes
    /// aligned from the right): `Y[i] = X[i with stretched axes at 0]`. The VJP sums the
    /// cotangent over the stretched axes.
    ///
    /// # Panics
    /// If `self` cannot be broadcast to `shape`.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([2, 1], vec![1.0, 2.0]);
    /// let y = x.broadcast_to([3, 2, 4]);
    /// assert_eq!(y.numel(), 24);
    /// assert_eq!(tape.backward(y.sum_all()).wrt(x), &[12.0, 12.0]); // each read 3·4 times
    /// ```
    fn broadcast_to(self, shape: impl Into<Shape>) -> Var<'t, T>;

    /// [`StructureExt::broadcast_to`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::Broadcast`](wengert_tape::ErrorKind::Broadcast) naming `broadcast_to` and
    /// both shapes.
    fn try_broadcast_to(self, shape: impl Into<Shape>) -> Result<Var<'t, T>, Error>;

    /// The elements as a 1-D tensor.
    fn flatten(self) -> Var<'t, T>;

    /// The elements at positions `range` along `axis` (the axis keeps `range.len()`
    /// positions). The VJP puts the cotangent at those positions, zero elsewhere.
    ///
    /// # Panics
    /// If the axis or the range is out of bounds.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let y = x.slice(Axis(1), 1..3);
    /// assert_eq!(y.to_vec(), vec![2.0, 3.0, 5.0, 6.0]);
    /// assert_eq!(tape.backward(y.sum_all()).wrt(x), &[0.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
    /// ```
    fn slice(self, axis: Axis, range: std::ops::Range<usize>) -> Var<'t, T>;

    /// [`StructureExt::slice`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`try_slice`].
    fn try_slice(self, axis: Axis, range: std::ops::Range<usize>) -> Result<Var<'t, T>, Error>;

    /// The slice at `index` along `axis`, with that axis removed: the switch module on a
    /// stacked tensor. The gradient goes to the selected slice only.
    ///
    /// # Panics
    /// If the axis or the index is out of range.
    fn select(self, axis: Axis, index: usize) -> Var<'t, T>;

    /// [`StructureExt::select`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`try_select`].
    fn try_select(self, axis: Axis, index: usize) -> Result<Var<'t, T>, Error>;

    /// The slices at `indices` along `axis`, in that order (a gather; indices may repeat).
    /// The VJP scatter-adds the cotangent back, so a repeated index accumulates.
    ///
    /// # Panics
    /// If the axis or an index is out of range.
    fn index_select(self, axis: Axis, indices: &[usize]) -> Var<'t, T>;

    /// [`StructureExt::index_select`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`try_index_select`].
    fn try_index_select(self, axis: Axis, indices: &[usize]) -> Result<Var<'t, T>, Error>;

    /// For an `(n, k)` tensor, the `n`-vector `Yᵢ = X[i, indices[i]]`: picks the energy of
    /// each sample's label out of a batch of energy vectors. The gradient of `X[i, j]` is
    /// `∂L/∂Yᵢ` if `j = indices[i]`, else 0.
    ///
    /// # Panics
    /// Unless `self` is 2-D with one row per index and every index is a column.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let e = tape.tensor([2, 3], vec![0.1, 0.2, 0.3, 1.0, 2.0, 3.0]);
    /// let y = e.gather_rows(&[2, 0]);
    /// assert_eq!(y.to_vec(), vec![0.3, 1.0]);
    /// assert_eq!(tape.backward(y.sum_all()).wrt(e), &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    /// ```
    fn gather_rows(self, indices: &[usize]) -> Var<'t, T>;

    /// [`StructureExt::gather_rows`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`try_gather_rows`].
    fn try_gather_rows(self, indices: &[usize]) -> Result<Var<'t, T>, Error>;
}

impl<'t, T: Real> StructureExt<'t, T> for Var<'t, T> {
    #[track_caller]
    fn reshape(self, shape: impl Into<Shape>) -> Var<'t, T> {
        reshape(self, shape)
    }
    #[track_caller]
    fn try_reshape(self, shape: impl Into<Shape>) -> Result<Var<'t, T>, Error> {
        try_reshape(self, shape)
    }
    #[track_caller]
    fn broadcast_to(self, shape: impl Into<Shape>) -> Var<'t, T> {
        broadcast_to(self, shape)
    }
    #[track_caller]
    fn try_broadcast_to(self, shape: impl Into<Shape>) -> Result<Var<'t, T>, Error> {
        try_broadcast_to(self, shape)
    }
    #[track_caller]
    fn flatten(self) -> Var<'t, T> {
        flatten(self)
    }
    #[track_caller]
    fn slice(self, axis: Axis, range: std::ops::Range<usize>) -> Var<'t, T> {
        slice(self, axis, range)
    }
    #[track_caller]
    fn try_slice(self, axis: Axis, range: std::ops::Range<usize>) -> Result<Var<'t, T>, Error> {
        try_slice(self, axis, range)
    }
    #[track_caller]
    fn select(self, axis: Axis, index: usize) -> Var<'t, T> {
        select(self, axis, index)
    }
    #[track_caller]
    fn try_select(self, axis: Axis, index: usize) -> Result<Var<'t, T>, Error> {
        try_select(self, axis, index)
    }
    #[track_caller]
    fn index_select(self, axis: Axis, indices: &[usize]) -> Var<'t, T> {
        index_select(self, axis, indices)
    }
    #[track_caller]
    fn try_index_select(self, axis: Axis, indices: &[usize]) -> Result<Var<'t, T>, Error> {
        try_index_select(self, axis, indices)
    }
    #[track_caller]
    fn gather_rows(self, indices: &[usize]) -> Var<'t, T> {
        gather_rows(self, indices)
    }
    #[track_caller]
    fn try_gather_rows(self, indices: &[usize]) -> Result<Var<'t, T>, Error> {
        try_gather_rows(self, indices)
    }
}
