//! Three linear classifiers from the tutorial on two Gaussian blobs in the plane, with their
//! decision boundaries drawn into `out/perceptron_svm/boundaries.{svg,png}`.
//!
//! Every model scores the two answers `Y ∈ {−1, +1}` with a linear energy of the augmented
//! input `X = (x₁, x₂, 1)` (the constant 1 gives the boundary an offset); the answer is
//! `Y̌ = sign(W'X)`, the boundary the line `W'X = 0`.
//!
//! | model | energy | loss |
//! | --- | --- | --- |
//! | perceptron | `E = −Y W'X` | perceptron loss `E(Yⁱ) − min_y E(y)`, one sample at a time |
//! | SVM | `E = −Y W'X` | hinge `max(0, m + E(Yⁱ) − E(Ȳ)) = max(0, 1 − 2Yⁱ W'X)` (m = 1) + weight decay |
//! | logistic regression | `E = −½ Y W'X` | NLL at β = 1: `log(1 + exp(−Yⁱ W'Xⁱ))` |
//!
//! Run: `cargo run --release --example perceptron_svm`
#[path = "common/font.rs"]
mod font;
#[path = "common/png.rs"]
mod png;

use plotters::coord::Shift;
use plotters::prelude::*;
use rand::seq::SliceRandom;
use wengert::ebm::energy::{LabelEnergy, Logistic, Perceptron};
use wengert::ebm::train::{Sgd, Trainer};
use wengert::ebm::{infer, init, loss};
use wengert::prelude::*;
use wengert::tape::Bound;

/// One sample: the augmented input and the label index (0 ↔ Y = −1, 1 ↔ Y = +1).
type Sample = ([f64; 3], usize);

/// `n` points per class from N((−1, −0.5), 0.8²I) (label 0) and N((1, 1), 0.8²I) (label 1),
/// shuffled.
fn blobs(n: usize, seed: u64) -> Vec<Sample> {
    let mut rng = init::rng(seed);
    let mut out = Vec::with_capacity(2 * n);
    for (label, (cx, cy)) in [(-1.0, -0.5), (1.0, 1.0)].into_iter().enumerate() {
        for _ in 0..n {
            let x = cx + 0.8 * init::normal(&mut rng);
            let y = cy + 0.8 * init::normal(&mut rng);
            out.push(([x, y, 1.0], label));
        }
    }
    out.shuffle(&mut rng);
    out
}

/// A trained model: its name, `W`, and its test accuracy.
struct Fitted {
    name: &'static str,
    w: Vec<f64>,
    accuracy: f64,
    /// For the SVM: the level `W'X = ±level` of the margin (where the hinge becomes 0).
    margin_level: Option<f64>,
}

fn accuracy(model: &impl LabelEnergy<f64>, store: &ParamStore<f64>, test: &[Sample]) -> f64 {
    let right = test
        .iter()
        .filter(|(x, label)| {
            infer::run(model, store, &Tensor::new([3], x.to_vec())).answer == *label
        })
        .count();
    right as f64 / test.len() as f64
}

fn energies<'t>(
    model: &impl LabelEnergy<f64>,
    tape: &'t Tape<f64>,
    p: &Bound<'t, '_, f64>,
    x: &[f64; 3],
) -> Var<'t, f64> {
    model.energies(p, tape.constant_tensor([3], x.to_vec()))
}

fn perceptron(train: &[Sample], test: &[Sample]) -> Fitted {
    let mut store = ParamStore::new();
    let model = Perceptron::new(&mut store, "w", 3, &mut init::rng(1));
    let mut trainer = Trainer::new(store, Sgd::new(0.1), 1);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut mistakes = Vec::new();
    for _ in 0..20 {
        order.shuffle(trainer.rng());
        let mut m = 0;
        for &i in &order {
            let (x, label) = &train[i];
            let l = trainer
                .learn_sample(|tape, p| loss::perceptron(energies(&model, tape, p, x), *label));
            m += usize::from(l > 0.0);
        }
        mistakes.push(m);
    }
    println!("perceptron: training mistakes per epoch {mistakes:?}");
    let store = trainer.into_store();
    Fitted {
        name: "perceptron",
        w: store.get(model.w()).data().to_vec(),
        accuracy: accuracy(&model, &store, test),
        margin_level: None,
    }
}

fn svm(train: &[Sample], test: &[Sample]) -> Fitted {
    let mut store = ParamStore::new();
    let model = Perceptron::new(&mut store, "w", 3, &mut init::rng(1));
    let sgd = Sgd::new(0.05).with_weight_decay(0.01);
    let mut trainer = Trainer::new(store, sgd, 1);
    trainer.set_progress(false);
    let last = trainer.fit(train, 200, 10, |tape, p, (x, label)| {
        loss::hinge(energies(&model, tape, p, x), *label, 1.0)
    });
    let store = trainer.into_store();
    let w = store.get(model.w()).data().to_vec();
    let norm = w[0].hypot(w[1]);
    let support = train
        .iter()
        .filter(|(x, label)| {
            let y = if *label == 1 { 1.0 } else { -1.0 };
            2.0 * y * (w[0] * x[0] + w[1] * x[1] + w[2]) <= 1.0 + 1e-3
        })
        .count();
    println!(
        "SVM: final epoch loss {last:.4}, margin half-width 1/(2‖w‖) = {:.3}, {support} training points on or inside the margin",
        0.5 / norm
    );
    Fitted {
        name: "SVM (hinge)",
        accuracy: accuracy(&model, &store, test),
        w,
        margin_level: Some(0.5),
    }
}

fn logistic(train: &[Sample], test: &[Sample]) -> Fitted {
    let mut store = ParamStore::new();
    let model = Logistic::new(&mut store, "w", 3, &mut init::rng(1));
    let mut trainer = Trainer::new(store, Sgd::new(0.1), 1);
    trainer.set_progress(false);
    let last = trainer.fit(train, 200, 10, |tape, p, (x, label)| {
        loss::nll(energies(&model, tape, p, x), *label, 1.0)
    });
    println!("logistic regression: final epoch NLL {last:.4}");
    let store = trainer.into_store();
    Fitted {
        name: "logistic regression",
        w: store.get(model.w()).data().to_vec(),
        accuracy: accuracy(&model, &store, test),
        margin_level: None,
    }
}

const BOX: (f64, f64) = (-4.0, 4.0);

/// The part of the plot box where `w₁x + w₂y + w₃ ≥ level` (Sutherland–Hodgman clipping of
/// the box by one half-plane).
fn half_plane(w: &[f64], level: f64) -> Vec<(f64, f64)> {
    let (lo, hi) = BOX;
    let corners = [(lo, lo), (hi, lo), (hi, hi), (lo, hi)];
    let f = |p: (f64, f64)| w[0] * p.0 + w[1] * p.1 + w[2] - level;
    let mut out = Vec::new();
    for i in 0..4 {
        let (a, b) = (corners[i], corners[(i + 1) % 4]);
        let (fa, fb) = (f(a), f(b));
        if fa >= 0.0 {
            out.push(a);
        }
        if (fa >= 0.0) != (fb >= 0.0) {
            let t = fa / (fa - fb);
            out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
        }
    }
    out
}

/// The segment of the line `w₁x + w₂y + w₃ = level` inside the box.
fn line(w: &[f64], level: f64) -> Vec<(f64, f64)> {
    let (lo, hi) = BOX;
    if w[1].abs() > w[0].abs() {
        let y = |x: f64| (level - w[2] - w[0] * x) / w[1];
        vec![(lo, y(lo)), (hi, y(hi))]
    } else {
        let x = |y: f64| (level - w[2] - w[1] * y) / w[0];
        vec![(x(lo), lo), (x(hi), hi)]
    }
}

const RED: RGBColor = RGBColor(214, 39, 40);
const BLUE: RGBColor = RGBColor(31, 119, 180);

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Fitted,
    train: &[Sample],
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let title = format!("{} (test {:.1}%)", m.name, 100.0 * m.accuracy);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(36)
        .build_cartesian_2d(BOX.0..BOX.1, BOX.0..BOX.1)?;
    chart.configure_mesh().disable_mesh().draw()?;
    let neg: Vec<f64> = m.w.iter().map(|v| -v).collect();
    for (w, c) in [(&m.w, BLUE), (&neg, RED)] {
        chart.draw_series(std::iter::once(Polygon::new(
            half_plane(w, 0.0),
            c.mix(0.12).filled(),
        )))?;
    }
    chart.draw_series(train.iter().map(|(x, label)| {
        let c = if *label == 1 { BLUE } else { RED };
        Circle::new((x[0], x[1]), 3, c.filled())
    }))?;
    chart.draw_series(LineSeries::new(line(&m.w, 0.0), BLACK.stroke_width(2)))?;
    if let Some(level) = m.margin_level {
        for s in [-level, level] {
            chart.draw_series(DashedLineSeries::new(line(&m.w, s), 6, 4, BLACK.into()))?;
        }
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    models: &[Fitted],
    train: &[Sample],
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    for (a, m) in area.split_evenly((1, models.len())).iter().zip(models) {
        panel(a, m, train)?;
    }
    area.present()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let train = blobs(100, 11);
    let test = blobs(500, 12);
    println!(
        "two Gaussian blobs: {} training and {} test points",
        train.len(),
        test.len()
    );
    let models = [
        perceptron(&train, &test),
        svm(&train, &test),
        logistic(&train, &test),
    ];
    println!();
    for m in &models {
        println!(
            "{:<20} test accuracy {:>6.2}%   W = ({:+.3}, {:+.3}, {:+.3})",
            m.name,
            100.0 * m.accuracy,
            m.w[0],
            m.w[1],
            m.w[2]
        );
    }
    font::register();
    let dir = std::path::Path::new("out/perceptron_svm");
    std::fs::create_dir_all(dir)?;
    let size = (1500, 500);
    draw(
        SVGBackend::new(&dir.join("boundaries.svg"), size).into_drawing_area(),
        &models,
        &train,
    )?;
    png::save(&dir.join("boundaries.png"), size, |area| {
        draw(area, &models, &train)
    })?;
    println!(
        "\nwrote {0}/boundaries.svg and {0}/boundaries.png",
        dir.display()
    );
    Ok(())
}
