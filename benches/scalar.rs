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

criterion_group!(benches, rosenbrock, softplus_sin);
criterion_main!(benches);
