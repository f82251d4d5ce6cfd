//! Record once, evaluate at new inputs: the rules the tape's old `replay` module had, on the
//! compiled path that replaced it. Compiled values and gradients equal a fresh recording;
//! a Rust `if` on `.value()` is frozen at tracing (only comparisons of `Var`s are guarded,
//! see `guards.rs`); recorded ops (a user `Binary` without a primitive, `maximum`, `clamp`,
//! `select_cmp`) decide anew; `detach` is recomputed but stops gradients; constants keep
//! their traced values.
use approx::assert_relative_eq;
use proptest::prelude::*;
use wengert_jit::Compiled;
use wengert_ops::prelude::*;
use wengert_tape::op::Binary;
use wengert_tape::trace::Cmp;
use wengert_tape::transforms::value_and_grad;
use wengert_tape::{Real, Tape, Var};

/// `max(a, b)` as a user op without a primitive (called by address when compiled); the
/// derivative goes to the larger operand: (1, 0) if a ≥ b, else (0, 1).
struct Max;
impl<T: Real> Binary<T> for Max {
    const NAME: &'static str = "max";
    fn f(a: T, b: T) -> T {
        a.max(b)
    }
    fn d(a: T, b: T, _: T) -> (T, T) {
        if a >= b {
            (T::one(), T::zero())
        } else {
            (T::zero(), T::one())
        }
    }
}

/// Every kind of scalar node: Var∘Var, Var∘T, T∘Var, a map, a user zip:
/// f = sin(x₀ x₁) + x₂ / (1 + x₀²) − 3 x₁ + 2 / (x₂² + 1) + max(x₀, x₂)·x₁.
fn scalar_fn<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    (v[0] * v[1]).sin() + v[2] / (v[0] * v[0] + 1.0) - 3.0 * v[1]
        + 2.0 / (v[2] * v[2] + 1.0)
        + v[0].zip::<Max>(v[2]) * v[1]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

/// `f(x, y) = select(x·y > 1, sin x · y, x + y²)`.
fn selected<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    let one = v[0].cst(1.0);
    (v[0] * v[1]).select_cmp(Cmp::Gt, one, v[0].sin() * v[1], v[0] + v[1] * v[1])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn compiled_equals_fresh_recording(
        x0 in prop::collection::vec(-2.0..2.0f64, 3),
        xs in prop::collection::vec(prop::collection::vec(-2.0..2.0f64, 3), 1..6),
    ) {
        let f = Compiled::trace(&x0, |_, v| scalar_fn(v)).unwrap();
        prop_assert_eq!(f.inputs(), 3);
        let mut g = [0.0; 3];
        for x in &xs {
            let (want, want_g) = value_and_grad(scalar_fn, x);
            prop_assert!(close(f.value(x).unwrap(), want));
            let v = f.value_and_grad(x, &mut g).unwrap();
            prop_assert!(close(v, want), "value {} vs {}", v, want);
            for i in 0..3 {
                prop_assert!(close(g[i], want_g[i]), "grad {:?} vs {:?}", g, want_g);
            }
        }
    }

    /// The select's compiled gradient, traced at another point (often the other branch),
    /// equals the tape's at the call point.
    #[test]
    fn select_traced_elsewhere_equals_the_tape(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        prop_assume!((x * y - 1.0).abs() > 1e-3);
        let tape = Tape::new();
        let v = tape.vars(&[x, y]);
        let g = tape.backward(selected(&v));
        let c = Compiled::trace(&[-x, 0.5 * y], |_, v| selected(v)).unwrap();
        let mut cg = [0.0; 2];
        c.value_and_grad(&[x, y], &mut cg).unwrap();
        for i in 0..2 {
            prop_assert!(close(cg[i], g[v[i]]), "{} vs tape {}", cg[i], g[v[i]]);
        }
    }
}

/// x² if x > 0 else −3x, decided by Rust on the plain value (a named fn: a closure stored in
/// a variable does not get the `for<'t>` signature the transforms need).
fn branchy<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    if v[0].value() > 0.0 {
        v[0] * v[0]
    } else {
        v[0] * -3.0
    }
}

#[test]
fn rust_if_on_a_value_is_frozen_at_tracing() {
    // Traced at x = 1: the x² branch. `.value()` is a plain f64, so no guard is recorded.
    let f = Compiled::trace(&[1.0], |_, v| branchy(v)).unwrap();
    let mut g = [0.0];
    // Called at x = −2 it still computes x² (value 4, slope 2x = −4) ...
    assert_eq!(f.value_and_grad(&[-2.0], &mut g).unwrap(), 4.0);
    assert_eq!(g, [-4.0]);
    // ... while a fresh recording takes the other branch: −3x = 6, slope −3.
    assert_eq!(value_and_grad(branchy, &[-2.0]), (6.0, vec![-3.0]));
}

#[test]
fn a_user_binary_decides_anew() {
    // f = max(x, y)·2 traced at (3, 1), where x is larger: ∇f = (2, 0).
    let f = Compiled::trace(&[3.0, 1.0], |_, v| v[0].zip::<Max>(v[1]) * 2.0).unwrap();
    let mut g = [0.0; 2];
    assert_eq!(f.value_and_grad(&[3.0, 1.0], &mut g).unwrap(), 6.0);
    assert_eq!(g, [2.0, 0.0]);
    // At (1, 3) the max picks y: value 6, and the gradient moves to y.
    assert_eq!(f.value_and_grad(&[1.0, 3.0], &mut g).unwrap(), 6.0);
    assert_eq!(g, [0.0, 2.0]);
}

#[test]
fn op_branches_are_re_decided() {
    // f(x, y) = max(x, y) + clamp(x, 0, 1) + x⁴ traced at x > y, called at x < y.
    let f = Compiled::trace(&[0.5, 0.0], |_, v| {
        v[0].maximum(v[1]) + v[0].clamp(0.0, 1.0) + v[0].powi(4)
    })
    .unwrap();
    let mut g = [0.0; 2];
    let val = f.value_and_grad(&[2.0, 3.0], &mut g).unwrap();
    // max = 3 (grad to y), clamp = 1 (grad 0), x⁴ = 16 (grad 4x³ = 32)
    assert_eq!(val, 3.0 + 1.0 + 16.0);
    assert_eq!(g, [32.0, 1.0]);
}

#[test]
fn select_decides_anew() {
    // f(x, y) = (x > y ? x·y : x + y) + sin x, traced at (3, 1).
    let f = Compiled::trace(&[3.0, 1.0], |_, v| {
        v[0].select_cmp(Cmp::Gt, v[1], v[0] * v[1], v[0] + v[1]) + v[0].sin()
    })
    .unwrap();
    let mut g = [0.0; 2];
    let val = f.value_and_grad(&[1.0, 3.0], &mut g).unwrap();
    assert_eq!(val, 4.0 + 1f64.sin());
    assert_eq!(g, [1.0 + 1f64.cos(), 1.0]); // the other branch: d(x + y) + cos x
    let val = f.value_and_grad(&[2.0, 1.0], &mut g).unwrap();
    assert_eq!((val, g), (2.0 + 2f64.sin(), [1.0 + 2f64.cos(), 2.0])); // (y + cos x, x)
}

#[test]
fn select_of_constants_and_a_constant_branch() {
    let f = Compiled::trace(&[3.0], |t, v| {
        let (zero, one) = (t.constant(0.0), t.constant(1.0));
        let step = v[0].select_cmp(Cmp::Ge, zero, one, zero); // constant branches
        let relu = v[0].select_cmp(Cmp::Lt, zero, zero, v[0]); // one constant branch
        step * 10.0 + relu
    })
    .unwrap();
    let mut g = [0.0];
    assert_eq!(
        (f.value_and_grad(&[2.0], &mut g).unwrap(), g),
        (12.0, [1.0])
    );
    assert_eq!(
        (f.value_and_grad(&[-2.0], &mut g).unwrap(), g),
        (0.0, [0.0])
    );
}

#[test]
fn detach_is_recomputed_but_stops_gradients() {
    // f = x · detach(x²): value x³, but df/dx = x² (only the first factor carries gradient).
    let f = Compiled::trace(&[2.0], |_, v| v[0] * (v[0] * v[0]).detach()).unwrap();
    let mut g = [0.0];
    assert_eq!(f.value_and_grad(&[2.0], &mut g).unwrap(), 8.0);
    assert_eq!(g, [4.0]);
    // At x = 3 the detached x² is recomputed (value 27, not 3·4), gradient x² = 9, not 3x² = 27.
    assert_eq!(f.value_and_grad(&[3.0], &mut g).unwrap(), 27.0);
    assert_eq!(g, [9.0]);
}

#[test]
fn constants_keep_their_traced_values() {
    // A constant built from an input's value at tracing is frozen: f = x·c, c = x₀ = 2.
    let f = Compiled::trace(&[2.0], |t, v| v[0] * t.constant(v[0].value())).unwrap();
    let mut g = [0.0];
    assert_eq!(f.value_and_grad(&[5.0], &mut g).unwrap(), 10.0);
    assert_eq!(g, [2.0]);
    assert_relative_eq!(f.value(&[-1.0]).unwrap(), -2.0);
}

/// A long chain (thousands of nodes, each kept by `retain_grad`) compiled once gives the
/// product of the partials at a new point.
#[test]
fn a_long_chain_compiles() {
    fn chain<'t>(x: Var<'t, f64>, n: usize) -> Var<'t, f64> {
        // y = x · Π (1 + 1e-4 k): dy/dx = Π (1 + 1e-4 k)
        (1..=n).fold(x, |y, k| (y * (1.0 + 1e-4 * k as f64)).retain_grad())
    }
    let n = 5000;
    let want: f64 = (1..=n).map(|k| 1.0 + 1e-4 * k as f64).product();
    let f = Compiled::trace(&[1.0], |_, v| chain(v[0], n)).unwrap();
    let mut g = [0.0];
    let v = f.value_and_grad(&[2.0], &mut g).unwrap();
    assert_relative_eq!(v, 2.0 * want, max_relative = 1e-12);
    assert_relative_eq!(g[0], want, max_relative = 1e-12);
}
