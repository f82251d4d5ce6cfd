//! Compiled functions with tensor ops (`wengert::jit::tensor`) side by side with the tape:
//!
//! * `jit_tensor/mlp/…`: `logsumexp(W₂ tanh(W₁ x))`, x of 64, a hidden layer of 32, 8
//!   outputs: tensor ops only (matmul, tanh, logsumexp), so compiling saves the recording;
//! * `jit_tensor/mixed/…`: Rosenbrock of `y = W x` (W of 64 × 64): one matmul, then 63
//!   scalar terms read from its elements: the scalar code is native, the matmul matrixmultiply.
//!
//! Each is the value and gradient, on the tape (recorded on a reused, cleared tape, one
//! backward sweep) and compiled (`value_and_grad`). After the groups the binary prints the
//! ratios compiled ÷ tape measured interleaved.
//!
//! Run: `cargo bench -p wengert-benches --bench jit_tensor`.
use criterion::{criterion_group, Criterion, SamplingMode};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;
use wengert::jit::Compiled;
use wengert::ops::structure::stack;
use wengert::prelude::*;

#[macro_use]
mod common;
use common::*;

const N: usize = 64;
const H: usize = 32;
const K: usize = 8;

/// Fixed weights: `[H, N]`, `[K, H]`, `[N, N]`.
fn weights() -> &'static [Vec<f64>; 3] {
    static W: OnceLock<[Vec<f64>; 3]> = OnceLock::new();
    W.get_or_init(|| {
        let w = |len: usize, s: usize| -> Vec<f64> {
            (0..len)
                .map(|k| (((k * 7 + s) % 13) as f64 - 6.0) / 20.0)
                .collect()
        };
        [w(H * N, 1), w(K * H, 2), w(N * N, 3)]
    })
}

fn mlp<'t>(t: &'t Tape<f64>, x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let [w1, w2, _] = weights();
    let v = stack(x, Axis(0)).reshape([N, 1]);
    let h = t.constant_tensor_from([H, N], w1).matmul(v).tanh();
    t.constant_tensor_from([K, H], w2).matmul(h).logsumexp()
}

fn mixed<'t>(t: &'t Tape<f64>, x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let y = t
        .constant_tensor_from([N, N], &weights()[2])
        .matmul(stack(x, Axis(0)).reshape([N, 1]));
    let y: Vec<Var<'t, f64>> = (0..N).map(|i| y.elem(i)).collect();
    let mut s = y[0] * 0.0;
    for i in 0..N - 1 {
        let (a, b) = (y[i] - 1.0, y[i + 1] - y[i] * y[i]);
        s = s + a * a + b * b * 100.0;
    }
    s
}

type Energy = for<'t> fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>;

const FNS: [(&str, Energy); 2] = [("mlp", mlp), ("mixed", mixed)];

fn point() -> Vec<f64> {
    (0..N).map(|i| (i % 5) as f64 / 5.0 - 0.4).collect()
}

/// The tape's value and gradient of `f` at `x` into `g`.
fn tape_grad(f: Energy, tape: &mut Tape<f64>, x: &[f64], g: &mut [f64]) -> f64 {
    tape.clear();
    let xs = tape.vars(x);
    let y = f(tape, &xs);
    let grads = tape.backward(y);
    for (gi, &xi) in g.iter_mut().zip(&xs) {
        *gi = grads[xi];
    }
    y.value()
}

/// The compiled function of `f`, checked against the tape first.
fn compiled(f: Energy, x: &[f64]) -> Compiled<f64> {
    let c = Compiled::trace(x, f).expect("tensor ops compile");
    let (mut g, mut gt) = (vec![0.0; N], vec![0.0; N]);
    let v = c.value_and_grad(x, &mut g).unwrap();
    let vt = tape_grad(f, &mut Tape::new(), x, &mut gt);
    assert!((v - vt).abs() <= 1e-12 * vt.abs().max(1.0), "{v} vs {vt}");
    for (a, b) in g.iter().zip(&gt) {
        assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0), "{a} vs {b}");
    }
    c
}

fn benches(c: &mut Criterion) {
    let x = point();
    for (name, f) in FNS {
        let mut grp = c.benchmark_group(format!("jit_tensor/{name}"));
        grp.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(400));
        let mut g = vec![0.0; N];
        let mut tape = Tape::new();
        grp.bench_function("tape", |b| {
            b.iter(|| black_box(tape_grad(f, &mut tape, black_box(&x), &mut g)))
        });
        let comp = compiled(f, &x);
        grp.bench_function("compiled", |b| {
            b.iter(|| black_box(comp.value_and_grad(black_box(&x), &mut g).unwrap()))
        });
        grp.finish();
    }
}

/// Compiled ÷ tape for both functions, 101 interleaved rounds of about 10 ms a side.
fn interleaved_ratios() {
    let x = point();
    for (name, f) in FNS {
        let comp = compiled(f, &x);
        let (mut g, mut gt) = (vec![0.0; N], vec![0.0; N]);
        let mut tape = Tape::new();
        let [m, lo, hi] = interleaved(
            101,
            400,
            || {
                black_box(comp.value_and_grad(black_box(&x), &mut g).unwrap());
            },
            || {
                black_box(tape_grad(f, &mut tape, black_box(&x), &mut gt));
            },
        );
        println!(
            "jit_tensor ratio {name} compiled / tape, 101 interleaved rounds: median {m:.2} \
             (quartiles {lo:.2} .. {hi:.2})"
        );
    }
}

criterion_group!(group, benches);

fn main() {
    group();
    // Not under `--profile-time` (a profile of one function) or `--list`.
    if !std::env::args().any(|a| a == "--profile-time" || a == "--list") {
        interleaved_ratios();
    }
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
