//! Sum and mean, over all elements or along one axis.
use super::axis::{check_axis, or_panic, reduced_shape, Lanes};
use crate::Axis;
use wengert_tape::{Error, Op, Real, Shape, TensorRef, Var};

/// Sum or mean along an axis (`Some`) or over all elements (`None`).
///
/// Forward: `yᵢ = s · Σₖ x₍ₖ,ᵢ₎` with `s = 1` (sum) or `s = 1/n` (mean, `n` the axis length).
/// VJP: `∂yᵢ/∂x₍ₖ,ᵢ₎ = s`, so `x̄₍ₖ,ᵢ₎ += s · ȳᵢ` (the cotangent broadcast back along the axis).
#[derive(Clone)]
pub(crate) struct SumOp {
    pub axis: Option<usize>,
    pub mean: bool,
}

impl SumOp {
    fn scale<T: Real>(&self, n: usize) -> T {
        if self.mean {
            T::one() / T::lit(n as f64)
        } else {
            T::one()
        }
    }
}

impl<T: Real> Op<T> for SumOp {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        match (self.mean, self.axis) {
            (false, None) => "sum",
            (false, Some(_)) => "sum_axis",
            (true, None) => "mean",
            (true, Some(_)) => "mean_axis",
        }
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let l = Lanes::new(inputs[0].shape, self.axis);
        if l.outer == 0 || l.inner == 0 {
            return;
        }
        if l.len == 0 {
            // The empty sum is 0; the empty mean is 0/0.
            if self.mean {
                out.fill(T::nan());
            }
            return;
        }
        let x = inputs[0].data;
        for (block, o) in x.chunks_exact(l.block()).zip(out.chunks_exact_mut(l.inner)) {
            if l.inner == 1 {
                o[0] = block.iter().copied().sum();
                continue;
            }
            for row in block.chunks_exact(l.inner) {
                for (oi, &xi) in o.iter_mut().zip(row) {
                    *oi += xi;
                }
            }
        }
        if self.mean {
            let s: T = self.scale(l.len);
            out.iter_mut().for_each(|o| *o *= s);
        }
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
        let s: T = self.scale(l.len);
        for (block, g) in grad_in
            .chunks_exact_mut(l.block())
            .zip(grad_out.chunks_exact(l.inner))
        {
            for row in block.chunks_exact_mut(l.inner) {
                for (r, &gi) in row.iter_mut().zip(g) {
                    *r += s * gi;
                }
            }
        }
    }
}

/// The sum of all elements, `y = Σₖ xₖ`, as a rank-0 tensor; `∂y/∂xₖ = 1`.
///
/// A scalar (non-tensor) `Var` is returned unchanged.
///
/// ```
/// use wengert_ops::reduce::sum;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
/// let y = sum(x);
/// assert_eq!(y.value(), 10.0);
/// assert_eq!(tape.backward(y).wrt(x), &[1.0; 4]);
/// ```
#[track_caller]
pub fn sum<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    if !x.is_tensor() {
        return x;
    }
    let op = SumOp {
        axis: None,
        mean: false,
    };
    x.tape().record_op(op, &[x], Shape::scalar())
}

/// The mean of all elements, `y = (1/n) Σₖ xₖ`, as a rank-0 tensor; `∂y/∂xₖ = 1/n`.
///
/// A scalar (non-tensor) `Var` is returned unchanged; the mean of an empty tensor is NaN.
///
/// ```
/// use wengert_ops::reduce::mean;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([4], vec![1.0, 2.0, 3.0, 6.0]);
/// let y = mean(x);
/// assert_eq!(y.value(), 3.0);
/// assert_eq!(tape.backward(y).wrt(x), &[0.25; 4]);
/// ```
#[track_caller]
pub fn mean<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    if !x.is_tensor() {
        return x;
    }
    let op = SumOp {
        axis: None,
        mean: true,
    };
    x.tape().record_op(op, &[x], Shape::scalar())
}

#[track_caller]
fn try_reduce_axis<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    mean: bool,
) -> Result<Var<'t, T>, Error> {
    let name = if mean { "mean_axis" } else { "sum_axis" };
    let shape = x.shape();
    let a = check_axis(name, &shape, axis)?;
    let op = SumOp {
        axis: Some(a),
        mean,
    };
    Ok(x.tape().record_op(op, &[x], reduced_shape(&shape, a)))
}

/// The sum along `axis`, which is removed: `y[.., ..] = Σₖ x[.., k, ..]`;
/// `∂y[o, i]/∂x[o, k, i] = 1`.
///
/// ```
/// use wengert_ops::{reduce::sum_axis, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// assert_eq!(sum_axis(x, Axis(0)).to_vec(), vec![5.0, 7.0, 9.0]);
/// assert_eq!(sum_axis(x, Axis(1)).to_vec(), vec![6.0, 15.0]);
/// ```
///
/// # Panics
/// If `axis` is not below the rank (see [`try_sum_axis`]).
#[track_caller]
pub fn sum_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_sum_axis(x, axis))
}

/// [`sum_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank (a scalar has rank 0).
#[track_caller]
pub fn try_sum_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_reduce_axis(x, axis, false)
}

/// The mean along `axis`, which is removed: `y[o, i] = (1/n) Σₖ x[o, k, i]` with `n` the
/// axis length; `∂y[o, i]/∂x[o, k, i] = 1/n`. A zero-length axis gives NaN.
///
/// ```
/// use wengert_ops::{reduce::mean_axis, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 6.0]);
/// let y = mean_axis(x, Axis(1));
/// assert_eq!(y.to_vec(), vec![1.5, 4.5]);
/// ```
///
/// # Panics
/// If `axis` is not below the rank (see [`try_mean_axis`]).
#[track_caller]
pub fn mean_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_mean_axis(x, axis))
}

/// [`mean_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank.
#[track_caller]
pub fn try_mean_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_reduce_axis(x, axis, true)
}
