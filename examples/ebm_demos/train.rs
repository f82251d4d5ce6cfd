//! The three losses of the demos on a minibatch, and the training loop.
use super::model::Arch;
use indicatif::ProgressBar;
use rand::seq::SliceRandom;
use wengert::ebm::loss;
use wengert::ebm::train::{Sgd, Trainer};
use wengert::ops::structure::{concat, stack};
use wengert::prelude::*;
use wengert::tape::Bound;

/// How a demo is trained.
#[derive(Clone, Copy, Debug)]
pub enum Loss {
    /// The energy loss `L = E(Yⁱ)`.
    Energy,
    /// The square-square loss `L = E(Yⁱ)² + max(0, m − E(Ȳ))²`, `Ȳ` the most offending
    /// answer of the grid outside the forbidden radius around `Yⁱ`.
    SquareSquare {
        /// The margin `m`.
        m: f64,
    },
    /// The negative log-likelihood `L = E(Yⁱ) + (1/β) log Σ_y exp(−β E(y))` over `Yⁱ` and
    /// the answers of the grid.
    Nll {
        /// The inverse temperature `β`.
        beta: f64,
    },
}

impl Loss {
    /// The name printed in the table.
    pub fn name(self) -> String {
        match self {
            Loss::Energy => "energy".into(),
            Loss::SquareSquare { m } => format!("square-square (m = {m})"),
            Loss::Nll { beta } => format!("NLL (β = {beta})"),
        }
    }
}

/// Everything a training run needs besides the model.
pub struct Setup<'a> {
    /// The loss.
    pub loss: Loss,
    /// The training pairs `(X, X²)`.
    pub data: &'a [(f64, f64)],
    /// The discretised answers `Y` searched for `Ȳ` and summed over by the NLL.
    pub grid: &'a [f64],
    /// The optimizer.
    pub sgd: Sgd<f64>,
    /// Passes over the data.
    pub epochs: usize,
    /// Samples per update.
    pub batch: usize,
    /// The forbidden radius around `Yⁱ`: `radii[0]` for the first half of training,
    /// `radii[1]` after (the source's 0.2 then 0.1).
    pub radii: [f64; 2],
}

/// The mean loss over the samples `batch` (recorded on the tape of `p`).
pub fn batch_loss<'t>(
    arch: &Arch,
    p: &Bound<'t, '_, f64>,
    tape: &'t Tape<f64>,
    setup: &Setup<'_>,
    batch: &[(f64, f64)],
    r: f64,
) -> Var<'t, f64> {
    let b = batch.len();
    let x = tape.constant_tensor([b, 1], batch.iter().map(|s| s.0).collect());
    let y = tape.constant_tensor([b, 1], batch.iter().map(|s| s.1).collect());
    let e = arch.pair_energies(p, x, y); // E(Yⁱ), [b]
    let per_sample = match setup.loss {
        Loss::Energy => loss::energy_pair(e),
        Loss::SquareSquare { m } => {
            let grid = setup.grid;
            let k = grid.len();
            let ys = tape.constant_tensor([k, 1], grid.to_vec());
            let all = arch.grid_energies(p, x, ys); // [b, K]
            let values = all.to_vec();
            let (y0, dy) = (grid[0], grid[1] - grid[0]);
            let picks: Vec<usize> = batch
                .iter()
                .enumerate()
                .map(|(i, &(_, yi))| {
                    let row = &values[i * k..(i + 1) * k];
                    let at = |v: f64| row[((v - y0) / dy).round() as usize];
                    let bar = loss::most_offending_continuous(at, yi, r, grid);
                    i * k + ((bar - y0) / dy).round() as usize
                })
                .collect();
            let e_bar = all.flatten().index_select(Axis(0), &picks); // E(Ȳ), [b]
            loss::square_square_pair(e, e_bar, m)
        }
        Loss::Nll { beta } => {
            let k = setup.grid.len();
            let ys = tape.constant_tensor([k, 1], setup.grid.to_vec());
            // the answer set of sample i: Yⁱ and the grid
            let set = concat(&[e.reshape([b, 1]), arch.grid_energies(p, x, ys)], Axis(1));
            let losses: Vec<_> = (0..b)
                .map(|i| loss::nll_set(e.elem(i), set.select(Axis(0), i), beta))
                .collect();
            stack(&losses, Axis(0))
        }
    };
    per_sample.mean()
}

/// Trains `arch` from `store`; returns the trained parameters and the mean loss over the
/// whole training set at the end. `bar` advances by one per epoch.
pub fn train(
    arch: &Arch,
    store: ParamStore<f64>,
    setup: &Setup<'_>,
    seed: u64,
    bar: &ProgressBar,
) -> (ParamStore<f64>, f64) {
    let mut trainer = Trainer::new(store, setup.sgd, seed);
    trainer.set_progress(false); // one bar for all the demos instead
    let mut order = setup.data.to_vec();
    for epoch in 0..setup.epochs {
        let r = setup.radii[usize::from(2 * epoch >= setup.epochs)];
        order.shuffle(trainer.rng());
        let mut sum = 0.0;
        for batch in order.chunks(setup.batch) {
            sum += trainer.learn_sample(|tape, p| batch_loss(arch, p, tape, setup, batch, r));
        }
        let mean = sum / order.len().div_ceil(setup.batch) as f64;
        bar.set_message(format!("loss {mean:.4}"));
        bar.inc(1);
    }
    let store = trainer.into_store();
    let final_loss = {
        let tape = Tape::new();
        let p = store.bind(&tape);
        batch_loss(arch, &p, &tape, setup, setup.data, setup.radii[1]).value()
    };
    (store, final_loss)
}
