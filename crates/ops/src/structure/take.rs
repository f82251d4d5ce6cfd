//! Taking parts of a tensor along an axis: `slice`, `select` (the switch module),
//! `index_select`, and `gather_rows`.
//!
//! Each is a gather `Y = X[.., idx, ..]`; its VJP is the matching scatter-add
//! `∂L/∂X[.., idx_j, ..] += ∂L/∂Y[.., j, ..]`, so a repeated index accumulates and an
//! element never taken gets gradient 0.
use super::strided::{add_into, check_axis, check_index, invalid};
use crate::reduce::axis::Lanes;
use crate::Axis;
use smallvec::SmallVec;
use wengert_tape::{Error, Op, Real, Shape, TensorRef, Var};

/// Which positions along the axis are taken.
#[derive(Clone)]
enum Positions {
    /// `start..start + count`, copied as one block per outer index.
    Range { start: usize, count: usize },
    /// Any list, repeats allowed.
    List(SmallVec<[usize; 8]>),
}

/// The input as `(outer, len, inner)` around the axis; the output is `(outer, count, inner)`.
#[derive(Clone)]
struct Take {
    name: &'static str,
    outer: usize,
    len: usize,
    inner: usize,
    pos: Positions,
}

impl Take {
    /// Calls `f(src, dst, n)` for each block of `n` contiguous elements moved from input
    /// offset `src` to output offset `dst`.
    fn blocks(&self, mut f: impl FnMut(usize, usize, usize)) {
        let Take {
            outer, len, inner, ..
        } = *self;
        match &self.pos {
            Positions::Range { start, count } => {
                for o in 0..outer {
                    f((o * len + start) * inner, o * count * inner, count * inner);
                }
            }
            Positions::List(idx) => {
                for o in 0..outer {
                    for (j, &p) in idx.iter().enumerate() {
                        f((o * len + p) * inner, (o * idx.len() + j) * inner, inner);
                    }
                }
            }
        }
    }
}

impl<T: Real> Op<T> for Take {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let x = inputs[0].data;
        self.blocks(|s, d, n| out[d..d + n].copy_from_slice(&x[s..s + n]));
    }

    fn vjp(
        &self,
        _input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        self.blocks(|s, d, n| add_into(&mut grad_in[s..s + n], &grad_out[d..d + n]));
    }
}

/// Records a `Take` along `axis` of `x` with `count` positions; `keep_axis == false` drops the
/// axis from the output shape (it must then have length 1).
#[track_caller]
fn record<'t, T: Real>(
    name: &'static str,
    x: Var<'t, T>,
    shape: &Shape,
    axis: usize,
    pos: Positions,
    keep_axis: bool,
) -> Var<'t, T> {
    let Lanes { outer, len, inner } = Lanes::new(shape, Some(axis));
    let count = match &pos {
        Positions::Range { count, .. } => *count,
        Positions::List(idx) => idx.len(),
    };
    let mut dims: SmallVec<[usize; 4]> = SmallVec::from_slice(shape.dims());
    if keep_axis {
        dims[axis] = count;
    } else {
        dims.remove(axis);
    }
    let op = Take {
        name,
        outer,
        len,
        inner,
        pos,
    };
    x.tape().record_op(op, &[x], Shape::from(&dims[..]))
}

/// [`slice`](fn@slice), returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an axis out of
/// range, or a range that is reversed or reaches past the axis's length.
#[track_caller]
pub fn try_slice<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    range: std::ops::Range<usize>,
) -> Result<Var<'t, T>, Error> {
    let shape = x.shape();
    let a = check_axis("slice", &shape, axis, false)?;
    if range.start > range.end || range.end > shape[a] {
        return Err(invalid(
            "slice",
            format!(
                "range {range:?} is out of bounds for axis {a} of length {} (shape {shape})",
                shape[a]
            ),
        ));
    }
    let pos = Positions::Range {
        start: range.start,
        count: range.len(),
    };
    Ok(record("slice", x, &shape, a, pos, true))
}

/// The elements at positions `range` along `axis` (see
/// [`StructureExt::slice`](super::StructureExt::slice)).
///
/// # Panics
/// If the axis or the range is out of bounds.
#[track_caller]
pub fn slice<'t, T: Real>(x: Var<'t, T>, axis: Axis, range: std::ops::Range<usize>) -> Var<'t, T> {
    try_slice(x, axis, range).unwrap_or_else(|e| panic!("{e}"))
}

/// [`select`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an axis out of
/// range, [`ErrorKind::IndexOutOfRange`](wengert_tape::ErrorKind::IndexOutOfRange) for an index
/// past the axis's length.
#[track_caller]
pub fn try_select<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    index: usize,
) -> Result<Var<'t, T>, Error> {
    let shape = x.shape();
    let a = check_axis("select", &shape, axis, false)?;
    check_index("select", index, shape[a])?;
    let pos = Positions::Range {
        start: index,
        count: 1,
    };
    Ok(record("select", x, &shape, a, pos, false))
}

/// The slice at `index` along `axis`, without that axis (see
/// [`StructureExt::select`](super::StructureExt::select)).
///
/// # Panics
/// If the axis or the index is out of range.
#[track_caller]
pub fn select<'t, T: Real>(x: Var<'t, T>, axis: Axis, index: usize) -> Var<'t, T> {
    try_select(x, axis, index).unwrap_or_else(|e| panic!("{e}"))
}

/// [`index_select`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an axis out of
/// range, [`ErrorKind::IndexOutOfRange`](wengert_tape::ErrorKind::IndexOutOfRange) naming the
/// first index past the axis's length.
#[track_caller]
pub fn try_index_select<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    indices: &[usize],
) -> Result<Var<'t, T>, Error> {
    let shape = x.shape();
    let a = check_axis("index_select", &shape, axis, false)?;
    for &i in indices {
        check_index("index_select", i, shape[a])?;
    }
    let pos = Positions::List(SmallVec::from_slice(indices));
    Ok(record("index_select", x, &shape, a, pos, true))
}

/// The slices at `indices` along `axis`, in that order (see
/// [`StructureExt::index_select`](super::StructureExt::index_select)).
///
/// # Panics
/// If the axis or an index is out of range.
#[track_caller]
pub fn index_select<'t, T: Real>(x: Var<'t, T>, axis: Axis, indices: &[usize]) -> Var<'t, T> {
    try_index_select(x, axis, indices).unwrap_or_else(|e| panic!("{e}"))
}

/// `Y_i = X[i, idx_i]`; the VJP adds `∂L/∂Y_i` into `∂L/∂X[i, idx_i]` only.
#[derive(Clone)]
struct GatherRows {
    k: usize,
    indices: SmallVec<[usize; 8]>,
}

impl<T: Real> Op<T> for GatherRows {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        "gather_rows"
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let x = inputs[0].data;
        for (i, (o, &j)) in out.iter_mut().zip(&self.indices).enumerate() {
            *o = x[i * self.k + j];
        }
    }

    fn vjp(
        &self,
        _input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        for (i, (&g, &j)) in grad_out.iter().zip(&self.indices).enumerate() {
            grad_in[i * self.k + j] += g;
        }
    }
}

/// [`gather_rows`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) unless `x` is 2-D
/// with one row per index; [`ErrorKind::IndexOutOfRange`](wengert_tape::ErrorKind::IndexOutOfRange)
/// naming the first index that is not a column.
#[track_caller]
pub fn try_gather_rows<'t, T: Real>(x: Var<'t, T>, indices: &[usize]) -> Result<Var<'t, T>, Error> {
    let shape = x.shape();
    let (n, k) = match shape.dims() {
        &[n, k] => (n, k),
        _ => {
            return Err(invalid(
                "gather_rows",
                format!("expects a 2-D (n, k) tensor, got shape {shape}"),
            ))
        }
    };
    if indices.len() != n {
        return Err(invalid(
            "gather_rows",
            format!(
                "{} indices given for the {n} rows of shape {shape}",
                indices.len()
            ),
        ));
    }
    for &j in indices {
        check_index("gather_rows", j, k)?;
    }
    let op = GatherRows {
        k,
        indices: SmallVec::from_slice(indices),
    };
    Ok(x.tape().record_op(op, &[x], [n]))
}

/// Picks column `indices[i]` of row `i` (see
/// [`StructureExt::gather_rows`](super::StructureExt::gather_rows)).
///
/// # Panics
/// Unless `x` is 2-D with one row per index and every index is a column.
#[track_caller]
pub fn gather_rows<'t, T: Real>(x: Var<'t, T>, indices: &[usize]) -> Var<'t, T> {
    try_gather_rows(x, indices).unwrap_or_else(|e| panic!("{e}"))
}
