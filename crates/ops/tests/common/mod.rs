//! Helpers shared by the reduction and softmax tests.
// Each test crate that declares `mod common;` uses only some of these.
#![allow(dead_code)]
use approx::assert_abs_diff_eq;
use proptest::prelude::*;
use wengert_tape::Tensor;

/// Asserts that `a` and `b` have the same length and agree elementwise to `tol`.
pub fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert_abs_diff_eq!(*x, *y, epsilon = tol);
    }
}

/// A random tensor of rank 1–3 (axes of length 1–4) with entries in [−3, 3], and an axis.
pub fn tensor_and_axis() -> impl Strategy<Value = (Tensor<f64>, usize)> {
    prop::collection::vec(1usize..=4, 1..=3).prop_flat_map(|dims| {
        let n: usize = dims.iter().product();
        let rank = dims.len();
        (
            prop::collection::vec(-3.0f64..3.0, n).prop_map(move |v| Tensor::new(dims.clone(), v)),
            0..rank,
        )
    })
}
