//! Broadcast binary ops run row by row (the odometer once per row of the last axis, a
//! constant-stride kernel along it): every stretch pattern of a rank-3 output, forward
//! against an index-by-index reference, gradients against the sum over stretched axes.
use proptest::prelude::*;
use wengert_tape::Tape;

const OUT: [usize; 3] = [2, 3, 4];

/// The index of `out_idx` into an operand of shape `dims` (right-aligned, size-1 axes stretched).
fn index_of(dims: &[usize], out_idx: [usize; 3]) -> usize {
    let off = 3 - dims.len();
    let mut i = 0;
    for (k, &d) in dims.iter().enumerate() {
        i = i * d + if d == 1 { 0 } else { out_idx[k + off] };
    }
    i
}

fn all_out_indices() -> impl Iterator<Item = [usize; 3]> {
    (0..OUT[0]).flat_map(|i| (0..OUT[1]).flat_map(move |j| (0..OUT[2]).map(move |k| [i, j, k])))
}

/// Operand shapes that broadcast to `[2, 3, 4]`: every axis kept or stretched, and dropped
/// leading axes.
fn shapes() -> Vec<Vec<usize>> {
    let mut v = Vec::new();
    for mask in 0..8u32 {
        let dims: Vec<usize> = (0..3)
            .map(|k| if mask & (1 << k) != 0 { 1 } else { OUT[k] })
            .collect();
        v.push(dims.clone());
        v.push(dims[1..].to_vec());
        v.push(dims[2..].to_vec());
    }
    v
}

fn values(n: usize, seed: f64) -> Vec<f64> {
    (0..n)
        .map(|i| (i as f64 * 0.737 + seed).sin() + 1.5)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn rows_match_the_elementwise_reference(sa in 0usize..24, sb in 0usize..24, seed in -3.0f64..3.0) {
        let all = shapes();
        let (da, db) = (&all[sa], &all[sb]);
        // The output must be [2, 3, 4]: at least one operand keeps each axis.
        prop_assume!((0..3).all(|k| {
            let at = |d: &[usize]| if k + d.len() >= 3 { d[k + d.len() - 3] } else { 1 };
            at(da) == OUT[k] || at(db) == OUT[k]
        }));
        let na: usize = da.iter().product();
        let nb: usize = db.iter().product();
        let (av, bv) = (values(na, seed), values(nb, seed + 1.0));
        let w = values(24, seed + 2.0);
        let tape = Tape::<f64>::new();
        let a = tape.tensor(da.clone(), av.clone());
        let b = tape.tensor(db.clone(), bv.clone());
        let q = a * b - a / b;
        let loss = (q * tape.constant_tensor(OUT, w.clone())).sum_all();
        let grads = tape.backward(loss);
        let got = q.to_vec();
        // q = a·b − a/b: ∂q/∂a = b − 1/b, ∂q/∂b = a + a/b²; the gradients sum w·∂q over the
        // output elements each operand element was stretched to.
        let (mut ga, mut gb) = (vec![0.0; na], vec![0.0; nb]);
        for (o, idx) in all_out_indices().enumerate() {
            let (ia, ib) = (index_of(da, idx), index_of(db, idx));
            let (x, y) = (av[ia], bv[ib]);
            prop_assert!((got[o] - (x * y - x / y)).abs() < 1e-12, "q[{:?}]", idx);
            ga[ia] += w[o] * (y - 1.0 / y);
            gb[ib] += w[o] * (x + x / (y * y));
        }
        for (g, r) in grads.wrt(a).iter().zip(&ga) {
            prop_assert!((g - r).abs() < 1e-10, "∂/∂a: {} vs {}", g, r);
        }
        for (g, r) in grads.wrt(b).iter().zip(&gb) {
            prop_assert!((g - r).abs() < 1e-10, "∂/∂b: {} vs {}", g, r);
        }
    }
}

#[test]
fn an_empty_last_axis_broadcasts_to_nothing() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([3, 0], vec![]);
    let b = tape.tensor([1, 0], vec![]);
    let c = a + b;
    assert_eq!(c.shape().dims(), &[3, 0]);
    assert_eq!(tape.backward(c.sum_all()).wrt(a), &[] as &[f64]);
}
