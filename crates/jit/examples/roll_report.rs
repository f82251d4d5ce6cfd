//! How much of a program the loop roller rolls, and how fast: coverage (instructions inside
//! loops), loop count and roll time for the optimized value-and-gradient programs of the
//! benchmark functions (written as plain Rust loops, exactly as in `benches/common`) and of
//! random DAGs. The numbers of docs/architecture.md ("Re-rolling") come from here.
//!
//! `cargo run --release -p wengert-jit --example roll_report`

use std::time::Instant;
use wengert_jit::ir::{Program, Rolled};
use wengert_jit::roll::Roller;
use wengert_jit::{grad, opt, Compiled};
use wengert_ops::prelude::*;
use wengert_tape::{Tape, Var};

fn rosenbrock<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let n = x.len();
    let (a, b) = (x[0] - 1.0, x[1] - x[0] * x[0]);
    let mut s = a * a + b * b * 100.0;
    for i in 1..n - 1 {
        let a = x[i] - 1.0;
        let b = x[i + 1] - x[i] * x[i];
        s = s + (a * a + b * b * 100.0);
    }
    s
}

fn softplus_sin<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let n = x.len();
    let mut s = x[0].sin();
    for xi in &x[1..] {
        s = s + xi.sin();
    }
    for i in 0..n - 1 {
        s = s + ((x[i] * x[i + 1]).exp() + 1.0).ln();
    }
    s
}

/// A random expression DAG in the style of `tests/dag.rs`: unary and binary steps on
/// operands mostly among the newest values, sometimes up to 64 back.
fn dag<'t>(tape: &'t Tape<f64>, x: &[Var<'t, f64>], steps: usize) -> Var<'t, f64> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut rnd = move |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % m
    };
    let mut v = x.to_vec();
    let back = |rnd: &mut dyn FnMut(usize) -> usize| match rnd(4) {
        3 => rnd(64),
        _ => rnd(3),
    };
    for _ in 0..steps {
        let (i, j) = (back(&mut rnd), back(&mut rnd));
        let at = |k: usize| v[v.len() - 1 - k % v.len()];
        let (a, b) = (at(i), at(j));
        let y = match rnd(8) {
            0 => a.tanh().exp(),
            1 => a.sin(),
            2 => a.sigmoid(),
            3 => (a.square() + 0.1).sqrt(),
            4 => (a + b) * 0.5,
            5 => (a - b) * 0.5,
            6 => a * b.tanh(),
            _ => a / (b.square() + 1.0),
        };
        v.push(y);
    }
    let _ = tape;
    let k = v.len();
    (v[k - 1] + v[k - 2] + v[k - 3]) * (1.0 / 3.0)
}

/// Rolls `p` several times; prints the best time, coverage and loop count.
fn report(name: &str, p: &Program<f64>) {
    let roller = Roller::new();
    let mut best = f64::INFINITY;
    let mut regions = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        regions = roller.regions(p);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let r = Rolled {
        program: p.clone(),
        regions,
    };
    r.validate()
        .expect("the roller's regions describe the program");
    let looped = r.looped_len();
    let periods: Vec<String> = r
        .loops()
        .map(|l| format!("{}x{}", l.period, l.count))
        .collect();
    println!(
        "| {name} | {} | {:.1}% | {} | {:.3} ms | {:.1} ns | {} |",
        p.len(),
        100.0 * looped as f64 / p.len() as f64,
        r.loops().count(),
        best * 1e3,
        best * 1e9 / p.len() as f64,
        periods.join(" ")
    );
}

fn grad_program(
    x: &[f64],
    f: impl for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
) -> Program<f64> {
    // The flat program (a loop of the forward trace compiled alone has none).
    let c = Compiled::trace(x, f).expect("traces");
    opt::optimize(&grad::grad(c.traced()).expect("differentiates").program)
}

fn main() {
    println!("| value + gradient of | instructions | in loops | loops | roll time | per instruction | loops (period x count) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for n in [1000, 10_000, 100_000] {
        let x: Vec<f64> = (0..n).map(|i| 0.5 + 0.001 * i as f64).collect();
        report(
            &format!("Rosenbrock, n = {n}"),
            &grad_program(&x, |_, x| rosenbrock(x)),
        );
        report(
            &format!("Σ ln(1+exp(x_i x_i+1)) + sin x_i, n = {n}"),
            &grad_program(&x, |_, x| softplus_sin(x)),
        );
    }
    for steps in [100, 1000, 10_000, 100_000] {
        let x = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9];
        report(
            &format!("random DAG, {steps} steps"),
            &grad_program(&x, |t, x| dag(t, x, steps)),
        );
    }
}
