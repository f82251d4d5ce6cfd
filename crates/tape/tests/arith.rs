//! The tape's own operators: literal derivatives, finite differences, broadcasting,
//! fan-out, constants and errors.
use approx::assert_relative_eq;
use proptest::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{ErrorKind, Tape, Tensor};

#[test]
fn literal_product_quotient() {
    let tape = Tape::<f64>::new();
    let (x, y) = (tape.var(3.0), tape.var(4.0));
    // f = x·y − x/y + 2 − 5/x: ∂f/∂x = y − 1/y + 5/x², ∂f/∂y = x + x/y²
    let f = x * y - x / y + 2.0 - 5.0 / x;
    let g = tape.backward(f);
    assert_relative_eq!(f.value(), 12.0 - 0.75 + 2.0 - 5.0 / 3.0);
    assert_relative_eq!(g[x], 4.0 - 0.25 + 5.0 / 9.0);
    assert_relative_eq!(g[y], 3.0 + 3.0 / 16.0);
}

#[test]
fn negation_and_scalar_on_the_left() {
    let tape = Tape::<f32>::new();
    let x = tape.var(2.0);
    // f = −x + 3·x − (1 − x) = 3x − 1: ∂f/∂x = 3
    let f = -x + 3.0 * x - (1.0 - x);
    assert_eq!(f.value(), 5.0);
    assert_eq!(tape.backward(f)[x], 3.0);
}

#[test]
fn fan_out_accumulates() {
    let tape = Tape::<f64>::new();
    let x = tape.var(1.5);
    // x used four times: f = x·x + x + x = x² + 2x, f' = 2x + 2
    let f = x * x + x + x;
    assert_eq!(tape.backward(f)[x], 5.0);
}

#[test]
fn constants_get_no_gradient_and_are_not_recorded() {
    let tape = Tape::<f64>::new();
    let c = tape.constant(2.0);
    let x = tape.var(3.0);
    let before = tape.len();
    let k = c * c + 1.0; // constant arithmetic: nothing recorded
    assert_eq!(tape.len(), before);
    let f = k * x;
    let g = tape.backward(f);
    assert_eq!((g[x], g[c], g[k]), (5.0, 0.0, 0.0));
    assert!(!k.requires_grad());
}

#[test]
fn detach_stops_the_gradient() {
    let tape = Tape::<f64>::new();
    let x = tape.var(3.0);
    // f = x · stop(x): ∂f/∂x = stop(x) = 3
    let f = x * x.detach();
    assert_eq!(tape.backward(f)[x], 3.0);
}

#[test]
fn unrelated_var_has_zero_gradient() {
    let tape = Tape::<f64>::new();
    let (x, z) = (tape.var(1.0), tape.var(2.0));
    let g = tape.backward(x * 2.0);
    assert_eq!(g[z], 0.0);
}

#[test]
fn broadcasting_sums_over_stretched_axes() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 3], vec![1., 2., 3., 4., 5., 6.]);
    let b = tape.tensor([3], vec![10., 20., 30.]);
    let c = tape.tensor([2, 1], vec![-1., 1.]);
    let y = (a * b + c).sum_all();
    // ∂y/∂a = b broadcast; ∂y/∂b_j = Σ_i a_ij; ∂y/∂c_i = 3
    let g = tape.backward(y);
    assert_eq!(g.wrt(a), &[10., 20., 30., 10., 20., 30.]);
    assert_eq!(g.wrt(b), &[5., 7., 9.]);
    assert_eq!(g.wrt(c), &[3., 3.]);
    assert_eq!(y.value(), 10. + 40. + 90. + 40. + 100. + 180. - 3.0 + 3.0);
}

#[test]
fn scalar_var_meets_tensor() {
    let tape = Tape::<f64>::new();
    let s = tape.var(2.0);
    let t = tape.tensor([3], vec![1., 2., 3.]);
    // y = Σ s·t: ∂y/∂s = Σ t = 6, ∂y/∂t = s
    let y = (s * t).sum_all();
    let g = tape.backward(y);
    assert_eq!(g[s], 6.0);
    assert_eq!(g.wrt(t), &[2., 2., 2.]);
}

#[test]
fn elem_then_scalar_math_then_back() {
    let tape = Tape::<f64>::new();
    let t = tape.tensor([2], vec![3., 4.]);
    // y = t0·t1 + t0: ∂y/∂t = (t1 + 1, t0)
    let y = t.elem(0) * t.elem(1) + t.elem(0);
    assert_eq!(tape.backward(y).wrt(t), &[5., 3.]);
}

#[test]
fn vjp_with_cotangent() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![1., 2., 3.]);
    let y = x * x * 0.5;
    // J = diag(x); Jᵀv = x ⊙ v
    let g = tape.vjp(y, &[1., 0., -1.]);
    assert_eq!(g.wrt(x), &[1., 0., -3.]);
}

#[test]
fn error_broadcast_names_op_shapes_and_line() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 3], vec![0.0; 6]);
    let b = tape.tensor([2], vec![0.0; 2]);
    let e = a.try_mul(b).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("mul") && msg.contains("[2, 3]") && msg.contains("[2]"),
        "{msg}"
    );
    assert!(msg.contains(file!()), "{msg}");
}

#[test]
#[should_panic(expected = "cannot be broadcast")]
fn operator_panics_on_bad_broadcast() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([3], vec![0.0; 3]);
    let b = tape.tensor([4], vec![0.0; 4]);
    let _ = a + b;
}

#[test]
fn error_two_tapes() {
    let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
    let e = t1.var(1.0).try_add(t2.var(2.0)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::DifferentTapes { op: "add" }));
    assert!(e.to_string().contains("different tapes"));
}

#[test]
#[should_panic(expected = "different tapes")]
fn operator_panics_on_two_tapes() {
    let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
    let _ = t1.var(1.0) * t2.var(2.0);
}

#[test]
fn error_non_scalar_backward() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2], vec![1.0, 2.0]);
    let e = tape.try_backward(x * 2.0).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::NonScalarBackward { .. }));
    assert!(e.to_string().contains("[2]") && e.to_string().contains("vjp"));
}

#[test]
fn error_cotangent_length() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2], vec![1.0, 2.0]);
    let e = tape.try_vjp(x, &[1.0]).unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::ShapeMismatch { op: "vjp", .. }
    ));
}

#[test]
#[should_panic(expected = "out of range")]
fn elem_out_of_range() {
    let tape = Tape::<f64>::new();
    let _ = tape.tensor([2], vec![1.0, 2.0]).elem(2);
}

#[test]
fn infinite_partial_on_unreached_node_does_not_poison() {
    let tape = Tape::<f64>::new();
    let x = tape.var(0.0);
    // 1/x at 0 has an infinite partial but does not reach y; y = 3x.
    let _unused = 1.0 / x;
    let y = x * 3.0;
    assert_eq!(tape.backward(y)[x], 3.0);
}

#[test]
fn infinite_gradient_stays_infinite() {
    let tape = Tape::<f64>::new();
    let x = tape.var(0.0);
    let r = x.map_param("sqrt", 0.0, |x, _| x.sqrt(), |_, _, y| 0.5 / y);
    // d sqrt(x)/dx at 0 = +∞, and a leaf's gradient must read +∞, not NaN.
    let g = tape.backward(r * 2.0);
    assert_eq!(g[x], f64::INFINITY);
}

#[test]
fn clear_reuses_and_grads_return_buffers() {
    let mut tape = Tape::<f64>::with_capacity(16);
    for k in 0..5 {
        let x = tape.var(k as f64);
        let y = x * x * x;
        assert_eq!(tape.backward(y)[x], 3.0 * (k * k) as f64);
        tape.clear();
        assert!(tape.is_empty());
    }
}

#[test]
fn tapes_are_send() {
    fn send<S: Send>() {}
    send::<Tape<f64>>();
    send::<Tape<f32>>();
}

fn t(shape: &[usize], data: Vec<f64>) -> Tensor<f64> {
    Tensor::new(shape, data)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fd_scalar_arith(a in -3.0..3.0f64, b in 0.5..3.0f64, c in -2.0..2.0f64) {
        gradcheck(|_, v| (v[0] * v[1] - v[2] / v[1] + v[0] * 2.5 - 1.5 / v[1]) * v[2], &[
            Tensor::scalar(a), Tensor::scalar(b), Tensor::scalar(c),
        ]).unwrap();
    }

    #[test]
    fn fd_broadcast_arith(
        a in proptest::collection::vec(-2.0..2.0f64, 6),
        b in proptest::collection::vec(0.5..2.0f64, 3),
        c in proptest::collection::vec(-2.0..2.0f64, 2),
    ) {
        gradcheck(
            |_, v| ((v[0] * v[1] + v[2]) / v[1] - v[2] * v[0]).sum_all(),
            &[t(&[2, 3], a), t(&[3], b), t(&[2, 1], c)],
        ).unwrap();
    }

    #[test]
    fn scalar_path_equals_tensor_path(a in -3.0..3.0f64, b in 0.5..3.0f64) {
        let tape = Tape::<f64>::new();
        let (x, y) = (tape.var(a), tape.var(b));
        let (tx, ty) = (tape.tensor([], vec![a]), tape.tensor([], vec![b]));
        let s = x * y / (x + y) - x;
        let ts = tx * ty / (tx + ty) - tx;
        prop_assert!((s.value() - ts.value()).abs() < 1e-12);
        let (gs, gt) = (tape.backward(s), tape.backward(ts));
        prop_assert!((gs[x] - gt[tx]).abs() < 1e-12 && (gs[y] - gt[ty]).abs() < 1e-12);
    }
}

/// A long chain (thousands of nodes, past any initial capacity) recorded twice on a reused
/// tape gives the product of the partials.
#[test]
fn long_graphs_overflow_then_fit() {
    fn chain<'t>(x: wengert_tape::Var<'t, f64>, n: usize) -> wengert_tape::Var<'t, f64> {
        // y = x · Π (1 + 1e-4 k): dy/dx = Π (1 + 1e-4 k); retain_grad gives each factor a
        // node, which folding would otherwise avoid
        (1..=n).fold(x, |y, k| (y * (1.0 + 1e-4 * k as f64)).retain_grad())
    }
    let n = 5000;
    let want: f64 = (1..=n).map(|k| 1.0 + 1e-4 * k as f64).product();
    let mut tape = Tape::<f64>::new();
    for _ in 0..2 {
        let x = tape.var(1.0);
        let y = chain(x, n) + x * x; // a binary node after the overflow (x·x folds)
        assert_relative_eq!(tape.backward(y)[x], want + 2.0, max_relative = 1e-12);
        assert_eq!(tape.scalar_len(), n + 2);
        tape.clear();
    }
}
