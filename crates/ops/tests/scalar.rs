//! One generic function over `Scalar`, evaluated plainly (f64, f32), in forward mode (Dual),
//! on the tape (Var<f64>) and forward-over-reverse (Var<Dual<f64>>): the values and the
//! derivatives agree.
use approx::assert_relative_eq;
use proptest::prelude::*;
use wengert_ops::Scalar;
use wengert_tape::dual::Dual64;
use wengert_tape::transforms::{grad, hessian};
use wengert_tape::Tape;

/// f(x, y) = sin(x)·eʸ + softplus(xy) − 1.5 (1 − x)² + √(1 + y²) / (2 + tanh x) + σ(y)·ln(2 + x²)
fn f<S: Scalar>(x: S, y: S) -> S {
    let one = S::lit(1.0);
    let a = x.sin() * y.exp() + (x * y).softplus();
    let b = (one - x).powi(2) * S::lit(1.5);
    let c = (y.square() + one).sqrt() / (x.tanh() + S::lit(2.0));
    let d = y.sigmoid() * (x * x + S::lit(2.0)).ln();
    a - b + c + d
}

/// ∂f/∂x by hand: cos(x)eʸ + y σ(xy) + 3(1 − x) − √(1+y²) sech²x / (2 + tanh x)² + σ(y)·2x/(2 + x²)
fn dfdx(x: f64, y: f64) -> f64 {
    let s = |t: f64| 1.0 / (1.0 + (-t).exp());
    let sech2 = 1.0 - x.tanh().powi(2);
    x.cos() * y.exp() + y * s(x * y) + 3.0 * (1.0 - x)
        - (1.0 + y * y).sqrt() * sech2 / (2.0 + x.tanh()).powi(2)
        + s(y) * 2.0 * x / (2.0 + x * x)
}

fn all_ways(x: f64, y: f64) {
    let plain = f(x, y);
    // forward mode, seeded along x
    let fx = f(Dual64::variable(x), Dual64::constant(y));
    // reverse mode on a tape
    let tape = Tape::<f64>::new();
    let (vx, vy) = (tape.var(x), tape.var(y));
    let out = f(vx, vy);
    let g = tape.backward(out);
    // f32, plainly
    let p32 = f(x as f32, y as f32);

    assert_relative_eq!(fx.re, plain, max_relative = 1e-14);
    assert_relative_eq!(out.value(), plain, max_relative = 1e-14);
    assert_relative_eq!(p32 as f64, plain, max_relative = 1e-4, epsilon = 1e-4);
    let want = dfdx(x, y);
    assert_relative_eq!(fx.eps, want, max_relative = 1e-12, epsilon = 1e-12);
    assert_relative_eq!(g[vx], want, max_relative = 1e-12, epsilon = 1e-12);

    // the transforms take the same function through a closure; the Hessian's (0, 0) entry
    // is ∂²f/∂x², checked against a central difference of the hand-derived ∂f/∂x
    let gr = grad(|v| f(v[0], v[1]), &[x, y]);
    assert_relative_eq!(gr[0], want, max_relative = 1e-12, epsilon = 1e-12);
    let h = hessian(|v| f(v[0], v[1]), &[x, y]);
    let fd = (dfdx(x + 1e-6, y) - dfdx(x - 1e-6, y)) / 2e-6;
    assert_relative_eq!(h.data()[0], fd, max_relative = 1e-6, epsilon = 1e-6);
}

#[test]
fn literal_point() {
    all_ways(0.7, -0.4);
    // at (0, 0): f = 0 + ln 2 − 1.5 + 1/2 + ½ ln 2; ∂f/∂x = 1 + 0 + 3 − 1/4 + 0 = 3.75
    let tape = Tape::<f64>::new();
    let (x, y) = (tape.var(0.0), tape.var(0.0));
    let out = f(x, y);
    assert_relative_eq!(out.value(), 1.5 * 2f64.ln() - 1.0, max_relative = 1e-15);
    assert_relative_eq!(tape.backward(out)[x], 3.75, max_relative = 1e-15);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn plain_forward_and_tape_agree(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        all_ways(x, y);
    }
}

/// `g(x) = ln Γ(x) · x`, written once: `g' = ψ(x) x + ln Γ(x)`; plain, forward and reverse
/// agree with the hand derivative (ψ(3) = 1 + 1/2 − γ, ln Γ(3) = ln 2).
#[test]
fn lgamma_three_ways() {
    fn g<S: Scalar>(x: S) -> S {
        x.lgamma() * x
    }
    let x = 3.0_f64;
    let want = (1.5 - 0.577_215_664_901_532_9) * 3.0 + 2f64.ln();
    let fwd = g(wengert_tape::dual::Dual64::variable(x));
    let tape = wengert_tape::Tape::<f64>::new();
    let v = tape.var(x);
    let y = g(v);
    assert!((g(x) - 3.0 * 2f64.ln()).abs() < 1e-14);
    assert!((y.value() - g(x)).abs() < 1e-15 && (fwd.re - g(x)).abs() < 1e-15);
    assert!((fwd.eps - want).abs() < 1e-13);
    assert!((tape.backward(y)[v] - want).abs() < 1e-13);
    // digamma's derivative is trigamma: ψ₁(3) = π²/6 − 1 − 1/4
    let d = Scalar::digamma(wengert_tape::dual::Dual64::variable(3.0));
    assert!((d.eps - (std::f64::consts::PI.powi(2) / 6.0 - 1.25)).abs() < 1e-13);
}
