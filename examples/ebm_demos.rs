//! The `Y = X²` demos of LeCun's energy-based-model tutorial.
//!
//! Training set: X uniform in [−1, 1], Y = X² (fixed seed). Four demos:
//!
//! 1. architecture A, `E = ½(Y − G(W, X))²` (quadratic in Y), energy loss: works;
//! 2. architecture B, the matcher `E = ½‖G1(W, X) − G2(W, Y)‖²`, energy loss: collapses
//!    (both nets map everything to the same point, the energy is flat);
//! 3. architecture B, square-square loss with Ȳ the most offending answer outside a
//!    forbidden radius around Yⁱ (0.2, then 0.1): works;
//! 4. architecture B, negative log-likelihood over a discretised Y: works.
//!
//! Prints a table (final training loss, mean |argmin_Y E(X, Y) − X²| on a held-out grid of X,
//! mean energy gap between wrong and right answers) and writes each energy surface as SVG
//! and PNG into `out/ebm_demos/` (or the folder given as the first argument).
//!
//! ```text
//! cargo run --release --example ebm_demos [-- <output folder>]
//! ```
#[path = "ebm_demos/model.rs"]
mod model;
#[path = "ebm_demos/plot.rs"]
mod plot;
#[path = "ebm_demos/train.rs"]
mod train;

use indicatif::{ProgressBar, ProgressStyle};
use model::Arch;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;
use train::{Loss, Setup};
use wengert::ebm::{infer, init, train::Sgd};
use wengert::prelude::*;

/// Training samples.
const N_TRAIN: usize = 200;
/// Seed of the training set; the nets' seeds follow.
const DATA_SEED: u64 = 2006;
/// Initial weights: every architecture-B demo starts from the same nets.
const NET_SEED: u64 = 7;
/// Wrong answers are those farther than this from X² when measuring the energy gap.
const GAP_RADIUS: f64 = 0.1;

/// `n` evenly spaced points from `a` to `b` inclusive.
fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Passes over the training set, for every demo.
const EPOCHS: usize = 1500;
/// Samples per SGD update.
const BATCH: usize = 20;

/// One demo: an architecture, a loss, and where its picture goes.
struct Demo {
    file: &'static str,
    title: &'static str,
    arch: char,
    loss: Loss,
}

const DEMOS: [Demo; 4] = [
    Demo {
        file: "demo1_arch_a_energy",
        title: "1. Architecture A, energy loss",
        arch: 'A',
        loss: Loss::Energy,
    },
    Demo {
        file: "demo2_arch_b_energy",
        title: "2. Architecture B, energy loss: collapse",
        arch: 'B',
        loss: Loss::Energy,
    },
    Demo {
        file: "demo3_arch_b_square_square",
        title: "3. Architecture B, square-square loss",
        arch: 'B',
        loss: Loss::SquareSquare { m: 0.5 },
    },
    Demo {
        file: "demo4_arch_b_nll",
        title: "4. Architecture B, negative log-likelihood",
        arch: 'B',
        loss: Loss::Nll { beta: 10.0 },
    },
];

/// Mean |argmin_Y E(x, Y) − x²| over `xs` (argmin over `ys`), and the mean gap
/// `[mean of E(x, y) over |y − x²| > GAP_RADIUS] − E(x, x²)`.
fn evaluate(arch: &Arch, store: &ParamStore<f64>, xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let surface = arch.surface(store, xs, ys);
    // The batched surface is the crate's energy (`Regressor` / `Matcher`) at every point.
    let one = arch.energy(store, xs[1], ys[2]);
    assert!((surface[ys.len() + 2] - one).abs() <= 1e-9 * (1.0 + one.abs()));
    let k = ys.len();
    let (mut err, mut gap) = (0.0, 0.0);
    for (i, &x) in xs.iter().enumerate() {
        let row = &surface[i * k..(i + 1) * k];
        let (best, _) = infer::argmin(row).expect("a non-empty grid of finite energies");
        err += (ys[best] - x * x).abs();
        let wrong: Vec<f64> = ys
            .iter()
            .zip(row)
            .filter(|(&y, _)| (y - x * x).abs() > GAP_RADIUS)
            .map(|(_, &e)| e)
            .collect();
        let mean_wrong = wrong.iter().sum::<f64>() / wrong.len() as f64;
        gap += mean_wrong - arch.energy(store, x, x * x);
    }
    let n = xs.len() as f64;
    (err / n, gap / n)
}

/// Four decimals, or two significant digits for tiny values (so a collapse shows its scale).
fn num(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 {
        format!("{v:.1e}")
    } else {
        format!("{v:.4}")
    }
}

/// The progress bar over every demo's epochs; hidden when stderr is not a terminal.
fn progress_bar(epochs: usize) -> Result<ProgressBar, Box<dyn std::error::Error>> {
    if !std::io::stderr().is_terminal() {
        return Ok(ProgressBar::hidden());
    }
    let bar = ProgressBar::new(epochs as u64);
    bar.set_style(ProgressStyle::with_template(
        "{prefix:10} {bar:30} epoch {pos}/{len}  {msg}  [{elapsed}]",
    )?);
    Ok(bar)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "out/ebm_demos".into())
        .into();
    std::fs::create_dir_all(&out)?;
    plot::register_font();
    let start = Instant::now();

    let xs_train = init::uniform::<f64>(&mut init::rng(DATA_SEED), [N_TRAIN], -1.0, 1.0);
    let data: Vec<(f64, f64)> = xs_train.data().iter().map(|&x| (x, x * x)).collect();
    // Answers searched for Ȳ and summed over by the NLL: 57 values, step 0.025.
    let train_grid = linspace(-0.2, 1.2, 57);
    // Held-out evaluation: 100 cell midpoints in [−1, 1], answers every 0.01.
    let xs_eval: Vec<f64> = (0..100).map(|i| -0.99 + 0.02 * i as f64).collect();
    let ys_eval = linspace(-0.2, 1.2, 141);
    // The pictures: 80 × 56 cells.
    let xs_plot: Vec<f64> = (0..80).map(|i| -1.0 + 0.025 * (i as f64 + 0.5)).collect();
    let ys_plot: Vec<f64> = (0..56).map(|i| -0.2 + 0.025 * (i as f64 + 0.5)).collect();

    let bar = progress_bar(EPOCHS * DEMOS.len())?;
    println!("| demo | loss | final training loss | mean abs(argmin_Y E − X²) | energy gap |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for (i, d) in DEMOS.iter().enumerate() {
        bar.set_prefix(format!("demo {}/{}", i + 1, DEMOS.len()));
        let mut store = ParamStore::new();
        let arch = match d.arch {
            'A' => Arch::a(&mut store, NET_SEED),
            _ => Arch::b(&mut store, NET_SEED),
        };
        let setup = Setup {
            loss: d.loss,
            data: &data,
            grid: &train_grid,
            sgd: Sgd::new(0.03).with_momentum(0.9).with_weight_decay(1e-3),
            epochs: EPOCHS,
            batch: BATCH,
            radii: [0.2, 0.1],
        };
        let (store, final_loss) = train::train(&arch, store, &setup, NET_SEED + 1, &bar);
        let (argmin_err, gap) = evaluate(&arch, &store, &xs_eval, &ys_eval);
        bar.suspend(|| {
            println!(
                "| {} ({}) | {} | {} | {} | {} |",
                i + 1,
                d.arch,
                d.loss.name(),
                num(final_loss),
                num(argmin_err),
                num(gap)
            );
        });

        // Drawn relative to the best answer for each X, E(X, Y) − min_Y E(X, Y): the NLL loss
        // fixes the energies of each X only up to a constant.
        let mut energy = arch.surface(&store, &xs_plot, &ys_plot);
        for column in energy.chunks_mut(ys_plot.len()) {
            let min = column.iter().fold(f64::INFINITY, |m, &e| m.min(e));
            column.iter_mut().for_each(|e| *e -= min);
        }
        let surface = plot::Surface {
            title: d.title,
            xs: &xs_plot,
            ys: &ys_plot,
            energy: &energy,
            range: (1e-3, 1e2),
        };
        plot::write(&surface, &out.join(d.file))?;
    }
    bar.finish_and_clear();
    println!();
    println!("energy surfaces (SVG and PNG) written to {}", out.display());
    eprintln!("({:.1} s)", start.elapsed().as_secs_f64());
    Ok(())
}
