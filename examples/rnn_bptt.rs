//! A recurrent net trained by back-propagation through time (the tutorial's "recurrent nets":
//! one set of weights shared by every time step, the unrolled net recorded as one graph).
//!
//! `h_t = tanh(A x_t + R h_{t−1} + b)`, `h_0 = 0`, prediction `ŷ = C h_T + c`. The weights
//! `A`, `R`, `b` are the same parameters at every step, so their gradient is the sum over the
//! time steps of the per-step gradients: the tape does that accumulation by itself, because
//! the unrolled graph reads the same parameter leaf `T` times.
//!
//! Task: given `T = 12` samples of a sine wave `sin(ω t + φ)` with an unknown frequency
//! `ω ∈ [0.4, 1.4]`, predict the next sample. The net must infer `ω` from the window (the
//! exact linear recursion `x_{t+1} = 2 cos ω · x_t − x_{t−1}` depends on it).
//! Trained with the regressor's energy loss `½(y − ŷ)²` on minibatches of 32 sequences (one
//! `[32, 1]` column per time step). Plot of one-step and free-running predictions:
//! `out/rnn_bptt/generate.{svg,png}`.
//!
//! Run: `cargo run --release --example rnn_bptt`
#[path = "common/curves.rs"]
mod curves;
#[path = "common/font.rs"]
mod font;
#[path = "common/png.rs"]
mod png;

use curves::{Chart, Curve};
use plotters::style::RGBColor;
use rand::seq::SliceRandom;
use rand::Rng as _;
use wengert::ebm::init::{self, Rng};
use wengert::ebm::module::{euclidean, gradcheck_params, Linear, Module};
use wengert::ebm::train::{Sgd, Trainer};
use wengert::prelude::*;
use wengert::tape::Bound;

const T: usize = 12;
const HIDDEN: usize = 16;
const EPOCHS: usize = 80;

/// The Elman net, unrolled over the columns of its input.
struct Rnn {
    input: Linear,
    recurrent: Linear,
    output: Linear,
}

impl Rnn {
    fn new(store: &mut ParamStore<f64>, rng: &mut Rng) -> Self {
        Rnn {
            input: Linear::with_bias(store, "A", 1, HIDDEN, rng),
            recurrent: Linear::new(store, "R", HIDDEN, HIDDEN, rng),
            output: Linear::with_bias(store, "C", HIDDEN, 1, rng),
        }
    }
}

impl Module<f64> for Rnn {
    /// `x`: `[B, T]`, one sequence per row; output `[B, 1]`.
    fn forward<'t>(&self, p: &Bound<'t, '_, f64>, x: Var<'t, f64>) -> Var<'t, f64> {
        let (b, steps) = (x.shape()[0], x.shape()[1]);
        let mut h = x.tape().constant_tensor([b, HIDDEN], vec![0.0; b * HIDDEN]);
        for t in 0..steps {
            let x_t = x.slice(Axis(1), t..t + 1); // [B, 1]
            h = (self.input.forward(p, x_t) + self.recurrent.forward(p, h)).tanh();
        }
        self.output.forward(p, h)
    }
}

/// `n` windows of `T + 1` samples of `sin(ω t + φ)`, `ω ∈ [0.4, 1.4)`, `φ ∈ [0, 2π)`.
fn windows(n: usize, rng: &mut Rng) -> Vec<[f64; T + 1]> {
    (0..n)
        .map(|_| {
            let w = rng.gen_range(0.4..1.4);
            let phi = rng.gen_range(0.0..std::f64::consts::TAU);
            std::array::from_fn(|t| (w * t as f64 + phi).sin())
        })
        .collect()
}

/// The inputs `[B, T]` and targets `[B, 1]` of a batch of windows.
fn split(batch: &[&[f64; T + 1]]) -> (Vec<f64>, Vec<f64>) {
    let x = batch.iter().flat_map(|w| w[..T].iter().copied()).collect();
    let y = batch.iter().map(|w| w[T]).collect();
    (x, y)
}

fn rmse(net: &Rnn, store: &ParamStore<f64>, data: &[[f64; T + 1]]) -> f64 {
    let refs: Vec<&[f64; T + 1]> = data.iter().collect();
    let (x, y) = split(&refs);
    let tape = Tape::new();
    let pred = net
        .forward(&store.bind(&tape), tape.constant_tensor([data.len(), T], x))
        .to_vec();
    let se: f64 = pred.iter().zip(&y).map(|(p, y)| (p - y).powi(2)).sum();
    (se / y.len() as f64).sqrt()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = init::rng(21);
    let train = windows(4000, &mut rng);
    let test = windows(1000, &mut rng);
    let mut store = ParamStore::new();
    let net = Rnn::new(&mut store, &mut init::rng(3));

    // BPTT against finite differences on one sequence: every shared weight and the input.
    let x = Tensor::new([1, T], train[0][..T].to_vec());
    let check = gradcheck_params(&store, &x, |p, x| net.forward(p, x));
    println!(
        "gradcheck of the unrolled net (T = {T}, {} weights shared across steps): {}",
        store.numel(),
        match check {
            Ok(()) => "passed".to_string(),
            Err(e) => format!("FAILED: {e}"),
        }
    );

    let persistence: f64 =
        (test.iter().map(|w| (w[T] - w[T - 1]).powi(2)).sum::<f64>() / test.len() as f64).sqrt();
    println!("baseline 'next = last' test RMSE: {persistence:.4}");
    println!(
        "before training: test RMSE {:.4}",
        rmse(&net, &store, &test)
    );

    let mut trainer = Trainer::new(store, Sgd::new(0.05).with_momentum(0.9), 5);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut tape_len = 0;
    let start = std::time::Instant::now();
    for epoch in 1..=EPOCHS {
        trainer.sgd.lr = 0.05 / (1.0 + (epoch - 1) as f64 / 20.0);
        order.shuffle(trainer.rng());
        let mut sum = 0.0;
        for chunk in order.chunks(32) {
            let batch: Vec<&[f64; T + 1]> = chunk.iter().map(|&i| &train[i]).collect();
            let (x, y) = split(&batch);
            let b = batch.len();
            sum += trainer.learn_sample(|tape, p| {
                let pred = net.forward(p, tape.constant_tensor([b, T], x));
                let l = euclidean(pred, tape.constant_tensor([b, 1], y)) * (1.0 / b as f64);
                tape_len = tape.len();
                l
            });
        }
        if epoch % 20 == 0 {
            println!(
                "epoch {epoch:>2}: train loss {:.5}, test RMSE {:.4}",
                sum / order.chunks(32).len() as f64,
                rmse(&net, trainer.store(), &test)
            );
        }
    }
    println!(
        "trained in {:.1} s; each step records the unrolled graph of {T} steps ({tape_len} tape entries)",
        start.elapsed().as_secs_f64()
    );

    // One-step predictions along a wave of a frequency not drawn for training (each from
    // the T true samples before it), then free-running generation: prime with T true
    // samples and feed the predictions back, so errors compound.
    let store = trainer.into_store();
    let w = 0.9;
    let truth: Vec<f64> = (0..T + 40).map(|t| (w * t as f64).sin()).collect();
    let predict = |win: &[f64]| {
        let tape = Tape::new();
        net.forward(
            &store.bind(&tape),
            tape.constant_tensor([1, T], win.to_vec()),
        )
        .value()
    };
    let one_step: Vec<f64> = (T..truth.len())
        .map(|t| predict(&truth[t - T..t]))
        .collect();
    let mut seq = truth[..T].to_vec();
    while seq.len() < truth.len() {
        let next = predict(&seq[seq.len() - T..]);
        seq.push(next);
    }
    let max_err = |v: &[f64], from: usize| {
        v.iter()
            .zip(&truth[from..])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    };
    println!(
        "sin(0.9 t), 40 steps after 12 true samples: max |error| one-step {:.4}, free-running {:.3}",
        max_err(&one_step, T),
        max_err(&seq[T..], T)
    );

    font::register();
    let dir = std::path::Path::new("out/rnn_bptt");
    std::fs::create_dir_all(dir)?;
    let pts = |v: &[f64]| {
        v.iter()
            .enumerate()
            .map(|(t, &y)| (t as f64, y))
            .collect::<Vec<_>>()
    };
    let chart = Chart {
        title: "RNN on sin(0.9 t): one-step predictions and free-running generation",
        x: 0.0..(truth.len() - 1) as f64,
        y: -1.3..1.3,
        samples: &pts(&truth[..T]),
        curves: vec![
            Curve {
                label: "sin(0.9 t)",
                points: pts(&truth),
                color: RGBColor(0, 0, 0),
            },
            Curve {
                label: "generated",
                points: pts(&seq),
                color: RGBColor(214, 39, 40),
            },
        ],
    };
    curves::write(&chart, &dir.join("generate"))?;
    println!("wrote {0}/generate.svg and {0}/generate.png", dir.display());
    Ok(())
}
