//! How much of a program the loop roller rolls, and how fast: coverage (instructions inside
//! loops), loop count and roll time for programs of growing size. The numbers of
//! docs/architecture.md ("Re-rolling") come from here.
//!
//! `cargo run --release -p wengert-jit --example roll_report`

use std::time::Instant;
use wengert_jit::ir::{BinOp, Inst, Program, UnOp, Val};
use wengert_jit::roll::Roller;

/// A hand-written Rosenbrock value + gradient program of the shape a reverse transform
/// emits (forward terms, then the sweep in reverse, then the gradient outputs).
fn rosenbrock(n: usize) -> Program<f64> {
    let mut p = Program::new(1 + n as u32);
    let x: Vec<Val> = (0..n).map(|k| p.push(Inst::Input(k as u32))).collect();
    let c1 = p.push(Inst::Const(1.0));
    let c100 = p.push(Inst::Const(100.0));
    let c2 = p.push(Inst::Const(2.0));
    let bin = |p: &mut Program<f64>, op, a, b| p.push(Inst::Bin(op, a, b));
    let (mut bs, mut es, mut s) = (vec![], vec![], None);
    for i in 0..n - 1 {
        let a = bin(&mut p, BinOp::Mul, x[i], x[i]);
        let b = bin(&mut p, BinOp::Sub, x[i + 1], a);
        let c = bin(&mut p, BinOp::Mul, b, b);
        let d = bin(&mut p, BinOp::Mul, c100, c);
        let e = bin(&mut p, BinOp::Sub, c1, x[i]);
        let f = bin(&mut p, BinOp::Mul, e, e);
        let g = bin(&mut p, BinOp::Add, d, f);
        s = Some(s.map_or(g, |s| bin(&mut p, BinOp::Add, s, g)));
        bs.push(b);
        es.push(e);
    }
    p.push(Inst::Output(0, s.unwrap()));
    let (mut adj, mut part) = (vec![Val(0); n], None::<Val>);
    for i in (0..n - 1).rev() {
        let ce = bin(&mut p, BinOp::Mul, c2, es[i]);
        let cb = bin(&mut p, BinOp::Mul, c100, bs[i]);
        let gb = bin(&mut p, BinOp::Mul, c2, cb);
        adj[i + 1] = part.map_or(gb, |t| bin(&mut p, BinOp::Add, t, gb));
        let ga = p.push(Inst::Un(UnOp::Neg, gb));
        let gxa = bin(&mut p, BinOp::Mul, ga, x[i]);
        let gxa2 = bin(&mut p, BinOp::Mul, c2, gxa);
        part = Some(bin(&mut p, BinOp::Sub, gxa2, ce));
    }
    adj[0] = part.unwrap();
    for (k, &a) in adj.iter().enumerate() {
        p.push(Inst::Output(1 + k as u32, a));
    }
    p
}

/// Random binary and unary operations on random earlier values: nothing to roll.
fn random_dag(n: usize) -> Program<f64> {
    let mut p = Program::new(1);
    for k in 0..3 {
        p.push(Inst::Input(k));
    }
    let mut state = 7u64;
    let mut rnd = move |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % m
    };
    let ops = [BinOp::Add, BinOp::Sub, BinOp::Mul];
    for _ in 0..n {
        let len = p.len();
        let (a, b) = (Val(rnd(len) as u32), Val(rnd(len) as u32));
        match rnd(4) {
            3 => p.push(Inst::Un(UnOp::Sin, a)),
            k => p.push(Inst::Bin(ops[k], a, b)),
        };
    }
    p.push(Inst::Output(0, Val(p.len() as u32 - 1)));
    p
}

/// Rolls `p` several times; prints the best time, coverage and loop count.
fn report(name: &str, p: &Program<f64>) {
    let roller = Roller::new();
    let mut best = f64::INFINITY;
    let mut regions = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        regions = roller.regions(p);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let r = wengert_jit::ir::Rolled {
        program: p.clone(),
        regions,
    };
    r.validate()
        .expect("the roller's regions describe the program");
    let looped = r.looped_len();
    println!(
        "| {name} | {} | {:.1}% | {} | {:.3} ms | {:.1} ns |",
        p.len(),
        100.0 * looped as f64 / p.len() as f64,
        r.loops().count(),
        best * 1e3,
        best * 1e9 / p.len() as f64
    );
}

fn main() {
    println!("| program | instructions | in loops | loops | roll time | per instruction |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for n in [1000, 10_000, 100_000] {
        report(&format!("Rosenbrock by hand, n = {n}"), &rosenbrock(n));
    }
    for n in [1000, 100_000, 1_000_000] {
        report(&format!("random DAG, {n} operations"), &random_dag(n));
    }
}
