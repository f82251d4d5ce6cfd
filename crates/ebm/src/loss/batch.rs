//! Every discrete loss over a minibatch as one vectorized graph: the energies of `B` samples
//! over `K` answers as one `[B, K]` tensor and `B` labels; E(Yⁱ) and E(Ȳ) are gathered row by
//! row (one op each), the pair form is applied elementwise, and the mean is one more op.
use super::{
    check_beta, check_nonneg, energy_pair, most_offending, try_hinge_pair, try_log_loss_pair,
    try_lvq2_pair, try_mce_pair, try_square_exp_pair, try_square_square_pair,
};
use wengert_ops::prelude::*;
use wengert_ops::structure::gather_rows;
use wengert_tape::{Error, ErrorKind, Real, Var};

/// Which loss [`batch`] computes, with its constants (see the table in [`crate::loss`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loss<T> {
    /// L = E(Yⁱ).
    Energy,
    /// L = E(Yⁱ) − min_y E(y).
    Perceptron,
    /// L = max(0, m + E(Yⁱ) − E(Ȳ)).
    Hinge(T),
    /// L = log(1 + exp(E(Yⁱ) − E(Ȳ))).
    Log,
    /// L = E(Yⁱ)² + max(0, m − E(Ȳ))².
    SquareSquare(T),
    /// L = E(Yⁱ)² + k exp(−β E(Ȳ)), fields (k, β).
    SquareExp(T, T),
    /// L = E(Yⁱ) + (1/β) log Σ_y exp(−β E(y)), field β.
    Nll(T),
    /// L = σ(E(Yⁱ) − E(Ȳ)).
    Mce,
    /// L = min(M, max(0, (E(Yⁱ) − E(Ȳ)) / E(Ȳ))), field M.
    Lvq2(T),
}

/// A batch loss: the mean over the batch (to back-propagate), the `[B]` per-sample losses,
/// and the most offending incorrect answer Ȳ of each row.
#[derive(Clone, Debug)]
pub struct Batch<'t, T: Real> {
    /// The mean of `per_sample`.
    pub mean: Var<'t, T>,
    /// The loss of each sample, `[B]`.
    pub per_sample: Var<'t, T>,
    /// Ȳ of each row (empty for [`Loss::Energy`], which needs none).
    pub offending: Vec<usize>,
}

/// `loss` on every row of the `[B, K]` `energies` with the correct answers `labels`; each
/// per-sample value equals the single-sample loss of that row (same Ȳ, same gradient).
///
/// # Panics
/// As [`try_batch`] errors.
///
/// ```
/// use wengert_ebm::loss::{batch, Loss};
/// let tape = wengert_tape::Tape::<f64>::new();
/// let e = tape.tensor([2, 3], vec![0.2, 0.5, 1.0, /* row 2 */ 2.0, 0.0, 3.0]);
/// let b = batch(e, &[0, 1], Loss::Hinge(1.0));
/// // row 1: Ȳ = 1, max(0, 1 + 0.2 − 0.5) = 0.7; row 2: Ȳ = 0, max(0, 1 + 0 − 2) = 0
/// assert_eq!(b.offending, vec![1, 0]);
/// assert!((b.per_sample.to_vec()[0] - 0.7).abs() < 1e-12);
/// assert!((b.mean.value() - 0.35).abs() < 1e-12);
/// assert_eq!(tape.backward(b.mean).wrt(e), &[0.5, -0.5, 0.0, 0.0, 0.0, 0.0]);
/// ```
#[track_caller]
pub fn batch<'t, T: Real>(energies: Var<'t, T>, labels: &[usize], loss: Loss<T>) -> Batch<'t, T> {
    try_batch(energies, labels, loss).unwrap_or_else(|e| panic!("{e}"))
}

/// [`batch`], returning an error instead of panicking.
///
/// # Errors
/// `InvalidArgument` for energies that are not `[B, K]` with `B` = the number of labels
/// and `B ≥ 1`, fewer than two answers where Ȳ is needed, or a bad constant (m, k, M < 0, β
/// ≤ 0, non-finite); `IndexOutOfRange` for a label ≥ K.
#[track_caller]
pub fn try_batch<'t, T: Real>(
    energies: Var<'t, T>,
    labels: &[usize],
    loss: Loss<T>,
) -> Result<Batch<'t, T>, Error> {
    const OP: &str = "batch loss";
    let shape = energies.shape();
    let dims = shape.dims().to_vec();
    if dims.len() != 2 || dims[0] != labels.len() || dims[0] == 0 {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: OP,
            reason: format!(
                "expected energies [B, K] with B = {} labels (B ≥ 1), got shape {shape}",
                labels.len()
            ),
        }));
    }
    let k = dims[1];
    if let Some(&bad) = labels.iter().find(|&&l| l >= k) {
        return Err(Error::here(ErrorKind::IndexOutOfRange {
            op: OP,
            index: bad,
            len: k,
        }));
    }
    match loss {
        Loss::Hinge(m) | Loss::SquareSquare(m) | Loss::Lvq2(m) => check_nonneg(OP, "m", m)?,
        Loss::SquareExp(kk, beta) => {
            check_nonneg(OP, "k", kk)?;
            check_beta(OP, beta)?;
        }
        Loss::Nll(beta) => check_beta(OP, beta)?,
        _ => {}
    }
    let needs_bar = !matches!(loss, Loss::Energy | Loss::Perceptron | Loss::Nll(_));
    if needs_bar && k < 2 {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: OP,
            reason: format!("{loss:?} needs an incorrect answer; the label set has {k}"),
        }));
    }
    let c = gather_rows(energies, labels);
    let offending: Vec<usize> = if needs_bar {
        energies.with_values(|v| {
            v.chunks(k)
                .zip(labels)
                .map(|(row, &l)| most_offending(row, l).expect("two answers were checked"))
                .collect()
        })
    } else {
        Vec::new()
    };
    let bar = || gather_rows(energies, &offending);
    let per_sample = match loss {
        Loss::Energy => energy_pair(c),
        Loss::Perceptron => c - energies.min_axis(Axis(1)),
        Loss::Hinge(m) => try_hinge_pair(c, bar(), m)?,
        Loss::Log => try_log_loss_pair(c, bar())?,
        Loss::SquareSquare(m) => try_square_square_pair(c, bar(), m)?,
        Loss::SquareExp(kk, beta) => try_square_exp_pair(c, bar(), kk, beta)?,
        Loss::Nll(beta) => c + (energies * (-beta)).logsumexp_axis(Axis(1)) * (T::one() / beta),
        Loss::Mce => try_mce_pair(c, bar())?,
        Loss::Lvq2(m) => try_lvq2_pair(c, bar(), m)?,
    };
    Ok(Batch {
        mean: per_sample.mean(),
        per_sample,
        offending,
    })
}
