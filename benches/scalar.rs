//! Scalar-tape overhead: the gradient of Rosenbrock and of `Σ sin x_i + Σ ln(exp(x_i x_{i+1}) + 1)`
//! by wengert (recording on a reused tape), the `reverse` crate and a hand-written gradient,
//! next to the plain `f64` evaluation of the same function. One criterion group per function;
//! the ratio of interest is gradient time ÷ plain evaluation (docs/benchmarks.md).
//!
//! Run: `cargo bench -p wengert-benches --bench scalar`.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;
use wengert::prelude::*;
use wengert::tape::op::Unary;

#[macro_use]
mod common;
mod peers;
use common::*;
use peers::*;

const SIZES: [usize; 4] = [10, 100, 1000, 10_000];

type PlainFn = fn(&[f64]) -> f64;
type HandFn = fn(&[f64], &mut [f64]);
type TapeFn = for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>;
type ReverseFn = for<'a> fn(&[reverse::Var<'a>]) -> reverse::Var<'a>;

fn group(
    c: &mut Criterion,
    name: &str,
    plain_f: PlainFn,
    hand_g: HandFn,
    tape_f: TapeFn,
    rev_f: ReverseFn,
) {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for n in SIZES {
        let x = point(n);
        let mut want = vec![0.0; n];
        hand_g(&x, &mut want);

        group.bench_with_input(BenchmarkId::new("plain_f64", n), &x, |b, x| {
            b.iter(|| plain_f(black_box(x)))
        });

        let mut g = vec![0.0; n];
        group.bench_with_input(BenchmarkId::new("hand_gradient", n), &x, |b, x| {
            b.iter(|| {
                hand_g(black_box(x), &mut g);
                black_box(&g);
            })
        });

        // wengert: one tape for the whole benchmark, cleared each iteration; the gradient is
        // read into a reused buffer.
        let mut tape = Tape::<f64>::new();
        let mut g = vec![0.0; n];
        wengert_rev::grad(tape_f, &mut tape, &x, &mut g);
        check("wengert", &g, &want);
        group.bench_with_input(BenchmarkId::new("wengert", n), &x, |b, x| {
            b.iter(|| {
                wengert_rev::grad(tape_f, &mut tape, black_box(x), &mut g);
                black_box(&g);
            })
        });

        // reverse 0.2: its tape has no capacity-keeping clear-and-reuse beyond `clear()`;
        // `grad()` allocates one adjoint per node, `wrt` the result vector.
        let rtape = reverse::Tape::new();
        let reverse_grad = |x: &[f64]| reverse_crate::grad(rev_f, &rtape, x);
        check("reverse", &reverse_grad(&x), &want);
        group.bench_with_input(BenchmarkId::new("reverse", n), &x, |b, x| {
            b.iter(|| black_box(reverse_grad(black_box(x))))
        });
    }
    group.finish();
}

fn rosenbrock(c: &mut Criterion) {
    group(
        c,
        "scalar/rosenbrock",
        plain::rosen,
        hand::rosen_grad,
        wengert_rev::rosen,
        reverse_crate::rosen,
    );
}

fn softplus_sin(c: &mut Criterion) {
    group(
        c,
        "scalar/softplus_sin",
        plain::softplus,
        hand::softplus_grad,
        wengert_rev::softplus,
        reverse_crate::softplus,
    );
}

/// softplus before issue 14: value `max(x, 0) + ln_1p(e^−|x|)`, derivative from the output
/// `−exp_m1(−y)` (three libm calls on a scalar), kept here as the baseline the fused op beats.
struct SoftplusFromOutput;
impl Unary<f64> for SoftplusFromOutput {
    const NAME: &'static str = "softplus_from_output";
    fn f(x: f64) -> f64 {
        x.max(0.0) + (-x.abs()).exp().ln_1p()
    }
    fn df(_x: f64, y: f64) -> f64 {
        -(-y).exp_m1()
    }
}

/// `Σ softplus(x_i x_{i+1})` three ways on the scalar tape: the op (`exp`, `ln_1p`, the
/// derivative from the same `exp`), the former op (a third call, `exp_m1`), and by hand as
/// `ln(exp(t) + 1)` (`exp`, `ln`; the derivatives `eᵗ` and `1/u` are free).
fn sp_op<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = (x[0] * x[1]).softplus();
    for i in 1..x.len() - 1 {
        s = s + (x[i] * x[i + 1]).softplus();
    }
    s
}
fn sp_from_output<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = (x[0] * x[1]).map::<SoftplusFromOutput>();
    for i in 1..x.len() - 1 {
        s = s + (x[i] * x[i + 1]).map::<SoftplusFromOutput>();
    }
    s
}
fn sp_by_hand<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = ((x[0] * x[1]).exp() + 1.0).ln();
    for i in 1..x.len() - 1 {
        s = s + ((x[i] * x[i + 1]).exp() + 1.0).ln();
    }
    s
}

/// The softplus row of docs/benchmarks.md: the gradient of `Σ softplus(x_i x_{i+1})` at
/// n = 1000 (issue 14 measured the hand-written form 1.35–1.54× faster than the op).
fn softplus_op(c: &mut Criterion) {
    let mut group = c.benchmark_group("scalar/softplus_op");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let n = 1000;
    let x = point(n);
    let mut want = vec![0.0; n];
    let mut tape = Tape::<f64>::new();
    wengert_rev::grad(sp_by_hand, &mut tape, &x, &mut want);
    let fs: [(&str, TapeFn); 3] = [
        ("op", sp_op),
        ("op_before", sp_from_output),
        ("by_hand_ln_1_plus_exp", sp_by_hand),
    ];
    for (name, f) in fs {
        let mut g = vec![0.0; n];
        wengert_rev::grad(f, &mut tape, &x, &mut g);
        check(name, &g, &want);
        group.bench_with_input(BenchmarkId::new(name, n), &x, |b, x| {
            b.iter(|| {
                wengert_rev::grad(f, &mut tape, black_box(x), &mut g);
                black_box(&g);
            })
        });
    }
    // The tensor path: one `[n]` tensor through the op (forward `exp` + `ln_1p`, backward one
    // `exp`) against `ln(exp(x) + 1)` as two tensor ops (backward free: `y` and `1/u`).
    let t: Vec<f64> = x.iter().map(|v| 3.0 * v).collect();
    type TensorFn = for<'t> fn(Var<'t, f64>) -> Var<'t, f64>;
    let ts: [(&str, TensorFn); 2] = [
        ("tensor_op", |v| v.softplus().sum_all()),
        ("tensor_by_hand", |v| (v.exp() + 1.0).ln().sum_all()),
    ];
    for (name, f) in ts {
        let mut g = vec![0.0; n];
        group.bench_with_input(BenchmarkId::new(name, n), &t, |b, t| {
            b.iter(|| {
                tape.clear();
                let v = tape.tensor_from([n], black_box(t));
                let grads = tape.backward(f(v));
                g.copy_from_slice(grads.wrt(v));
                black_box(&g);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, rosenbrock, softplus_sin, softplus_op);
criterion_main!(benches);
