//! The constructors from a vector (`scatter`, `diag`, `tril_from`, `strict_tril_from`,
//! `triu_from`) and the special functions (`lgamma`, `digamma`): literal values with
//! hand-derived derivatives, finite-difference checks, and the invariances that apply.
use proptest::prelude::*;
use wengert_ops::elementwise::special::{digamma_of, ln_gamma, trigamma_of};
use wengert_ops::elementwise::{digamma, lgamma};
use wengert_ops::prelude::*;
use wengert_ops::structure::{diag, scatter, strict_tril_from, tril_from, triu_from};
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::transforms::hvp;
use wengert_tape::{Tape, Tensor};

const EULER: f64 = 0.577_215_664_901_532_9;
const PI: f64 = std::f64::consts::PI;

#[test]
fn literal_cholesky_factor() {
    // L = diag(e^q) + strict_tril(l) for n = 2: L = [[e^q0, 0], [l0, e^q1]].
    // f = Σ W ⊙ L with W = [[1, 2], [3, 4]]: ∂f/∂q0 = 1·e^q0, ∂f/∂q1 = 4·e^q1, ∂f/∂l0 = 3.
    let tape = Tape::<f64>::new();
    let q = tape.tensor([2], vec![0.5, -1.0]);
    let l = tape.tensor([1], vec![2.0]);
    let chol = diag(q.exp()) + strict_tril_from(l, 2);
    assert_eq!(chol.to_vec(), vec![0.5f64.exp(), 0.0, 2.0, (-1f64).exp()]);
    let w = tape.constant_tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let g = tape.backward((chol * w).sum_all());
    assert_eq!(g.wrt(q), &[0.5f64.exp(), 4.0 * (-1f64).exp()]);
    assert_eq!(g.wrt(l), &[3.0]);
}

#[test]
fn literal_triangles_row_by_row() {
    // tril_from(v, 3) = [[v0, 0, 0], [v1, v2, 0], [v3, v4, v5]]; with W = 1..9 row-major,
    // ∂Σ W ⊙ L/∂v = (W00, W10, W11, W20, W21, W22) = (1, 4, 5, 7, 8, 9).
    let tape = Tape::<f64>::new();
    let v = tape.tensor([6], (1..=6).map(f64::from).collect());
    let w = tape.constant_tensor([3, 3], (1..=9).map(f64::from).collect());
    let lo = tril_from(v, 3);
    assert_eq!(
        lo.to_vec(),
        vec![1.0, 0.0, 0.0, 2.0, 3.0, 0.0, 4.0, 5.0, 6.0]
    );
    assert_eq!(
        tape.backward((lo * w).sum_all()).wrt(v),
        &[1.0, 4.0, 5.0, 7.0, 8.0, 9.0]
    );
    // triu_from(v, 3) = [[v0, v1, v2], [0, v3, v4], [0, 0, v5]]: gradient (1, 2, 3, 5, 6, 9).
    let up = triu_from(v, 3);
    assert_eq!(
        up.to_vec(),
        vec![1.0, 2.0, 3.0, 0.0, 4.0, 5.0, 0.0, 0.0, 6.0]
    );
    assert_eq!(
        tape.backward((up * w).sum_all()).wrt(v),
        &[1.0, 2.0, 3.0, 5.0, 6.0, 9.0]
    );
    // For n = 1 the triangles are the diagonal; the strict one is empty (a zero matrix).
    let one = tape.tensor([1], vec![7.0]);
    assert_eq!(tril_from(one, 1).to_vec(), diag(one).to_vec());
    assert_eq!(triu_from(one, 1).to_vec(), vec![7.0]);
    assert_eq!(
        strict_tril_from(tape.tensor([0], vec![]), 1).to_vec(),
        vec![0.0]
    );
}

#[test]
fn literal_special_values() {
    // ln Γ(1/2) = ln √π, ln Γ(10) = ln 9!, ln Γ(−1/2) = ln(2√π), ln Γ(100) (tables)
    let close =
        |a: f64, b: f64, tol: f64| assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b}");
    close(ln_gamma(0.5), PI.sqrt().ln(), 1e-14);
    close(ln_gamma(10.0), 362_880f64.ln(), 1e-15);
    close(ln_gamma(-0.5), (2.0 * PI.sqrt()).ln(), 1e-14);
    close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-15);
    close(ln_gamma(1e-8), -(1e-8f64).ln() - EULER * 1e-8, 1e-14);
    // ψ(1/2) = −γ − 2 ln 2; ψ(x + 1) = ψ(x) + 1/x gives ψ(−1/2) = ψ(1/2) + 2;
    // ψ(1000) ≈ ln 1000 − 1/2000 − 1/(12·10⁶) + 1/(120·10¹²).
    close(digamma_of(0.5), -EULER - 2.0 * 2f64.ln(), 1e-15);
    close(digamma_of(-0.5), -EULER - 2.0 * 2f64.ln() + 2.0, 1e-14);
    close(
        digamma_of(1000.0),
        1000f64.ln() - 1.0 / 2000.0 - 1.0 / 12e6 + 1.0 / 120e12,
        1e-15,
    );
    // ψ₁(1/2) = π²/2, ψ₁(1) = π²/6
    close(trigamma_of(0.5), PI * PI / 2.0, 1e-15);
    close(trigamma_of(1.0), PI * PI / 6.0, 1e-15);
    // The pole at 0 is not finite.
    assert!(ln_gamma(0.0_f64).is_infinite());
    assert!(ln_gamma(-2.0_f64).is_infinite());
    assert!(digamma_of(-3.0_f64).is_nan() && trigamma_of(0.0_f64).is_infinite());
    // f32: ln Γ(5) = ln 24
    assert!((ln_gamma(5.0_f32) - 24f32.ln()).abs() < 1e-6);
}

#[test]
fn lgamma_on_the_tape_and_second_order() {
    // d/dx ln Γ(x) = ψ(x); ψ(4) = 1 + 1/2 + 1/3 − γ. On a tensor too.
    let tape = Tape::<f64>::new();
    let x = tape.var(4.0);
    let d = tape.backward(lgamma(x))[x];
    assert!((d - (1.0 + 0.5 + 1.0 / 3.0 - EULER)).abs() < 1e-14);
    let t = tape.tensor([2], vec![4.0, 0.5]);
    let g = tape.backward(lgamma(t).sum_all());
    assert!((g.wrt(t)[1] - (-EULER - 2.0 * 2f64.ln())).abs() < 1e-14);
    // d²/dx² ln Γ(x) = ψ₁(x) through forward-over-reverse (the op on dual numbers).
    let h = hvp(|v| lgamma(v[0]), &[1.0], &[1.0]);
    assert!((h[0] - PI * PI / 6.0).abs() < 1e-14);
    // d/dx ψ(x) = ψ₁(x)
    let y = tape.var(1.0);
    assert!((tape.backward(digamma(y))[y] - PI * PI / 6.0).abs() < 1e-14);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Finite differences through every constructor (a weighted sum, so each output element
    /// has its own cotangent).
    #[test]
    fn constructors_match_finite_differences(
        n in 1usize..5,
        seed in prop::collection::vec(-2.0f64..2.0, 16),
    ) {
        let w: Vec<f64> = (0..n * n).map(|i| 0.5 + i as f64).collect();
        let full = n * (n + 1) / 2;
        let strict = n * (n - 1) / 2;
        let run = |len: usize, build: fn(wengert_tape::Var<'_, f64>, usize) -> wengert_tape::Var<'_, f64>| {
            let w = w.clone();
            gradcheck(
                move |tape, v| {
                    let wt = tape.constant_tensor([n, n], w.clone());
                    (build(v[0], n) * wt).sum_all()
                },
                &[Tensor::new([len], seed[..len].to_vec())],
            )
        };
        run(full, tril_from).unwrap();
        run(full, triu_from).unwrap();
        if strict > 0 {
            run(strict, strict_tril_from).unwrap();
        }
        run(n, |v, _| diag(v)).unwrap();
        // scatter with repeats: element j to position (3j) mod n², accumulating.
        let pos: Vec<usize> = (0..n + 2).map(|j| (3 * j) % (n * n)).collect();
        let w2 = w.clone();
        gradcheck(
            move |tape, v| {
                let wt = tape.constant_tensor([n, n], w2.clone());
                (scatter(v[0], [n, n], &pos) * wt).sum_all()
            },
            &[Tensor::new([n + 2], seed[..n + 2].to_vec())],
        )
        .unwrap();
    }

    /// Finite differences of lgamma and digamma on both signs (away from the poles).
    #[test]
    fn special_functions_match_finite_differences(x in 0.05f64..30.0, neg in -4.9f64..-0.1) {
        prop_assume!((neg - neg.round()).abs() > 0.05);
        for v in [x, neg] {
            gradcheck(|_, t| lgamma(t[0]).sum_all(), &[Tensor::new([1], vec![v])]).unwrap();
            gradcheck(|_, t| digamma(t[0]).sum_all(), &[Tensor::new([1], vec![v])]).unwrap();
        }
    }

    /// Invariances: ln Γ(x + 1) = ln Γ(x) + ln x, ψ(x + 1) = ψ(x) + 1/x,
    /// ψ₁(x + 1) = ψ₁(x) − 1/x² (they cross the shift boundary at x = 10).
    #[test]
    fn recurrences_hold(x in 0.1f64..50.0) {
        let a = ln_gamma(x + 1.0);
        let b = ln_gamma(x) + x.ln();
        prop_assert!((a - b).abs() <= 1e-13 * a.abs().max(1.0), "{} vs {}", a, b);
        let a = digamma_of(x + 1.0);
        let b = digamma_of(x) + 1.0 / x;
        prop_assert!((a - b).abs() <= 1e-13 * a.abs().max(1.0));
        let a = trigamma_of(x + 1.0);
        let b = trigamma_of(x) - 1.0 / (x * x);
        prop_assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0));
    }
}
