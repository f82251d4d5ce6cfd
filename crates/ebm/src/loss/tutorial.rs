//! Two more margin losses from LeCun et al. 2006, "A Tutorial on Energy-Based Learning"
//! (section 2.2): minimum classification error (MCE) and LVQ2.
use super::{check_nonneg, correct_and_bar, unwrap};
use wengert_ops::prelude::*;
use wengert_tape::{Error, ErrorKind, Real, Var};

/// The minimum classification error loss (Juang et al. 1997) L = σ(E(Yⁱ) − E(Ȳ)), σ the
/// logistic function: a smooth count of errors.
///
/// Derivative: `∂L/∂E(Yⁱ) = σ(d)(1 − σ(d)) = −∂L/∂E(Ȳ)` with d = E(Yⁱ) − E(Ȳ). It has no
/// explicit margin and a vanishing gradient far from the boundary on either side.
///
/// # Panics
/// As [`try_mce`] errors.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![0.3, 0.3]);
/// let l = wengert_ebm::loss::mce(e, 0); // σ(0)
/// assert_eq!(l.value(), 0.5);
/// assert_eq!(tape.backward(l).wrt(e), &[0.25, -0.25]);
/// ```
#[track_caller]
pub fn mce<'t, T: Real>(energies: Var<'t, T>, correct: usize) -> Var<'t, T> {
    unwrap(try_mce(energies, correct))
}

/// [`mce`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for energies that are not a vector or a label set of fewer than two
/// answers; `IndexOutOfRange` for `correct`.
#[track_caller]
pub fn try_mce<'t, T: Real>(energies: Var<'t, T>, correct: usize) -> Result<Var<'t, T>, Error> {
    let (c, bar) = correct_and_bar("mce loss", energies, correct)?;
    try_mce_pair(c, bar)
}

/// The MCE loss from E(Yⁱ) and E(Ȳ), elementwise: σ(E(Yⁱ) − E(Ȳ)).
///
/// # Panics
/// If the shapes do not broadcast.
#[track_caller]
pub fn mce_pair<'t, T: Real>(e_correct: Var<'t, T>, e_bar: Var<'t, T>) -> Var<'t, T> {
    unwrap(try_mce_pair(e_correct, e_bar))
}

/// [`mce_pair`], returning an error instead of panicking.
///
/// # Errors
/// `Broadcast` for shapes that do not broadcast.
#[track_caller]
pub fn try_mce_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
) -> Result<Var<'t, T>, Error> {
    Ok(e_correct.try_sub(e_bar)?.sigmoid())
}

/// The LVQ2 loss (Kohonen 1990) L = min(M, max(0, (E(Yⁱ) − E(Ȳ)) / E(Ȳ))), for positive
/// energies (distances to prototypes) and a saturation M ≥ 0.
///
/// Derivative: where 0 < (E(Yⁱ) − E(Ȳ))/E(Ȳ) < M, `∂L/∂E(Yⁱ) = 1/E(Ȳ)` and
/// `∂L/∂E(Ȳ) = −E(Yⁱ)/E(Ȳ)²`; 0 elsewhere. It has no margin: it stops once E(Yⁱ) ≤ E(Ȳ),
/// and it ignores samples that are too far wrong.
///
/// # Panics
/// As [`try_lvq2`] errors.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![3.0, 2.0]);
/// let l = wengert_ebm::loss::lvq2(e, 0, 1.0); // (3 − 2)/2
/// assert_eq!(l.value(), 0.5);
/// assert_eq!(tape.backward(l).wrt(e), &[0.5, -0.75]); // 1/2, −3/4
/// ```
#[track_caller]
pub fn lvq2<'t, T: Real>(energies: Var<'t, T>, correct: usize, big_m: T) -> Var<'t, T> {
    unwrap(try_lvq2(energies, correct, big_m))
}

/// [`lvq2`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_mce`]; `InvalidArgument` for M < 0 or E(Ȳ) ≤ 0.
#[track_caller]
pub fn try_lvq2<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    big_m: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("lvq2 loss", "the saturation M", big_m)?;
    let (c, bar) = correct_and_bar("lvq2 loss", energies, correct)?;
    try_lvq2_pair(c, bar, big_m)
}

/// The LVQ2 loss from E(Yⁱ) and E(Ȳ), elementwise.
///
/// # Panics
/// As [`try_lvq2_pair`] errors.
#[track_caller]
pub fn lvq2_pair<'t, T: Real>(e_correct: Var<'t, T>, e_bar: Var<'t, T>, big_m: T) -> Var<'t, T> {
    unwrap(try_lvq2_pair(e_correct, e_bar, big_m))
}

/// [`lvq2_pair`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for M < 0 or an E(Ȳ) ≤ 0; `Broadcast` for shapes that do not
/// broadcast.
#[track_caller]
pub fn try_lvq2_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    big_m: T,
) -> Result<Var<'t, T>, Error> {
    const OP: &str = "lvq2 loss";
    check_nonneg(OP, "the saturation M", big_m)?;
    if let Some(bad) =
        e_bar.with_values(|v| v.iter().copied().find(|&e| e.is_nan() || e <= T::zero()))
    {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: OP,
            reason: format!("E(Ȳ) = {bad} must be > 0 (LVQ2 energies are distances)"),
        }));
    }
    let z = e_correct.try_sub(e_bar)?.try_div(e_bar)?.relu();
    // min(M, z) = M − max(0, M − z): zero gradient once saturated.
    Ok(-(-z + big_m).relu() + big_m)
}
