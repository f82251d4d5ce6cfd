//! Property tests of the reductions: finite-difference gradient checks in f64 over random
//! shapes (rank 1–3) and axes, and invariances (shift invariance of logsumexp, the logsum /
//! logsumexp relation, logsum → min, max and argmax agreeing).
use approx::assert_abs_diff_eq;
use proptest::prelude::*;
use wengert_ops::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::Tape;

mod common;
use common::tensor_and_axis;

fn cfg() -> ProptestConfig {
    ProptestConfig::with_cases(40)
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn sum_and_mean_gradcheck((x, a) in tensor_and_axis()) {
        let ax = Axis(a);
        gradcheck(|_, v| v[0].sum() + v[0].mean() * 3.0, std::slice::from_ref(&x)).unwrap();
        gradcheck(|_, v| v[0].sum_axis(ax), std::slice::from_ref(&x)).unwrap();
        gradcheck(|_, v| v[0].mean_axis(ax), &[x]).unwrap();
    }

    #[test]
    fn max_min_gradcheck((x, a) in tensor_and_axis()) {
        // Random reals are tie-free (ties closer than the FD step have probability ~0).
        let ax = Axis(a);
        gradcheck(|_, v| v[0].max() - v[0].min() * 2.0, std::slice::from_ref(&x)).unwrap();
        gradcheck(|_, v| v[0].max_axis(ax), std::slice::from_ref(&x)).unwrap();
        gradcheck(|_, v| v[0].min_axis(ax), &[x]).unwrap();
    }

    #[test]
    fn logsumexp_and_logsum_gradcheck((x, a) in tensor_and_axis(), beta in 0.1f64..5.0) {
        let ax = Axis(a);
        gradcheck(|_, v| v[0].logsumexp(), std::slice::from_ref(&x)).unwrap();
        gradcheck(|_, v| v[0].logsumexp_axis(ax), std::slice::from_ref(&x)).unwrap();
        gradcheck(move |_, v| v[0].logsum(beta), std::slice::from_ref(&x)).unwrap();
        gradcheck(move |_, v| v[0].logsum_axis(ax, beta), &[x]).unwrap();
    }

    #[test]
    fn reductions_compose_in_a_chain((x, a) in tensor_and_axis()) {
        // A product of the reductions, so that non-unit cotangents reach every VJP.
        let ax = Axis(a);
        gradcheck(
            |_, v| {
                let t = v[0];
                (t.logsumexp_axis(ax) * t.max_axis(ax) + t.sum_axis(ax) * t.logsum_axis(ax, 2.0)).sum()
            },
            &[x],
        )
        .unwrap();
    }

    #[test]
    fn sum_axis_agrees_with_sum((x, a) in tensor_and_axis()) {
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        assert_abs_diff_eq!(t.sum_axis(Axis(a)).sum().value(), t.sum().value(), epsilon = 1e-12);
        let n = x.shape()[a] as f64;
        assert_abs_diff_eq!(t.mean_axis(Axis(a)).sum().value() * n, t.sum().value(), epsilon = 1e-12);
    }

    #[test]
    fn logsumexp_is_shift_invariant((x, a) in tensor_and_axis(), c in -50.0f64..50.0) {
        // lse(x + c) = lse(x) + c, with the same gradient softmax(x).
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        let y0 = t.logsumexp();
        let y1 = (t + c).logsumexp();
        assert_abs_diff_eq!(y1.value(), y0.value() + c, epsilon = 1e-11);
        let g0 = tape.backward(y0).to_vec(t);
        let g1 = tape.backward(y1).to_vec(t);
        for (p, q) in g0.iter().zip(&g1) {
            assert_abs_diff_eq!(p, q, epsilon = 1e-12);
        }
        let (ya, yb) = (t.logsumexp_axis(Axis(a)), (t + c).logsumexp_axis(Axis(a)));
        for (p, q) in ya.to_vec().iter().zip(yb.to_vec()) {
            assert_abs_diff_eq!(p + c, q, epsilon = 1e-11);
        }
        let ct = vec![1.0; ya.numel()];
        let (ga, gb) = (tape.vjp(ya, &ct).to_vec(t), tape.vjp(yb, &ct).to_vec(t));
        for (p, q) in ga.iter().zip(&gb) {
            assert_abs_diff_eq!(p, q, epsilon = 1e-12);
        }
    }

    #[test]
    fn logsum_is_minus_logsumexp_of_minus_beta_x((x, a) in tensor_and_axis(), beta in 0.01f64..1e3) {
        // logsum(β, x) = −logsumexp(−β x)/β, along all elements and along an axis.
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        let lhs = t.logsum(beta).value();
        let rhs = -(t * -beta).logsumexp().value() / beta;
        assert_abs_diff_eq!(lhs, rhs, epsilon = 1e-9 * (1.0 + rhs.abs()));
        let lhs = t.logsum_axis(Axis(a), beta).to_vec();
        let rhs = ((t * -beta).logsumexp_axis(Axis(a)) / -beta).to_vec();
        for (p, q) in lhs.iter().zip(&rhs) {
            assert_abs_diff_eq!(p, q, epsilon = 1e-9 * (1.0 + q.abs()));
        }
        // Bounds: min x − (ln n)/β ≤ logsum ≤ min x.
        let (m, n) = (t.min().value(), x.data().len() as f64);
        let y = t.logsum(beta).value();
        prop_assert!(y <= m + 1e-12 && y >= m - n.ln() / beta - 1e-12, "{y} vs min {m}");
    }

    #[test]
    fn logsum_tends_to_the_min(v in prop::collection::vec(-3.0f64..3.0, 2..10)) {
        // Well separated values (distinct multiples of 0.5 after rounding): at β = 1e3 the
        // logsum is within 1e-2 of the min, and the gradient is one-hot at the argmin.
        let mut v: Vec<f64> = v.iter().map(|x| (x * 2.0).round() / 2.0).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        let tape = Tape::new();
        let t = tape.tensor([v.len()], v.clone());
        let y = t.logsum(1e3);
        let m = v[0];
        prop_assert!((y.value() - m).abs() < 1e-2, "{} vs {m}", y.value());
        let g = tape.backward(y).to_vec(t);
        assert_abs_diff_eq!(g[0], 1.0, epsilon = 1e-12);
        // And monotonically: larger β, closer to the min (from below).
        let ys: Vec<f64> = [0.1, 1.0, 10.0, 1e3].iter().map(|&b| t.logsum(b).value()).collect();
        prop_assert!(ys.windows(2).all(|w| w[0] <= w[1] + 1e-12), "{ys:?}");
    }

    #[test]
    fn max_gradient_is_one_hot_at_the_argmax((x, a) in tensor_and_axis()) {
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        let y = t.max();
        let k = t.argmax();
        prop_assert_eq!(y.value(), x.data()[k]);
        prop_assert!(x.data().iter().all(|&e| e <= y.value()));
        let g = tape.backward(y).to_vec(t);
        for (i, gi) in g.iter().enumerate() {
            prop_assert_eq!(*gi, if i == k { 1.0 } else { 0.0 });
        }
        // Along an axis: each lane's max is its argmax element.
        let idx = t.argmax_axis(Axis(a));
        let m = t.max_axis(Axis(a)).to_vec();
        let d = x.shape().dims();
        let inner: usize = d[a + 1..].iter().product();
        for (j, (&kk, &mv)) in idx.iter().zip(&m).enumerate() {
            let (o, i) = (j / inner, j % inner);
            prop_assert_eq!(x.data()[(o * d[a] + kk) * inner + i], mv);
        }
    }
}

#[test]
fn ties_go_to_the_first_index() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![2.0, 2.0, 2.0, -1.0, 4.0, 4.0]);
    assert_eq!(x.argmax(), 4);
    assert_eq!(x.argmin(), 3);
    assert_eq!(x.argmax_axis(Axis(1)), vec![0, 1]);
    assert_eq!(x.argmin_axis(Axis(0)), vec![1, 0, 0]);
    let g = tape.backward(x.max()).to_vec(x);
    assert_eq!(g, vec![0.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    let g = tape.backward(x.min_axis(Axis(1)).sum()).to_vec(x);
    assert_eq!(g, vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
}
