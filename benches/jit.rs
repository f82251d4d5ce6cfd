//! Compiled functions (`wengert::jit::Compiled`, issue 12) side by side with plain `f64`,
//! the hand-written adjoint, the tape, and num-dual forward mode:
//!
//! * `jit/<fn>/…` at n = 1000 and 10⁴: plain, hand, tape gradient, compiled gradient of the
//!   plain Rust loop (re-rolled by the compiler) and of the `fori_loop` combinator;
//! * `jit_compile/<fn>` at n = 10⁴: trace + optimize + roll + lower (the first gradient call
//!   forces the lazily built gradient program, so it is included);
//! * `jit_dag/…`: a random DAG with no repeated structure, 10²..10⁵ nodes: compile time,
//!   compiled call and tape call (break-even = compile / (tape − compiled), tabled in
//!   docs/benchmarks.md, "Compiled functions (issue 12)");
//! * `jit_cross/<fn>/…` for n = 1..32: compiled gradient vs n passes of `Dual64` and ⌈n/8⌉
//!   passes of `DualSVec64<8>`;
//! * `jit_hello`: GradBench `hello` (x·x), compiled (`value_and_grad`, and the thin
//!   `GradFn` handle) vs hand-written derivative call.
//!
//! Whatever back end `Compiled` picks (Cranelift for `f64` with the default features, the
//! interpreter otherwise) is what is measured: this file uses only the public API.
//!
//! After the criterion groups the binary prints issue 12's ratios measured interleaved (see
//! `interleaved_ratios`): the numbers its targets are judged by.
//!
//! Run: `cargo bench -p wengert-benches --bench jit`.
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode};
use std::hint::black_box;
use std::time::Duration;
use wengert::jit::fori::{fori_loop, Read};
use wengert::jit::Compiled;
use wengert::prelude::*;

#[macro_use]
mod common;
mod peers;
use common::*;
use peers::*;

type TapeFn = for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>;

/// A short criterion group: the suite must finish in a few minutes.
fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_millis(400));
    g
}

/// Rosenbrock through the combinator: one traced body, n − 1 iterations.
fn rosen_fori(x: &[f64]) -> Compiled<f64> {
    let reads = [Read { base: 0, stride: 1 }, Read { base: 1, stride: 1 }];
    let f = fori_loop(x, x.len() as u32 - 1, &[0.0], &reads, |_, c, r| {
        let (a, b) = (r[0] - 1.0, r[1] - r[0] * r[0]);
        vec![c[0] + (a * a + b * b * 100.0)]
    })
    .expect("fori rosenbrock");
    Compiled::from(f)
}

/// The transcendental sum through the combinator: iteration i adds
/// `sin x_i + ln(exp(x_i x_{i+1}) + 1)`; the last `sin x_{n−1}` is not in the loop (the
/// combinator's outputs are its final carry), so this is checked against its own tape.
fn softplus_fori(x: &[f64]) -> Compiled<f64> {
    let reads = [Read { base: 0, stride: 1 }, Read { base: 1, stride: 1 }];
    let f = fori_loop(x, x.len() as u32 - 1, &[0.0], &reads, |_, c, r| {
        vec![c[0] + (r[0].sin() + ((r[0] * r[1]).exp() + 1.0).ln())]
    })
    .expect("fori softplus");
    Compiled::from(f)
}

/// The combinator's softplus written on the tape, for its check.
fn softplus_pairs<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = x[0] * 0.0;
    for i in 0..x.len() - 1 {
        s = s + (x[i].sin() + ((x[i] * x[i + 1]).exp() + 1.0).ln());
    }
    s
}

struct Fn1 {
    name: &'static str,
    plain: fn(&[f64]) -> f64,
    hand: fn(&[f64], &mut [f64]),
    tape: TapeFn,
    fori: fn(&[f64]) -> Compiled<f64>,
    fori_tape: TapeFn,
    nd: fn(&[num_dual::Dual64]) -> num_dual::Dual64,
    nd8: fn(&[num_dual::DualSVec64<8>]) -> num_dual::DualSVec64<8>,
}

const ROSEN: Fn1 = Fn1 {
    name: "rosenbrock",
    plain: plain::rosen,
    hand: hand::rosen_grad,
    tape: wengert_rev::rosen,
    fori: rosen_fori,
    fori_tape: wengert_rev::rosen,
    nd: num_dual_fwd::rosen,
    nd8: num_dual_fwd::rosen8,
};

const SOFTPLUS: Fn1 = Fn1 {
    name: "softplus_sin",
    plain: plain::softplus,
    hand: hand::softplus_grad,
    tape: wengert_rev::softplus,
    fori: softplus_fori,
    fori_tape: softplus_pairs,
    nd: num_dual_fwd::softplus,
    nd8: num_dual_fwd::softplus8,
};

fn compile(tape_f: TapeFn, x: &[f64]) -> Compiled<f64> {
    Compiled::trace(x, |_, v| tape_f(v)).expect("trace")
}

/// The tape's gradient, for the checks of the compiled ones.
fn tape_grad(tape_f: TapeFn, x: &[f64]) -> Vec<f64> {
    let mut tape = Tape::<f64>::new();
    let mut g = vec![0.0; x.len()];
    wengert_rev::grad(tape_f, &mut tape, x, &mut g);
    g
}

fn large(c: &mut Criterion, f: &Fn1) {
    let mut grp = group(c, &format!("jit/{}", f.name));
    for n in [1000, 10_000] {
        let x = point(n);
        let mut want = vec![0.0; n];
        (f.hand)(&x, &mut want);
        let mut g = vec![0.0; n];
        grp.bench_with_input(BenchmarkId::new("plain", n), &x, |b, x| {
            b.iter(|| black_box((f.plain)(black_box(x))))
        });
        grp.bench_with_input(BenchmarkId::new("hand", n), &x, |b, x| {
            b.iter(|| {
                (f.hand)(black_box(x), &mut g);
                black_box(&g);
            })
        });
        let mut tape = Tape::<f64>::new();
        grp.bench_with_input(BenchmarkId::new("tape", n), &x, |b, x| {
            b.iter(|| {
                wengert_rev::grad(f.tape, &mut tape, black_box(x), &mut g);
                black_box(&g);
            })
        });
        let rolled = compile(f.tape, &x);
        rolled.value_and_grad(&x, &mut g).unwrap();
        check("compiled (re-rolled)", &g, &want);
        grp.bench_with_input(BenchmarkId::new("compiled_rolled", n), &x, |b, x| {
            b.iter(|| black_box(rolled.value_and_grad(black_box(x), &mut g).unwrap()))
        });
        let fori = (f.fori)(&x);
        fori.value_and_grad(&x, &mut g).unwrap();
        check("compiled (fori_loop)", &g, &tape_grad(f.fori_tape, &x));
        grp.bench_with_input(BenchmarkId::new("compiled_fori", n), &x, |b, x| {
            b.iter(|| black_box(fori.value_and_grad(black_box(x), &mut g).unwrap()))
        });
    }
    grp.finish();
}

fn compile_time(c: &mut Criterion) {
    let mut grp = group(c, "jit_compile");
    let x = point(10_000);
    let mut g = vec![0.0; x.len()];
    for f in [&ROSEN, &SOFTPLUS] {
        grp.bench_function(BenchmarkId::new(f.name, 10_000), |b| {
            b.iter(|| {
                let c = compile(f.tape, black_box(&x));
                black_box(c.value_and_grad(&x, &mut g).unwrap())
            })
        });
        grp.bench_function(BenchmarkId::new(format!("{}_fori", f.name), 10_000), |b| {
            b.iter(|| {
                let c = (f.fori)(black_box(&x));
                black_box(c.value_and_grad(&x, &mut g).unwrap())
            })
        });
    }
    grp.finish();
}

/// A random DAG of `nodes` operations on 16 inputs with no repeated structure: each node
/// applies one of six ops to two earlier nodes chosen by a fixed LCG, so no run of nodes has
/// operands affine in an iteration. The result sums the last 16 nodes, so nothing is dead.
fn dag<'t>(x: &[Var<'t, f64>], nodes: usize) -> Var<'t, f64> {
    let mut v: Vec<Var<'t, f64>> = x.to_vec();
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) as usize) % m
    };
    for _ in 0..nodes {
        let (a, b) = (v[next(v.len())], v[next(v.len())]);
        let y = match next(6) {
            0 => a + b,
            1 => a * b,
            2 => a - b,
            3 => a.sin(),
            4 => (a * 0.5).tanh() + b,
            _ => a * 0.9 + b * 0.1,
        };
        v.push(y);
    }
    let mut out = v[v.len() - 1];
    for &w in &v[v.len() - 16..v.len() - 1] {
        out = out + w;
    }
    out
}

fn random_dag(c: &mut Criterion) {
    let mut grp = group(c, "jit_dag");
    let x = point(16);
    let mut g = vec![0.0; 16];
    for nodes in [100, 1000, 10_000, 100_000] {
        grp.bench_function(BenchmarkId::new("compile", nodes), |b| {
            b.iter(|| {
                let c = Compiled::trace(black_box(&x), |_, v| dag(v, nodes)).unwrap();
                black_box(c.value_and_grad(&x, &mut g).unwrap())
            })
        });
        let comp = Compiled::trace(&x, |_, v| dag(v, nodes)).unwrap();
        comp.value_and_grad(&x, &mut g).unwrap();
        let mut tape = Tape::<f64>::new();
        let mut want = vec![0.0; 16];
        {
            tape.clear();
            let xs = tape.vars(&x);
            let y = dag(&xs, nodes);
            let gr = tape.backward(y);
            for (w, &xi) in want.iter_mut().zip(&xs) {
                *w = gr[xi];
            }
        }
        check("compiled dag", &g, &want);
        grp.bench_function(BenchmarkId::new("compiled", nodes), |b| {
            b.iter(|| black_box(comp.value_and_grad(black_box(&x), &mut g).unwrap()))
        });
        grp.bench_function(BenchmarkId::new("tape", nodes), |b| {
            b.iter(|| {
                tape.clear();
                let xs = tape.vars(black_box(&x));
                let y = dag(&xs, nodes);
                let gr = tape.backward(y);
                for (w, &xi) in g.iter_mut().zip(&xs) {
                    *w = gr[xi];
                }
                black_box(&g);
            })
        });
    }
    grp.finish();
}

fn crossover(c: &mut Criterion, f: &Fn1) {
    let mut grp = group(c, &format!("jit_cross/{}", f.name));
    for n in [2, 4, 8, 16, 32] {
        let x = point(n);
        let mut want = vec![0.0; n];
        (f.hand)(&x, &mut want);
        let mut g = vec![0.0; n];
        let comp = compile(f.tape, &x);
        comp.value_and_grad(&x, &mut g).unwrap();
        check("compiled", &g, &want);
        grp.bench_with_input(BenchmarkId::new("compiled", n), &x, |b, x| {
            b.iter(|| black_box(comp.value_and_grad(black_box(x), &mut g).unwrap()))
        });
        let (mut xd, mut xd8) = num_dual_fwd::inputs(&x);
        num_dual_fwd::grad_dual64(f.nd, &mut xd, &mut g);
        check("Dual64", &g, &want);
        grp.bench_with_input(BenchmarkId::new("dual64", n), &x, |b, _| {
            b.iter(|| {
                num_dual_fwd::grad_dual64(f.nd, black_box(&mut xd), &mut g);
                black_box(&g);
            })
        });
        num_dual_fwd::grad_chunked8(f.nd8, &x, &mut xd8, &mut g);
        check("DualSVec64<8>", &g, &want);
        grp.bench_with_input(BenchmarkId::new("dualvec8", n), &x, |b, x| {
            b.iter(|| {
                num_dual_fwd::grad_chunked8(f.nd8, black_box(x), &mut xd8, &mut g);
                black_box(&g);
            })
        });
    }
    grp.finish();
}

/// GradBench `hello`: f(x) = x², f'(x) = 2x.
fn hello(c: &mut Criterion) {
    let mut grp = group(c, "jit_hello");
    let comp = Compiled::trace(&[1.5], |_, x| x[0] * x[0]).unwrap();
    let mut g = [0.0];
    assert_eq!(comp.value_and_grad(&[1.5], &mut g).unwrap(), 2.25);
    assert_eq!(g, [3.0]);
    grp.bench_function("compiled", |b| {
        b.iter(|| black_box(comp.value_and_grad(black_box(&[1.5]), &mut g).unwrap()))
    });
    let df = comp.grad_fn().unwrap();
    grp.bench_function("grad_fn", |b| {
        b.iter(|| black_box(df.call(black_box(&[1.5]), &mut g).unwrap()))
    });
    #[inline(never)]
    fn hand(x: f64, g: &mut f64) -> f64 {
        *g = 2.0 * x;
        x * x
    }
    let mut h = 0.0;
    grp.bench_function("hand", |b| {
        b.iter(|| black_box(hand(black_box(1.5), &mut h)))
    });
    grp.finish();
}

fn all(c: &mut Criterion) {
    large(c, &ROSEN);
    large(c, &SOFTPLUS);
    compile_time(c);
    random_dag(c);
    crossover(c, &ROSEN);
    crossover(c, &SOFTPLUS);
    hello(c);
}

/// Rounds of [`interleaved_ratios`]: many short ones (about 10 ms of each side), because
/// this machine's speed drifts by up to 2x within seconds (a busy sibling thread): the
/// shorter a round, the likelier both sides of it ran at one speed. With 31 rounds of 50 ms
/// one program's median moved between 2.8 and 3.5 from run to run.
const ROUNDS: usize = 101;

/// Issue 12's ratios measured interleaved ([`ROUNDS`] rounds; criterion's separate windows
/// move a ratio by ±20 % on a loaded machine): compiled gradient ÷ plain f64 evaluation for
/// both functions, re-rolled and through `fori_loop`, and `hello` compiled ÷ hand-written.
fn interleaved_ratios() {
    let show = |name: &str, [m, lo, hi]: [f64; 3]| {
        println!(
            "jit ratio {name}, {ROUNDS} interleaved rounds: median {m:.2} (quartiles {lo:.2} .. {hi:.2})"
        )
    };
    for f in [&ROSEN, &SOFTPLUS] {
        for n in [1000, 10_000] {
            let x = point(n);
            let mut g = vec![0.0; n];
            let reps = 2_000_000 / n;
            let plain = || {
                black_box((f.plain)(black_box(&x)));
            };
            for (form, c) in [("rolled", compile(f.tape, &x)), ("fori", (f.fori)(&x))] {
                let grad = || {
                    black_box(c.value_and_grad(black_box(&x), &mut g).unwrap());
                };
                let r = interleaved(ROUNDS, reps, grad, plain);
                show(&format!("{}/{n} compiled_{form} / plain", f.name), r);
            }
        }
    }
    let comp = Compiled::trace(&[1.5], |_, x| x[0] * x[0]).unwrap();
    let mut g = [0.0];
    #[inline(never)]
    fn hand(x: f64, g: &mut f64) -> f64 {
        *g = 2.0 * x;
        x * x
    }
    let mut h = 0.0;
    let r = interleaved(
        ROUNDS,
        200_000,
        || {
            black_box(comp.value_and_grad(black_box(&[1.5]), &mut g).unwrap());
        },
        || {
            black_box(hand(black_box(1.5), &mut h));
        },
    );
    show("hello compiled / hand", r);
    let df = comp.grad_fn().unwrap();
    let r = interleaved(
        ROUNDS,
        200_000,
        || {
            black_box(df.call(black_box(&[1.5]), &mut g).unwrap());
        },
        || {
            black_box(hand(black_box(1.5), &mut h));
        },
    );
    show("hello grad_fn / hand", r);
}

criterion_group!(benches, all);

fn main() {
    benches();
    // Not under `--profile-time` (a profile of one function) or `--list`.
    if !std::env::args().any(|a| a == "--profile-time" || a == "--list") {
        interleaved_ratios();
    }
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
