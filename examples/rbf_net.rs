//! An RBF net (the tutorial's `F(X) = Σ_i u_i exp(−k_i ‖X − W_i‖²)`) fitting a 1-D function.
//!
//! The centres `W_i` start where the tutorial suggests, at the k-means centroids of the
//! training inputs (a few Lloyd iterations in 1-D, below), the widths `k_i` at `1/s²` with
//! `s` the centre spacing, and the output weights `u` at random. Then centres, widths and
//! output weights are all trained together by SGD with the regressor's energy loss
//! `E = ½(Y − F(X))²`: the gradient reaches every one of them through the Gaussian bumps.
//! The same net trained from the default initialisation (centres uniform in [−1, 1), widths
//! 1) is shown for comparison. Plot: `out/rbf_net/fit.{svg,png}`.
//!
//! Run: `cargo run --release --example rbf_net`
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
use wengert::ebm::module::{gradcheck_params, Module, RbfNet};
use wengert::ebm::train::{Sgd, Trainer};
use wengert::prelude::*;

const K: usize = 12;

fn target(x: f64) -> f64 {
    (std::f64::consts::TAU * x).sin() + 0.5 * x
}

/// 1-D k-means (Lloyd's algorithm) from evenly spaced quantiles of the sorted data.
fn kmeans_1d(xs: &[f64], k: usize, iters: usize) -> Vec<f64> {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut c: Vec<f64> = (0..k)
        .map(|i| sorted[(2 * i + 1) * sorted.len() / (2 * k)])
        .collect();
    for _ in 0..iters {
        let (mut sum, mut n) = (vec![0.0; k], vec![0usize; k]);
        for &x in xs {
            let j = (0..k)
                .min_by(|&a, &b| (x - c[a]).abs().total_cmp(&(x - c[b]).abs()))
                .expect("k > 0");
            sum[j] += x;
            n[j] += 1;
        }
        for j in 0..k {
            if n[j] > 0 {
                c[j] = sum[j] / n[j] as f64;
            }
        }
    }
    c
}

fn predict(net: &RbfNet, store: &ParamStore<f64>, x: f64) -> f64 {
    let tape = Tape::new();
    net.forward(&store.bind(&tape), tape.constant_tensor([1], vec![x]))
        .value()
}

fn rmse(net: &RbfNet, store: &ParamStore<f64>, grid: &[f64]) -> f64 {
    let se: f64 = grid
        .iter()
        .map(|&x| (predict(net, store, x) - target(x)).powi(2))
        .sum();
    (se / grid.len() as f64).sqrt()
}

fn train(
    model: &Regressor<RbfNet>,
    store: ParamStore<f64>,
    data: &[(f64, f64)],
) -> ParamStore<f64> {
    let mut trainer = Trainer::new(store, Sgd::new(0.02).with_momentum(0.9), 1);
    trainer.set_progress(false);
    trainer.fit(data, 800, 4, |tape, p, &(x, y)| {
        model.energy(
            p,
            tape.constant_tensor([1], vec![x]),
            tape.constant_tensor([1], vec![y]),
        )
    });
    trainer.into_store()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = init::rng(8);
    let data: Vec<(f64, f64)> = (0..120)
        .map(|_| {
            let x: f64 = rng.gen_range(-1.0..1.0);
            (x, target(x) + 0.05 * init::normal(&mut rng))
        })
        .collect();
    let grid: Vec<f64> = (0..=200).map(|i| -1.0 + 0.01 * i as f64).collect();

    // The default initialisation, and the k-means one.
    let mut plain_store = ParamStore::new();
    let plain = Regressor::new(RbfNet::new(
        &mut plain_store,
        "rbf",
        1,
        K,
        1,
        &mut init::rng(2),
    ));
    let mut store = plain_store.clone();
    let net = *plain.g();
    let xs: Vec<f64> = data.iter().map(|d| d.0).collect();
    let centers = kmeans_1d(&xs, K, 20);
    let spacing = (centers[K - 1] - centers[0]) / (K - 1) as f64;
    *store.get_mut(net.centers()) = Tensor::new([K, 1], centers.clone());
    *store.get_mut(net.widths()) = Tensor::new([K], vec![1.0 / (spacing * spacing); K]);
    println!(
        "{K} k-means centres: [{}], initial widths k = 1/s² = {:.1}",
        centers
            .iter()
            .map(|c| format!("{c:+.2}"))
            .collect::<Vec<_>>()
            .join(" "),
        1.0 / (spacing * spacing)
    );
    let check = gradcheck_params(&store, &Tensor::new([1], vec![0.3]), |p, x| {
        net.forward(p, x)
    });
    println!(
        "gradcheck of F in its centres, widths, output weights and X: {}",
        match check {
            Ok(()) => "passed".to_string(),
            Err(e) => format!("FAILED: {e}"),
        }
    );

    let start = std::time::Instant::now();
    let trained = train(&plain, store, &data);
    let trained_plain = train(&plain, plain_store, &data);
    println!(
        "trained both nets ({} points, 800 epochs, minibatches of 4) in {:.1} s",
        data.len(),
        start.elapsed().as_secs_f64()
    );
    let (xmin, xmax) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let inside: Vec<f64> = grid
        .iter()
        .copied()
        .filter(|x| (xmin..=xmax).contains(x))
        .collect();
    println!(
        "RMSE against the noise-free target sin(2πx) + x/2, on [−1, 1] and on the data's range [{xmin:.2}, {xmax:.2}]:"
    );
    for (name, s) in [
        ("k-means centres", &trained),
        ("default initialisation", &trained_plain),
    ] {
        let w = s.get(net.widths()).data();
        let (lo, hi) = w
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &w| {
                (a.min(w), b.max(w))
            });
        println!(
            "  {name:<23} {:.4}  {:.4}   trained widths k_i in [{lo:.1}, {hi:.1}]",
            rmse(&net, s, &grid),
            rmse(&net, s, &inside)
        );
    }

    font::register();
    let dir = std::path::Path::new("out/rbf_net");
    std::fs::create_dir_all(dir)?;
    let line = |f: &dyn Fn(f64) -> f64| grid.iter().map(|&x| (x, f(x))).collect::<Vec<_>>();
    let chart = Chart {
        title: "RBF net, 12 Gaussian bumps",
        x: -1.0..1.0,
        y: -2.0..2.0,
        samples: &data,
        curves: vec![
            Curve {
                label: "target",
                points: line(&target),
                color: RGBColor(0, 0, 0),
            },
            Curve {
                label: "k-means init",
                points: line(&|x| predict(&net, &trained, x)),
                color: RGBColor(214, 39, 40),
            },
            Curve {
                label: "default init",
                points: line(&|x| predict(&net, &trained_plain, x)),
                color: RGBColor(31, 119, 180),
            },
        ],
    };
    curves::write(&chart, &dir.join("fit"))?;
    println!("wrote {0}/fit.svg and {0}/fit.png", dir.display());
    Ok(())
}
