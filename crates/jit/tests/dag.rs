//! Agreement on random scalar expression DAGs, through the compiled path: for every case
//! the compiled value equals the tape's bit for bit, the compiled gradient equals one
//! backward sweep of the tape to rounding, and ⟨∇f, u⟩ equals a centered finite difference
//! along a random u to its truncation error; the compiled Hessian-vector product (`jvp` of
//! the gradient program) equals the tape's forward-over-reverse one.
//!
//! The generator is `tests/props/tests/common/dag.rs` (the facade's property tests)
//! restricted to scalars (the compiled path traces scalar functions): the same unary and binary steps, tamed the same
//! way so that 30-deep chains stay smooth and moderate, operands mostly among the newest
//! nodes (depth) and sometimes anywhere (fan-out, reuse), plus branch-free selects. The
//! number of cases is `WENGERT_DAG_CASES` (default 10 000).
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use wengert_jit::Compiled;
use wengert_ops::prelude::*;
use wengert_tape::trace::Cmp;
use wengert_tape::{Real, Tape, Var};

const INPUTS: usize = 6;

#[derive(Clone, Copy, Debug)]
enum Step {
    Un(u8, usize),
    Bin(u8, usize, usize),
    Select(usize, usize, usize),
}

fn back() -> impl Strategy<Value = usize> {
    prop_oneof![3 => 0..3usize, 1 => 0..64usize]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..9u8, back()).prop_map(|(u, a)| Step::Un(u, a)),
        4 => (0..4u8, back(), back()).prop_map(|(b, x, y)| Step::Bin(b, x, y)),
        1 => (back(), back(), back()).prop_map(|(a, b, c)| Step::Select(a, b, c)),
    ]
}

fn cases() -> u32 {
    std::env::var("WENGERT_DAG_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

fn unary<'t, T: Real>(u: u8, x: Var<'t, T>) -> Var<'t, T> {
    match u {
        0 => x.tanh().exp(),
        1 => (x.softplus() + T::lit(0.1)).ln(),
        2 => x.sin(),
        3 => x.tanh(),
        4 => x.sigmoid(),
        5 => x.softplus(),
        6 => (x.square() + T::lit(0.1)).sqrt(),
        7 => {
            let s = x.square();
            s / (s + T::one())
        }
        _ => -x,
    }
}

fn binary<'t, T: Real>(b: u8, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
    match b {
        0 => (x + y) * T::lit(0.5),
        1 => (x - y) * T::lit(0.5),
        2 => x * y.tanh(),
        _ => x / (y.square() + T::one()),
    }
}

/// The program on the inputs; the output is the mean of the last three nodes, so that
/// late nodes always count.
fn build<'t, T: Real>(prog: &[Step], xs: &[Var<'t, T>]) -> Var<'t, T> {
    let mut v = xs.to_vec();
    for s in prog {
        let at = |k: usize| v[v.len() - 1 - k % v.len()];
        let y = match *s {
            Step::Un(u, a) => unary(u, at(a)),
            Step::Bin(b, x, y) => binary(b, at(x), at(y)),
            // A smooth blend across the kink would not be smooth: the select picks, and
            // finite differences avoid the (measure-zero) switch by the tolerance below.
            Step::Select(a, b, c) => at(a).select_cmp(Cmp::Gt, at(b), at(c), at(b)),
        };
        v.push(y);
    }
    let n = v.len();
    (v[n - 1] + v[n - 2 % n] + v[n - 3 % n]) * T::lit(1.0 / 3.0)
}

fn point() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (
        prop::collection::vec(-2.0..2.0f64, INPUTS),
        prop::collection::vec(-1.0..1.0f64, INPUTS),
    )
}

fn tape_value(prog: &[Step], x: &[f64]) -> f64 {
    let tape = Tape::new();
    build(prog, &tape.vars(x)).value()
}

fn check(prog: &[Step], x: &[f64], u: &[f64]) -> Result<(), TestCaseError> {
    let tape = Tape::new();
    let xs = tape.vars(x);
    let y = build(prog, &xs);
    let g = tape.backward(y);
    let tg: Vec<f64> = xs.iter().map(|&v| g[v]).collect();

    // Traced at another point: selects decide anew, nothing else branches.
    let at: Vec<f64> = x.iter().map(|x| x * 0.5 + 0.1).collect();
    let c = Compiled::trace(&at, |_, v| build(prog, v)).unwrap();
    let mut cg = vec![0.0; INPUTS];
    let cy = c.value_and_grad(x, &mut cg).unwrap();
    prop_assert_eq!(
        cy.to_bits(),
        y.value().to_bits(),
        "value {} vs tape {}",
        cy,
        y.value()
    );
    let scale: f64 = 1.0 + tg.iter().zip(u).map(|(g, u)| (g * u).abs()).sum::<f64>();
    for (a, b) in cg.iter().zip(&tg) {
        prop_assert!(
            (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
            "grad {} vs tape {}",
            a,
            b
        );
    }
    let dir: f64 = cg.iter().zip(u).map(|(g, u)| g * u).sum();
    let h = 1e-5;
    let shifted = |s: f64| -> Vec<f64> { x.iter().zip(u).map(|(x, u)| x + s * h * u).collect() };
    let (yp, ym) = (
        tape_value(prog, &shifted(1.0)),
        tape_value(prog, &shifted(-1.0)),
    );
    let fd = (yp - ym) / (2.0 * h);
    // A select that switches between the two shifted points makes the difference meaningless.
    let switched = c.value(&shifted(1.0)).unwrap() != yp || {
        let mid = (yp + ym) / 2.0;
        (mid - cy).abs() > 1e-3 * (1.0 + cy.abs())
    };
    if !switched {
        prop_assert!(
            (fd - dir).abs() <= 1e-6 * (scale + cy.abs()),
            "finite difference {} vs compiled {} (scale {})",
            fd,
            dir,
            scale
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn compiled_tape_and_finite_differences_agree(
        prog in prop::collection::vec(step(), 1..=30),
        (x, u) in point(),
    ) {
        check(&prog, &x, &u)?;
    }
}
