//! Three-way agreement of derivatives on random expression DAGs: reverse mode (one backward
//! sweep on `Tape<f64>`), forward mode (the same program recorded on `Tape<Dual<f64>>` with
//! the inputs' tangents seeded along a random direction u) and a centered finite difference
//! along u. For every case, ⟨∇f, u⟩ from the backward sweep must equal the dual's `eps` to
//! rounding and the finite difference to its truncation error.
//!
//! The programs mix arithmetic, elementwise functions, reductions, softmax, matmul and
//! broadcasting over small shapes, up to 30 steps deep, with reused nodes; see
//! `tests/props/tests/common/dag.rs`. The number of cases is `WENGERT_DAG_CASES` (default
//! 10 000, about 10 s in a debug build on 2 cores); for a long run:
//!
//! ```text
//! WENGERT_DAG_CASES=200000 cargo test --release -p wengert-props --test dag_agreement
//! ```
#[path = "common/dag.rs"]
mod dag;

use dag::{build, leaves, point, program, Step};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use wengert::tape::dual::Dual64;
use wengert::tape::Tape;

fn cases() -> u32 {
    std::env::var("WENGERT_DAG_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

/// f(x) on a fresh tape.
fn value(prog: &[Step], x: &[f64]) -> f64 {
    let tape = Tape::<f64>::new();
    let xs = leaves(&tape, x);
    build(prog, &xs).value()
}

/// (f(x), ∇f(x)) by one backward sweep, the gradient flattened like the inputs.
fn reverse(prog: &[Step], x: &[f64]) -> (f64, Vec<f64>) {
    let tape = Tape::<f64>::new();
    let xs = leaves(&tape, x);
    let y = build(prog, &xs);
    let g = tape.backward(y);
    let flat = xs.iter().flat_map(|&v| g.to_vec(v)).collect();
    (y.value(), flat)
}

/// f(x) and the directional derivative ⟨∇f, u⟩ by forward mode.
fn forward(prog: &[Step], x: &[f64], u: &[f64]) -> Dual64 {
    let tape = Tape::<Dual64>::new();
    let seeded: Vec<Dual64> = x.iter().zip(u).map(|(&x, &u)| Dual64::new(x, u)).collect();
    let xs = leaves(&tape, &seeded);
    build(prog, &xs).value()
}

fn check(prog: &[Step], x: &[f64], u: &[f64]) -> Result<(), TestCaseError> {
    let (y, g) = reverse(prog, x);
    prop_assert!(
        y.is_finite() && g.iter().all(|g| g.is_finite()),
        "{y} {g:?}"
    );
    let rev: f64 = g.iter().zip(u).map(|(g, u)| g * u).sum();
    // The size of the terms of the inner product: what rounding error scales with.
    let scale: f64 = 1.0 + g.iter().zip(u).map(|(g, u)| (g * u).abs()).sum::<f64>();

    let d = forward(prog, x, u);
    prop_assert!(
        (d.re - y).abs() <= 1e-12 * (1.0 + y.abs()),
        "value: dual {} vs {y}",
        d.re
    );
    prop_assert!(
        (d.eps - rev).abs() <= 1e-9 * scale,
        "forward {} vs reverse {rev} (scale {scale})",
        d.eps
    );

    let h = 1e-5;
    let shifted = |s: f64| -> Vec<f64> { x.iter().zip(u).map(|(x, u)| x + s * h * u).collect() };
    let fd = (value(prog, &shifted(1.0)) - value(prog, &shifted(-1.0))) / (2.0 * h);
    prop_assert!(
        (fd - rev).abs() <= 1e-6 * (scale + y.abs()),
        "finite difference {fd} vs reverse {rev} (scale {scale})"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn reverse_forward_and_finite_differences_agree(prog in program(), (x, u) in point()) {
        check(&prog, &x, &u)?;
    }
}

/// One hand-picked program that exercises every kind of step, as a smoke test that does not
/// depend on the random generator.
#[test]
fn every_step_kind_once() {
    use dag::{Bin, Red, Step::*, Un};
    let prog = [
        Un(Un::Exp, 1),
        Un(Un::Ln, 0),
        Bin(Bin::Mul, 0, 3),
        Red(Red::SoftmaxLast, 0),
        MatMul(0, 4),
        MatVec(5, 1),
        Bin(Bin::Div, 0, 1),
        Un(Un::Sqrt, 0),
        Un(Un::Square, 2),
        Red(Red::LogsumLast, 0),
        Elem(3, 4),
        Bin(Bin::Sub, 0, 9),
        Red(Red::Logsumexp, 1),
        Un(Un::Sigmoid, 0),
        Un(Un::Softplus, 0),
        Un(Un::Tanh, 0),
        Un(Un::Sin, 0),
        Red(Red::Sum, 8),
        Red(Red::MeanAxis0, 9),
        Bin(Bin::Add, 0, 1),
        Un(Un::Neg, 0),
        Red(Red::Mean, 0),
    ];
    let x: Vec<f64> = (0..dag::INPUT_LEN)
        .map(|i| (i as f64 * 0.7).sin())
        .collect();
    let u: Vec<f64> = (0..dag::INPUT_LEN)
        .map(|i| (i as f64 * 1.3).cos())
        .collect();
    check(&prog, &x, &u).unwrap();
}
