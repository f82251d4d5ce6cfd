//! The `Y = X²` demos of LeCun's energy-based-model tutorial, and its demo 5 (the eye).
//!
//! Training set: X uniform in [−1, 1], Y = X² (fixed seed 2006). Five demos:
//!
//! 1. architecture A, `E = ½(Y − G(W, X))²` (quadratic in Y), energy loss: works;
//! 2. architecture B, the matcher `E = ½‖G1(W, X) − G2(W, Y)‖²`, energy loss: collapses
//!    (both nets map everything to the same point, the energy is flat);
//! 3. architecture B, square-square loss with Ȳ the most offending answer outside a
//!    forbidden radius around Yⁱ (0.2, then 0.1): works;
//! 4. architecture B, negative log-likelihood over a discretised Y: works;
//! 5. the eye pattern: two correct answers per X, `Y = ±0.6(1 − X²)`, architecture B, NLL:
//!    two valleys.
//!
//! Prints per demo the final training loss, the argmin error on a held-out grid of X, and
//! the tutorial's contrast: per X, `E(Ȳ) − E(Yⁱ)` with `Ȳ` the lowest-energy answer farther
//! than 0.1 from every correct answer (mean and minimum over X), and the energy range per X
//! (max − min over Y: a collapse is a range near 0). Demo 2 is also trained with the other
//! weight decay (0 if the run's is not), to say what the weight decay does to the collapse.
//! Writes the trained weights (`demoN.safetensors`, `wengert_ebm::io`) and the energy
//! surfaces (SVG and PNG) into the output folder.
//!
//! ```text
//! cargo run --release --example ebm_demos -- [--seed S] [--weight-decay L] [--epochs N]
//!     [--demo N] [--out FOLDER]
//! ```
//! Defaults: seed 7 (the nets' initial weights and the minibatch order), weight decay 1e-3,
//! 1500 epochs, every demo, `out/ebm_demos`.
#[path = "ebm_demos/cli.rs"]
mod cli;
#[path = "ebm_demos/model.rs"]
mod model;
#[path = "ebm_demos/plot.rs"]
mod plot;
#[path = "common/png.rs"]
mod png;
#[path = "ebm_demos/train.rs"]
mod train;

use cli::{options, Options};
use indicatif::{ProgressBar, ProgressStyle};
use model::Arch;
use std::io::IsTerminal;
use std::time::Instant;
use train::{Loss, Setup};
use wengert::ebm::{infer, init, io, train::Sgd};
use wengert::prelude::*;

/// Training samples.
const N_TRAIN: usize = 200;
/// Seed of the training set.
const DATA_SEED: u64 = 2006;
/// Wrong answers are those farther than this from every correct answer (the contrast).
const RADIUS: f64 = 0.1;
/// A demo whose mean energy range per X is below this has collapsed (a flat energy).
const FLAT: f64 = 1e-3;
/// Samples per SGD update.
const BATCH: usize = 20;

/// `n` evenly spaced points from `a` to `b` inclusive.
fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
        .collect()
}

/// What is learned: one answer `X²`, or the eye's two `±0.6(1 − X²)`.
#[derive(Clone, Copy, PartialEq)]
enum Task {
    Parabola,
    Eye,
}

fn parabola(x: f64) -> f64 {
    x * x
}
fn eye_up(x: f64) -> f64 {
    0.6 * (1.0 - x * x)
}
fn eye_down(x: f64) -> f64 {
    -eye_up(x)
}

impl Task {
    fn curves(self) -> &'static [fn(f64) -> f64] {
        match self {
            Task::Parabola => &[parabola],
            Task::Eye => &[eye_up, eye_down],
        }
    }
    /// The answers `Y` of the grid's domain, from `lo` to `hi`.
    fn domain(self) -> (f64, f64) {
        match self {
            Task::Parabola => (-0.2, 1.2),
            Task::Eye => (-0.8, 0.8),
        }
    }
    /// The training pairs: X² for every X, or alternately the eye's upper and lower lid.
    fn data(self, xs: &[f64]) -> Vec<(f64, f64)> {
        let c = self.curves();
        xs.iter()
            .enumerate()
            .map(|(i, &x)| (x, c[i % c.len()](x)))
            .collect()
    }
}

/// One demo: an architecture, a loss, a task, and where its picture goes.
struct Demo {
    file: &'static str,
    title: &'static str,
    arch: char,
    loss: Loss,
    task: Task,
}

const DEMOS: [Demo; 5] = [
    Demo {
        file: "demo1_arch_a_energy",
        title: "1. Architecture A, energy loss",
        arch: 'A',
        loss: Loss::Energy,
        task: Task::Parabola,
    },
    Demo {
        file: "demo2_arch_b_energy",
        title: "2. Architecture B, energy loss: collapse",
        arch: 'B',
        loss: Loss::Energy,
        task: Task::Parabola,
    },
    Demo {
        file: "demo3_arch_b_square_square",
        title: "3. Architecture B, square-square loss",
        arch: 'B',
        loss: Loss::SquareSquare { m: 0.5 },
        task: Task::Parabola,
    },
    Demo {
        file: "demo4_arch_b_nll",
        title: "4. Architecture B, negative log-likelihood",
        arch: 'B',
        loss: Loss::Nll { beta: 10.0 },
        task: Task::Parabola,
    },
    Demo {
        file: "demo5_eye_arch_b_nll",
        title: "5. Eye pattern: architecture B, NLL",
        arch: 'B',
        loss: Loss::Nll { beta: 10.0 },
        task: Task::Eye,
    },
];

/// The numbers printed per demo, over a held-out grid of X.
struct Report {
    /// Mean over X of the distance from `argmin_Y E` to the nearest correct answer.
    argmin_err: f64,
    /// `E(Ȳ) − max over correct Yⁱ of E(Yⁱ)`, `Ȳ` the grid answer of lowest energy farther
    /// than `RADIUS` from every correct answer: mean and minimum over X.
    contrast: (f64, f64),
    /// The share of X whose contrast is positive.
    positive: f64,
    /// Mean over X of `max_Y E − min_Y E`.
    range: f64,
}

fn evaluate(arch: &Arch, store: &ParamStore<f64>, task: Task) -> Report {
    // 100 cell midpoints in [−1, 1] (none is a training X), answers every 0.01.
    let xs: Vec<f64> = (0..100).map(|i| -0.99 + 0.02 * i as f64).collect();
    let (lo, hi) = task.domain();
    let ys = linspace(lo, hi, ((hi - lo) / 0.01).round() as usize + 1);
    let surface = arch.surface(store, &xs, &ys);
    // The batched surface is the crate's energy (`Regressor` / `Matcher`) at every point.
    let one = arch.energy(store, xs[1], ys[2]);
    assert!((surface[ys.len() + 2] - one).abs() <= 1e-9 * (1.0 + one.abs()));
    let k = ys.len();
    let (mut err, mut sum, mut min, mut range, mut positive) = (0.0, 0.0, f64::INFINITY, 0.0, 0.0);
    for (i, &x) in xs.iter().enumerate() {
        let row = &surface[i * k..(i + 1) * k];
        let answers: Vec<f64> = task.curves().iter().map(|f| f(x)).collect();
        let dist = |y: f64| {
            answers
                .iter()
                .fold(f64::INFINITY, |m, a| m.min((y - a).abs()))
        };
        let (best, _) = infer::argmin(row).expect("a non-empty grid of finite energies");
        err += dist(ys[best]);
        let e_bar = ys
            .iter()
            .zip(row)
            .filter(|(&y, _)| dist(y) > RADIUS)
            .fold(f64::INFINITY, |m, (_, &e)| m.min(e));
        let e_right = answers
            .iter()
            .map(|&a| arch.energy(store, x, a))
            .fold(f64::NEG_INFINITY, f64::max);
        let c = e_bar - e_right;
        sum += c;
        min = f64::min(min, c);
        positive += f64::from(u8::from(c > 0.0));
        let (rmin, rmax) = row
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &e| {
                (a.min(e), b.max(e))
            });
        range += rmax - rmin;
    }
    let n = xs.len() as f64;
    Report {
        argmin_err: err / n,
        contrast: (sum / n, min),
        positive: positive / n,
        range: range / n,
    }
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

/// Trains demo `d` with weight decay `wd`; returns the trained weights, the final training
/// loss and the report.
fn run(d: &Demo, o: &Options, wd: f64, bar: &ProgressBar) -> (Arch, ParamStore<f64>, f64, Report) {
    let xs_train = init::uniform::<f64>(&mut init::rng(DATA_SEED), [N_TRAIN], -1.0, 1.0);
    let data = d.task.data(xs_train.data());
    // Answers searched for Ȳ and summed over by the NLL: step 0.025 over the domain.
    let (lo, hi) = d.task.domain();
    let grid = linspace(lo, hi, ((hi - lo) / 0.025).round() as usize + 1);
    let mut store = ParamStore::new();
    let arch = match d.arch {
        'A' => Arch::a(&mut store, o.seed),
        _ => Arch::b(&mut store, o.seed),
    };
    let setup = Setup {
        loss: d.loss,
        data: &data,
        grid: &grid,
        sgd: Sgd::new(0.03).with_momentum(0.9).with_weight_decay(wd),
        epochs: o.epochs,
        batch: BATCH,
        radii: [0.2, 0.1],
    };
    let (store, final_loss) = train::train(&arch, store, &setup, o.seed + 1, bar);
    let report = evaluate(&arch, &store, d.task);
    (arch, store, final_loss, report)
}

fn verdict(r: &Report) -> &'static str {
    if r.range < FLAT {
        "collapsed (flat)"
    } else if r.argmin_err < 0.05 {
        "works"
    } else {
        "wrong valley"
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = match options() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&o.out)?;
    plot::register_font();
    let start = Instant::now();
    let chosen: Vec<(usize, &Demo)> = DEMOS
        .iter()
        .enumerate()
        .filter(|(i, _)| o.demo.is_none_or(|n| n == i + 1))
        .collect();
    let extra = usize::from(chosen.iter().any(|(i, _)| *i == 1));
    let bar = progress_bar(o.epochs * (chosen.len() + extra))?;
    println!(
        "seed {}, weight decay {}, {} epochs; contrast E(Ȳ) − E(Yⁱ), Ȳ outside radius {RADIUS}",
        o.seed, o.weight_decay, o.epochs
    );
    println!();
    println!("| demo | loss | final training loss | mean abs(argmin_Y E − Yⁱ) | contrast mean | contrast min | X with contrast > 0 | energy range | verdict |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let mut collapse_note = None;
    for &(i, d) in &chosen {
        bar.set_prefix(format!("demo {}", i + 1));
        let (arch, store, final_loss, r) = run(d, &o, o.weight_decay, &bar);
        bar.suspend(|| {
            println!(
                "| {} ({}) | {} | {} | {} | {} | {} | {:.0}% | {} | {} |",
                i + 1,
                d.arch,
                d.loss.name(),
                num(final_loss),
                num(r.argmin_err),
                num(r.contrast.0),
                num(r.contrast.1),
                100.0 * r.positive,
                num(r.range),
                verdict(&r)
            );
        });
        io::save(&store, o.out.join(format!("demo{}.safetensors", i + 1)))?;
        if i == 1 {
            // The same demo with the other weight decay: is the collapse the loss's or λ's?
            let other = if o.weight_decay > 0.0 { 0.0 } else { 1e-3 };
            let (_, _, _, r2) = run(d, &o, other, &bar);
            collapse_note = Some([(o.weight_decay, r), (other, r2)]);
        }

        // One absolute colour scale per figure: E minus the figure's lowest energy (one shift
        // for the whole figure, not one per X, so valleys of different depths stay
        // different), log scale. A collapsed surface is dark everywhere.
        let (lo, hi) = d.task.domain();
        let xs_plot: Vec<f64> = (0..80).map(|i| -1.0 + 0.025 * (i as f64 + 0.5)).collect();
        let ny = ((hi - lo) / 0.025).round() as usize;
        let ys_plot: Vec<f64> = (0..ny).map(|i| lo + 0.025 * (i as f64 + 0.5)).collect();
        let mut energy = arch.surface(&store, &xs_plot, &ys_plot);
        let min = energy.iter().fold(f64::INFINITY, |m, &e| m.min(e));
        energy.iter_mut().for_each(|e| *e -= min);
        let surface = plot::Surface {
            title: d.title,
            xs: &xs_plot,
            ys: &ys_plot,
            energy: &energy,
            range: (1e-3, 1e2),
            curves: d.task.curves(),
            curve_label: if d.task == Task::Eye {
                "Y = ±0.6(1 − X²)"
            } else {
                "Y = X²"
            },
        };
        plot::write(&surface, &o.out.join(d.file))?;
    }
    bar.finish_and_clear();
    if let Some(runs) = collapse_note {
        println!();
        for (wd, r) in &runs {
            let what = if r.range < FLAT {
                "collapses: the energy is flat"
            } else {
                "does not fully collapse: a shallow valley survives"
            };
            println!(
                "demo 2 with weight decay {wd}: {what} (energy range per X {}, contrast {}, argmin error {})",
                num(r.range),
                num(r.contrast.0),
                num(r.argmin_err)
            );
        }
    }
    println!();
    println!(
        "weights (safetensors) and energy surfaces (SVG and PNG) written to {}",
        o.out.display()
    );
    eprintln!("({:.1} s)", start.elapsed().as_secs_f64());
    Ok(())
}
