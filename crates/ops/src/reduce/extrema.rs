//! Max and min (differentiable, the gradient goes to the selected element) and argmax /
//! argmin (plain indices), over all elements or along one axis.
//!
//! Ties go to the first index (the lowest along the axis, row-major for a full reduction),
//! as in numpy and PyTorch's `argmax`. NaN propagates: the first NaN of a lane is selected.
use super::axis::{check_axis, check_nonempty, check_nonempty_reduction, or_panic, Lanes};
use crate::Axis;
use wengert_tape::{Error, Op, Real, TensorRef, Var};

/// Whether `x` replaces the current best `b`: strictly better (so ties keep the first), or
/// the first NaN.
#[inline]
fn better<T: Real>(x: T, b: T, min: bool) -> bool {
    (if min { x < b } else { x > b }) || (x.is_nan() && !b.is_nan())
}

/// Writes each lane's extremum into `out` and its index along the lane into `idx` (both
/// `outer · inner` long). The lanes must be non-empty.
fn select<T: Real>(x: &[T], l: Lanes, min: bool, out: &mut [T], idx: &mut [usize]) {
    if l.is_empty() {
        return;
    }
    let blocks = x.chunks_exact(l.block());
    for ((block, o), ix) in blocks
        .zip(out.chunks_exact_mut(l.inner))
        .zip(idx.chunks_exact_mut(l.inner))
    {
        o.copy_from_slice(&block[..l.inner]);
        ix.fill(0);
        for (k, row) in block.chunks_exact(l.inner).enumerate().skip(1) {
            for ((oi, ii), &xi) in o.iter_mut().zip(ix.iter_mut()).zip(row) {
                if better(xi, *oi, min) {
                    *oi = xi;
                    *ii = k;
                }
            }
        }
    }
}

/// Max (or min) along an axis (`Some`) or over all elements (`None`).
///
/// Forward: `yᵢ = x₍ₖ*,ᵢ₎` with `k*ᵢ = argmaxₖ x₍ₖ,ᵢ₎` (first on ties), saved in `idx`.
/// VJP: `∂yᵢ/∂x₍ₖ,ᵢ₎ = [k = k*ᵢ]`, so `x̄₍ₖ*,ᵢ₎ += ȳᵢ` and the other elements get nothing
/// (a subgradient where there are ties).
#[derive(Clone)]
pub(crate) struct ExtremumOp {
    axis: Option<usize>,
    min: bool,
    idx: Vec<usize>,
}

impl<T: Real> Op<T> for ExtremumOp {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        match (self.min, self.axis) {
            (false, None) => "max",
            (false, Some(_)) => "max_axis",
            (true, None) => "min",
            (true, Some(_)) => "min_axis",
        }
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let l = Lanes::new(inputs[0].shape, self.axis);
        // Sized for these inputs (a no-op when the op already holds the right length).
        self.idx.resize(l.outer * l.inner, 0);
        select(inputs[0].data, l, self.min, out, &mut self.idx);
    }

    fn vjp(
        &self,
        _input: usize,
        inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        let l = Lanes::new(inputs[0].shape, self.axis);
        if l.is_empty() {
            return;
        }
        for ((block, g), ix) in grad_in
            .chunks_exact_mut(l.block())
            .zip(grad_out.chunks_exact(l.inner))
            .zip(self.idx.chunks_exact(l.inner))
        {
            for (i, (&gi, &k)) in g.iter().zip(ix).enumerate() {
                block[k * l.inner + i] += gi;
            }
        }
    }
}

#[track_caller]
fn try_extremum<'t, T: Real>(
    x: Var<'t, T>,
    axis: Option<Axis>,
    min: bool,
) -> Result<Var<'t, T>, Error> {
    let name = match (min, axis.is_some()) {
        (false, false) => "max",
        (false, true) => "max_axis",
        (true, false) => "min",
        (true, true) => "min_axis",
    };
    let Some((axis, out_shape)) = check_nonempty_reduction(name, x, axis)? else {
        return Ok(x);
    };
    let op = ExtremumOp {
        axis,
        min,
        idx: Vec::new(),
    };
    Ok(x.tape().record_op(op, &[x], out_shape))
}

#[track_caller]
fn try_arg<T: Real>(x: Var<'_, T>, axis: Option<Axis>, min: bool) -> Result<Vec<usize>, Error> {
    let name = match (min, axis.is_some()) {
        (false, false) => "argmax",
        (false, true) => "argmax_axis",
        (true, false) => "argmin",
        (true, true) => "argmin_axis",
    };
    let shape = x.shape();
    let axis = match axis {
        None => None,
        Some(a) => Some(check_axis(name, &shape, a)?),
    };
    check_nonempty(name, &shape, axis)?;
    let l = Lanes::new(&shape, axis);
    let mut idx = vec![0; l.outer * l.inner];
    let mut best = vec![T::zero(); idx.len()];
    x.with_values(|v| select(v, l, min, &mut best, &mut idx));
    Ok(idx)
}

/// The largest element, `y = maxₖ xₖ`, as a rank-0 tensor; `∂y/∂xₖ = [k = argmax x]`
/// (the gradient goes to the first largest element). A scalar `Var` is returned unchanged.
///
/// ```
/// use wengert_ops::reduce::max;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([4], vec![1.0, 5.0, 5.0, -2.0]);
/// let y = max(x);
/// assert_eq!(y.value(), 5.0);
/// assert_eq!(tape.backward(y).wrt(x), &[0.0, 1.0, 0.0, 0.0]); // tie: the first
/// ```
///
/// # Panics
/// If the tensor is empty (see [`try_max`]).
#[track_caller]
pub fn max<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    or_panic(try_max(x))
}

/// [`max`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an empty
/// tensor.
#[track_caller]
pub fn try_max<'t, T: Real>(x: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    try_extremum(x, None, false)
}

/// The smallest element, `y = minₖ xₖ`, as a rank-0 tensor; `∂y/∂xₖ = [k = argmin x]`
/// (first on ties). A scalar `Var` is returned unchanged.
///
/// # Panics
/// If the tensor is empty (see [`try_min`]).
#[track_caller]
pub fn min<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    or_panic(try_min(x))
}

/// [`min`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an empty
/// tensor.
#[track_caller]
pub fn try_min<'t, T: Real>(x: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    try_extremum(x, None, true)
}

/// The maximum along `axis`, which is removed: `y[o, i] = maxₖ x[o, k, i]`;
/// `∂y[o, i]/∂x[o, k, i] = [k = argmaxₖ x[o, k, i]]` (first on ties).
///
/// ```
/// use wengert_ops::{reduce::max_axis, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 3], vec![1.0, 7.0, 3.0, 4.0, 0.0, 9.0]);
/// let y = max_axis(x, Axis(1));
/// assert_eq!(y.to_vec(), vec![7.0, 9.0]);
/// assert_eq!(tape.vjp(y, &[1.0, 10.0]).wrt(x), &[0.0, 1.0, 0.0, 0.0, 0.0, 10.0]);
/// ```
///
/// # Panics
/// If `axis` is not below the rank or has length 0 (see [`try_max_axis`]).
#[track_caller]
pub fn max_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_max_axis(x, axis))
}

/// [`max_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank or has length 0.
#[track_caller]
pub fn try_max_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_extremum(x, Some(axis), false)
}

/// The minimum along `axis`, which is removed: `y[o, i] = minₖ x[o, k, i]`;
/// `∂y[o, i]/∂x[o, k, i] = [k = argminₖ x[o, k, i]]` (first on ties).
///
/// # Panics
/// If `axis` is not below the rank or has length 0 (see [`try_min_axis`]).
#[track_caller]
pub fn min_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_min_axis(x, axis))
}

/// [`min_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank or has length 0.
#[track_caller]
pub fn try_min_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_extremum(x, Some(axis), true)
}

/// The row-major index of the largest element (the first on ties; 0 for a scalar).
///
/// ```
/// use wengert_ops::reduce::argmax;
/// let tape = wengert_tape::Tape::<f64>::new();
/// assert_eq!(argmax(tape.tensor([2, 2], vec![1.0, 4.0, 4.0, 0.0])), 1);
/// ```
///
/// # Panics
/// If the tensor is empty (see [`try_argmax`]).
#[track_caller]
pub fn argmax<T: Real>(x: Var<'_, T>) -> usize {
    or_panic(try_argmax(x))
}

/// [`argmax`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an empty
/// tensor.
#[track_caller]
pub fn try_argmax<T: Real>(x: Var<'_, T>) -> Result<usize, Error> {
    Ok(try_arg(x, None, false)?[0])
}

/// The row-major index of the smallest element (the first on ties; 0 for a scalar).
///
/// # Panics
/// If the tensor is empty (see [`try_argmin`]).
#[track_caller]
pub fn argmin<T: Real>(x: Var<'_, T>) -> usize {
    or_panic(try_argmin(x))
}

/// [`argmin`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an empty
/// tensor.
#[track_caller]
pub fn try_argmin<T: Real>(x: Var<'_, T>) -> Result<usize, Error> {
    Ok(try_arg(x, None, true)?[0])
}

/// The index along `axis` of the largest element of each lane (first on ties), row-major
/// over the shape with `axis` removed.
///
/// ```
/// use wengert_ops::{reduce::argmax_axis, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 3], vec![1.0, 7.0, 3.0, 4.0, 0.0, 9.0]);
/// assert_eq!(argmax_axis(x, Axis(1)), vec![1, 2]);
/// assert_eq!(argmax_axis(x, Axis(0)), vec![1, 0, 1]);
/// ```
///
/// # Panics
/// If `axis` is not below the rank or has length 0 (see [`try_argmax_axis`]).
#[track_caller]
pub fn argmax_axis<T: Real>(x: Var<'_, T>, axis: Axis) -> Vec<usize> {
    or_panic(try_argmax_axis(x, axis))
}

/// [`argmax_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank or has length 0.
#[track_caller]
pub fn try_argmax_axis<T: Real>(x: Var<'_, T>, axis: Axis) -> Result<Vec<usize>, Error> {
    try_arg(x, Some(axis), false)
}

/// The index along `axis` of the smallest element of each lane (first on ties), row-major
/// over the shape with `axis` removed.
///
/// # Panics
/// If `axis` is not below the rank or has length 0 (see [`try_argmin_axis`]).
#[track_caller]
pub fn argmin_axis<T: Real>(x: Var<'_, T>, axis: Axis) -> Vec<usize> {
    or_panic(try_argmin_axis(x, axis))
}

/// [`argmin_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank or has length 0.
#[track_caller]
pub fn try_argmin_axis<T: Real>(x: Var<'_, T>, axis: Axis) -> Result<Vec<usize>, Error> {
    try_arg(x, Some(axis), true)
}
