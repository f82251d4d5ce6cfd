//! Loss functions for energy-based models, as graph expressions over energies.
//!
//! Notation (LeCun et al. 2006, "A Tutorial on Energy-Based Learning"): E(Y) is the energy
//! E(W, Y, Xⁱ) of answer Y for the current sample, Yⁱ the desired answer, and
//! Ȳ = argmin_{y ≠ Yⁱ} E(y) the *most offending incorrect answer*.
//!
//! Every loss comes in two forms:
//! - over a discrete label set: `loss(energies, correct, ..)` takes the energies of all answers
//!   as one `[K]` tensor `Var` and the index of Yⁱ; Ȳ is found inside with
//!   [`most_offending`] and the gradient flows to E(Yⁱ) and E(Ȳ) only (to every E(y) for the
//!   NLL loss);
//! - pair forms `loss_pair(e_correct, e_bar, ..)` take E(Yⁱ) and E(Ȳ) as `Var`s (for a
//!   continuous Y, find Ȳ with [`most_offending_continuous`]); they work elementwise, so a
//!   batch of pairs gives a batch of losses.
//!
//! | loss | formula |
//! | --- | --- |
//! | [`energy`] | L = E(Yⁱ) |
//! | [`perceptron`] | L = E(Yⁱ) − min_y E(y) |
//! | [`hinge`] | L = max(0, m + E(Yⁱ) − E(Ȳ)) |
//! | [`log_loss`] (soft hinge) | L = log(1 + exp(E(Yⁱ) − E(Ȳ))) |
//! | [`square_square`] | L = E(Yⁱ)² + (max(0, m − E(Ȳ)))² |
//! | [`square_exp`] | L = E(Yⁱ)² + K exp(−β E(Ȳ)) |
//! | [`nll`] | L = E(Yⁱ) + (1/β) log Σ_y exp(−β E(y)) = E(Yⁱ) − logsum_β(E) |
//! | [`generalized_margin`] | L = Q(E(Yⁱ), E(Ȳ)) |
//! | [`mce`] | L = σ(E(Yⁱ) − E(Ȳ)), σ the logistic function |
//! | [`lvq2`] | L = min(M, max(0, (E(Yⁱ) − E(Ȳ)) / E(Ȳ))) |
//!
//! Each panicking function has a `try_` twin returning [`wengert_tape::Error`] for an empty or
//! one-answer label set where Ȳ is needed, an out-of-range correct index, β ≤ 0 or m < 0.
//!
//! ```
//! use wengert_ebm::loss;
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let e = tape.tensor([3], vec![0.2, 0.5, 1.0]); // energies of answers 0, 1, 2
//! let l = loss::hinge(e, 0, 1.0);                // Ȳ = 1: max(0, 1 + 0.2 − 0.5) = 0.7
//! assert!((l.value() - 0.7).abs() < 1e-12);
//! let g = tape.backward(l);
//! assert_eq!(g.wrt(e), &[1.0, -1.0, 0.0]); // push E(Yⁱ) down, E(Ȳ) up
//! ```
mod basic;
mod batch;
mod margin;
mod offending;
mod tutorial;

pub use basic::{
    energy, energy_pair, nll, nll_set, perceptron, perceptron_pair, try_energy, try_nll,
    try_nll_set, try_perceptron,
};
pub use batch::{batch, try_batch, Batch, Loss};
pub use margin::{
    generalized_margin, generalized_margin_pair, hinge, hinge_pair, log_loss, log_loss_pair,
    square_exp, square_exp_pair, square_square, square_square_pair, try_generalized_margin,
    try_hinge, try_hinge_pair, try_log_loss, try_log_loss_pair, try_square_exp,
    try_square_exp_pair, try_square_square, try_square_square_pair,
};
pub use offending::{
    most_offending, most_offending_continuous, try_most_offending, try_most_offending_continuous,
};
pub use tutorial::{
    lvq2, lvq2_pair, mce, mce_pair, try_lvq2, try_lvq2_pair, try_mce, try_mce_pair,
};

use wengert_tape::{Error, ErrorKind, Real, Var};

/// Checks that `energies` is a vector (a scalar counts as a one-answer set), that it has an
/// incorrect answer when `need_bar`, and that `correct` indexes it; returns the number of
/// answers.
#[track_caller]
fn check_energies<T: Real>(
    op: &'static str,
    energies: Var<'_, T>,
    correct: usize,
    need_bar: bool,
) -> Result<usize, Error> {
    let shape = energies.shape();
    if shape.rank() > 1 {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!(
                "expected the energies of a label set as a vector [K], got shape {shape}"
            ),
        }));
    }
    let k = shape.numel();
    if need_bar {
        offending::check_label_set(op, k, correct)?;
    } else if correct >= k {
        return Err(Error::here(ErrorKind::IndexOutOfRange {
            op,
            index: correct,
            len: k,
        }));
    }
    Ok(k)
}

/// E(Yⁱ) and E(Ȳ) out of a vector of energies, Ȳ the most offending incorrect answer.
#[track_caller]
fn correct_and_bar<'t, T: Real>(
    op: &'static str,
    energies: Var<'t, T>,
    correct: usize,
) -> Result<(Var<'t, T>, Var<'t, T>), Error> {
    check_energies(op, energies, correct, true)?;
    let bar = energies
        .with_values(|v| most_offending(v, correct))
        .expect("the label set was checked");
    Ok((energies.elem(correct), energies.elem(bar)))
}

/// Checks a margin-like constant: finite and ≥ 0.
#[track_caller]
fn check_nonneg<T: Real>(op: &'static str, name: &str, x: T) -> Result<(), Error> {
    if x >= T::zero() && x.is_finite() {
        return Ok(());
    }
    Err(Error::here(ErrorKind::InvalidArgument {
        op,
        reason: format!("{name} = {x} must be finite and ≥ 0"),
    }))
}

/// Checks an inverse temperature: finite and > 0.
#[track_caller]
fn check_beta<T: Real>(op: &'static str, beta: T) -> Result<(), Error> {
    if beta > T::zero() && beta.is_finite() {
        return Ok(());
    }
    Err(Error::here(ErrorKind::InvalidArgument {
        op,
        reason: format!("β must be finite and > 0, got {beta}"),
    }))
}

/// Unwraps a loss result, panicking with the error's message at the caller's line.
#[track_caller]
fn unwrap<V>(r: Result<V, Error>) -> V {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}
