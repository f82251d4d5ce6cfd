//! Per-op agreement: for every elementwise op, the arithmetic, select and the powers, the
//! compiled value equals the tape's, the compiled gradient equals the tape's backward sweep
//! and a centered finite difference, and the compiled Hessian-vector product equals the
//! finite difference of the compiled gradient.
use proptest::prelude::*;
use wengert_jit::Compiled;
use wengert_ops::prelude::*;
use wengert_tape::trace::Cmp;
use wengert_tape::{Tape, Var};

type F = for<'t> fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>;

/// Every op, as a function of two inputs in (0.2, 2) (so that every domain holds).
fn cases() -> Vec<(&'static str, F)> {
    vec![
        ("add", |_, v| v[0] + v[1]),
        ("sub", |_, v| v[0] - v[1]),
        ("mul", |_, v| v[0] * v[1]),
        ("div", |_, v| v[0] / v[1]),
        ("neg", |_, v| -v[0] * v[1]),
        ("constants", |_, v| {
            3.0 - (2.0 / v[0]) * 0.5 + (v[1] - 1.0) / 4.0
        }),
        ("exp", |_, v| v[0].exp() * v[1]),
        ("exp_m1", |_, v| v[0].exp_m1() * v[1]),
        ("ln", |_, v| v[0].ln() * v[1]),
        ("ln_1p", |_, v| v[0].ln_1p() * v[1]),
        ("sin", |_, v| v[0].sin() * v[1]),
        ("cos", |_, v| v[0].cos() * v[1]),
        ("tanh", |_, v| v[0].tanh() * v[1]),
        ("sigmoid", |_, v| (v[0] - 1.0).sigmoid() * v[1]),
        ("softplus", |_, v| (v[0] - 1.0).softplus() * v[1]),
        ("log_sigmoid", |_, v| (v[0] - 1.0).log_sigmoid() * v[1]),
        ("relu", |_, v| (v[0] - 1.0).relu() * v[1]),
        ("abs", |_, v| (v[0] - 1.0).abs() * v[1]),
        ("sqrt", |_, v| v[0].sqrt() * v[1]),
        ("square", |_, v| v[0].square() * v[1]),
        ("recip", |_, v| v[0].recip() * v[1]),
        ("powi", |_, v| v[0].powi(3) * v[1] + v[1].powi(-2)),
        ("powf", |_, v| v[0].powf(1.5) * v[1]),
        ("pow", |_, v| v[0].pow(v[1])),
        ("clamp", |_, v| (v[0] * 2.0).clamp(1.0, 3.0) * v[1]),
        ("maximum", |_, v| v[0].maximum(v[1]) * v[1]),
        ("minimum", |_, v| v[0].minimum(v[1]) * v[1]),
        ("select", |_, v| {
            v[0].select_cmp(Cmp::Gt, v[1], v[0] * v[1], v[0] + v[1])
        }),
        ("chain", |_, v| {
            (v[0] * v[1]).sin().exp() / (v[1].cos() + 2.0)
        }),
    ]
}

fn tape_grad(f: F, x: &[f64]) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let xs = tape.vars(x);
    let y = f(&tape, &xs);
    let g = tape.backward(y);
    (y.value(), xs.iter().map(|&v| g[v]).collect())
}

fn tape_value(f: F, x: &[f64]) -> f64 {
    let tape = Tape::new();
    let xs = tape.vars(x);
    f(&tape, &xs).value()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn compiled_equals_tape_and_finite_differences(a in 0.2..2.0f64, b in 0.2..2.0f64) {
        // Traced at another point: the trace must not depend on it (no branches here).
        for (name, f) in cases() {
            let c = Compiled::trace(&[1.1, 0.7], f).unwrap();
            let x = [a, b];
            let (ty, tg) = tape_grad(f, &x);
            let cy = c.value(&x).unwrap();
            prop_assert_eq!(cy.to_bits(), ty.to_bits(), "{}: value {} vs tape {}", name, cy, ty);
            let mut g = [0.0; 2];
            prop_assert_eq!(c.value_and_grad(&x, &mut g).unwrap().to_bits(), ty.to_bits());
            let h = 1e-6;
            for i in 0..2 {
                prop_assert!(close(g[i], tg[i], 1e-13), "{}: d/dx{} {} vs tape {}", name, i, g[i], tg[i]);
                let (mut p, mut m) = (x, x);
                p[i] += h;
                m[i] -= h;
                let fd = (tape_value(f, &p) - tape_value(f, &m)) / (2.0 * h);
                prop_assert!(close(g[i], fd, 1e-6), "{}: d/dx{} {} vs fd {}", name, i, g[i], fd);
            }
            // H v against the finite difference of the compiled gradient along v.
            let v = [0.6, -0.8];
            let mut hv = [0.0; 2];
            c.hvp(&x, &v, &mut hv).unwrap();
            let (mut gp, mut gm) = ([0.0; 2], [0.0; 2]);
            let shift = |s: f64| [x[0] + s * h * v[0], x[1] + s * h * v[1]];
            c.value_and_grad(&shift(1.0), &mut gp).unwrap();
            c.value_and_grad(&shift(-1.0), &mut gm).unwrap();
            for i in 0..2 {
                let fd = (gp[i] - gm[i]) / (2.0 * h);
                prop_assert!(close(hv[i], fd, 1e-5), "{}: (Hv){} {} vs fd {}", name, i, hv[i], fd);
            }
        }
    }
}

/// d/dx (x³ y) = 3x² y, d/dy = x³: at (2, 5), (60, 8); H v for v = (1, 0) is (6xy, 3x²) = (60, 12).
#[test]
fn literal_gradient_and_hessian() {
    let c = Compiled::trace(&[1.0, 1.0], |_, v| v[0].powi(3) * v[1]).unwrap();
    let mut g = [0.0; 2];
    assert_eq!(c.value_and_grad(&[2.0, 5.0], &mut g).unwrap(), 40.0);
    assert_eq!(g, [60.0, 8.0]);
    let mut hv = [0.0; 2];
    c.hvp(&[2.0, 5.0], &[1.0, 0.0], &mut hv).unwrap();
    assert_eq!(hv, [60.0, 12.0]);
}

/// A user op without a primitive is called by address: values and gradients still agree,
/// and its derivative has no derivative, which hvp says.
#[test]
fn a_user_op_is_called_by_address() {
    struct Cube;
    impl wengert_tape::op::Unary<f64> for Cube {
        const NAME: &'static str = "cube";
        fn f(x: f64) -> f64 {
            x * x * x
        }
        fn df(x: f64, _: f64) -> f64 {
            3.0 * x * x
        }
    }
    let c = Compiled::trace(&[1.0], |_, v| v[0].map::<Cube>() + v[0].detach() * v[0]).unwrap();
    let mut g = [0.0];
    // y = x³ + c·x with c = x detached: dy/dx = 3x² + x = 14 at 2.
    assert_eq!(c.value_and_grad(&[2.0], &mut g).unwrap(), 12.0);
    assert_eq!(g, [14.0]);
    let err = c.hvp(&[2.0], &[1.0], &mut g).unwrap_err();
    assert!(err.to_string().contains("no derivative"), "{err}");
}

#[test]
fn vjp_and_jacobian_agree_with_the_tape() {
    let c = Compiled::trace_many(&[1.0, 1.0, 1.0], |_, v| {
        vec![v[0] * v[1].sin(), v[2].exp() - v[0], v[1] * v[2]]
    })
    .unwrap();
    let x: [f64; 3] = [0.3, -1.2, 0.8];
    let mut jac = [0.0; 9];
    c.jacobian(&x, &mut jac).unwrap();
    let want = [
        x[1].sin(),
        x[0] * x[1].cos(),
        0.0,
        -1.0,
        0.0,
        x[2].exp(),
        0.0,
        x[2],
        x[1],
    ];
    assert_eq!(jac, want);
    let w = [1.0, 2.0, -1.0];
    let mut out = [0.0; 3];
    c.vjp(&x, &w, &mut out).unwrap();
    for j in 0..3 {
        let want: f64 = (0..3).map(|i| w[i] * jac[3 * i + j]).sum();
        assert!((out[j] - want).abs() < 1e-15);
    }
}

#[test]
fn compiled_runs_on_f32() {
    let c = Compiled::<f32>::trace(&[1.0, 1.0], |_, v| (v[0] * v[1]).tanh()).unwrap();
    let mut g = [0.0f32; 2];
    let y = c.value_and_grad(&[0.5, 2.0], &mut g).unwrap();
    let d = 1.0 - 1f32.tanh().powi(2);
    assert_eq!(y, 1f32.tanh());
    assert!((g[0] - 2.0 * d).abs() < 1e-6 && (g[1] - 0.5 * d).abs() < 1e-6);
}

/// On dual numbers the compiled gradient carries its directional derivative: seeding the
/// inputs with u, the eps parts of ∇f are H u. f = x² sin y: H = [[2 sin y, 2x cos y],
/// [2x cos y, −x² sin y]].
#[test]
fn compiled_runs_on_dual_numbers() {
    use wengert_tape::dual::Dual64;
    let d = |re, eps| Dual64::new(re, eps);
    let c = Compiled::<Dual64>::trace(&[d(1.0, 0.0), d(1.0, 0.0)], |_, v| v[0] * v[0] * v[1].sin())
        .unwrap();
    let (x, y) = (1.5f64, 0.3f64);
    let mut g = [d(0.0, 0.0); 2];
    let f = c.value_and_grad(&[d(x, 1.0), d(y, 0.0)], &mut g).unwrap();
    assert_eq!(f.re, x * x * y.sin());
    assert_eq!((g[0].re, g[1].re), (2.0 * x * y.sin(), x * x * y.cos()));
    assert!((g[0].eps - 2.0 * y.sin()).abs() < 1e-15);
    assert!((g[1].eps - 2.0 * x * y.cos()).abs() < 1e-15);
}
