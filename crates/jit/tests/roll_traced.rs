//! The roller on real value-and-gradient programs: the benchmark functions written as plain
//! Rust loops, traced, differentiated and optimized by the compiled path.

use wengert_jit::ir::{Program, Rolled};
use wengert_jit::roll::roll;
use wengert_jit::{grad, opt, Compiled};
use wengert_ops::prelude::*;
use wengert_tape::{Tape, Var};

fn grad_program(
    x: &[f64],
    f: impl for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
) -> Program<f64> {
    // The flat program, as the compiled path builds it where no loop of the forward trace
    // compiles alone (`grad_program` is then the body's).
    let c = Compiled::trace(x, f).unwrap();
    opt::optimize(&grad::grad(c.traced()).unwrap().program)
}

fn rolled(p: &Program<f64>) -> Rolled<f64> {
    let r = roll(p);
    r.validate().unwrap();
    assert_eq!(r.expand().insts, p.insts);
    r
}

/// (period, count) of each loop.
fn shape(r: &Rolled<f64>) -> Vec<(u32, u32)> {
    r.loops().map(|l| (l.period, l.count)).collect()
}

#[test]
fn rosenbrock_gradient_is_four_loops() {
    let n = 60;
    let x: Vec<f64> = (0..n).map(|i| 0.5 + 0.01 * i as f64).collect();
    let p = grad_program(&x, |_, x| {
        let (a, b) = (x[0] - 1.0, x[1] - x[0] * x[0]);
        let mut s = a * a + b * b * 100.0;
        for i in 1..n - 1 {
            let a = x[i] - 1.0;
            let b = x[i + 1] - x[i] * x[i];
            s = s + (a * a + b * b * 100.0);
        }
        s
    });
    let r = rolled(&p);
    // The inputs; the forward terms; the sweep over them; the gradient outputs. Each loop
    // loses a repetition or two to a boundary (the first term starts the sum, the last
    // adjoint has one contribution). The sweep has 7 instructions: the adjoint of `b − x²`
    // is negated, and the negation folds into a subtraction (opt/fold.rs).
    assert_eq!(shape(&r), vec![(1, 60), (8, 58), (7, 57), (1, 58)]);
    assert!(r.looped_len() as f64 >= 0.97 * p.len() as f64);
}

#[test]
fn softplus_sin_gradient_is_six_loops() {
    let n = 60;
    let x: Vec<f64> = (0..n).map(|i| 0.5 - 0.02 * i as f64).collect();
    let p = grad_program(&x, |_, x| {
        let mut s = x[0].sin();
        for xi in &x[1..] {
            s = s + xi.sin();
        }
        for i in 0..n - 1 {
            s = s + ((x[i] * x[i + 1]).exp() + 1.0).ln();
        }
        s
    });
    let r = rolled(&p);
    assert_eq!(
        shape(&r),
        vec![(1, 60), (3, 58), (5, 59), (5, 57), (1, 58), (1, 60)]
    );
    assert!(r.looped_len() as f64 >= 0.97 * p.len() as f64);
}

#[test]
fn a_random_dag_gradient_has_no_loops() {
    for seed in 0..10u64 {
        let x = [0.3, -0.7, 1.1, 0.2];
        let p = grad_program(&x, |_, x| {
            let mut v = x.to_vec();
            let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            for _ in 0..300 {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let at = |k: u64| v[v.len() - 1 - (k as usize % v.len().min(8))];
                let (a, b) = (at(s >> 8), at(s >> 16));
                v.push(match s % 4 {
                    0 => a.sin() * b,
                    1 => (a - b).tanh(),
                    2 => a / (b.square() + 1.0),
                    _ => (a + b) * 0.5,
                });
            }
            v[v.len() - 1]
        });
        let r = rolled(&p);
        assert_eq!(r.loops().count(), 0, "seed {seed}");
    }
}
