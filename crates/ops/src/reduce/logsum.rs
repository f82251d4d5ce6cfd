//! The tutorial's log-sum (a soft minimum at inverse temperature β), over all elements or
//! along one axis. It is the scaled log-sum-exp of [`logsumexp`](super::logsumexp()) with
//! scale `−β`, so it shares its op, `ScaledLse`.
use super::axis::{check_beta, or_panic};
use super::logsumexp::try_scaled_lse;
use crate::Axis;
use wengert_tape::{Error, Real, Var};

/// The log-sum of all elements at inverse temperature β (LeCun's free energy of a set of
/// energies), as a rank-0 tensor:
///
/// `y = −(1/β) ln Σₖ exp(−β xₖ)`,  `∂y/∂xₖ = Pₖ = exp(−β xₖ) / Σⱼ exp(−β xⱼ) = softmax(−β x)ₖ`.
///
/// It is a smooth minimum: `min x − (ln n)/β ≤ y ≤ min x`, so it tends to `min x` as β
/// grows (for small β, `y ≈ mean x − (ln n)/β`). Equivalently
/// `y = −logsumexp(−β x)/β`. Computed shifted by `min x`, so it is finite and exact for
/// entries of magnitude 1e4 with β = 1e3. A scalar `Var` is returned unchanged.
///
/// ```
/// use wengert_ops::reduce::logsum;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([3], vec![2.0, 5.0, 9.0]);
/// let y = logsum(x, 1e3);
/// assert!((y.value() - 2.0).abs() < 1e-9); // ≈ min
/// let g = tape.backward(y);
/// assert!((g.wrt(x)[0] - 1.0).abs() < 1e-9); // the weight goes to the minimum
///
/// let y = logsum(x, 1.0); // −ln(e⁻² + e⁻⁵ + e⁻⁹)
/// let want = -((-2f64).exp() + (-5f64).exp() + (-9f64).exp()).ln();
/// assert!((y.value() - want).abs() < 1e-12);
/// ```
///
/// # Panics
/// If β is not positive and finite, or the tensor is empty (see [`try_logsum`]).
#[track_caller]
pub fn logsum<'t, T: Real>(x: Var<'t, T>, beta: T) -> Var<'t, T> {
    or_panic(try_logsum(x, beta))
}

/// [`logsum`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if β ≤ 0, β is
/// not finite, or the tensor is empty.
///
/// ```
/// use wengert_ops::reduce::try_logsum;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2], vec![1.0, 2.0]);
/// let e = try_logsum(x, 0.0).unwrap_err();
/// assert!(e.to_string().contains("β must be finite and > 0"));
/// ```
#[track_caller]
pub fn try_logsum<'t, T: Real>(x: Var<'t, T>, beta: T) -> Result<Var<'t, T>, Error> {
    check_beta("logsum", beta)?;
    try_scaled_lse(x, None, -beta, "logsum")
}

/// The log-sum along `axis`, which is removed:
/// `y[o, i] = −(1/β) ln Σₖ exp(−β x[o, k, i])`;
/// `∂y[o, i]/∂x[o, k, i] = softmax(−β x[o, ·, i])ₖ`.
///
/// ```
/// use wengert_ops::{reduce::logsum_axis, Axis};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 2], vec![1.0, 1.0, 3.0, 1e4]);
/// let y = logsum_axis(x, Axis(1), 1.0);
/// assert_eq!(y.to_vec(), vec![1.0 - 2f64.ln(), 3.0]);
/// ```
///
/// # Panics
/// If β is not positive and finite, or `axis` is not below the rank or has length 0 (see
/// [`try_logsum_axis`]).
#[track_caller]
pub fn logsum_axis<'t, T: Real>(x: Var<'t, T>, axis: Axis, beta: T) -> Var<'t, T> {
    or_panic(try_logsum_axis(x, axis, beta))
}

/// [`logsum_axis`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if β ≤ 0, β is
/// not finite, or `axis` is not below the rank or has length 0.
#[track_caller]
pub fn try_logsum_axis<'t, T: Real>(
    x: Var<'t, T>,
    axis: Axis,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    check_beta("logsum_axis", beta)?;
    try_scaled_lse(x, Some(axis), -beta, "logsum_axis")
}
