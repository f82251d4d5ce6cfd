//! Generalized margin losses L = Q(E(Yⁱ), E(Ȳ)): hinge, log (soft hinge), square-square,
//! square-exp, and Q supplied by the caller.
use super::{check_beta, check_nonneg, correct_and_bar, unwrap};
use wengert_ops::prelude::*;
use wengert_tape::{Error, Real, Var};

/// The hinge loss L = max(0, m + E(Yⁱ) − E(Ȳ)) with margin m ≥ 0.
///
/// Derivative: while the margin is violated (E(Ȳ) − E(Yⁱ) < m) `∂L/∂E(Yⁱ) = 1`,
/// `∂L/∂E(Ȳ) = −1`; once E(Yⁱ) ≤ E(Ȳ) − m the loss and its gradient are 0 (the kink itself
/// has gradient 0).
///
/// # Panics
/// As [`try_hinge`] errors.
///
/// ```
/// use wengert_ebm::loss;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([3], vec![0.0, 2.0, 3.0]);
/// assert_eq!(loss::hinge(e, 0, 1.0).value(), 0.0); // 0 ≤ 2 − 1: the margin holds
/// ```
#[track_caller]
pub fn hinge<'t, T: Real>(energies: Var<'t, T>, correct: usize, m: T) -> Var<'t, T> {
    unwrap(try_hinge(energies, correct, m))
}

/// [`hinge`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for energies that are not a vector, a label set of fewer than two
/// answers, or m < 0 (or non-finite); `IndexOutOfRange` for `correct`.
#[track_caller]
pub fn try_hinge<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    m: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("hinge loss", "the margin m", m)?;
    let (c, bar) = correct_and_bar("hinge loss", energies, correct)?;
    try_hinge_pair(c, bar, m)
}

/// The hinge loss from E(Yⁱ) and E(Ȳ), elementwise: max(0, m + E(Yⁱ) − E(Ȳ)).
///
/// # Panics
/// As [`try_hinge_pair`] errors.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let (c, bar) = (tape.var(0.5), tape.var(1.0));
/// let l = wengert_ebm::loss::hinge_pair(c, bar, 1.0);
/// assert_eq!(l.value(), 0.5);
/// let g = tape.backward(l);
/// assert_eq!((g[c], g[bar]), (1.0, -1.0));
/// ```
#[track_caller]
pub fn hinge_pair<'t, T: Real>(e_correct: Var<'t, T>, e_bar: Var<'t, T>, m: T) -> Var<'t, T> {
    unwrap(try_hinge_pair(e_correct, e_bar, m))
}

/// [`hinge_pair`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for m < 0; `Broadcast` for shapes that do not broadcast.
#[track_caller]
pub fn try_hinge_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    m: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("hinge loss", "the margin m", m)?;
    Ok((e_correct.try_sub(e_bar)? + m).relu())
}

/// The log loss (soft hinge) L = log(1 + exp(E(Yⁱ) − E(Ȳ))), computed without overflow.
///
/// Derivative: `∂L/∂E(Yⁱ) = σ(E(Yⁱ) − E(Ȳ)) = −∂L/∂E(Ȳ)`, σ the logistic function; it never
/// vanishes, so it keeps widening the gap, ever more slowly (an infinite soft margin).
///
/// # Panics
/// As [`try_log_loss`] errors.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![1.0, 1.0]);
/// let l = wengert_ebm::loss::log_loss(e, 1);
/// assert!((l.value() - 2f64.ln()).abs() < 1e-12);
/// assert_eq!(tape.backward(l).wrt(e), &[-0.5, 0.5]);
/// ```
#[track_caller]
pub fn log_loss<'t, T: Real>(energies: Var<'t, T>, correct: usize) -> Var<'t, T> {
    unwrap(try_log_loss(energies, correct))
}

/// [`log_loss`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_hinge`] (without the margin).
#[track_caller]
pub fn try_log_loss<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
) -> Result<Var<'t, T>, Error> {
    let (c, bar) = correct_and_bar("log loss", energies, correct)?;
    try_log_loss_pair(c, bar)
}

/// The log loss from E(Yⁱ) and E(Ȳ), elementwise: log(1 + exp(E(Yⁱ) − E(Ȳ))).
///
/// # Panics
/// If the shapes do not broadcast.
#[track_caller]
pub fn log_loss_pair<'t, T: Real>(e_correct: Var<'t, T>, e_bar: Var<'t, T>) -> Var<'t, T> {
    unwrap(try_log_loss_pair(e_correct, e_bar))
}

/// [`log_loss_pair`], returning an error instead of panicking.
///
/// # Errors
/// `Broadcast` for shapes that do not broadcast.
#[track_caller]
pub fn try_log_loss_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
) -> Result<Var<'t, T>, Error> {
    Ok(e_correct.try_sub(e_bar)?.softplus())
}

/// The square-square loss L = E(Yⁱ)² + (max(0, m − E(Ȳ)))², for non-negative energies.
///
/// Derivative: `∂L/∂E(Yⁱ) = 2 E(Yⁱ)`, `∂L/∂E(Ȳ) = −2 max(0, m − E(Ȳ))`: it pulls the correct
/// energy to 0 and pushes E(Ȳ) up to m and no further.
///
/// # Panics
/// As [`try_square_square`] errors.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![0.5, 0.25]);
/// let l = wengert_ebm::loss::square_square(e, 0, 1.0); // 0.5² + (1 − 0.25)²
/// assert_eq!(l.value(), 0.8125);
/// assert_eq!(tape.backward(l).wrt(e), &[1.0, -1.5]);
/// ```
#[track_caller]
pub fn square_square<'t, T: Real>(energies: Var<'t, T>, correct: usize, m: T) -> Var<'t, T> {
    unwrap(try_square_square(energies, correct, m))
}

/// [`square_square`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_hinge`].
#[track_caller]
pub fn try_square_square<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    m: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("square-square loss", "the margin m", m)?;
    let (c, bar) = correct_and_bar("square-square loss", energies, correct)?;
    try_square_square_pair(c, bar, m)
}

/// The square-square loss from E(Yⁱ) and E(Ȳ), elementwise.
///
/// # Panics
/// As [`try_square_square_pair`] errors.
#[track_caller]
pub fn square_square_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    m: T,
) -> Var<'t, T> {
    unwrap(try_square_square_pair(e_correct, e_bar, m))
}

/// [`square_square_pair`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for m < 0; `Broadcast` for shapes that do not broadcast.
#[track_caller]
pub fn try_square_square_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    m: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("square-square loss", "the margin m", m)?;
    e_correct.square().try_add((-e_bar + m).relu().square())
}

/// The square-exp loss L = E(Yⁱ)² + K exp(−β E(Ȳ)), K ≥ 0, β > 0.
///
/// Derivative: `∂L/∂E(Yⁱ) = 2 E(Yⁱ)`, `∂L/∂E(Ȳ) = −β K exp(−β E(Ȳ))`: E(Ȳ) is pushed up
/// with a force that fades exponentially.
///
/// # Panics
/// As [`try_square_exp`] errors.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![1.0, 0.0]);
/// let l = wengert_ebm::loss::square_exp(e, 0, 2.0, 3.0); // 1 + 2 e⁰
/// assert_eq!(l.value(), 3.0);
/// assert_eq!(tape.backward(l).wrt(e), &[2.0, -6.0]); // −βK e⁰
/// ```
#[track_caller]
pub fn square_exp<'t, T: Real>(energies: Var<'t, T>, correct: usize, k: T, beta: T) -> Var<'t, T> {
    unwrap(try_square_exp(energies, correct, k, beta))
}

/// [`square_exp`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_hinge`], with K < 0 or β ≤ 0 instead of m < 0.
#[track_caller]
pub fn try_square_exp<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    k: T,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("square-exp loss", "K", k)?;
    check_beta("square-exp loss", beta)?;
    let (c, bar) = correct_and_bar("square-exp loss", energies, correct)?;
    try_square_exp_pair(c, bar, k, beta)
}

/// The square-exp loss from E(Yⁱ) and E(Ȳ), elementwise.
///
/// # Panics
/// As [`try_square_exp_pair`] errors.
#[track_caller]
pub fn square_exp_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    k: T,
    beta: T,
) -> Var<'t, T> {
    unwrap(try_square_exp_pair(e_correct, e_bar, k, beta))
}

/// [`square_exp_pair`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for K < 0 or β ≤ 0; `Broadcast` for shapes that do not broadcast.
#[track_caller]
pub fn try_square_exp_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    k: T,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    check_nonneg("square-exp loss", "K", k)?;
    check_beta("square-exp loss", beta)?;
    e_correct.square().try_add((e_bar * -beta).exp() * k)
}

/// The generalized margin loss L = Q(E(Yⁱ), E(Ȳ)) with a caller-supplied Q, which should
/// increase in its first argument and decrease in its second (the tutorial's condition for
/// a loss that makes the correct answer win by a margin).
///
/// # Panics
/// As [`try_generalized_margin`] errors.
///
/// ```
/// use wengert_ebm::loss;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([3], vec![1.0, 0.5, 2.0]);
/// // Q(a, b) = 2 log(1 + exp(a − b))
/// let l = loss::generalized_margin(e, 0, |a, b| loss::log_loss_pair(a, b) * 2.0);
/// assert!((l.value() - 2.0 * (1.0 + 0.5f64.exp()).ln()).abs() < 1e-12);
/// ```
#[track_caller]
pub fn generalized_margin<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    q: impl FnOnce(Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
) -> Var<'t, T> {
    unwrap(try_generalized_margin(energies, correct, q))
}

/// [`generalized_margin`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_log_loss`].
#[track_caller]
pub fn try_generalized_margin<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    q: impl FnOnce(Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
) -> Result<Var<'t, T>, Error> {
    let (c, bar) = correct_and_bar("generalized margin loss", energies, correct)?;
    Ok(q(c, bar))
}

/// The generalized margin loss from E(Yⁱ) and E(Ȳ): `q(e_correct, e_bar)`.
pub fn generalized_margin_pair<'t, T: Real>(
    e_correct: Var<'t, T>,
    e_bar: Var<'t, T>,
    q: impl FnOnce(Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
) -> Var<'t, T> {
    q(e_correct, e_bar)
}
