//! The free energy and the Gibbs distribution over a discrete answer set.
use wengert_tape::{Error, ErrorKind, Real};

#[track_caller]
fn check<T: Real>(op: &'static str, energies: &[T], beta: T) -> Result<T, Error> {
    if !(beta.is_finite() && beta > T::zero()) {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!("β must be finite and > 0, got {beta}"),
        }));
    }
    if energies.is_empty() {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: "the label set is empty".into(),
        }));
    }
    let m = energies.iter().copied().fold(T::infinity(), T::min);
    if energies.iter().any(|e| e.is_nan()) || !m.is_finite() {
        return Err(Error::here(ErrorKind::NonFinite {
            what: format!("{op}: an energy is NaN or the smallest is infinite"),
        }));
    }
    Ok(m)
}

/// The free energy `F_β = −(1/β) log Σ_y exp(−β E(y))`; it lies in
/// `[min E − (log K)/β, min E]` and tends to `min_y E(y)` as β grows.
/// Computed as `min E − (1/β) log Σ exp(−β (E − min E))`, stable for any β and energies.
///
/// # Panics
/// See [`try_free_energy`].
///
/// ```
/// use wengert_ebm::infer::free_energy;
/// let es = [1.0f64, 2.0, 3.0];
/// assert!((free_energy(&es, 1e3) - 1.0).abs() < 1e-3);
/// let f1 = -(((-1.0f64).exp() + (-2.0f64).exp() + (-3.0f64).exp()).ln());
/// assert!((free_energy(&es, 1.0) - f1).abs() < 1e-12);
/// ```
#[track_caller]
pub fn free_energy<T: Real>(energies: &[T], beta: T) -> T {
    try_free_energy(energies, beta).unwrap_or_else(|e| panic!("{e}"))
}

/// [`free_energy`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for an empty set or β ≤ 0 (or not finite);
/// [`ErrorKind::NonFinite`] for a NaN energy or a smallest energy of ±∞.
#[track_caller]
pub fn try_free_energy<T: Real>(energies: &[T], beta: T) -> Result<T, Error> {
    let m = check("infer::free_energy", energies, beta)?;
    let s: T = energies.iter().map(|&e| (-beta * (e - m)).exp()).sum();
    Ok(m - s.ln() / beta)
}

/// The Gibbs distribution `P(y|X) = exp(−β E(y)) / Σ_y' exp(−β E(y'))` over the answers
/// (`softmax(−β E)`); it sums to one and concentrates on the argmin as β grows.
///
/// # Panics
/// See [`try_gibbs`].
///
/// ```
/// let p = wengert_ebm::infer::gibbs(&[0.0, 2.0f64.ln()], 1.0);
/// assert!((p[0] - 2.0 / 3.0).abs() < 1e-12 && (p[1] - 1.0 / 3.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn gibbs<T: Real>(energies: &[T], beta: T) -> Vec<T> {
    try_gibbs(energies, beta).unwrap_or_else(|e| panic!("{e}"))
}

/// [`gibbs`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_free_energy`].
#[track_caller]
pub fn try_gibbs<T: Real>(energies: &[T], beta: T) -> Result<Vec<T>, Error> {
    let m = check("infer::gibbs", energies, beta)?;
    let mut p: Vec<T> = energies.iter().map(|&e| (-beta * (e - m)).exp()).collect();
    let s: T = p.iter().copied().sum();
    p.iter_mut().for_each(|v| *v /= s);
    Ok(p)
}
