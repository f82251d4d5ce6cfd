//! Losses that need no Ȳ: energy, perceptron and negative log-likelihood.
use super::{check_beta, check_energies, unwrap};
use wengert_ops::prelude::*;
use wengert_tape::{Error, Real, Var};

/// The energy loss L = E(Yⁱ): the energy of the correct answer; `∂L/∂E(Yⁱ) = 1`.
///
/// It only pushes the correct energy down, so it collapses any architecture that can make
/// every energy small at once (the tutorial's architecture B); it works when lowering
/// E(Yⁱ) raises the others (a regressor's ½‖Y − G(X)‖²).
///
/// # Panics
/// As [`try_energy`] errors.
///
/// ```
/// use wengert_ebm::loss;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![0.4, 0.1]);
/// assert_eq!(loss::energy(e, 0).value(), 0.4);
/// ```
#[track_caller]
pub fn energy<'t, T: Real>(energies: Var<'t, T>, correct: usize) -> Var<'t, T> {
    unwrap(try_energy(energies, correct))
}

/// [`energy`], returning an error instead of panicking.
///
/// # Errors
/// `IndexOutOfRange` for `correct`, `InvalidArgument` for energies that are not a vector.
#[track_caller]
pub fn try_energy<'t, T: Real>(energies: Var<'t, T>, correct: usize) -> Result<Var<'t, T>, Error> {
    check_energies("energy loss", energies, correct, false)?;
    Ok(energies.elem(correct))
}

/// The energy loss on E(Yⁱ) alone: L = E(Yⁱ) (the identity, for uniformity with the other
/// pair forms).
pub fn energy_pair<T: Real>(e_correct: Var<'_, T>) -> Var<'_, T> {
    e_correct
}

/// The generalized perceptron loss L = E(Yⁱ) − min_y E(y) (the minimum includes Yⁱ, so
/// L ≥ 0 and L = 0 once Yⁱ has the lowest energy).
///
/// Derivative: `∂L/∂E(Yⁱ) = 1`, `∂L/∂E(Y̌) = −1` for Y̌ = argmin_y E(y) (the first on ties);
/// both cancel when Y̌ = Yⁱ. Its margin is zero, so it may collapse (energies all equal).
///
/// # Panics
/// As [`try_perceptron`] errors.
///
/// ```
/// use wengert_ebm::loss;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([3], vec![0.4, 0.1, 0.7]);
/// let l = loss::perceptron(e, 0); // 0.4 − 0.1
/// assert!((l.value() - 0.3).abs() < 1e-12);
/// assert_eq!(tape.backward(l).wrt(e), &[1.0, -1.0, 0.0]);
/// ```
#[track_caller]
pub fn perceptron<'t, T: Real>(energies: Var<'t, T>, correct: usize) -> Var<'t, T> {
    unwrap(try_perceptron(energies, correct))
}

/// [`perceptron`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_energy`].
#[track_caller]
pub fn try_perceptron<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
) -> Result<Var<'t, T>, Error> {
    check_energies("perceptron loss", energies, correct, false)?;
    let lowest = energies.with_values(|v| {
        let mut b = 0;
        for (i, &e) in v.iter().enumerate() {
            if e < v[b] {
                b = i;
            }
        }
        b
    });
    Ok(perceptron_pair(
        energies.elem(correct),
        energies.elem(lowest),
    ))
}

/// The perceptron loss from E(Yⁱ) and the lowest energy min_y E(y): L = E(Yⁱ) − E(Y̌).
///
/// # Panics
/// If the shapes cannot be broadcast.
#[track_caller]
pub fn perceptron_pair<'t, T: Real>(e_correct: Var<'t, T>, e_min: Var<'t, T>) -> Var<'t, T> {
    e_correct - e_min
}

/// The negative log-likelihood loss with inverse temperature β:
/// L = E(Yⁱ) + (1/β) log Σ_y exp(−β E(y)) = E(Yⁱ) − logsum_β(E),
/// with the logsum module logsum_β(E) = −(1/β) log Σ_y exp(−β E(y)) (the free energy).
///
/// Derivative: `∂L/∂E(y) = [y = Yⁱ] − P(y)` with `P = softmax(−β E)`: the correct energy is
/// pushed down and every energy up in proportion to its probability. As β → ∞ it tends to
/// the [`perceptron`] loss. Computed stably (shifted by the lowest energy).
///
/// # Panics
/// As [`try_nll`] errors.
///
/// ```
/// use wengert_ebm::loss;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2], vec![0.0, 0.0]);
/// let l = loss::nll(e, 0, 1.0); // 0 + log 2
/// assert!((l.value() - 2f64.ln()).abs() < 1e-12);
/// assert_eq!(tape.backward(l).wrt(e), &[0.5, -0.5]);
/// ```
#[track_caller]
pub fn nll<'t, T: Real>(energies: Var<'t, T>, correct: usize, beta: T) -> Var<'t, T> {
    unwrap(try_nll(energies, correct, beta))
}

/// [`nll`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_energy`], and `InvalidArgument` for β ≤ 0 or non-finite.
#[track_caller]
pub fn try_nll<'t, T: Real>(
    energies: Var<'t, T>,
    correct: usize,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    check_energies("nll loss", energies, correct, false)?;
    try_nll_set(energies.elem(correct), energies, beta)
}

/// The NLL loss from E(Yⁱ) and the energies of a whole answer set (for a continuous Y: the
/// energies on a grid): L = E(Yⁱ) − logsum_β(energies). Formula and derivative as [`nll`].
///
/// # Panics
/// As [`try_nll_set`] errors.
#[track_caller]
pub fn nll_set<'t, T: Real>(e_correct: Var<'t, T>, energies: Var<'t, T>, beta: T) -> Var<'t, T> {
    unwrap(try_nll_set(e_correct, energies, beta))
}

/// [`nll_set`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for β ≤ 0 or non-finite, or an empty answer set; `Broadcast` when
/// `e_correct` has more than one element.
#[track_caller]
pub fn try_nll_set<'t, T: Real>(
    e_correct: Var<'t, T>,
    energies: Var<'t, T>,
    beta: T,
) -> Result<Var<'t, T>, Error> {
    const OP: &str = "nll loss";
    check_beta(OP, beta)?;
    if energies.numel() == 0 {
        return Err(Error::here(wengert_tape::ErrorKind::InvalidArgument {
            op: OP,
            reason: "the answer set is empty".into(),
        }));
    }
    // The tutorial's logsum module: −(1/β) log Σ exp(−β E), gradient softmax(−β E).
    e_correct.try_sub(energies.try_logsum(beta)?)
}
