//! A training step of the digits MLP against its forward pass (issue 11: "a training step over
//! a batch of 128 on the digits MLP costs at most 1.5x the forward pass").
//!
//! The model is `examples/mlp_digits.rs`'s: `Sequential::two_layer(64 → 64 → 10)` (linear +
//! tanh, twice) inside `energy::Classifier`, the batch NLL loss with β = 4 from
//! `wengert::ebm::loss::batch`, f64, one minibatch of 128 images from the vendored digits.
//!
//! * `forward`: what a step does before its backward sweep: clear the reused tape, bind the
//!   parameters, record the energies and the loss, read its value.
//! * `forward_backward`: the forward and the backward sweep, no update.
//! * `step`: `Trainer::learn_sample` on the same batch: the forward above, the backward sweep,
//!   the gradient accumulation, the finiteness checks and the SGD update with momentum.
//! * `plain`: the same forward in plain f64 with matrixmultiply and no tape (the floor).
//!
//! After the criterion groups the binary prints the step ÷ forward ratio measured interleaved
//! (see `interleaved_ratio`), the number issue 11's target is judged by.
//!
//! Run: `cargo bench -p wengert-benches --bench ebm_digits`.
#[path = "../examples/common/digits.rs"]
mod digits;

use criterion::{criterion_group, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};
use wengert::ebm::energy::{Classifier, LabelEnergy};
use wengert::ebm::init;
use wengert::ebm::loss::{batch, Loss};
use wengert::ebm::module::Sequential;
use wengert::ebm::train::{Sgd, Trainer};
use wengert::prelude::*;

const B: usize = 128;
const BETA: f64 = 4.0;
/// The step's learning rate: the update is computed and applied in full, but the weights stay
/// where the forward pass is timed (thousands of steps on one batch would otherwise drive the
/// pre-activations into another regime of libm's `tanh`, whose cost depends on its argument).
const STILL: f64 = 1e-12;

/// The plain f64 forward: `tanh(tanh(X W₁ᵀ + b₁) W₂ᵀ + b₂)`, then the mean NLL.
fn plain_loss(x: &[f64], y: &[usize], w: &[Vec<f64>]) -> f64 {
    let (w1, b1, w2, b2) = (&w[0], &w[1], &w[2], &w[3]);
    let layer = |input: &[f64], n_in: usize, wt: &[f64], bias: &[f64], n_out: usize| {
        let mut out = vec![0.0; B * n_out];
        // out = input · wtᵀ (wt is [n_out, n_in], row-major).
        matrixmultiply_dgemm(input, wt, &mut out, n_in, n_out);
        for row in out.chunks_mut(n_out) {
            for (o, b) in row.iter_mut().zip(bias) {
                *o = (*o + b).tanh();
            }
        }
        out
    };
    let h = layer(x, 64, w1, b1, 64);
    let e = layer(&h, 64, w2, b2, 10);
    let mut total = 0.0;
    for (row, &label) in e.chunks(10).zip(y) {
        let m = row.iter().fold(f64::INFINITY, |a, &v| a.min(v));
        let s: f64 = row.iter().map(|&v| (-BETA * (v - m)).exp()).sum();
        total += row[label] - (m - s.ln() / BETA);
    }
    total / B as f64
}

/// The recorded loss: the mean batch NLL of the classifier's `[B, 10]` energies.
fn nll<'t>(
    model: &Classifier<Sequential<f64>, f64>,
    x: &[f64],
    y: &[usize],
    tape: &'t Tape<f64>,
    p: &Bound<'t, '_, f64>,
) -> Var<'t, f64> {
    let e = model.energies(p, tape.constant_tensor_from([B, 64], x));
    batch(e, y, Loss::Nll(BETA)).mean
}

fn matrixmultiply_dgemm(a: &[f64], bt: &[f64], c: &mut [f64], k: usize, n: usize) {
    let a = ndarray::ArrayView2::from_shape((B, k), a).unwrap();
    let bt = ndarray::ArrayView2::from_shape((n, k), bt).unwrap();
    let mut cv = ndarray::ArrayViewMut2::from_shape((B, n), c).unwrap();
    ndarray::linalg::general_mat_mul(1.0, &a, &bt.t(), 0.0, &mut cv);
}

/// The first 128 digits and a freshly initialised net.
struct Setup {
    x: Vec<f64>,
    y: Vec<usize>,
    store: ParamStore<f64>,
    model: Classifier<Sequential<f64>, f64>,
}

fn setup() -> Setup {
    let data = digits::load_from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/digits.csv.gz"
    ))
    .expect("examples/data/digits.csv.gz");
    let idx: Vec<usize> = (0..B).collect();
    let (x, y) = data.batch(&idx);
    let mut store = ParamStore::<f64>::new();
    let g = Sequential::two_layer(&mut store, "g", 64, 64, 10, &mut init::rng(1));
    Setup {
        x,
        y,
        store,
        model: Classifier::new(g, 10),
    }
}

fn digits_step(c: &mut Criterion) {
    let Setup { x, y, store, model } = setup();
    let weights: Vec<Vec<f64>> = store.keys().map(|k| store.get(k).data().to_vec()).collect();
    let mut trainer = Trainer::new(store.clone(), Sgd::new(STILL).with_momentum(0.9), 2);

    let mut check = Tape::<f64>::new();
    let recorded = nll(&model, &x, &y, &check, &store.bind(&check)).value();
    let plain = plain_loss(&x, &y, &weights);
    assert!(
        (recorded - plain).abs() < 1e-12,
        "tape {recorded} vs plain {plain}"
    );
    check.clear();

    let mut group = c.benchmark_group("ebm/digits_b128");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("plain", |b| {
        b.iter(|| black_box(plain_loss(black_box(&x), &y, &weights)))
    });
    let mut tape = Tape::<f64>::new();
    group.bench_function("forward", |b| {
        b.iter(|| {
            tape.clear();
            let p = store.bind(&tape);
            black_box(nll(&model, &x, &y, &tape, &p).value())
        })
    });
    group.bench_function("forward_backward", |b| {
        b.iter(|| {
            tape.clear();
            let p = store.bind(&tape);
            let l = nll(&model, &x, &y, &tape, &p);
            let w1 = p.vars().next().expect("a parameter").1;
            black_box(tape.backward(l).wrt(w1)[0])
        })
    });
    group.bench_function("step", |b| {
        b.iter(|| black_box(trainer.learn_sample(|tape, p| nll(&model, &x, &y, tape, p))))
    });
    group.finish();
}

/// The step ÷ forward ratio measured interleaved: 31 rounds of 200 forwards and 200 steps in
/// alternating order, the median and quartiles of the rounds' ratios. Criterion times each
/// function in its own window, so on a shared machine a load change between windows moves the
/// ratio more than the code does; interleaving puts both under the same load.
fn interleaved_ratio() {
    let Setup { x, y, store, model } = setup();
    let mut trainer = Trainer::new(store, Sgd::new(STILL).with_momentum(0.9), 2);
    let mut tape = Tape::<f64>::new();
    // Both read the trainer's current weights: the forward of the step being measured.
    let mut forward = |trainer: &Trainer<f64>| {
        let t = Instant::now();
        for _ in 0..200 {
            tape.clear();
            let p = trainer.store().bind(&tape);
            black_box(nll(&model, &x, &y, &tape, &p).value());
        }
        t.elapsed().as_secs_f64()
    };
    let step = |trainer: &mut Trainer<f64>| {
        let t = Instant::now();
        for _ in 0..200 {
            black_box(trainer.learn_sample(|tape, p| nll(&model, &x, &y, tape, p)));
        }
        t.elapsed().as_secs_f64()
    };
    forward(&trainer);
    step(&mut trainer);
    let mut ratios: Vec<f64> = (0..31)
        .map(|round| {
            if round % 2 == 0 {
                let f = forward(&trainer);
                step(&mut trainer) / f
            } else {
                let s = step(&mut trainer);
                s / forward(&trainer)
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "ebm/digits_b128 step / forward, 31 interleaved rounds: median {:.3} (quartiles {:.3} .. {:.3})",
        ratios[15], ratios[7], ratios[23]
    );
}

criterion_group!(benches, digits_step);

fn main() {
    benches();
    // Not under `--profile-time` (a profile of one function) or `--list`.
    if !std::env::args().any(|a| a == "--profile-time" || a == "--list") {
        interleaved_ratio();
    }
    Criterion::default().configure_from_args().final_summary();
}
