//! `matmul_t` (`a · bᵀ`): against `matmul` of a materialized transpose, by finite differences,
//! by hand, and its errors.
use approx::assert_relative_eq;
use proptest::collection::vec;
use proptest::prelude::*;
use wengert_ops::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{Tape, Tensor};

/// The shapes of `a` for rows of length `k`: `(k)`, `(m, k)`, `(bs, m, k)`.
fn a_dims(form: usize, bs: usize, m: usize, k: usize) -> Vec<usize> {
    match form {
        0 => vec![k],
        1 => vec![m, k],
        _ => vec![bs, m, k],
    }
}

fn cases() -> impl Strategy<Value = (Vec<usize>, usize, Vec<f64>, Vec<f64>)> {
    (0usize..3, 1usize..4, 1usize..6, 1usize..6, 1usize..6).prop_flat_map(|(f, bs, m, k, n)| {
        let a = a_dims(f, bs, m, k);
        let len: usize = a.iter().product();
        (
            Just(a),
            Just(n),
            vec(-2.0..2.0f64, len),
            vec(-2.0..2.0f64, n * k),
        )
    })
}

proptest! {
    /// The value and both gradients equal those of `a.matmul(b.t())`, which has its own
    /// naive-loop tests (tests/linalg_props.rs).
    #[test]
    fn equals_matmul_of_the_transpose((a, n, av, bv) in cases(), seed in 0u64..100) {
        let k = *a.last().unwrap();
        let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
        let (x1, w1) = (t1.tensor(a.clone(), av.clone()), t1.tensor([n, k], bv.clone()));
        let (x2, w2) = (t2.tensor(a.clone(), av), t2.tensor([n, k], bv));
        let (y1, y2) = (x1.matmul_t(w1), x2.matmul(w2.t()));
        prop_assert_eq!(y1.shape(), y2.shape());
        let g: Vec<f64> = (0..y1.numel()).map(|i| ((i as u64 + seed) as f64 * 0.37).cos()).collect();
        let (g1, g2) = (t1.vjp(y1, &g), t2.vjp(y2, &g));
        let pairs = y1.to_vec().into_iter().zip(y2.to_vec())
            .chain(g1.wrt(x1).iter().copied().zip(g2.wrt(x2).iter().copied()))
            .chain(g1.wrt(w1).iter().copied().zip(g2.wrt(w2).iter().copied()));
        for (p, q) in pairs {
            assert_relative_eq!(p, q, epsilon = 1e-12, max_relative = 1e-12);
        }
    }

    #[test]
    fn gradcheck_every_form((a, n, av, bv) in cases()) {
        let k = *a.last().unwrap();
        let (ta, tb) = (Tensor::new(a, av), Tensor::new([n, k], bv));
        gradcheck(|_, v| v[0].matmul_t(v[1]), &[ta, tb]).unwrap();
    }
}

#[test]
fn a_row_times_a_transposed_matrix_by_hand() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([1, 2], vec![3.0, 5.0]);
    let w = tape.tensor([2, 2], vec![1.0, 2.0, -1.0, 4.0]);
    let y = x.matmul_t(w);
    // y_j = Σ_p x_p W_jp: (3 + 10, −3 + 20)
    assert_eq!(y.to_vec(), vec![13.0, 17.0]);
    // L = 2 y₀ + y₁: ∂L/∂x_p = 2 W_0p + W_1p = (1, 8); ∂L/∂W_jp = c_j x_p, c = (2, 1)
    let g = tape.vjp(y, &[2.0, 1.0]);
    assert_eq!(g.wrt(x), &[1.0, 8.0]);
    assert_eq!(g.wrt(w), &[6.0, 10.0, 3.0, 5.0]);
}

#[test]
fn errors_name_the_op_and_both_shapes() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![0.0; 6]);
    let w = tape.tensor([4, 2], vec![0.0; 8]);
    let e = x.try_matmul_t(w).unwrap_err().to_string();
    assert!(
        e.contains("matmul_t: shape mismatch: [2, 3] and [4, 2]"),
        "{e}"
    );
    assert!(e.contains("tests/matmul_t.rs"), "{e}");
    let v = tape.tensor([3], vec![0.0; 3]);
    let e = x.try_matmul_t(v).unwrap_err().to_string();
    assert!(e.contains("matmul_t") && e.contains("b must be 2-D"), "{e}");
}

#[test]
#[should_panic(expected = "matmul_t: shape mismatch")]
fn the_operator_form_panics_with_the_shapes() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![0.0; 6]);
    let _ = x.matmul_t(tape.tensor([3, 2], vec![0.0; 6]));
}
