//! A mixture of experts (the tutorial's `F(X, W) = Σ_k u_k F^k(X, W^k)` with a softmax gater
//! `u_k = exp(−β G_k(X, W⁰)) / Σ_j exp(−β G_j(X, W⁰))`) learning a piecewise-linear function
//! with a jump, where one linear model cannot do well.
//!
//! Three linear experts `F^k(x) = a_k x + b_k` and a linear gater `G(x) = V x + c` (one energy
//! per expert, β = 4) are trained together, end to end through the softmax, with the energy loss of
//! the regressor `E = ½‖Y − F(X, W)‖²`. The gater learns to split the line into the three
//! regimes and each expert fits one. Plots: `out/mixture_of_experts/{fit,gates}.{svg,png}`.
//!
//! Run: `cargo run --release --example mixture_of_experts`
#[path = "common/curves.rs"]
mod curves;
#[path = "common/font.rs"]
mod font;
#[path = "common/png.rs"]
mod png;

use curves::{Chart, Curve};
use plotters::style::RGBColor;
use rand::Rng as _;
use wengert::ebm::energy::{Energy, Regressor};
use wengert::ebm::init;
use wengert::ebm::module::{Linear, MixtureOfExperts, Module};
use wengert::ebm::train::{Sgd, Trainer};
use wengert::prelude::*;

/// The target: slope −2 on [−1.5, −0.5), slope 2 on [−0.5, 0.5) (a kink), then a jump down and
/// slope 1 on [0.5, 1.5].
fn target(x: f64) -> f64 {
    if x < -0.5 {
        -1.0 - 2.0 * (x + 0.5)
    } else if x < 0.5 {
        2.0 * x
    } else {
        -1.0 + (x - 0.5)
    }
}

fn dataset(n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = init::rng(seed);
    (0..n)
        .map(|_| {
            let x = rng.gen_range(-1.5..1.5);
            (x, target(x) + 0.05 * init::normal(&mut rng))
        })
        .collect()
}

/// Trains `model` (a regressor) per sample with the energy loss for `epochs` epochs in
/// minibatches of 8; returns the trained store.
fn train(
    model: &impl Energy<f64>,
    store: ParamStore<f64>,
    data: &[(f64, f64)],
    epochs: usize,
) -> ParamStore<f64> {
    let mut trainer = Trainer::new(store, Sgd::new(0.05).with_momentum(0.9), 1);
    trainer.set_progress(false);
    trainer.fit(data, epochs, 8, |tape, p, &(x, y)| {
        model.energy(
            p,
            tape.constant_tensor([1], vec![x]),
            tape.constant_tensor([1], vec![y]),
        )
    });
    trainer.into_store()
}

fn predict(m: &impl Module<f64>, store: &ParamStore<f64>, x: f64) -> Vec<f64> {
    let tape = Tape::new();
    m.forward(&store.bind(&tape), tape.constant_tensor([1], vec![x]))
        .to_vec()
}

fn rmse(m: &impl Module<f64>, store: &ParamStore<f64>, grid: &[f64]) -> f64 {
    let se: f64 = grid
        .iter()
        .map(|&x| (predict(m, store, x)[0] - target(x)).powi(2))
        .sum();
    (se / grid.len() as f64).sqrt()
}

/// Epochs for both models.
const EPOCHS: usize = 1000;
/// The gater's inverse temperature: sharper gates than β = 1 (tried 1, 4, 10: 4 fits best).
const BETA: f64 = 4.0;

const COLORS: [RGBColor; 3] = [
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = dataset(300, 5);
    let grid: Vec<f64> = (0..=300).map(|i| -1.5 + 0.01 * i as f64).collect();

    // The mixture: 3 linear experts, a linear gater with 3 outputs, β = 1.
    let mut store = ParamStore::new();
    let rng = &mut init::rng(4);
    let experts: Vec<Box<dyn Module<f64>>> = (0..3)
        .map(|k| {
            Box::new(Linear::with_bias(
                &mut store,
                &format!("expert{k}"),
                1,
                1,
                rng,
            )) as Box<dyn Module<f64>>
        })
        .collect();
    let gater = Linear::with_bias(&mut store, "gater", 1, 3, rng);
    let expert_keys: Vec<_> = (0..3)
        .map(|k| {
            (
                store.key(&format!("expert{k}.w")).unwrap(),
                store.key(&format!("expert{k}.b")).unwrap(),
            )
        })
        .collect();
    let moe = Regressor::new(MixtureOfExperts::new(experts, Box::new(gater), BETA));
    let start = std::time::Instant::now();
    let store = train(&moe, store, &data, EPOCHS);
    println!(
        "mixture of 3 linear experts (gater β = {BETA}), trained {EPOCHS} epochs on {} points in {:.1} s",
        data.len(),
        start.elapsed().as_secs_f64()
    );

    // The baseline: one linear model.
    let mut lin_store = ParamStore::new();
    let lin = Regressor::new(Linear::with_bias(
        &mut lin_store,
        "lin",
        1,
        1,
        &mut init::rng(4),
    ));
    let lin_store = train(&lin, lin_store, &data, EPOCHS);

    println!("RMSE against the noise-free target on a grid of 301 points:");
    println!(
        "  one linear model     {:.4}",
        rmse(lin.g(), &lin_store, &grid)
    );
    println!("  mixture of experts   {:.4}", rmse(moe.g(), &store, &grid));

    // What each expert learned and where the gater uses it.
    let weights: Vec<Vec<f64>> = grid
        .iter()
        .map(|&x| {
            let tape = Tape::new();
            moe.g()
                .weights(&store.bind(&tape), tape.constant_tensor([1], vec![x]))
                .to_vec()
        })
        .collect();
    println!("experts (F^k(x) = a x + b) and the region where the gater gives each weight > 0.5:");
    for (k, (w, b)) in expert_keys.iter().enumerate() {
        let xs: Vec<f64> = grid
            .iter()
            .zip(&weights)
            .filter(|(_, u)| u[k] > 0.5)
            .map(|(x, _)| *x)
            .collect();
        let region = match (xs.first(), xs.last()) {
            (Some(a), Some(b)) => format!("x in [{a:+.2}, {b:+.2}]"),
            _ => "nowhere".into(),
        };
        println!(
            "  expert {k}: a = {:+.3}, b = {:+.3}, {region}",
            store.get(*w).data()[0],
            store.get(*b).data()[0]
        );
    }

    font::register();
    let dir = std::path::Path::new("out/mixture_of_experts");
    std::fs::create_dir_all(dir)?;
    let samples: Vec<(f64, f64)> = data.clone();
    let fit = Chart {
        title: "mixture of 3 linear experts vs one linear model",
        x: -1.5..1.5,
        y: -1.6..1.6,
        samples: &samples,
        curves: vec![
            Curve {
                label: "target",
                points: grid.iter().map(|&x| (x, target(x))).collect(),
                color: RGBColor(0, 0, 0),
            },
            Curve {
                label: "mixture",
                points: grid
                    .iter()
                    .map(|&x| (x, predict(moe.g(), &store, x)[0]))
                    .collect(),
                color: COLORS[2],
            },
            Curve {
                label: "linear",
                points: grid
                    .iter()
                    .map(|&x| (x, predict(lin.g(), &lin_store, x)[0]))
                    .collect(),
                color: COLORS[0],
            },
        ],
    };
    curves::write(&fit, &dir.join("fit"))?;
    let labels = ["u_0(x)", "u_1(x)", "u_2(x)"];
    let gates = Chart {
        title: "gater weights u_k(x)",
        x: -1.5..1.5,
        y: -0.05..1.05,
        samples: &[],
        curves: (0..3)
            .map(|k| Curve {
                label: labels[k],
                points: grid.iter().zip(&weights).map(|(&x, u)| (x, u[k])).collect(),
                color: COLORS[k],
            })
            .collect(),
    };
    curves::write(&gates, &dir.join("gates"))?;
    println!(
        "wrote {0}/fit.svg, {0}/fit.png, {0}/gates.svg, {0}/gates.png",
        dir.display()
    );
    Ok(())
}
