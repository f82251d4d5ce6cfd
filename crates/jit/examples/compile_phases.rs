//! Where compile time goes: trace, differentiate, optimize, roll, lower, per phase, for the
//! Rosenbrock gradient at n = 10⁴ and for GradBench `hello` (the fixed cost).
//!
//! `cargo run --release -p wengert-jit --example compile_phases`
use std::time::Instant;
use wengert_jit::roll::roll;
use wengert_jit::{grad, native, opt, trace};
use wengert_ops::prelude::*;
use wengert_tape::Var;

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

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// GradBench `hello`: the fixed cost of compiling anything.
fn hello<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    x[0] * x[0]
}

/// The random DAG of `benches/jit.rs` (`jit_dag`), on its 16 inputs: each node applies one
/// of six ops to two earlier nodes chosen uniformly, so many are dead (DCE drops them).
fn dag<'t, const NODES: usize>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut v: Vec<Var<'t, f64>> = x.to_vec();
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) as usize) % m
    };
    for _ in 0..NODES {
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

fn main() {
    phases("Rosenbrock, n = 10^4", 10_000, rosenbrock);
    phases("hello", 1, hello);
    phases("benches/jit.rs random DAG, 100 nodes", 16, dag::<100>);
    phases("benches/jit.rs random DAG, 10^4 nodes", 16, dag::<10_000>);
    phases("benches/jit.rs random DAG, 10^5 nodes", 16, dag::<100_000>);
}

fn phases(name: &str, n: usize, f: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>) {
    let x: Vec<f64> = (0..n).map(|i| 0.5 + 0.001 * i as f64).collect();
    println!("{name}:");
    for _ in 0..3 {
        let t = Instant::now();
        let tr = trace::trace(&x, |_, v| f(v)).unwrap();
        let t_trace = ms(t);
        let t = Instant::now();
        let g = grad::grad(&tr).unwrap();
        let t_grad = ms(t);
        let t = Instant::now();
        let o = opt::optimize(&g.program);
        let t_opt = ms(t);
        let t = Instant::now();
        let r = roll(&o);
        let t_roll = ms(t);
        let t = Instant::now();
        let k = native::compile(&r);
        let t_low = ms(t);
        println!(
            "  trace {t_trace:.3} ms ({} insts), grad {t_grad:.3} ms ({}), optimize {t_opt:.3} ms ({}), roll {t_roll:.3} ms ({} loops, {} regions), lower {t_low:.3} ms (native: {})",
            tr.program.len(),
            g.program.len(),
            o.len(),
            r.loops().count(),
            r.regions.len(),
            k.is_some()
        );
    }
}
