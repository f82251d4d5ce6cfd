//! Softmax and log-softmax along an axis, with an inverse temperature β (1 for the plain
//! versions).
use super::axis::{check_axis, check_beta, or_panic, scratch, Lanes};
use crate::Axis;
use wengert_tape::{Error, Op, Real, TensorRef, Var};

/// `y = softmax(β x)` or `y = log_softmax(β x)` along `axis` (β > 0).
///
/// Forward, shifted by the lane maximum `m` (so every exponent is ≤ 0):
/// `zₖ = β (xₖ − m)`, `pₖ = exp(zₖ) / Σⱼ exp(zⱼ)`, `log_softmax: yₖ = zₖ − ln Σⱼ exp(zⱼ)`.
///
/// VJP, with `p` the softmax along the lane (`p = y`, or `p = exp(y)` for log-softmax):
/// softmax: `∂yⱼ/∂xₖ = β pⱼ ([j = k] − pₖ)`, so `x̄ₖ += β pₖ (ȳₖ − Σⱼ ȳⱼ pⱼ)`;
/// log-softmax: `∂yⱼ/∂xₖ = β ([j = k] − pₖ)`, so `x̄ₖ += β (ȳₖ − pₖ Σⱼ ȳⱼ)`.
#[derive(Clone)]
pub(crate) struct SoftmaxOp<T> {
    axis: usize,
    beta: T,
    log: bool,
}

impl<T: Real> Op<T> for SoftmaxOp<T> {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        if self.log {
            "log_softmax"
        } else {
            "softmax"
        }
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let l = Lanes::new(inputs[0].shape, Some(self.axis));
        if l.is_empty() {
            return;
        }
        let (b, w) = (self.beta, l.inner);
        let mut m = scratch::<T>(w);
        let mut sum = scratch::<T>(w);
        for (block, oblock) in inputs[0]
            .data
            .chunks_exact(l.block())
            .zip(out.chunks_exact_mut(l.block()))
        {
            m.copy_from_slice(&block[..w]);
            for row in block.chunks_exact(w).skip(1) {
                for (mi, &xi) in m.iter_mut().zip(row) {
                    // β > 0, so the max of β x is at the max of x.
                    if xi > *mi {
                        *mi = xi;
                    }
                }
            }
            sum.fill(T::zero());
            for (row, orow) in block.chunks_exact(w).zip(oblock.chunks_exact_mut(w)) {
                for (((oi, si), &mi), &xi) in orow.iter_mut().zip(sum.iter_mut()).zip(&m).zip(row) {
                    let z = b * (xi - mi);
                    let e = z.exp();
                    *si += e;
                    *oi = if self.log { z } else { e };
                }
            }
            if self.log {
                sum.iter_mut().for_each(|s| *s = s.ln());
                for orow in oblock.chunks_exact_mut(w) {
                    orow.iter_mut().zip(&sum).for_each(|(o, &ls)| *o -= ls);
                }
            } else {
                sum.iter_mut().for_each(|s| *s = s.recip());
                for orow in oblock.chunks_exact_mut(w) {
                    orow.iter_mut().zip(&sum).for_each(|(o, &r)| *o *= r);
                }
            }
        }
    }

    fn vjp(
        &self,
        _input: usize,
        inputs: &[TensorRef<'_, T>],
        out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        let l = Lanes::new(inputs[0].shape, Some(self.axis));
        if l.is_empty() {
            return;
        }
        let (b, w) = (self.beta, l.inner);
        // Per lane: Σⱼ ȳⱼ pⱼ (softmax) or Σⱼ ȳⱼ (log-softmax).
        let mut d = scratch::<T>(w);
        for ((gblock, yblock), iblock) in grad_out
            .chunks_exact(l.block())
            .zip(out.data.chunks_exact(l.block()))
            .zip(grad_in.chunks_exact_mut(l.block()))
        {
            d.fill(T::zero());
            for (grow, yrow) in gblock.chunks_exact(w).zip(yblock.chunks_exact(w)) {
                for ((di, &g), &y) in d.iter_mut().zip(grow).zip(yrow) {
                    *di += if self.log { g } else { g * y };
                }
            }
            let rows = gblock.chunks_exact(w).zip(yblock.chunks_exact(w));
            for ((grow, yrow), irow) in rows.zip(iblock.chunks_exact_mut(w)) {
                for (((gi, &g), &y), &di) in irow.iter_mut().zip(grow).zip(yrow).zip(&d) {
                    *gi += if self.log {
                        b * (g - y.exp() * di)
                    } else {
                        b * y * (g - di)
                    };
                }
            }
        }
    }
}

#[track_caller]
fn try_softmax_op<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    beta: T,
    log: bool,
    name: &'static str,
) -> Result<Var<'t, T>, Error> {
    check_beta(name, beta)?;
    let shape = x.shape();
    let axis = check_axis(name, &shape, axis)?;
    let op = SoftmaxOp { axis, beta, log };
    Ok(x.tape().record_op(op, &[x], shape))
}

/// The softmax along `axis` (same shape as `x`): `yₖ = exp(xₖ) / Σⱼ exp(xⱼ)` over each lane;
/// `∂yⱼ/∂xₖ = yⱼ ([j = k] − yₖ)`. Shifted by the lane maximum, so entries of magnitude 1e4
/// are fine; the result is invariant to adding a constant to a lane.
///
/// ```
/// use wengert_ops::{reduce::softmax, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 2], vec![0.0, 0.0, 1e4, 1e4 + 2f64.ln()]);
/// let y = softmax(x, Axis(1)).to_vec();
/// assert_eq!(y[..2], [0.5, 0.5]);
/// assert!((y[2] - 1.0 / 3.0).abs() < 1e-12 && (y[3] - 2.0 / 3.0).abs() < 1e-12);
/// ```
///
/// # Panics
/// If `axis` is not below the rank (a scalar has rank 0; see [`try_softmax`]).
#[track_caller]
pub fn softmax<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_softmax(x, axis))
}

/// [`softmax`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank.
#[track_caller]
pub fn try_softmax<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_softmax_op(x, axis, T::one(), false, "softmax")
}

/// The log-softmax along `axis`: `yₖ = xₖ − ln Σⱼ exp(xⱼ)` over each lane;
/// `∂yⱼ/∂xₖ = [j = k] − softmax(x)ₖ`. Stable where `ln(softmax(x))` would give `−∞`.
///
/// ```
/// use wengert_ops::{reduce::log_softmax, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2], vec![0.0, -1e4]);
/// assert_eq!(log_softmax(x, Axis(0)).to_vec(), vec![0.0, -1e4]);
/// ```
///
/// # Panics
/// If `axis` is not below the rank (see [`try_log_softmax`]).
#[track_caller]
pub fn log_softmax<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_log_softmax(x, axis))
}

/// [`log_softmax`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank.
#[track_caller]
pub fn try_log_softmax<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_softmax_op(x, axis, T::one(), true, "log_softmax")
}

/// The softmax at inverse temperature β along `axis`: `y = softmax(β x)`;
/// `∂yⱼ/∂xₖ = β yⱼ ([j = k] − yₖ)`. As β grows it tends to the one-hot of the argmax
/// (the tutorial's Gibbs distribution over answers is `softmax_beta(−E, β)`).
///
/// ```
/// use wengert_ops::{reduce::softmax_beta, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([3], vec![1.0, 2.0, 1.5]);
/// let y = softmax_beta(x, Axis(0), 1e3).to_vec();
/// assert!((y[1] - 1.0).abs() < 1e-12);
/// ```
///
/// # Panics
/// If β is not positive and finite or `axis` is not below the rank (see
/// [`try_softmax_beta`]).
#[track_caller]
pub fn softmax_beta<'t, T: Real>(x: Var<'t, T>, axis: Axis, beta: T) -> Var<'t, T> {
    or_panic(try_softmax_beta(x, axis, beta))
}

/// [`softmax_beta`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if β ≤ 0, β is
/// not finite, or `axis` is not below the rank.
#[track_caller]
pub fn try_softmax_beta<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    try_softmax_op(x, axis, beta, false, "softmax_beta")
}

/// The log-softmax at inverse temperature β along `axis`: `y = log_softmax(β x)`;
/// `∂yⱼ/∂xₖ = β ([j = k] − softmax(β x)ₖ)`.
///
/// # Panics
/// If β is not positive and finite or `axis` is not below the rank (see
/// [`try_log_softmax_beta`]).
#[track_caller]
pub fn log_softmax_beta<'t, T: Real>(x: Var<'t, T>, axis: Axis, beta: T) -> Var<'t, T> {
    or_panic(try_log_softmax_beta(x, axis, beta))
}

/// [`log_softmax_beta`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if β ≤ 0, β is
/// not finite, or `axis` is not below the rank.
#[track_caller]
pub fn try_log_softmax_beta<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    try_softmax_op(x, axis, beta, true, "log_softmax_beta")
}
