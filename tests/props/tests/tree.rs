//! Transforms over structured inputs: `grad_of` on tensors, a ParamStore, slices, arrays and
//! tuples agrees with recording by hand, and closures capture data (borrowed, not copied).
use approx::assert_relative_eq;
use proptest::prelude::*;
use wengert::prelude::*;
use wengert::tape::transforms::{grad, grad_of, value_and_grad_of};

/// loss(W, b) = Σᵢ (W xᵢ + b − yᵢ)² over a captured minibatch (W: [1, 2], b scalar).
fn by_hand(w: &[f64], b: f64, xs: &[[f64; 2]], ys: &[f64]) -> (f64, Vec<f64>, f64) {
    let (mut l, mut gw, mut gb) = (0.0, vec![0.0; 2], 0.0);
    for (x, &y) in xs.iter().zip(ys) {
        let r = w[0] * x[0] + w[1] * x[1] + b - y;
        l += r * r;
        // ∂/∂W = 2 r xᵀ, ∂/∂b = 2 r
        gw[0] += 2.0 * r * x[0];
        gw[1] += 2.0 * r * x[1];
        gb += 2.0 * r;
    }
    (l, gw, gb)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn param_store_gradient_matches_the_hand_derivation(
        w in prop::array::uniform2(-2.0f64..2.0),
        b in -1.0f64..1.0,
        data in prop::collection::vec((prop::array::uniform2(-2.0f64..2.0), -2.0f64..2.0), 1..6),
    ) {
        let xs: Vec<[f64; 2]> = data.iter().map(|d| d.0).collect();
        let ys: Vec<f64> = data.iter().map(|d| d.1).collect();
        let flat: Vec<f64> = xs.iter().flatten().copied().collect();
        let mut store = ParamStore::new();
        let kw = store.insert("w", Tensor::new([2, 1], w.to_vec()));
        let kb = store.insert("b", Tensor::scalar(b));
        let n = xs.len();
        let (l, g) = value_and_grad_of(
            |p| {
                let tape = p.var(kw).tape();
                let x = tape.constant_tensor_from([n, 2], &flat); // borrowed from the caller
                let y = tape.constant_tensor_from([n, 1], &ys);
                let r = x.matmul(p.var(kw)) + p.var(kb) - y;
                (r * r).sum_all()
            },
            &store,
        );
        let (l0, gw0, gb0) = by_hand(&w, b, &xs, &ys);
        assert_relative_eq!(l, l0, max_relative = 1e-12);
        assert_relative_eq!(g.get(kw).data()[0], gw0[0], max_relative = 1e-12, epsilon = 1e-12);
        assert_relative_eq!(g.get(kw).data()[1], gw0[1], max_relative = 1e-12, epsilon = 1e-12);
        assert_relative_eq!(g.get(kb).data()[0], gb0, max_relative = 1e-12, epsilon = 1e-12);
        assert_eq!(g.name(kw), "w");
    }
}

#[test]
fn tensors_slices_arrays_and_tuples() {
    // f(A, v, [s, t]) = ΣA · (v₀ + 2 v₁) + s t²
    let a = Tensor::new([2], vec![1.0, 2.0]);
    let v = vec![3.0, 4.0];
    let st = [5.0, 6.0];
    let (ga, gv, gst) = grad_of(
        |(a, v, [s, t])| a.sum_all() * (v[0] + v[1] * 2.0) + *s * *t * *t,
        &(a, v.clone(), st),
    );
    // ∂/∂A = v₀ + 2v₁ = 11 each, ∂/∂v = (ΣA, 2ΣA) = (3, 6), ∂/∂s = t² = 36, ∂/∂t = 2st = 60
    assert_eq!(ga.data(), &[11.0, 11.0]);
    assert_eq!(gv, vec![3.0, 6.0]);
    assert_eq!(gst, [36.0, 60.0]);
    // a slice of tensors
    let ts = vec![Tensor::new([2], vec![1.0, -1.0]), Tensor::scalar(3.0)];
    let g = grad_of(|t| (t[0] * t[0]).sum_all() * t[1], &ts);
    // ∂/∂t₀ = 2 t₀ t₁, ∂/∂t₁ = Σ t₀²
    assert_eq!(g[0].data(), &[6.0, -6.0]);
    assert_eq!(g[1].data(), &[2.0]);
    // the flat form agrees with the slice form
    assert_eq!(grad(|x| x[0] * x[1], &v), grad_of(|x| x[0] * x[1], &v[..]));
}

#[test]
fn capturing_closures_need_no_helper() {
    let data = [2.0, -1.0, 0.5];
    let scale = 3.0;
    // f(x) = scale · Σ dᵢ xᵢ²: ∂/∂xᵢ = 2 scale dᵢ xᵢ
    let g = grad(
        |x| {
            let mut acc = x[0] * x[0] * data[0];
            for i in 1..3 {
                acc = acc + x[i] * x[i] * data[i];
            }
            acc * scale
        },
        &[1.0, 2.0, 4.0],
    );
    assert_eq!(g, vec![12.0, -12.0, 12.0]);
    // a minibatch borrowed by the closure, recorded with no Vec per step
    let batch: Vec<f64> = (0..6).map(f64::from).collect();
    let mut tape = Tape::<f64>::new();
    for _ in 0..2 {
        let x = tape.constant_tensor_from([2, 3], &batch);
        let w = tape.var(0.5);
        let g = tape.backward((x * w).sum_all());
        assert_eq!(g[w], 15.0);
        drop(g);
        tape.clear();
    }
}
