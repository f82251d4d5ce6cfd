//! Forward against reverse mode: the gradient of Rosenbrock and of
//! `Σ sin x_i + Σ ln(exp(x_i x_{i+1}) + 1)` for n = 2 … 4096 by
//!
//! * wengert reverse (record on a reused tape + sweep), wengert compiled (traced once, then
//!   `wengert::jit::Compiled::value_and_grad`), wengert forward (`forward::gradient`, n passes of `Dual`),
//!   wengert chunked (`forward::gradient_chunked::<8>`, ⌈n/8⌉ passes of `DualVec<f64, 8>`);
//! * num-dual `Dual64` (n passes) and `DualSVec64<8>` (⌈n/8⌉ passes), input buffers reused;
//! * the `reverse` crate; echidna (`echidna::grad`, its pooled thread-local tape).
//!
//! The forward methods cost O(n²) and are skipped above n = [`FORWARD_MAX`] to keep the
//! suite short (at n = 4096 they are ~100× slower than reverse mode anyway).
//! ad_trait is not here: it compiles 87 crates (two bevy_reflect versions) in ~125 s of CPU.
//!
//! Run: `cargo bench -p wengert-benches --bench forward_vs_reverse`.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::hint::black_box;
use std::time::Duration;
use wengert::jit::Compiled;
use wengert::prelude::*;
use wengert::tape::dual::{Dual, DualVec};
use wengert::tape::transforms::forward;

#[macro_use]
mod common;
mod peers;
use common::*;
use peers::*;

const SIZES: [usize; 10] = [2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096];
/// The largest n at which the O(n²) forward-mode methods run.
const FORWARD_MAX: usize = 1024;

/// One function in all its instances.
struct Fns {
    name: &'static str,
    hand: fn(&[f64], &mut [f64]),
    tape: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    dual: fn(&[Dual<f64>]) -> Dual<f64>,
    dualvec: fn(&[DualVec<f64, 8>]) -> DualVec<f64, 8>,
    nd: fn(&[num_dual::Dual64]) -> num_dual::Dual64,
    nd8: fn(&[num_dual::DualSVec64<8>]) -> num_dual::DualSVec64<8>,
    rev: for<'a> fn(&[reverse::Var<'a>]) -> reverse::Var<'a>,
    echidna: fn(&[echidna::Reverse<f64>]) -> echidna::Reverse<f64>,
}

fn run(c: &mut Criterion, f: &Fns) {
    let mut group = c.benchmark_group(format!("fvr/{}", f.name));
    group
        .sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600));
    for n in SIZES {
        let x = point(n);
        let mut want = vec![0.0; n];
        (f.hand)(&x, &mut want);
        let mut g = vec![0.0; n];

        // wengert reverse: record on a reused tape, sweep, read into a reused buffer.
        let mut tape = Tape::<f64>::new();
        let tape_f = f.tape;
        wengert_rev::grad(tape_f, &mut tape, &x, &mut g);
        check("wengert reverse", &g, &want);
        group.bench_with_input(BenchmarkId::new("wengert_reverse", n), &x, |b, x| {
            b.iter(|| {
                wengert_rev::grad(tape_f, &mut tape, black_box(x), &mut g);
                black_box(&g);
            })
        });

        // wengert compiled: traced and compiled once, outside the timing.
        let compiled = Compiled::trace(&x, |_, v| tape_f(v)).expect("traces");
        compiled.value_and_grad(&x, &mut g).expect("compiles");
        check("wengert compiled", &g, &want);
        group.bench_with_input(BenchmarkId::new("wengert_compiled", n), &x, |b, x| {
            b.iter(|| black_box(compiled.value_and_grad(black_box(x), &mut g)))
        });

        if n <= FORWARD_MAX {
            check("wengert forward", &forward::gradient(f.dual, &x), &want);
            group.bench_with_input(BenchmarkId::new("wengert_forward", n), &x, |b, x| {
                b.iter(|| black_box(forward::gradient(f.dual, black_box(x))))
            });

            let chunked = forward::gradient_chunked::<8, f64>;
            check("wengert chunked", &chunked(f.dualvec, &x), &want);
            group.bench_with_input(BenchmarkId::new("wengert_chunked8", n), &x, |b, x| {
                b.iter(|| black_box(chunked(f.dualvec, black_box(x))))
            });

            let (mut xd, mut xd8) = num_dual_fwd::inputs(&x);
            num_dual_fwd::grad_dual64(f.nd, &mut xd, &mut g);
            check("num-dual Dual64", &g, &want);
            group.bench_with_input(BenchmarkId::new("num_dual_dual64", n), &x, |b, _| {
                b.iter(|| {
                    num_dual_fwd::grad_dual64(f.nd, black_box(&mut xd), &mut g);
                    black_box(&g);
                })
            });

            num_dual_fwd::grad_chunked8(f.nd8, &x, &mut xd8, &mut g);
            check("num-dual DualSVec64<8>", &g, &want);
            group.bench_with_input(BenchmarkId::new("num_dual_vec8", n), &x, |b, x| {
                b.iter(|| {
                    num_dual_fwd::grad_chunked8(f.nd8, black_box(x), &mut xd8, &mut g);
                    black_box(&g);
                })
            });
        }

        let rtape = reverse::Tape::new();
        let rev_f = f.rev;
        let reverse_grad = |x: &[f64]| reverse_crate::grad(rev_f, &rtape, x);
        check("reverse", &reverse_grad(&x), &want);
        group.bench_with_input(BenchmarkId::new("reverse", n), &x, |b, x| {
            b.iter(|| black_box(reverse_grad(black_box(x))))
        });

        let ech = f.echidna;
        check("echidna", &echidna::grad(ech, &x), &want);
        group.bench_with_input(BenchmarkId::new("echidna", n), &x, |b, x| {
            b.iter(|| black_box(echidna::grad(ech, black_box(x))))
        });
    }
    group.finish();
}

fn rosenbrock(c: &mut Criterion) {
    run(
        c,
        &Fns {
            name: "rosenbrock",
            hand: hand::rosen_grad,
            tape: wengert_rev::rosen,
            dual: wengert_dual::rosen,
            dualvec: wengert_dualvec::rosen,
            nd: num_dual_fwd::rosen,
            nd8: num_dual_fwd::rosen8,
            rev: reverse_crate::rosen,
            echidna: echidna_rev::rosen,
        },
    );
}

fn softplus_sin(c: &mut Criterion) {
    run(
        c,
        &Fns {
            name: "softplus_sin",
            hand: hand::softplus_grad,
            tape: wengert_rev::softplus,
            dual: wengert_dual::softplus,
            dualvec: wengert_dualvec::softplus,
            nd: num_dual_fwd::softplus,
            nd8: num_dual_fwd::softplus8,
            rev: reverse_crate::softplus,
            echidna: echidna_rev::softplus,
        },
    );
}

criterion_group!(benches, rosenbrock, softplus_sin);
criterion_main!(benches);
