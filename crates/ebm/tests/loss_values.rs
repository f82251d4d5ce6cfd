//! Each loss at a literal point: value and gradient against the formula, hand-derived in the
//! comments. Energies are E = [E(0), E(1), E(2), ...] with the correct answer Yⁱ given.
use approx::assert_abs_diff_eq;
use wengert_ebm::loss;
use wengert_tape::{ErrorKind, Tape};

const TOL: f64 = 1e-12;

/// Value and gradient of a loss of a [K] energy vector.
fn eval(
    e: &[f64],
    f: impl for<'t> Fn(wengert_tape::Var<'t, f64>) -> wengert_tape::Var<'t, f64>,
) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let v = tape.tensor([e.len()], e.to_vec());
    let l = f(v);
    let g = tape.backward(l);
    (l.value(), g.to_vec(v))
}

fn close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_abs_diff_eq!(g, w, epsilon = TOL);
    }
}

#[test]
fn energy_loss() {
    // L = E(Yⁱ) = E(2) = 0.7; ∂L/∂E = one-hot(2).
    let (l, g) = eval(&[0.1, 0.3, 0.7], |e| loss::energy(e, 2));
    assert_abs_diff_eq!(l, 0.7, epsilon = TOL);
    close(&g, &[0.0, 0.0, 1.0]);
}

#[test]
fn perceptron_loss() {
    // L = E(1) − min E = 0.3 − 0.1 = 0.2; ∂L/∂E(1) = 1, ∂L/∂E(0) = −1 (the argmin).
    let (l, g) = eval(&[0.1, 0.3, 0.7], |e| loss::perceptron(e, 1));
    assert_abs_diff_eq!(l, 0.2, epsilon = TOL);
    close(&g, &[-1.0, 1.0, 0.0]);
    // Correct answer already lowest: L = 0 and the two gradients cancel.
    let (l, g) = eval(&[0.1, 0.3, 0.7], |e| loss::perceptron(e, 0));
    assert_eq!(l, 0.0);
    close(&g, &[0.0, 0.0, 0.0]);
}

#[test]
fn hinge_loss() {
    // Yⁱ = 0, Ȳ = argmin_{y≠0} E = 2 (0.4 < 0.9). L = max(0, 0.5 + 0.6 − 0.4) = 0.7;
    // ∂L/∂E(0) = 1, ∂L/∂E(Ȳ=2) = −1.
    let (l, g) = eval(&[0.6, 0.9, 0.4], |e| loss::hinge(e, 0, 0.5));
    assert_abs_diff_eq!(l, 0.7, epsilon = TOL);
    close(&g, &[1.0, 0.0, -1.0]);
    // Margin holds: 0.6 ≤ 1.4 − 0.5, L = 0, gradient 0.
    let (l, g) = eval(&[0.6, 1.4, 1.5], |e| loss::hinge(e, 0, 0.5));
    assert_eq!(l, 0.0);
    close(&g, &[0.0; 3]);
}

#[test]
fn log_loss() {
    // d = E(0) − E(Ȳ=1) = 0.2 − 0.5 = −0.3; L = ln(1 + e^{−0.3});
    // ∂L/∂E(0) = σ(−0.3) = 1/(1 + e^{0.3}), ∂L/∂E(1) = −σ(−0.3).
    let (l, g) = eval(&[0.2, 0.5, 0.8], |e| loss::log_loss(e, 0));
    let s = 1.0 / (1.0 + 0.3f64.exp());
    assert_abs_diff_eq!(l, (1.0 + (-0.3f64).exp()).ln(), epsilon = TOL);
    close(&g, &[s, -s, 0.0]);
    // No overflow for a huge gap: L ≈ d, ∂L/∂E(Yⁱ) ≈ 1.
    let (l, g) = eval(&[1000.0, 0.0], |e| loss::log_loss(e, 0));
    assert_abs_diff_eq!(l, 1000.0, epsilon = TOL);
    close(&g, &[1.0, -1.0]);
}

#[test]
fn square_square_loss() {
    // Yⁱ = 1, Ȳ = 0. L = 0.3² + (max(0, 1 − 0.4))² = 0.09 + 0.36 = 0.45;
    // ∂L/∂E(1) = 2·0.3 = 0.6, ∂L/∂E(0) = −2·0.6 = −1.2.
    let (l, g) = eval(&[0.4, 0.3, 2.0], |e| loss::square_square(e, 1, 1.0));
    assert_abs_diff_eq!(l, 0.45, epsilon = TOL);
    close(&g, &[-1.2, 0.6, 0.0]);
    // E(Ȳ) ≥ m: only the first term; no push on E(Ȳ).
    let (l, g) = eval(&[1.5, 0.3, 2.0], |e| loss::square_square(e, 1, 1.0));
    assert_abs_diff_eq!(l, 0.09, epsilon = TOL);
    close(&g, &[0.0, 0.6, 0.0]);
}

#[test]
fn square_exp_loss() {
    // Yⁱ = 0, Ȳ = 1. L = 0.5² + K e^{−β·0.2} with K = 2, β = 3;
    // ∂L/∂E(0) = 1, ∂L/∂E(1) = −βK e^{−0.6} = −6 e^{−0.6}.
    let (l, g) = eval(&[0.5, 0.2, 0.9], |e| loss::square_exp(e, 0, 2.0, 3.0));
    let x = (-0.6f64).exp();
    assert_abs_diff_eq!(l, 0.25 + 2.0 * x, epsilon = TOL);
    close(&g, &[1.0, -6.0 * x, 0.0]);
}

#[test]
fn nll_loss() {
    // L = E(0) + (1/β) ln Σ e^{−βE}, β = 2, E = [0.1, 0.4, 1.0].
    // ∂L/∂E(y) = [y = 0] − P(y), P = softmax(−βE).
    let e = [0.1f64, 0.4, 1.0];
    let z: f64 = e.iter().map(|v| (-2.0 * v).exp()).sum();
    let p: Vec<f64> = e.iter().map(|v| (-2.0 * v).exp() / z).collect();
    let (l, g) = eval(&e, |v| loss::nll(v, 0, 2.0));
    assert_abs_diff_eq!(l, 0.1 + z.ln() / 2.0, epsilon = TOL);
    close(&g, &[1.0 - p[0], -p[1], -p[2]]);
    // Stable for large energies and β: E = [1e4, 1e4 + 1], β = 1e3 → L ≈ 0 (P(0) ≈ 1).
    let (l, _) = eval(&[1e4, 1e4 + 1.0], |v| loss::nll(v, 0, 1e3));
    assert!(l.is_finite() && l.abs() < 1e-12, "{l}");
}

#[test]
fn nll_set_matches_nll() {
    let tape = Tape::<f64>::new();
    let e = tape.tensor([3], vec![0.3, -0.2, 0.5]);
    let a = loss::nll(e, 2, 1.5);
    let b = loss::nll_set(e.elem(2), e, 1.5);
    assert_abs_diff_eq!(a.value(), b.value(), epsilon = TOL);
}

#[test]
fn generalized_margin_with_custom_q() {
    // Q(a, b) = (a − b + 1)²: Yⁱ = 2, Ȳ = 0. L = (0.5 − 0.2 + 1)² = 1.69;
    // ∂L/∂E(2) = 2·1.3 = 2.6, ∂L/∂E(0) = −2.6.
    let (l, g) = eval(&[0.2, 0.8, 0.5], |e| {
        loss::generalized_margin(e, 2, |a, b| {
            let d = a - b + 1.0;
            d * d
        })
    });
    assert_abs_diff_eq!(l, 1.69, epsilon = TOL);
    close(&g, &[-2.6, 0.0, 2.6]);
}

#[test]
fn mce_loss() {
    // d = E(0) − E(Ȳ=2) = 0.9 − 0.4 = 0.5; L = σ(0.5); ∂L/∂E(0) = σ(0.5)(1 − σ(0.5)).
    let s = 1.0 / (1.0 + (-0.5f64).exp());
    let (l, g) = eval(&[0.9, 1.2, 0.4], |e| loss::mce(e, 0));
    assert_abs_diff_eq!(l, s, epsilon = TOL);
    close(&g, &[s * (1.0 - s), 0.0, -s * (1.0 - s)]);
}

#[test]
fn lvq2_loss() {
    // Yⁱ = 1, Ȳ = 0: z = (1.5 − 1.0)/1.0 = 0.5 < M = 2. L = 0.5;
    // ∂L/∂E(1) = 1/E(Ȳ) = 1, ∂L/∂E(0) = −E(Yⁱ)/E(Ȳ)² = −1.5.
    let (l, g) = eval(&[1.0, 1.5, 3.0], |e| loss::lvq2(e, 1, 2.0));
    assert_abs_diff_eq!(l, 0.5, epsilon = TOL);
    close(&g, &[-1.5, 1.0, 0.0]);
    // Saturated (z = 3 > M = 2): L = M, gradient 0.
    let (l, g) = eval(&[1.0, 4.0], |e| loss::lvq2(e, 1, 2.0));
    assert_abs_diff_eq!(l, 2.0, epsilon = TOL);
    close(&g, &[0.0, 0.0]);
    // Correct (E(Yⁱ) < E(Ȳ)): L = 0.
    assert_eq!(eval(&[1.0, 0.5], |e| loss::lvq2(e, 1, 2.0)).0, 0.0);
}

#[test]
fn pair_forms_agree_with_vector_forms_and_batch() {
    let tape = Tape::<f64>::new();
    let c = tape.tensor([2], vec![0.2, 0.9]);
    let b = tape.tensor([2], vec![0.5, 0.4]);
    // Elementwise over a batch of pairs: hinge m = 0.5: [max(0, 0.2), max(0, 1.0)].
    assert_eq!(loss::hinge_pair(c, b, 0.5).to_vec(), vec![0.2, 1.0]);
    let e = tape.tensor([2], vec![0.2, 0.5]);
    let pairs: [(f64, f64); 5] = [
        (
            loss::hinge(e, 0, 0.5).value(),
            loss::hinge_pair(e.elem(0), e.elem(1), 0.5).value(),
        ),
        (
            loss::log_loss(e, 0).value(),
            loss::log_loss_pair(e.elem(0), e.elem(1)).value(),
        ),
        (
            loss::square_square(e, 0, 1.0).value(),
            loss::square_square_pair(e.elem(0), e.elem(1), 1.0).value(),
        ),
        (
            loss::square_exp(e, 0, 1.0, 2.0).value(),
            loss::square_exp_pair(e.elem(0), e.elem(1), 1.0, 2.0).value(),
        ),
        (
            loss::mce(e, 0).value(),
            loss::mce_pair(e.elem(0), e.elem(1)).value(),
        ),
    ];
    for (a, b) in pairs {
        assert_abs_diff_eq!(a, b, epsilon = TOL);
    }
    assert_abs_diff_eq!(
        loss::lvq2(e, 1, 1.0).value(),
        loss::lvq2_pair(e.elem(1), e.elem(0), 1.0).value(),
        epsilon = TOL
    );
    assert_abs_diff_eq!(
        loss::perceptron(e, 1).value(),
        loss::perceptron_pair(e.elem(1), e.elem(0)).value(),
        epsilon = TOL
    );
    assert_eq!(
        loss::energy_pair(e.elem(0)).value(),
        loss::energy(e, 0).value()
    );
}

#[test]
fn bad_arguments_are_clear_errors() {
    let tape = Tape::<f64>::new();
    let one = tape.tensor([1], vec![0.5]);
    let e = tape.tensor([3], vec![0.5, 0.1, 0.2]);
    let empty = tape.tensor([0], vec![]);
    // One-element and empty label sets where Ȳ is needed.
    for v in [one, empty] {
        let err = loss::try_hinge(v, 0, 1.0).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidArgument {
                    op: "hinge loss",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("at least 2"), "{err}");
    }
    assert!(loss::try_mce(one, 0).is_err());
    assert!(loss::try_log_loss(one, 0).is_err());
    // Correct index out of range.
    let err = loss::try_square_square(e, 3, 1.0).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::IndexOutOfRange {
            op: "square-square loss",
            index: 3,
            len: 3
        }
    );
    assert!(loss::try_energy(e, 7).is_err());
    assert!(loss::try_nll(e, 3, 1.0).is_err());
    assert!(loss::try_perceptron(empty, 0).is_err());
    // β ≤ 0, m < 0, K < 0, M < 0.
    for beta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = loss::try_nll(e, 0, beta).unwrap_err();
        assert!(err.to_string().contains("β"), "{err}");
        assert!(loss::try_square_exp(e, 0, 1.0, beta).is_err());
    }
    let err = loss::try_hinge(e, 0, -0.5).unwrap_err();
    assert!(err.to_string().contains("margin m = -0.5"), "{err}");
    assert!(loss::try_hinge_pair(e.elem(0), e.elem(1), -1.0).is_err());
    assert!(loss::try_square_square(e, 0, -1.0).is_err());
    assert!(loss::try_square_exp(e, 0, -1.0, 1.0).is_err());
    assert!(loss::try_lvq2(e, 0, -1.0).is_err());
    // LVQ2 needs positive energies.
    let neg = tape.tensor([2], vec![1.0, -1.0]);
    assert!(loss::try_lvq2(neg, 0, 1.0)
        .unwrap_err()
        .to_string()
        .contains("E(Ȳ)"));
    // A matrix is not a label set.
    let m = tape.tensor([2, 2], vec![0.0; 4]);
    assert!(loss::try_hinge(m, 0, 1.0)
        .unwrap_err()
        .to_string()
        .contains("[2, 2]"));
    // Pair shapes that do not broadcast.
    let a = tape.tensor([2], vec![0.0; 2]);
    let b = tape.tensor([3], vec![0.0; 3]);
    assert!(matches!(
        loss::try_hinge_pair(a, b, 1.0).unwrap_err().kind(),
        ErrorKind::Broadcast { .. }
    ));
}

#[test]
fn panics_name_the_callers_line() {
    let r = std::panic::catch_unwind(|| {
        let tape = Tape::<f64>::new();
        let e = tape.tensor([1], vec![0.5]);
        loss::hinge(e, 0, 1.0); // this line is in the message
    });
    let msg = *r.unwrap_err().downcast::<String>().unwrap();
    assert!(
        msg.contains("hinge loss") && msg.contains("loss_values.rs"),
        "{msg}"
    );
}
