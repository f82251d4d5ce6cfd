//! Unary elementwise ops: literal values and hand-derived derivatives, finite-difference
//! checks, scalar path = tensor path, numerical stability, f32.
use approx::{assert_abs_diff_eq, assert_relative_eq};
use proptest::prelude::*;
use wengert_ops::elementwise as ew;
use wengert_ops::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{Tape, Tensor, Var};

type Op = for<'t> fn(Var<'t, f64>) -> Var<'t, f64>;

/// The value and derivative of `op` at `x` on the scalar path.
fn scalar(op: Op, x: f64) -> (f64, f64) {
    let tape = Tape::new();
    let v = tape.var(x);
    let y = op(v);
    let d = tape.backward(y)[v];
    (y.value(), d)
}

/// Values and derivatives of `op` on a tensor, through the tensor path.
fn tensor(op: Op, xs: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let tape = Tape::new();
    let v = tape.tensor([xs.len()], xs.to_vec());
    let y = op(v);
    let g = tape.backward(y.sum_all());
    (y.to_vec(), g.to_vec(v))
}

/// Checks the literal value and derivative on both paths.
fn literal(op: Op, x: f64, value: f64, deriv: f64) {
    let (y, d) = scalar(op, x);
    assert_relative_eq!(y, value, max_relative = 1e-14);
    assert_relative_eq!(d, deriv, max_relative = 1e-14);
    let (y, d) = tensor(op, &[x]);
    assert_relative_eq!(y[0], value, max_relative = 1e-14);
    assert_relative_eq!(d[0], deriv, max_relative = 1e-14);
}

/// Finite differences on a rank-0 tensor at `x` and on a small tensor `xs`.
fn fd(op: Op, x: f64, xs: &[f64]) {
    gradcheck(|_, v| op(v[0]), &[Tensor::scalar(x)]).unwrap();
    gradcheck(|_, v| op(v[0]), &[Tensor::new([xs.len()], xs.to_vec())]).unwrap();
    // A non-trivial cotangent through a 2-D tensor: Σ wᵢ op(xᵢ).
    let n = xs.len();
    let w: Vec<f64> = (0..n).map(|i| 0.5 + i as f64).collect();
    gradcheck(
        move |tape, v| {
            let w = tape.constant_tensor([1, n], w.clone());
            (op(v[0]) * w).sum_all()
        },
        &[Tensor::new([1, n], xs.to_vec())],
    )
    .unwrap();
}

/// The scalar path (`tape.var`) and the tensor path give identical values and derivatives.
fn same_paths(op: Op, xs: &[f64]) {
    let (ty, tg) = tensor(op, xs);
    for (i, &x) in xs.iter().enumerate() {
        let (y, g) = scalar(op, x);
        assert_eq!(y.to_bits(), ty[i].to_bits(), "value at {x}");
        assert_eq!(g.to_bits(), tg[i].to_bits(), "derivative at {x}");
    }
}

#[test]
fn literals() {
    let x: f64 = 0.7;
    // d eˣ = eˣ
    literal(|v| v.exp(), x, x.exp(), x.exp());
    // d (eˣ − 1) = eˣ
    literal(|v| v.exp_m1(), x, x.exp_m1(), x.exp());
    // d ln x = 1/x
    literal(|v| v.ln(), x, x.ln(), 1.0 / x);
    // d ln(1 + x) = 1/(1 + x)
    literal(|v| v.ln_1p(), x, x.ln_1p(), 1.0 / 1.7);
    // d sin x = cos x
    literal(|v| v.sin(), x, x.sin(), x.cos());
    // d cos x = −sin x
    literal(|v| v.cos(), x, x.cos(), -x.sin());
    // d tanh x = 1/cosh² x
    literal(|v| v.tanh(), x, x.tanh(), 1.0 / x.cosh().powi(2));
    // σ(x) = 1/(1 + e⁻ˣ), σ' = e⁻ˣ/(1 + e⁻ˣ)²
    let e = (-x).exp();
    literal(|v| v.sigmoid(), x, 1.0 / (1.0 + e), e / (1.0 + e).powi(2));
    // softplus = ln(1 + eˣ), d = eˣ/(1 + eˣ) = σ(x)
    literal(|v| v.softplus(), x, x.exp().ln_1p(), 1.0 / (1.0 + e));
    // ln σ(x) = −ln(1 + e⁻ˣ), d = e⁻ˣ/(1 + e⁻ˣ) = 1 − σ(x)
    literal(|v| v.log_sigmoid(), x, -e.ln_1p(), e / (1.0 + e));
    // relu: x for x > 0 (d 1), 0 for x < 0 (d 0)
    literal(|v| v.relu(), x, x, 1.0);
    literal(|v| v.relu(), -x, 0.0, 0.0);
    // |x|: d = sign x
    literal(|v| v.abs(), -x, x, -1.0);
    literal(|v| v.abs(), x, x, 1.0);
    // d √x = 1/(2√x)
    literal(|v| v.sqrt(), x, x.sqrt(), 0.5 / x.sqrt());
    // d x² = 2x
    literal(|v| v.square(), x, x * x, 2.0 * x);
    // d 1/x = −1/x²
    literal(|v| v.recip(), x, 1.0 / x, -1.0 / (x * x));
}

#[test]
fn kinks_and_edges() {
    // relu and abs at 0: derivative 0 by convention (documented).
    assert_eq!(scalar(|v| v.relu(), 0.0), (0.0, 0.0));
    assert_eq!(scalar(|v| v.abs(), 0.0), (0.0, 0.0));
    assert_eq!(tensor(|v| v.abs(), &[0.0, -0.0]).1, [0.0, 0.0]);
    // √ at 0: the true one-sided derivative, +∞.
    assert_eq!(scalar(|v| v.sqrt(), 0.0), (0.0, f64::INFINITY));
    // ln at 0: −∞ with derivative +∞.
    assert_eq!(scalar(|v| v.ln(), 0.0), (f64::NEG_INFINITY, f64::INFINITY));
    // exp_m1 and ln_1p stay accurate near 0, where exp − 1 and ln(1 + x) lose everything.
    let (y, d) = scalar(|v| v.exp_m1(), 1e-20);
    assert_eq!((y, d), (1e-20, 1.0));
    let (y, d) = scalar(|v| v.ln_1p(), 1e-20);
    assert_eq!((y, d), (1e-20, 1.0));
    // NaN propagates through relu and abs.
    assert!(scalar(|v| v.relu(), f64::NAN).0.is_nan());
    assert!(scalar(|v| v.abs(), f64::NAN).0.is_nan());
}

#[test]
fn logistic_family_is_stable_at_800() {
    for &(x, s, ds) in &[(800.0, 1.0, 0.0), (-800.0, 0.0, 0.0)] {
        assert_eq!(scalar(ew::sigmoid, x), (s, ds));
        assert_eq!(tensor(ew::sigmoid, &[x]), (vec![s], vec![ds]));
    }
    // softplus(x) ≈ max(x, 0), derivative σ(x).
    assert_eq!(scalar(ew::softplus, 800.0), (800.0, 1.0));
    assert_eq!(scalar(ew::softplus, -800.0), (0.0, 0.0));
    // ln σ(x) ≈ min(x, 0), derivative 1 − σ(x).
    assert_eq!(scalar(ew::log_sigmoid, -800.0), (-800.0, 1.0));
    let (y, d) = scalar(ew::log_sigmoid, 800.0);
    assert_eq!((y, d), (0.0, 0.0));
    let (ys, ds) = tensor(ew::softplus, &[-800.0, 800.0]);
    assert_eq!((ys, ds), (vec![0.0, 800.0], vec![0.0, 1.0]));
    let (ys, ds) = tensor(ew::log_sigmoid, &[-800.0, 800.0]);
    assert_eq!((ys, ds), (vec![-800.0, 0.0], vec![1.0, 0.0]));
    // tanh saturates cleanly.
    assert_eq!(scalar(ew::tanh, 800.0), (1.0, 0.0));
    assert_eq!(scalar(ew::tanh, -800.0), (-1.0, 0.0));
}

#[test]
fn logistic_family_keeps_relative_accuracy_in_the_tails() {
    // In the tails the results are tiny but must not be rounded to 0 or lose digits:
    // σ(−30) ≈ e⁻³⁰, softplus(−700) ≈ e⁻⁷⁰⁰ with derivative ≈ e⁻⁷⁰⁰, ln σ(30) ≈ −e⁻³⁰ with
    // derivative ≈ e⁻³⁰.
    let e30 = (-30f64).exp();
    let (y, d) = scalar(ew::sigmoid, -30.0);
    assert_relative_eq!(y, e30 / (1.0 + e30), max_relative = 1e-14);
    assert_relative_eq!(d, e30 / (1.0 + e30).powi(2), max_relative = 1e-14);
    let (y, d) = scalar(ew::softplus, -700.0);
    assert_relative_eq!(y, (-700f64).exp(), max_relative = 1e-14);
    assert_relative_eq!(d, (-700f64).exp(), max_relative = 1e-14);
    let (y, d) = scalar(ew::log_sigmoid, 30.0);
    assert_relative_eq!(y, -e30.ln_1p(), max_relative = 1e-14);
    assert_relative_eq!(d, e30 / (1.0 + e30), max_relative = 1e-14);
    // softplus(30) = 30 + ln(1 + e⁻³⁰); derivative σ(30) = 1 − e⁻³⁰ (to rounding).
    let (y, d) = scalar(ew::softplus, 30.0);
    assert_relative_eq!(y, 30.0 + e30, max_relative = 1e-15);
    assert_abs_diff_eq!(d, 1.0 - e30, epsilon = 2e-16);
}

#[test]
fn log_sigmoid_is_minus_softplus_of_minus_x() {
    for &x in &[-50.0, -3.0, -0.1, 0.0, 0.4, 7.0, 50.0] {
        let tape = Tape::<f64>::new();
        let v = tape.var(x);
        let (a, b) = (v.log_sigmoid(), -(-v).softplus());
        assert_relative_eq!(a.value(), b.value(), max_relative = 1e-15);
        let (ga, gb) = (tape.backward(a)[v], tape.backward(b)[v]);
        assert_relative_eq!(ga, gb, max_relative = 1e-15);
        // and the derivative of softplus is sigmoid
        let (_, ds) = scalar(ew::softplus, x);
        assert_relative_eq!(ds, scalar(ew::sigmoid, x).0, max_relative = 1e-15);
    }
}

#[test]
fn free_functions_equal_methods_and_map() {
    let tape = Tape::<f64>::new();
    let x = tape.var(0.3);
    assert_eq!(ew::exp(x).value(), x.exp().value());
    assert_eq!(x.map::<ew::Sin>().value(), x.sin().value());
    assert_eq!(x.map::<ew::Softplus>().value(), ew::softplus(x).value());
}

#[test]
fn composite_matches_hand_derivative() {
    // y = ln(1 + x²) · tanh(x) ; y' = 2x/(1 + x²) · tanh x + ln(1 + x²) · (1 − tanh² x)
    let x0: f64 = 1.3;
    let tape = Tape::new();
    let x = tape.var(x0);
    let y = x.square().ln_1p() * x.tanh();
    let want =
        2.0 * x0 / (1.0 + x0 * x0) * x0.tanh() + (x0 * x0).ln_1p() * (1.0 - x0.tanh().powi(2));
    assert_relative_eq!(tape.backward(y)[x], want, max_relative = 1e-14);
}

/// (name, op, domain low, domain high, keep-away-from-zero)
const OPS: &[(&str, Op, f64, f64, bool)] = &[
    ("exp", ew::exp, -5.0, 5.0, false),
    ("exp_m1", ew::exp_m1, -5.0, 5.0, false),
    ("ln", ew::ln, 0.1, 10.0, false),
    ("ln_1p", ew::ln_1p, -0.9, 10.0, false),
    ("sin", ew::sin, -10.0, 10.0, false),
    ("cos", ew::cos, -10.0, 10.0, false),
    ("tanh", ew::tanh, -5.0, 5.0, false),
    ("sigmoid", ew::sigmoid, -15.0, 15.0, false),
    ("softplus", ew::softplus, -15.0, 15.0, false),
    ("log_sigmoid", ew::log_sigmoid, -15.0, 15.0, false),
    ("relu", ew::relu, -5.0, 5.0, true),
    ("abs", ew::abs, -5.0, 5.0, true),
    ("sqrt", ew::sqrt, 0.05, 10.0, false),
    ("square", ew::square, -10.0, 10.0, false),
    ("recip", ew::recip, -5.0, 5.0, true),
];

/// Maps `u ∈ [0, 1)` into the op's domain, at least 0.1 away from 0 where requested (kinks
/// and poles).
fn in_domain(u: f64, lo: f64, hi: f64, avoid_zero: bool) -> f64 {
    let x = lo + u * (hi - lo);
    if avoid_zero && x.abs() < 0.1 {
        if x < 0.0 {
            x - 0.1
        } else {
            x + 0.1
        }
    } else {
        x
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn finite_differences(us in prop::collection::vec(0.0..1.0f64, 5)) {
        for &(name, op, lo, hi, avoid) in OPS {
            let xs: Vec<f64> = us.iter().map(|&u| in_domain(u, lo, hi, avoid)).collect();
            let r = std::panic::catch_unwind(|| fd(op, xs[0], &xs[1..]));
            prop_assert!(r.is_ok(), "{name} at {xs:?}");
        }
    }

    #[test]
    fn scalar_path_equals_tensor_path(us in prop::collection::vec(0.0..1.0f64, 4)) {
        for &(_, op, lo, hi, avoid) in OPS {
            let xs: Vec<f64> = us.iter().map(|&u| in_domain(u, lo, hi, avoid)).collect();
            same_paths(op, &xs);
        }
    }

    #[test]
    fn logistic_identities(x in -40.0..40.0f64) {
        // σ(x) + σ(−x) = 1, softplus(x) − softplus(−x) = x, σ'(x) = σ'(−x)
        let (s, ds) = scalar(ew::sigmoid, x);
        let (sm, dsm) = scalar(ew::sigmoid, -x);
        prop_assert!((s + sm - 1.0).abs() < 1e-15);
        prop_assert!((ds - dsm).abs() < 1e-15);
        let (p, _) = scalar(ew::softplus, x);
        let (pm, _) = scalar(ew::softplus, -x);
        prop_assert!((p - pm - x).abs() <= 1e-14 * x.abs().max(1.0));
    }
}

#[test]
fn special_values_same_on_both_paths() {
    for &(_, op, ..) in OPS {
        same_paths(op, &[0.0, 1.0, -1.0, 800.0, -800.0]);
    }
}

#[test]
fn f32_smoke() {
    let xs = [0.3f32, 1.7, 2.5];
    type Op32 = for<'t> fn(Var<'t, f32>) -> Var<'t, f32>;
    let pairs: &[(Op32, Op)] = &[
        (ew::exp, ew::exp),
        (ew::exp_m1, ew::exp_m1),
        (ew::ln, ew::ln),
        (ew::ln_1p, ew::ln_1p),
        (ew::sin, ew::sin),
        (ew::cos, ew::cos),
        (ew::tanh, ew::tanh),
        (ew::sigmoid, ew::sigmoid),
        (ew::softplus, ew::softplus),
        (ew::log_sigmoid, ew::log_sigmoid),
        (ew::relu, ew::relu),
        (ew::abs, ew::abs),
        (ew::sqrt, ew::sqrt),
        (ew::square, ew::square),
        (ew::recip, ew::recip),
    ];
    for &(op32, op64) in pairs {
        let tape = Tape::<f32>::new();
        let t = tape.tensor([3], xs.to_vec());
        let s = tape.var(xs[0]);
        let (yt, ys) = (op32(t), op32(s));
        let (gt, gs) = (tape.backward(yt.sum_all()), tape.backward(ys));
        let xs64: Vec<f64> = xs.iter().map(|&x| f64::from(x)).collect();
        let (want, dwant) = tensor(op64, &xs64);
        for i in 0..3 {
            assert_relative_eq!(f64::from(yt.to_vec()[i]), want[i], max_relative = 1e-5);
            assert_relative_eq!(f64::from(gt.wrt(t)[i]), dwant[i], max_relative = 1e-5);
        }
        assert_eq!(ys.value(), yt.to_vec()[0]);
        assert_eq!(gs[s], gt.wrt(t)[0]);
    }
    // Stability in f32, where eˣ overflows already at x ≈ 89.
    let tape = Tape::<f32>::new();
    let x = tape.tensor([2], vec![-200.0, 200.0]);
    let (s, p, l) = (x.sigmoid(), x.softplus(), x.log_sigmoid());
    assert_eq!(s.to_vec(), [0.0, 1.0]);
    assert_eq!(p.to_vec(), [0.0, 200.0]);
    assert_eq!(l.to_vec(), [-200.0, 0.0]);
    assert_eq!(tape.backward(p.sum_all()).wrt(x), &[0.0, 1.0]);
    assert_eq!(tape.backward(l.sum_all()).wrt(x), &[1.0, 0.0]);
    assert_eq!(tape.backward(s.sum_all()).wrt(x), &[0.0, 0.0]);
}

#[test]
fn gradients_flow_through_chains_on_tensors() {
    // y = Σ exp(sin(x)); dy/dxᵢ = exp(sin xᵢ) cos xᵢ
    let xs = [0.1, -0.7, 2.0];
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], xs.to_vec());
    let g = tape.backward(x.sin().exp().sum_all());
    for (i, &x0) in xs.iter().enumerate() {
        let want: f64 = x0.sin().exp() * x0.cos();
        assert_relative_eq!(g.wrt(x)[i], want, max_relative = 1e-14);
    }
}
