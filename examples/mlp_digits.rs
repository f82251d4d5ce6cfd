//! The source's 2-layer tanh net (LeCun's `nn-2layer`: linear + tanh, twice) as a classifier
//! energy `E(W, Y, X) = G_Y(W, X)` on the 8×8 handwritten digits, trained once with the
//! negative log-likelihood loss and once with the hinge loss.
//!
//! - Data: `examples/data/digits.csv.gz` (1797 images), split 1347 train / 450 test with a
//!   fixed seed; pixels scaled to [0, 1]. The loss's parameter (β for NLL, the margin for the
//!   hinge) and the number of epochs are chosen by 5-fold cross-validation on the 1347
//!   training images alone: for each fold and each parameter, a net trains on the other four
//!   fifths and reads the held-out fifth's accuracy every 5 epochs; the (parameter, epochs)
//!   with the best mean accuracy wins (ties: fewer epochs, then the earlier parameter in the
//!   grid, whose first entry is the tutorial's value). A fresh net then trains on all 1347
//!   with those settings and the test set is read once, at the end (no tuning on it).
//! - Model: `Sequential::two_layer(64 → 64 → 10)` inside `energy::Classifier`; the answer is
//!   `Y̌ = argmin_k G_k(W, X)` (the trainer's `run`).
//! - Training: minibatches of 32 recorded as one `[32, 64]` tensor (two matrix products per
//!   batch rather than 64 matrix-vector products), SGD with momentum 0.9 and learning rate
//!   0.1 / (1 + epoch/10), fixed seeds.
//! - NLL, `L = E(Yⁱ) + (1/β) log Σ_y exp(−β E(y))` with β from {4, 2, 8} (the net's energies
//!   lie in (−1, 1), so a larger β lets the Gibbs distribution become confident); hinge,
//!   `L = max(0, m + E(Yⁱ) − E(Ȳ))` with m from {0.5, 0.25, 1} and Ȳ the most offending
//!   incorrect answer.
//!
//! Run: `cargo run --release --example mlp_digits`
#[path = "common/digits.rs"]
mod digits;

use rand::seq::SliceRandom;
use std::time::Instant;
use wengert::ebm::energy::{Classifier, LabelEnergy};
use wengert::ebm::module::Sequential;
use wengert::ebm::train::{Sgd, Trainer};
use wengert::ebm::{infer, init, loss};
use wengert::prelude::*;

const HIDDEN: usize = 64;
/// The longest run cross-validation tries (in steps of [`EVERY`] epochs).
const EPOCHS: usize = 60;
/// How often a cross-validation run reads its held-out fold.
const EVERY: usize = 5;
/// The number of cross-validation folds.
const FOLDS: usize = 5;
const BATCH: usize = 32;

#[derive(Clone, Copy, Debug)]
enum Loss {
    Nll { beta: f64 },
    Hinge { margin: f64 },
}

/// The batch loss: the mean over the rows of `energies` (`[b, 10]`) of the per-sample loss.
fn batch_loss<'t>(energies: Var<'t, f64>, labels: &[usize], which: Loss) -> Var<'t, f64> {
    let e_correct = energies.gather_rows(labels);
    let per_sample = match which {
        // E(Yⁱ) − logsum_β(E), row by row.
        Loss::Nll { beta } => e_correct - energies.logsum_axis(Axis(1), beta),
        Loss::Hinge { margin } => {
            let bars: Vec<usize> = energies.with_values(|v| {
                v.chunks(10)
                    .zip(labels)
                    .map(|(row, &y)| loss::most_offending(row, y).expect("10 labels"))
                    .collect()
            });
            loss::hinge_pair(e_correct, energies.gather_rows(&bars), margin)
        }
    };
    per_sample.mean()
}

/// Test accuracy: the lowest-energy answer of every test image, from one batched forward pass.
fn accuracy(
    model: &Classifier<Sequential<f64>, f64>,
    store: &ParamStore<f64>,
    x: &[f64],
    y: &[usize],
) -> f64 {
    let tape = Tape::new();
    let p = store.bind(&tape);
    let e = model.energies(&p, tape.constant_tensor([y.len(), 64], x.to_vec()));
    let answers = e.argmin_axis(Axis(1));
    let right = answers.iter().zip(y).filter(|(a, b)| a == b).count();
    right as f64 / y.len() as f64
}

type Model = Classifier<Sequential<f64>, f64>;

/// Trains a fresh net with `which` on the images `idx` for `epochs`; with `valid`, returns
/// the validation accuracy after every [`EVERY`]th epoch (the schedule depends on the epoch
/// only, so the accuracy after `e` epochs of a longer run is that of an `e`-epoch run).
fn fit(
    which: Loss,
    data: &digits::Digits,
    idx: &[usize],
    epochs: usize,
    valid: Option<&(Vec<f64>, Vec<usize>)>,
) -> (Trainer<f64>, Model, Vec<(usize, f64)>) {
    let mut store = ParamStore::<f64>::new();
    let g = Sequential::two_layer(&mut store, "g", 64, HIDDEN, 10, &mut init::rng(1));
    let model = Classifier::new(g, 10);
    let mut trainer = Trainer::new(store, Sgd::new(0.1).with_momentum(0.9), 2);
    let mut order = idx.to_vec();
    let mut curve = Vec::new();
    for epoch in 1..=epochs {
        // A 1/t learning-rate schedule settles the noisy hinge updates.
        trainer.sgd.lr = 0.1 / (1.0 + (epoch - 1) as f64 / 10.0);
        order.shuffle(trainer.rng());
        for chunk in order.chunks(BATCH) {
            let (x, y) = data.batch(chunk);
            trainer.learn_sample(|tape, p| {
                let e = model.energies(p, tape.constant_tensor([y.len(), 64], x));
                batch_loss(e, &y, which)
            });
        }
        if let (Some(v), true) = (valid, epoch % EVERY == 0) {
            curve.push((epoch, accuracy(&model, trainer.store(), &v.0, &v.1)));
        }
    }
    (trainer, model, curve)
}

/// The loss with its parameter from the grid (the tutorial's value first).
fn grid(which: Loss) -> Vec<Loss> {
    match which {
        Loss::Nll { .. } => [4.0, 2.0, 8.0].map(|beta| Loss::Nll { beta }).to_vec(),
        Loss::Hinge { .. } => [0.5, 0.25, 1.0]
            .map(|margin| Loss::Hinge { margin })
            .to_vec(),
    }
}

/// Chooses the loss's parameter and the number of epochs by [`FOLDS`]-fold cross-validation
/// on `train_idx`, retrains on all of it, and returns the accuracy on `test`, read only here.
fn train(
    which: Loss,
    data: &digits::Digits,
    train_idx: &[usize],
    test: &(Vec<f64>, Vec<usize>),
) -> f64 {
    let start = Instant::now();
    println!(
        "\n== {which:?}: 64 → {HIDDEN} → 10 tanh net, minibatches of {BATCH}, \
         {FOLDS}-fold cross-validation up to {EPOCHS} epochs"
    );
    let fold_len = train_idx.len().div_ceil(FOLDS);
    // (mean held-out accuracy, epochs, grid position) of the best setting so far.
    let mut best = (-1.0, 0, 0);
    for (g, &w) in grid(which).iter().enumerate() {
        let mut mean = [0.0; EPOCHS / EVERY];
        for f in 0..FOLDS {
            let lo = f * fold_len;
            let hi = (lo + fold_len).min(train_idx.len());
            let rest: Vec<usize> = [&train_idx[..lo], &train_idx[hi..]].concat();
            let held = data.batch(&train_idx[lo..hi]);
            let (_, _, curve) = fit(w, data, &rest, EPOCHS, Some(&held));
            for (m, (_, a)) in mean.iter_mut().zip(curve) {
                *m += a / FOLDS as f64;
            }
        }
        let line: Vec<String> = mean.iter().map(|a| format!("{:.1}", 100.0 * a)).collect();
        println!(
            "  {w:?}: mean held-out accuracy % every {EVERY} epochs: {}",
            line.join(" ")
        );
        for (j, &a) in mean.iter().enumerate() {
            // Strictly better only: a tie keeps the earlier (fewer epochs, earlier in the grid).
            let e = (j + 1) * EVERY;
            if a > best.0 || (a == best.0 && e < best.1) {
                best = (a, e, g);
            }
        }
    }
    let (cv, epochs, g) = best;
    let chosen = grid(which)[g];
    let (trainer, model, _) = fit(chosen, data, train_idx, epochs, None);
    let acc = accuracy(&model, trainer.store(), &test.0, &test.1);
    println!(
        "  chosen: {chosen:?}, {epochs} epochs (cross-validated {:.2}%); retrained on all {} \
         training images: test accuracy {:.2}% ({} / {}), {:.1} s in all",
        100.0 * cv,
        train_idx.len(),
        100.0 * acc,
        (acc * test.1.len() as f64).round(),
        test.1.len(),
        start.elapsed().as_secs_f64()
    );
    // The source trainer's `run` on one test image: every energy and the argmin.
    let x0 = Tensor::new([64], test.0[..64].to_vec());
    let r = trainer.run(&model, &x0);
    let es: Vec<String> = r.energies.iter().map(|e| format!("{e:+.2}")).collect();
    println!(
        "  run(first test image, label {}): answer {}, energies [{}]",
        test.1[0],
        r.answer,
        es.join(" ")
    );
    if let Loss::Nll { beta } = chosen {
        let p = infer::gibbs(&r.energies, beta);
        println!(
            "  its Gibbs probability P(Y̌|X) at β = {beta}: {:.3}",
            p[r.answer]
        );
    }
    acc
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = digits::load()?;
    let mut idx: Vec<usize> = (0..data.len()).collect();
    idx.shuffle(&mut init::rng(0));
    let (train_idx, test_idx) = idx.split_at(1347);
    println!(
        "digits: {} images of 8×8, {} train / {} test (seed 0)",
        data.len(),
        train_idx.len(),
        test_idx.len()
    );
    let test = data.batch(test_idx);
    for which in [Loss::Nll { beta: 4.0 }, Loss::Hinge { margin: 0.5 }] {
        let acc = train(which, &data, train_idx, &test);
        assert!(acc >= 0.97, "{which:?}: test accuracy {acc} < 0.97");
    }
    Ok(())
}
