//! Log-sum-exp, over all elements or along one axis, and the scaled form shared with
//! [`logsum`](super::logsum()).
use super::axis::{check_nonempty_reduction, or_panic, scratch, Lanes};
use crate::Axis;
use wengert_tape::{Error, Op, Real, TensorRef, Var};

/// The scaled log-sum-exp `yᵢ = (1/s) ln Σₖ exp(s · x₍ₖ,ᵢ₎)`, `s ≠ 0`, along an axis
/// (`Some`) or over all elements (`None`): `s = 1` is logsumexp, `s = −β` is logsum.
///
/// Forward, shifted by the pivot `mᵢ` (the max of the lane for `s > 0`, the min for
/// `s < 0`, so that every exponent `s(x − m)` is ≤ 0 and nothing overflows):
/// `yᵢ = mᵢ + (1/s) ln Σₖ exp(s (x₍ₖ,ᵢ₎ − mᵢ))`.
///
/// VJP: `∂yᵢ/∂x₍ₖ,ᵢ₎ = exp(s (x₍ₖ,ᵢ₎ − mᵢ)) / Σⱼ exp(s (x₍ⱼ,ᵢ₎ − mᵢ))`, the softmax of `s x`
/// along the lane, recomputed from the shifted inputs as JAX does. Not `exp(s (x − y))` from
/// the output: `y` is rounded to its own magnitude, so in f32 with `|x| ≈ 1e4` and `s = 1e3`
/// the exponent was off by about 1 (a gradient of 0.623 for 0.5), in f64 from `|x| ≈ 1e15`.
pub(crate) struct ScaledLse<T> {
    pub axis: Option<usize>,
    pub s: T,
    pub name: &'static str,
}

impl<T: Real> Op<T> for ScaledLse<T> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let l = Lanes::new(inputs[0].shape, self.axis);
        if l.is_empty() {
            return;
        }
        let (s, up) = (self.s, self.s > T::zero());
        let mut m = scratch::<T>(l.inner);
        for (block, o) in inputs[0]
            .data
            .chunks_exact(l.block())
            .zip(out.chunks_exact_mut(l.inner))
        {
            m.copy_from_slice(&block[..l.inner]);
            for row in block.chunks_exact(l.inner).skip(1) {
                for (mi, &xi) in m.iter_mut().zip(row) {
                    if (up && xi > *mi) || (!up && xi < *mi) {
                        *mi = xi;
                    }
                }
            }
            // `o` accumulates Σ exp(s (x − m)) ∈ [1, n].
            for row in block.chunks_exact(l.inner) {
                for ((oi, &mi), &xi) in o.iter_mut().zip(&m).zip(row) {
                    *oi += (s * (xi - mi)).exp();
                }
            }
            for (oi, &mi) in o.iter_mut().zip(&m) {
                // An infinite pivot is the answer (and would give ∞ − ∞ above); a NaN
                // anywhere in the lane has already made the sum NaN.
                *oi = if mi.is_finite() { mi + oi.ln() / s } else { mi };
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
        let l = Lanes::new(inputs[0].shape, self.axis);
        if l.is_empty() {
            return;
        }
        let (s, up) = (self.s, self.s > T::zero());
        let (mut m, mut sum) = (scratch::<T>(l.inner), scratch::<T>(l.inner));
        let blocks = inputs[0].data.chunks_exact(l.block());
        for (((block, gblock), y), g) in blocks
            .zip(grad_in.chunks_exact_mut(l.block()))
            .zip(out.data.chunks_exact(l.inner))
            .zip(grad_out.chunks_exact(l.inner))
        {
            m.copy_from_slice(&block[..l.inner]);
            for row in block.chunks_exact(l.inner).skip(1) {
                for (mi, &xi) in m.iter_mut().zip(row) {
                    if (up && xi > *mi) || (!up && xi < *mi) {
                        *mi = xi;
                    }
                }
            }
            sum.fill(T::zero());
            for row in block.chunks_exact(l.inner) {
                for ((si, &mi), &xi) in sum.iter_mut().zip(&m).zip(row) {
                    *si += (s * (xi - mi)).exp();
                }
            }
            for (row, grow) in block
                .chunks_exact(l.inner)
                .zip(gblock.chunks_exact_mut(l.inner))
            {
                let lane = grow.iter_mut().zip(row).zip(y).zip(g).zip(&m).zip(&sum);
                for (((((gi, &xi), &yi), &go), &mi), &si) in lane {
                    // An infinite pivot is the value itself: the output form gives the limit.
                    let p = if mi.is_finite() {
                        (s * (xi - mi)).exp() / si
                    } else {
                        (s * (xi - yi)).exp()
                    };
                    *gi += go * p;
                }
            }
        }
    }
}

/// Records the scaled log-sum-exp after the checks shared by logsumexp and logsum.
#[track_caller]
pub(crate) fn try_scaled_lse<'t, T: Real>(
    x: Var<'t, T>,
    axis: Option<Axis>,
    s: T,
    name: &'static str,
) -> Result<Var<'t, T>, Error> {
    let Some((axis, out_shape)) = check_nonempty_reduction(name, x, axis)? else {
        // One element: (1/s) ln exp(s x) = x.
        return Ok(x);
    };
    let op = ScaledLse { axis, s, name };
    Ok(x.tape().record_op(op, &[x], out_shape))
}

/// The log-sum-exp of all elements, `y = ln Σₖ exp(xₖ)` (a smooth maximum), as a rank-0
/// tensor; `∂y/∂xₖ = exp(xₖ − y) = softmax(x)ₖ`.
///
/// Computed as `m + ln Σₖ exp(xₖ − m)` with `m = max x`, so it is exact and finite for
/// entries of any magnitude. A scalar `Var` is returned unchanged.
///
/// ```
/// use wengert_ops::reduce::logsumexp;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2], vec![1e4, 1e4]);
/// let y = logsumexp(x);
/// assert!((y.value() - (1e4 + 2f64.ln())).abs() < 1e-9);
/// let g = tape.backward(y); // softmax(x) = (½, ½)
/// assert!(g.wrt(x).iter().all(|&p| (p - 0.5).abs() < 1e-12));
/// ```
///
/// # Panics
/// If the tensor is empty (see [`try_logsumexp`]).
#[track_caller]
pub fn logsumexp<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    or_panic(try_logsumexp(x))
}

/// [`logsumexp`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for an empty
/// tensor.
#[track_caller]
pub fn try_logsumexp<'t, T: Real>(x: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    try_scaled_lse(x, None, T::one(), "logsumexp")
}

/// The log-sum-exp along `axis`, which is removed: `y[o, i] = ln Σₖ exp(x[o, k, i])`;
/// `∂y[o, i]/∂x[o, k, i] = exp(x[o, k, i] − y[o, i])` (the softmax along the axis).
///
/// ```
/// use wengert_ops::{reduce::logsumexp_axis, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 2], vec![0.0, 0.0, 1.0, -1e4]);
/// let y = logsumexp_axis(x, Axis(1));
/// assert_eq!(y.to_vec(), vec![2f64.ln(), 1.0]);
/// ```
///
/// # Panics
/// If `axis` is not below the rank or has length 0 (see [`try_logsumexp_axis`]).
#[track_caller]
pub fn logsumexp_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Var<'t, T> {
    or_panic(try_logsumexp_axis(x, axis))
}

/// [`logsumexp_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if `axis` is
/// not below the rank or has length 0.
#[track_caller]
pub fn try_logsumexp_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis) -> Result<Var<'t, T>, Error> {
    try_scaled_lse(x, Some(axis), T::one(), "logsumexp_axis")
}
