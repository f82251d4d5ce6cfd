//! Record once, replay: replayed values and gradients equal a fresh recording at new inputs,
//! for scalar and tensor functions; and the replay rule: Rust `if` on values is frozen at
//! recording, recorded ops (here a max built from `op::Binary`) decide anew, and `detach` is
//! recomputed but still stops gradients.
use approx::assert_relative_eq;
use proptest::prelude::*;
use wengert_tape::op::Binary;
use wengert_tape::replay::Replay;
use wengert_tape::transforms::value_and_grad;
use wengert_tape::{Real, Tape, Tensor, Var};

/// `max(a, b)`; the derivative goes to the larger operand: (1, 0) if a ≥ b, else (0, 1).
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

mod common;
use common::Sin;

/// A scalar function using every kind of scalar node: Var∘Var, Var∘T, T∘Var, map, zip:
/// f = sin(x₀ x₁) + x₂ / (1 + x₀²) − 3 x₁ + 2 / (x₂² + 1) + max(x₀, x₂)·x₁.
fn scalar_fn<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    (v[0] * v[1]).map::<Sin>() + v[2] / (v[0] * v[0] + 1.0) - 3.0 * v[1]
        + 2.0 / (v[2] * v[2] + 1.0)
        + v[0].zip::<Max>(v[2]) * v[1]
}

/// A tensor function: f(a, b) = Σ (a·b + a² / (1 + b²)) + max(a, b)·Σ a, with a, b ∈ R³.
fn tensor_fn<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    let (a, b) = (v[0], v[1]);
    (a * b + a * a / (b * b + 1.0)).sum_all() + (a.zip::<Max>(b) * a.sum_all()).sum_all()
}

fn fresh_tensor_grad(x: &[Tensor<f64>]) -> (f64, Vec<Vec<f64>>) {
    let tape = Tape::new();
    let xs: Vec<_> = x
        .iter()
        .map(|t| tape.tensor(t.shape().clone(), t.data().to_vec()))
        .collect();
    let y = tensor_fn(&xs);
    let g = tape.backward(y);
    (y.value(), xs.iter().map(|&v| g.to_vec(v)).collect())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn scalar_replay_equals_fresh_recording(
        x0 in prop::collection::vec(-2.0..2.0f64, 3),
        xs in prop::collection::vec(prop::collection::vec(-2.0..2.0f64, 3), 1..6),
    ) {
        let mut f = Replay::record(&x0, |_, v| scalar_fn(v));
        prop_assert_eq!(f.inputs(), 3);
        let mut g = [0.0; 3];
        for x in &xs {
            let (want, want_g) = value_and_grad(scalar_fn, x);
            prop_assert!(close(f.value(x), want));
            let v = f.value_and_grad(x, &mut g);
            prop_assert!(close(v, want), "value {} vs {}", v, want);
            for i in 0..3 {
                prop_assert!(close(g[i], want_g[i]), "grad {:?} vs {:?}", g, want_g);
            }
        }
    }

    #[test]
    fn tensor_replay_equals_fresh_recording(
        a0 in prop::collection::vec(-2.0..2.0f64, 3),
        b0 in prop::collection::vec(-2.0..2.0f64, 3),
        new in prop::collection::vec(prop::collection::vec(-2.0..2.0f64, 6), 1..5),
    ) {
        let rec = [Tensor::new([3], a0), Tensor::new([3], b0)];
        let mut f = Replay::record_tensors(&rec, |_, v| tensor_fn(v));
        for x in &new {
            let x = [Tensor::new([3], x[..3].to_vec()), Tensor::new([3], x[3..].to_vec())];
            let (v, g) = f.tensor_grad(&x);
            let (want, want_g) = fresh_tensor_grad(&x);
            prop_assert!(close(v, want), "value {} vs {}", v, want);
            for (gi, wi) in g.iter().zip(&want_g) {
                prop_assert_eq!(gi.shape().dims(), &[3]);
                for (p, q) in gi.data().iter().zip(wi) {
                    prop_assert!(close(*p, *q), "grad {:?} vs {:?}", gi.data(), wi);
                }
            }
        }
    }
}

/// x² if x > 0 else −3x, decided by Rust (a named fn: a closure stored in a variable does
/// not get the `for<'t>` signature the transforms need).
fn branchy<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    if v[0].value() > 0.0 {
        v[0] * v[0]
    } else {
        v[0] * -3.0
    }
}

#[test]
fn rust_if_is_frozen_at_recording() {
    // f = x² if x > 0 else −3x, decided by Rust at recording time (x = 1: the x² branch).
    let mut f = Replay::record(&[1.0], |_, v| branchy(v));
    let mut g = [0.0];
    // Replayed at x = −2 it still computes x² (value 4, slope 2x = −4) ...
    assert_eq!(f.value_and_grad(&[-2.0], &mut g), 4.0);
    assert_eq!(g, [-4.0]);
    // ... while a fresh recording takes the other branch: −3x = 6, slope −3.
    assert_eq!(value_and_grad(branchy, &[-2.0]), (6.0, vec![-3.0]));
}

#[test]
fn recorded_max_decides_anew() {
    // f = max(x, y)·2 recorded at (3, 1), where x is larger: ∇f = (2, 0).
    let mut f = Replay::record(&[3.0, 1.0], |_, v| v[0].zip::<Max>(v[1]) * 2.0);
    let mut g = [0.0; 2];
    assert_eq!(f.value_and_grad(&[3.0, 1.0], &mut g), 6.0);
    assert_eq!(g, [2.0, 0.0]);
    // Replayed at (1, 3) the max picks y: value 6, and the gradient moves to y.
    assert_eq!(f.value_and_grad(&[1.0, 3.0], &mut g), 6.0);
    assert_eq!(g, [0.0, 2.0]);
}

#[test]
fn recorded_tensor_max_decides_anew() {
    // f = Σ max(a, b) elementwise, recorded where a wins in element 0 and b in element 1.
    let rec = [
        Tensor::new([2], vec![5.0, 0.0]),
        Tensor::new([2], vec![1.0, 2.0]),
    ];
    let mut f = Replay::record_tensors(&rec, |_, v| v[0].zip::<Max>(v[1]).sum_all());
    let (v, g) = f.tensor_grad(&rec);
    assert_eq!(v, 7.0);
    assert_eq!(
        (g[0].data(), g[1].data()),
        (&[1.0, 0.0][..], &[0.0, 1.0][..])
    );
    // Swap the winners: the gradient follows.
    let new = [
        Tensor::new([2], vec![0.0, 4.0]),
        Tensor::new([2], vec![1.0, 2.0]),
    ];
    let (v, g) = f.tensor_grad(&new);
    assert_eq!(v, 5.0);
    assert_eq!(
        (g[0].data(), g[1].data()),
        (&[0.0, 1.0][..], &[1.0, 0.0][..])
    );
}

#[test]
fn detach_is_recomputed_but_stops_gradients() {
    // f = x · detach(x²): value x³, but df/dx = x² (only the first factor carries gradient).
    let mut f = Replay::record(&[2.0], |_, v| v[0] * (v[0] * v[0]).detach());
    let mut g = [0.0];
    assert_eq!(f.value_and_grad(&[2.0], &mut g), 8.0);
    assert_eq!(g, [4.0]);
    // At x = 3 the detached x² is recomputed (value 27, not 3·4), gradient x² = 9, not 3x² = 27.
    assert_eq!(f.value_and_grad(&[3.0], &mut g), 27.0);
    assert_eq!(g, [9.0]);
}

#[test]
fn constants_keep_their_recorded_values() {
    // A constant built from an input's value at recording time is frozen: f = x·c, c = x₀.
    let mut f = Replay::record(&[2.0], |t, v| v[0] * t.constant(v[0].value()));
    let mut g = [0.0];
    assert_eq!(f.value_and_grad(&[5.0], &mut g), 10.0);
    assert_eq!(g, [2.0]);
    assert_relative_eq!(f.value(&[-1.0]), -2.0);
}

#[test]
#[should_panic(expected = "inputs given")]
fn wrong_input_count_panics() {
    let mut f = Replay::record(&[1.0, 2.0], |_, v| v[0] * v[1]);
    let _ = f.value(&[1.0]);
}

/// The replay rule says a detached value is recomputed; for tensors it is not yet
/// (`Var::detach` on a tensor records a constant tensor, so replay keeps the recorded data).
#[test]
fn tensor_detach_is_recomputed_but_stops_gradients() {
    // f = Σ a ⊙ detach(a): value Σ a², gradient a (not 2a).
    let rec = [Tensor::new([2], vec![1.0, 2.0])];
    let mut f = Replay::record_tensors(&rec, |_, v| (v[0] * v[0].detach()).sum_all());
    let (v, g) = f.tensor_grad(&[Tensor::new([2], vec![3.0, 4.0])]);
    assert_eq!(v, 25.0); // currently 3·1 + 4·2 = 11: the recorded [1, 2]
    assert_eq!(g[0].data(), &[3.0, 4.0]); // currently [1, 2]
}

/// A function whose output does not depend on its inputs replays to its recorded value with a
/// zero gradient (not NaN).
#[test]
fn constant_output_replays_its_value() {
    use wengert_tape::replay::Replay;
    let mut f = Replay::record(&[1.0], |tape, _| tape.constant(2.5) * 2.0);
    let mut g = [7.0];
    assert_eq!(f.value_and_grad(&[3.0], &mut g), 5.0);
    assert_eq!(g, [0.0]);
    assert_eq!(f.value(&[-1.0]), 5.0);
}
