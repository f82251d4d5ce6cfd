//! Literal tests of the reductions (hand-derived derivatives in the comments), their
//! stability, and their errors. Finite-difference and invariance properties are in
//! `reduce_props.rs`.
use approx::assert_abs_diff_eq;
use wengert_ops::prelude::*;
use wengert_ops::reduce;
use wengert_tape::{ErrorKind, Tape};

mod common;
use common::close;

#[test]
fn sum_and_mean_of_all_elements() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let y = x.sum() * 2.0 + x.mean();
    // y = 2 Σx + Σx/6  =>  ∂y/∂xₖ = 2 + 1/6
    assert_abs_diff_eq!(y.value(), 42.0 + 3.5, epsilon = 1e-12);
    assert_eq!(x.sum().shape().rank(), 0);
    close(tape.backward(y).wrt(x), &[2.0 + 1.0 / 6.0; 6], 1e-15);
}

#[test]
fn scalar_vars_are_returned_unchanged() {
    let tape = Tape::<f64>::new();
    let x = tape.var(1.5);
    for y in [
        x.sum(),
        x.mean(),
        x.max(),
        x.min(),
        x.logsumexp(),
        x.logsum(3.0),
    ] {
        assert!(!y.is_tensor());
        assert_eq!(y.value(), 1.5);
        assert_eq!(tape.backward(y)[x], 1.0);
    }
    assert_eq!(x.argmax(), 0);
    assert_eq!(x.argmin(), 0);
    // A rank-0 tensor goes through the tensor path and gives a rank-0 tensor.
    let t = tape.tensor(wengert_tape::Shape::scalar(), vec![2.0]);
    let y = t.logsumexp();
    assert!(y.is_tensor());
    assert_eq!(y.value(), 2.0);
    assert_eq!(tape.backward(y).wrt(t), &[1.0]);
}

#[test]
fn sum_axis_and_mean_axis_of_a_3d_tensor() {
    let tape = Tape::<f64>::new();
    let data: Vec<f64> = (0..24).map(f64::from).collect();
    let x = tape.tensor([2, 3, 4], data);
    let s = x.sum_axis(Axis(1));
    assert_eq!(s.shape().dims(), &[2, 4]);
    // s[o, i] = Σₖ x[o, k, i], x[o, k, i] = 12 o + 4 k + i  =>  36 o + 12 + 3 i
    let want: Vec<f64> = (0..2)
        .flat_map(|o| (0..4).map(move |i| f64::from(36 * o + 12 + 3 * i)))
        .collect();
    assert_eq!(s.to_vec(), want);
    // ∂(Σ c[o,i] s[o,i])/∂x[o,k,i] = c[o,i]: the cotangent broadcast along the axis.
    let c: Vec<f64> = (0..8).map(f64::from).collect();
    let g = tape.vjp(s, &c).to_vec(x);
    for o in 0..2 {
        for k in 0..3 {
            for i in 0..4 {
                assert_eq!(g[12 * o + 4 * k + i], c[4 * o + i]);
            }
        }
    }
    let m = x.mean_axis(Axis(0));
    assert_eq!(m.shape().dims(), &[3, 4]);
    assert_eq!(m.to_vec(), (6..18).map(f64::from).collect::<Vec<_>>());
    // ∂m[k,i]/∂x[o,k,i] = 1/2
    close(tape.vjp(m, &[1.0; 12]).wrt(x), &[0.5; 24], 0.0);
    let last = x.sum_axis(Axis(2));
    assert_eq!(last.to_vec()[..2], [6.0, 22.0]);
}

#[test]
fn sums_over_empty_axes() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 0], vec![]);
    assert_eq!(x.sum_axis(Axis(1)).to_vec(), vec![0.0, 0.0]); // the empty sum is 0
    assert!(x.mean_axis(Axis(1)).to_vec().iter().all(|m| m.is_nan())); // 0/0
    assert_eq!(x.sum_axis(Axis(0)).shape().dims(), &[0]);
    assert_eq!(x.sum().value(), 0.0);
    assert!(x.try_max().is_err());
    // No lanes at all is fine: the result is empty too.
    let y = tape.tensor([0, 3], vec![]);
    let m = y.max_axis(Axis(1));
    assert_eq!(m.shape().dims(), &[0]);
    assert_eq!(tape.vjp(m.sum_axis(Axis(0)), &[1.0]).wrt(y), &[] as &[f64]);
    assert_eq!(y.argmin_axis(Axis(1)), Vec::<usize>::new());
}

#[test]
fn max_and_min_send_the_gradient_to_the_selected_element() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([5], vec![3.0, -1.0, 8.0, 8.0, -1.0]);
    let y = x.max() * 2.0 + x.min() * 3.0;
    // y = 2 max x + 3 min x  =>  ∂y/∂x = 2·e₂ + 3·e₁ (ties: the first index)
    assert_eq!(y.value(), 16.0 - 3.0);
    assert_eq!(tape.backward(y).wrt(x), &[0.0, 3.0, 2.0, 0.0, 0.0]);
    assert_eq!(x.argmax(), 2);
    assert_eq!(x.argmin(), 1);
}

#[test]
fn max_axis_and_min_axis_with_ties() {
    let tape = Tape::<f64>::new();
    // [[[1, 5], [5, 2], [0, 5]],
    //  [[4, 4], [4, 9], [4, -1]]]
    let x = tape.tensor(
        [2, 3, 2],
        vec![1.0, 5.0, 5.0, 2.0, 0.0, 5.0, 4.0, 4.0, 4.0, 9.0, 4.0, -1.0],
    );
    let m = x.max_axis(Axis(1));
    assert_eq!(m.to_vec(), vec![5.0, 5.0, 4.0, 9.0]);
    assert_eq!(x.argmax_axis(Axis(1)), vec![1, 0, 0, 1]);
    // ∂m[o,i]/∂x[o,k,i] = [k = argmax]: cotangent c lands at the (first) argmax of each lane.
    let g = tape.vjp(m, &[1.0, 2.0, 3.0, 4.0]).to_vec(x);
    assert_eq!(
        g,
        vec![0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 4.0, 0.0, 0.0]
    );
    let n = x.min_axis(Axis(0));
    assert_eq!(n.to_vec(), vec![1.0, 4.0, 4.0, 2.0, 0.0, -1.0]);
    assert_eq!(x.argmin_axis(Axis(0)), vec![0, 1, 1, 0, 0, 1]);
    assert_eq!(x.argmax_axis(Axis(2)), vec![1, 0, 1, 0, 1, 0]);
    let g = tape.vjp(n, &[1.0; 6]).to_vec(x);
    assert_eq!(
        g,
        vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]
    );
}

#[test]
fn nan_propagates_through_max() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![1.0, f64::NAN, 3.0]);
    assert!(x.max().value().is_nan());
    assert_eq!(x.argmax(), 1);
    assert!(x.logsumexp().value().is_nan());
}

#[test]
fn logsumexp_literal() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![0.0, 1.0, 2.0]);
    let y = x.logsumexp();
    let z: f64 = [0.0f64, 1.0, 2.0].iter().map(|v| v.exp()).sum();
    // y = ln Σ eˣ  =>  ∂y/∂xₖ = eˣᵏ / Σ eˣ
    assert_abs_diff_eq!(y.value(), z.ln(), epsilon = 1e-14);
    let want: Vec<f64> = [0.0f64, 1.0, 2.0].iter().map(|v| v.exp() / z).collect();
    close(tape.backward(y).wrt(x), &want, 1e-15);
}

#[test]
fn logsumexp_axis_literal() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 2], vec![0.0, 3.0, 0.0, 1.0]);
    let y = x.logsumexp_axis(Axis(0));
    // y₀ = ln 2 (column [0, 0]); y₁ = ln(e³ + e) (column [3, 1])
    let y1 = (3f64.exp() + 1f64.exp()).ln();
    close(&y.to_vec(), &[2f64.ln(), y1], 1e-14);
    // ∂yᵢ/∂x[k, i] = exp(x[k, i] − yᵢ)
    let g = tape.vjp(y, &[1.0, 1.0]).to_vec(x);
    close(&g, &[0.5, (3.0 - y1).exp(), 0.5, (1.0 - y1).exp()], 1e-15);
}

#[test]
fn logsum_literal() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![1.0, 2.0, 4.0]);
    let beta = 0.5;
    let y = x.logsum(beta);
    // y = −(1/β) ln Σ e^(−β x)  =>  ∂y/∂xₖ = e^(−β xₖ) / Σⱼ e^(−β xⱼ) = softmax(−β x)ₖ
    let w: Vec<f64> = [1.0f64, 2.0, 4.0]
        .iter()
        .map(|v| (-beta * v).exp())
        .collect();
    let z: f64 = w.iter().sum();
    assert_abs_diff_eq!(y.value(), -z.ln() / beta, epsilon = 1e-14);
    let want: Vec<f64> = w.iter().map(|v| v / z).collect();
    close(tape.backward(y).wrt(x), &want, 1e-15);
}

#[test]
fn logsum_axis_literal() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 2], vec![0.0, 1.0, 2.0, 2.0]);
    let y = x.logsum_axis(Axis(1), 2.0);
    // row [0, 1]: y = −½ ln(1 + e⁻²), ∂y/∂x = (1, e⁻²)/(1 + e⁻²); row [2, 2]: y = 2 − ½ ln 2
    let z = 1.0 + (-2f64).exp();
    close(&y.to_vec(), &[-z.ln() / 2.0, 2.0 - 2f64.ln() / 2.0], 1e-14);
    let g = tape.vjp(y, &[1.0, 1.0]).to_vec(x);
    close(&g, &[1.0 / z, (-2f64).exp() / z, 0.5, 0.5], 1e-15);
}

#[test]
fn stable_for_entries_of_magnitude_1e4() {
    let tape = Tape::<f64>::new();
    let v = [1e4, -1e4, 1e4 - 1.0, 5e3];
    let x = tape.tensor([4], v.to_vec());
    // logsumexp = 1e4 + ln(1 + e⁻¹) (the other terms underflow to 0 relative to 1)
    let y = x.logsumexp();
    let z = 1.0 + (-1f64).exp();
    assert_abs_diff_eq!(y.value(), 1e4 + z.ln(), epsilon = 1e-9);
    close(
        tape.backward(y).wrt(x),
        &[1.0 / z, 0.0, (-1f64).exp() / z, 0.0],
        1e-10,
    );

    // logsum at β = 1e3 is the minimum, and the gradient is one-hot at it.
    let y = x.logsum(1e3);
    assert_eq!(y.value(), -1e4);
    assert_eq!(tape.backward(y).wrt(x), &[0.0, 1.0, 0.0, 0.0]);

    // Near-ties at 1e4 with β = 1e3: differences of 1e-3 matter (β Δ = 1).
    let w = [1e4, 1e4 + 1e-3, 1e4 + 1.0];
    let x = tape.tensor([3], w.to_vec());
    let y = x.logsum(1e3);
    let d: Vec<f64> = w.iter().map(|v| (v - 1e4) * 1e3).collect();
    let z: f64 = d.iter().map(|v| (-v).exp()).sum();
    assert_abs_diff_eq!(y.value(), 1e4 - z.ln() / 1e3, epsilon = 1e-9);
    let want: Vec<f64> = d.iter().map(|v| (-v).exp() / z).collect();
    close(tape.backward(y).wrt(x), &want, 1e-9);
    assert!(y.value().is_finite());

    // And along an axis, with −1e4 and 1e4 in the same lanes.
    let x = tape.tensor([2, 2], vec![1e4, -1e4, -1e4, 1e4]);
    let y = x.logsumexp_axis(Axis(0));
    assert_eq!(y.to_vec(), vec![1e4, 1e4]);
    let y = x.logsum_axis(Axis(1), 1e3);
    assert_eq!(y.to_vec(), vec![-1e4, -1e4]);
    assert_eq!(tape.vjp(y, &[1.0, 1.0]).wrt(x), &[0.0, 1.0, 1.0, 0.0]);
}

#[test]
fn f32_works_too() {
    let tape = Tape::<f32>::new();
    let x = tape.tensor([3], vec![1e4f32, 1e4 + 1.0, -3.0]);
    let y = x.logsumexp();
    assert!(y.value().is_finite());
    let y = x.logsum(1e3);
    assert_eq!(y.value(), -3.0);
    assert_eq!(tape.backward(y).wrt(x), &[0.0, 0.0, 1.0]);
}

#[test]
fn invalid_arguments_give_clear_errors() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![1.0; 6]);
    for beta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = x.try_logsum(beta).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::InvalidArgument { op: "logsum", .. }),
            "{e}"
        );
        assert!(e.to_string().contains("β must be finite and > 0"), "{e}");
        assert!(x.try_logsum_axis(Axis(0), beta).is_err());
    }
    let e = x.try_sum_axis(Axis(2)).unwrap_err();
    assert!(
        e.to_string()
            .contains("sum_axis: axis 2 is out of range for a tensor of shape [2, 3] (rank 2)"),
        "{e}"
    );
    // The error points at the caller's line, through the trait method.
    assert_eq!(e.location().unwrap().file(), file!());
    assert!(x.try_mean_axis(Axis(5)).is_err());
    assert!(x.try_max_axis(Axis(2)).is_err());
    assert!(x.try_argmin_axis(Axis(2)).is_err());
    assert!(x.try_logsumexp_axis(Axis(2)).is_err());
    let s = tape.var(1.0);
    assert!(s.try_sum_axis(Axis(0)).is_err()); // a scalar has rank 0

    let empty = tape.tensor([0], vec![]);
    for e in [
        empty.try_max().unwrap_err(),
        empty.try_min().unwrap_err(),
        empty.try_logsumexp().unwrap_err(),
        empty.try_logsum(1.0).unwrap_err(),
    ] {
        assert!(
            e.to_string()
                .contains("cannot reduce an empty tensor (shape [0])"),
            "{e}"
        );
    }
    assert!(empty.try_argmax().is_err());
    let e = tape
        .tensor([3, 0], vec![])
        .try_max_axis(Axis(1))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("max_axis: cannot reduce over axis 1 of length 0"),
        "{e}"
    );
}

#[test]
#[should_panic(expected = "logsum: β must be finite and > 0, got 0")]
fn logsum_panics_on_zero_beta() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2], vec![1.0, 2.0]);
    let _ = x.logsum(0.0);
}

#[test]
#[should_panic(expected = "tests/reduce.rs")]
fn panics_name_the_callers_line() {
    let tape = Tape::<f64>::new();
    let _ = reduce::max(tape.tensor([0], vec![]));
}
