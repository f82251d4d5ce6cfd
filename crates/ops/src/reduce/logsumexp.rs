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
/// along the lane, from the shifted exponentials (as JAX recomputes them). Not `exp(s (x − y))` from
/// the output: `y` is rounded to its own magnitude, so in f32 with `|x| ≈ 1e4` and `s = 1e3`
/// the exponent was off by about 1 (a gradient of 0.623 for 0.5), in f64 from `|x| ≈ 1e15`.
///
/// The forward keeps those shifted exponentials and their lane sums, so the VJP divides
/// instead of calling `exp` twice more per element: `exp` was most of a gradient's time
/// (GradBench's `lse`, docs/gradbench.md), for one more input-sized buffer per op.
#[derive(Clone)]
pub(crate) struct ScaledLse<T> {
    pub axis: Option<usize>,
    pub s: T,
    pub name: &'static str,
    /// `exp(s (x − m))` from the last forward, the input's layout (empty before it).
    pub exps: Vec<T>,
    /// `Σ exp(s (x − m))` per lane from the last forward.
    pub sums: Vec<T>,
}

impl<T: Real> Op<T> for ScaledLse<T> {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let l = Lanes::new(inputs[0].shape, self.axis);
        if l.is_empty() {
            return;
        }
        let (s, up) = (self.s, self.s > T::zero());
        self.exps.resize(inputs[0].data.len(), T::zero());
        self.sums.clear();
        if l.inner == 1 {
            self.forward_contiguous(l, inputs[0].data, out);
            return;
        }
        let mut m = scratch::<T>(l.inner);
        for ((block, eblock), o) in inputs[0]
            .data
            .chunks_exact(l.block())
            .zip(self.exps.chunks_exact_mut(l.block()))
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
            for (row, erow) in block
                .chunks_exact(l.inner)
                .zip(eblock.chunks_exact_mut(l.inner))
            {
                for (((oi, &mi), &xi), ei) in o.iter_mut().zip(&m).zip(row).zip(erow) {
                    *ei = (s * (xi - mi)).exp();
                    *oi += *ei;
                }
            }
            // A NaN sum marks an infinite pivot for the VJP (below).
            let nan = T::nan();
            self.sums.extend(
                o.iter()
                    .zip(&m)
                    .map(|(&oi, mi)| if mi.is_finite() { oi } else { nan }),
            );
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
        // The forward ran at recording, so its exponentials are those of these inputs.
        debug_assert_eq!(self.exps.len(), inputs[0].data.len());
        self.cached_vjp(l, inputs[0].data, out.data, grad_out, grad_in);
    }
}

impl<T: Real> ScaledLse<T> {
    /// The forward when each lane is contiguous (the last axis, or all elements): the same
    /// arithmetic as the strided loop, without its per-element row iterators.
    fn forward_contiguous(&mut self, l: Lanes, x: &[T], out: &mut [T]) {
        let (s, up) = (self.s, self.s > T::zero());
        let lanes = x
            .chunks_exact(l.block())
            .zip(self.exps.chunks_exact_mut(l.block()));
        for ((lane, e), o) in lanes.zip(out.iter_mut()) {
            let mut m = lane[0];
            for &xi in &lane[1..] {
                if (up && xi > m) || (!up && xi < m) {
                    m = xi;
                }
            }
            let mut sum = T::zero();
            for (ei, &xi) in e.iter_mut().zip(lane) {
                *ei = (s * (xi - m)).exp();
                sum += *ei;
            }
            self.sums.push(if m.is_finite() { sum } else { T::nan() });
            *o = if m.is_finite() { m + sum.ln() / s } else { m };
        }
    }

    /// The VJP from the forward's exponentials: `p = e / Σ e` per lane; a lane with an
    /// infinite pivot (its sum stored as NaN) takes the output form, as above.
    fn cached_vjp(&self, l: Lanes, x: &[T], y: &[T], grad_out: &[T], grad_in: &mut [T]) {
        let s = self.s;
        if l.inner == 1 {
            let lanes = x
                .chunks_exact(l.block())
                .zip(self.exps.chunks_exact(l.block()));
            let per_lane = y.iter().zip(grad_out).zip(&self.sums);
            for (((lane, e), gi), ((&yi, &go), &si)) in
                lanes.zip(grad_in.chunks_exact_mut(l.block())).zip(per_lane)
            {
                if si.is_nan() {
                    for (g, &xi) in gi.iter_mut().zip(lane) {
                        *g += go * (s * (xi - yi)).exp();
                    }
                } else {
                    let scale = go / si;
                    for (g, &ei) in gi.iter_mut().zip(e) {
                        *g += scale * ei;
                    }
                }
            }
            return;
        }
        let blocks = x
            .chunks_exact(l.block())
            .zip(self.exps.chunks_exact(l.block()));
        for ((((block, eblock), gblock), yl), (g, sum)) in blocks
            .zip(grad_in.chunks_exact_mut(l.block()))
            .zip(y.chunks_exact(l.inner))
            .zip(
                grad_out
                    .chunks_exact(l.inner)
                    .zip(self.sums.chunks_exact(l.inner)),
            )
        {
            let rows = block
                .chunks_exact(l.inner)
                .zip(eblock.chunks_exact(l.inner));
            for ((row, erow), grow) in rows.zip(gblock.chunks_exact_mut(l.inner)) {
                let lane = grow.iter_mut().zip(row).zip(erow).zip(yl).zip(g).zip(sum);
                for (((((gi, &xi), &ei), &yi), &go), &si) in lane {
                    let p = if si.is_nan() {
                        (s * (xi - yi)).exp()
                    } else {
                        ei / si
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
    let op = ScaledLse {
        axis,
        s,
        name,
        exps: Vec::new(),
        sums: Vec::new(),
    };
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
