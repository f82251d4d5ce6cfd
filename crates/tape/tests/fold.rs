//! Folding one-operand operations into the `Var` (`d(v) = w · d(node)`): what records a node
//! and what does not, the gradients it gives against hand-derived values, `retain_grad`, the
//! panic for a folded intermediate, one node per operation under anomaly mode and tracing, and
//! folded against unfolded recordings of random expressions.
use approx::assert_relative_eq;
use proptest::prelude::*;
use std::cell::Cell;
use wengert_tape::dual::Dual;
use wengert_tape::transforms::hvp;
use wengert_tape::{Real, Tape, Var};

mod common;
use common::{Exp, Sin};

fn sqrt<'t>(x: Var<'t, f64>) -> Var<'t, f64> {
    x.map_param("sqrt", 0.0, |x, _| x.sqrt(), |_, _, y| 0.5 / y)
}

/// `exp(sin((3x − 1) / 2))`: five one-operand operations.
fn chain<'t, R: Real>(x: Var<'t, R>) -> Var<'t, R> {
    ((x * R::lit(3.0) - R::one()) / R::lit(2.0))
        .map::<Sin>()
        .map::<Exp>()
}

#[test]
fn a_chain_of_unary_ops_records_no_node() {
    let tape = Tape::<f64>::new();
    let x = tape.var(0.5);
    let y = chain(x);
    assert_eq!(tape.scalar_len(), 1); // the leaf only

    // v = (3x − 1)/2 = 0.25; dy/dx = exp(sin v) · cos v · 3/2 (3 from ·3, 1/2 from /2)
    let v = 0.25f64;
    assert_eq!(y.value(), v.sin().exp());
    assert_relative_eq!(
        tape.backward(y)[x],
        v.sin().exp() * v.cos() * 1.5,
        max_relative = 1e-15
    );
}

#[test]
fn operands_sharing_a_node_fold() {
    let tape = Tape::<f64>::new();
    let x = tape.var(3.0);
    let sq = x * x;
    let cube = sq * x; // d = x · (2x) + x² · 1 = 3x²
    let mixed = (2.0 * x) * (x + 1.0); // d = 2 (x + 1) + 2x = 4x + 2
    let zero = x - x;
    assert_eq!(tape.scalar_len(), 1);
    assert_eq!(tape.backward(sq)[x], 6.0);
    assert_eq!(tape.backward(cube)[x], 27.0);
    assert_eq!(tape.backward(mixed)[x], 14.0);
    assert_eq!(tape.backward(zero)[x], 0.0);
}

#[test]
fn distinct_operands_record_exactly_one_node() {
    let tape = Tape::<f64>::new();
    let (x, z) = (tape.var(2.0), tape.var(5.0));
    // y = (2x + 1) · z²: the operands' weights 2 and 2z go into the node's partials:
    // dy/dx = 2 z² = 50, dy/dz = (2x + 1) · 2z = 50
    let y = (2.0 * x + 1.0) * (z * z);
    assert_eq!(tape.scalar_len(), 3);
    assert_eq!(tape.scalar_bytes(), 3 * 24);
    let g = tape.backward(y);
    assert_eq!((g[x], g[z]), (50.0, 50.0));
    assert_eq!(g[y], 1.0); // a two-operand result owns its node
}

#[test]
fn constants_never_record() {
    let tape = Tape::<f64>::new();
    let c = tape.constant(2.0);
    let k = (c * c - 1.0).map::<Exp>() / c + c;
    assert_eq!(tape.scalar_len(), 0);
    assert_eq!(k.value(), 3f64.exp() / 2.0 + 2.0);
    let x = tape.var(1.0);
    let y = x * k; // a constant operand makes this a one-operand op: folded
    assert_eq!(tape.scalar_len(), 1);
    let g = tape.backward(y);
    assert_eq!((g[x], g[c], g[k]), (k.value(), 0.0, 0.0));
}

#[test]
fn retain_grad_gives_an_intermediate_its_gradient() {
    let tape = Tape::<f64>::new();
    let x = tape.var(0.5);
    let h = ((x * 3.0 - 1.0) / 2.0).retain_grad(); // h = (3x − 1)/2 = 0.25
    assert_eq!(tape.scalar_len(), 2);
    let y = h * h.map::<Exp>(); // y = h eʰ: folded into h's node
    assert_eq!(tape.scalar_len(), 2);
    // dy/dh = eʰ (1 + h); dy/dx = dy/dh · 3/2
    let e = 0.25f64.exp();
    let g = tape.backward(y);
    assert_relative_eq!(g[h], e * 1.25, max_relative = 1e-15);
    assert_relative_eq!(g[x], e * 1.25 * 1.5, max_relative = 1e-15);
    // Values that own a node already are returned as they are.
    let z = tape.var(1.0);
    let p = x * z;
    let before = tape.scalar_len();
    let same = [
        x.retain_grad(),
        p.retain_grad(),
        tape.constant(1.0).retain_grad(),
    ];
    assert_eq!(tape.scalar_len(), before);
    assert_eq!(
        same.map(|v| v.id()),
        [x.id(), p.id(), tape.constant(1.0).id()]
    );
}

#[test]
fn retain_grad_sees_only_later_uses() {
    let tape = Tape::<f64>::new();
    let x = tape.var(1.0);
    let h = 2.0 * x;
    let early = h * 10.0; // used before retain_grad: flows to x's node, not h's
    let r = h.retain_grad();
    let y = early + r * 3.0;
    let g = tape.backward(y);
    assert_eq!(g[r], 3.0);
    assert_eq!(g[x], 2.0 * 10.0 + 2.0 * 3.0);
}

#[test]
#[should_panic(expected = "was folded into its operand's node")]
fn indexing_a_folded_intermediate_panics() {
    let tape = Tape::<f64>::new();
    let x = tape.var(1.0);
    let h = x.map::<Sin>();
    let g = tape.backward(h * 2.0);
    let _ = g[h];
}

#[test]
#[should_panic(expected = "retain_grad")]
fn wrt_a_folded_intermediate_points_to_retain_grad() {
    let tape = Tape::<f64>::new();
    let x = tape.var(1.0);
    let h = x - 1.0;
    let _ = tape.backward(h).wrt(h);
}

/// `sin((3x − 1)/2) · z + x·x`: 7 operations, of which two have distinct recorded operands.
fn seven_ops<'t>(x: Var<'t, f64>, z: Var<'t, f64>) -> Var<'t, f64> {
    ((x * 3.0 - 1.0) / 2.0).map::<Sin>() * z + x * x
}

#[test]
fn anomaly_mode_and_tracing_record_one_node_per_op() {
    let mut tape = Tape::<f64>::new();
    let grad = |tape: &Tape<f64>| {
        let (x, z) = (tape.var(0.5), tape.var(2.0));
        let g = tape.backward(seven_ops(x, z));
        (tape.scalar_len(), g[x], g[z])
    };
    let folded = grad(&tape);
    assert_eq!(folded.0, 2 + 2);
    tape.set_anomaly(true);
    let unfolded = grad(&tape);
    assert_eq!(unfolded.0, 2 + 7);
    assert_relative_eq!(unfolded.1, folded.1, max_relative = 1e-15);
    assert_eq!(unfolded.2, folded.2);
    tape.set_anomaly(false); // clears the tape and folds again
    assert_eq!(grad(&tape).0, 4);

    let n = Cell::new(0);
    let t = wengert_tape::trace::trace(&[0.5, 2.0], |t, v| {
        let y = seven_ops(v[0], v[1]);
        n.set(t.scalar_len());
        y
    })
    .unwrap();
    assert_eq!((n.get(), t.nodes.len()), (2 + 7, 2 + 7));
}

#[test]
fn a_folded_scalar_feeds_a_tensor_op() {
    let tape = Tape::<f64>::new();
    let x = tape.var(2.0);
    let t = tape.tensor([2], vec![1.0, 2.0]);
    let y = (t * (3.0 * x)).sum_all(); // y = 3x (t₀ + t₁): dy/dx = 9, dy/dt = (6, 6)
    let g = tape.backward(y);
    assert_eq!(g[x], 9.0);
    assert_eq!(g.wrt(t), &[6.0, 6.0]);
}

/// Partials are multiplied at recording, so `0 · sqrt'(0) = 0 · ∞` is NaN, as in PyTorch, JAX
/// and forward mode; one node per op (anomaly mode) keeps the exact sweep's 0.
#[test]
fn zero_times_an_infinite_partial_is_nan_when_folded() {
    let mut tape = Tape::<f64>::new();
    let x = tape.var(0.0);
    assert!(tape.backward(0.0 * sqrt(x))[x].is_nan());
    assert_eq!(tape.backward(sqrt(x))[x], f64::INFINITY);
    tape.set_anomaly(true);
    let x = tape.var(0.0);
    assert_eq!(tape.backward(0.0 * sqrt(x))[x], 0.0);
}

/// Rosenbrock, f = Σᵢ (xᵢ − 1)² + 100 (xᵢ₊₁ − xᵢ²)².
fn rosen<'t, R: Real>(x: &[Var<'t, R>]) -> Var<'t, R> {
    let mut s = x[0].cst(R::zero());
    for i in 0..x.len() - 1 {
        let a = x[i] - R::one();
        let b = x[i + 1] - x[i] * x[i];
        s = s + (a * a + b * b * R::lit(100.0));
    }
    s
}

#[test]
fn hvp_over_duals_folds_and_matches_the_rosenbrock_hessian() {
    // n = 2 at (x, y) = (1.5, 2): H = [[1200x² − 400y + 2, −400x], [−400x, 200]]
    //                               = [[1902, −600], [−600, 200]]; H·(1, −1) = (2502, −800).
    assert_eq!(hvp(rosen, &[1.5, 2.0], &[1.0, -1.0]), vec![2502.0, -800.0]);
    // By hand on a dual tape: the folded weights are duals, so the eps parts are still H v.
    let tape = Tape::<Dual<f64>>::new();
    let xs = [
        tape.var(Dual::new(1.5, 1.0)),
        tape.var(Dual::new(2.0, -1.0)),
    ];
    let f = rosen(&xs);
    // 2 leaves, y − x² and a² + 100 b² (0 + term is a one-operand op)
    assert_eq!(tape.scalar_len(), 4);
    let g = tape.backward(f);
    // ∇f = (−400x (y − x²) − 2 (1 − x), 200 (y − x²)) = (151, −50)
    assert_eq!([g[xs[0]].re, g[xs[1]].re], [151.0, -50.0]);
    assert_eq!([g[xs[0]].eps, g[xs[1]].eps], [2502.0, -800.0]);
}

#[test]
fn f32_folds_too() {
    let tape = Tape::<f32>::new();
    let (x, z) = (tape.var(0.5f32), tape.var(2.0f32));
    let y = chain(x) * z;
    assert_eq!(tape.scalar_len(), 3);
    assert_eq!(tape.scalar_bytes(), 3 * 16);
    let v = 0.25f32;
    let g = tape.backward(y);
    assert_relative_eq!(
        g[x],
        v.sin().exp() * v.cos() * 1.5 * 2.0,
        max_relative = 1e-6
    );
    assert_eq!(g[z], v.sin().exp());
}

/// One step of a random program over a growing list of values.
#[derive(Clone, Debug)]
enum Step {
    /// `a + b`, `a − b`, `a · b`, or `a / (1 + b²)` (a division that stays away from 0).
    Bin(u8, usize, usize),
    Sin(usize),
    /// `exp(sin a)`: bounded, so that chains never overflow.
    Exp(usize),
    Affine(usize, f64, f64),
}

fn step() -> impl Strategy<Value = Step> {
    let (i, j) = (0..64usize, 0..64usize);
    prop_oneof![
        (0..4u8, i.clone(), j).prop_map(|(k, i, j)| Step::Bin(k, i, j)),
        i.clone().prop_map(Step::Sin),
        i.clone().prop_map(Step::Exp),
        (i, -2.0..2.0f64, -2.0..2.0f64).prop_map(|(i, a, b)| Step::Affine(i, a, b)),
    ]
}

/// Runs the program on leaves `x`; the output is the sum of every value, so each counts.
fn run<'t>(tape: &'t Tape<f64>, x: &[f64], prog: &[Step]) -> (Vec<Var<'t, f64>>, Var<'t, f64>) {
    let leaves = tape.vars(x);
    let mut v = leaves.clone();
    for s in prog {
        let at = |i: usize| v[i % v.len()];
        let y = match *s {
            Step::Bin(0, i, j) => at(i) + at(j),
            Step::Bin(1, i, j) => at(i) - at(j),
            Step::Bin(2, i, j) => at(i) * at(j),
            Step::Bin(_, i, j) => at(i) / (at(j) * at(j) + 1.0),
            Step::Sin(i) => at(i).map::<Sin>(),
            Step::Exp(i) => at(i).map::<Sin>().map::<Exp>(),
            Step::Affine(i, a, b) => a * at(i) - b,
        };
        v.push(y);
    }
    let out = v[1..].iter().fold(v[0], |s, &y| s + y);
    (leaves, out)
}

proptest! {
    #[test]
    fn folded_and_unfolded_recordings_agree(
        x in prop::collection::vec(-1.5..1.5f64, 3),
        prog in prop::collection::vec(step(), 1..12),
    ) {
        let folded = Tape::<f64>::new();
        let mut unfolded = Tape::<f64>::new();
        unfolded.set_anomaly(true);
        let (xf, yf) = run(&folded, &x, &prog);
        let (xu, yu) = run(&unfolded, &x, &prog);
        prop_assert_eq!(yf.value().to_bits(), yu.value().to_bits());
        prop_assert!(folded.scalar_len() <= unfolded.scalar_len());
        let (gf, gu) = (folded.backward(yf), unfolded.backward(yu));
        // Relative to max(|g|, 1): a derivative that cancels to near 0 keeps the rounding of
        // its O(1) terms, which folding multiplies in another order.
        for (&a, &b) in xf.iter().zip(&xu) {
            let (a, b) = (gf[a], gu[b]);
            prop_assert!((a - b).abs() <= 1e-14 * a.abs().max(1.0), "{} vs {}", a, b);
        }
    }
}
