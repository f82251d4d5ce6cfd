//! Properties of the linear-algebra ops over random shapes: every matmul form against a naive
//! triple loop, finite-difference gradients, and transpose identities.
use approx::assert_relative_eq;
use proptest::collection::vec;
use proptest::prelude::*;
use wengert_ops::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{Shape, Tape, Tensor};

/// `batch` naive products of row-major `m × k` and `k × n` blocks (B shared unless
/// `b_batched`).
#[allow(clippy::too_many_arguments)]
fn naive(
    a: &[f64],
    b: &[f64],
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
    b_batched: bool,
) -> Vec<f64> {
    let mut c = vec![0.0; batch * m * n];
    for q in 0..batch {
        let boff = if b_batched { q * k * n } else { 0 };
        for i in 0..m {
            for j in 0..n {
                c[(q * m + i) * n + j] = (0..k)
                    .map(|p| a[(q * m + i) * k + p] * b[boff + p * n + j])
                    .sum();
            }
        }
    }
    c
}

/// One of the matmul forms with its operand shapes and the naive product's parameters.
#[derive(Clone, Debug)]
struct Case {
    a: Vec<usize>,
    b: Vec<usize>,
    out: Vec<usize>,
    /// (batch, m, k, n, b_batched) for [`naive`].
    plan: (usize, usize, usize, usize, bool),
}

fn case(form: usize, bs: usize, m: usize, k: usize, n: usize) -> Case {
    let (a, b, out, plan) = match form {
        0 => (vec![m, k], vec![k, n], vec![m, n], (1, m, k, n, false)),
        1 => (vec![m, k], vec![k], vec![m], (1, m, k, 1, false)),
        2 => (vec![k], vec![k, n], vec![n], (1, 1, k, n, false)),
        3 => (vec![k], vec![k], vec![], (1, 1, k, 1, false)),
        4 => (
            vec![bs, m, k],
            vec![bs, k, n],
            vec![bs, m, n],
            (bs, m, k, n, true),
        ),
        5 => (
            vec![bs, m, k],
            vec![k, n],
            vec![bs, m, n],
            (bs, m, k, n, false),
        ),
        _ => (vec![bs, m, k], vec![k], vec![bs, m], (bs, m, k, 1, false)),
    };
    Case { a, b, out, plan }
}

/// A random form and shape (lengths up to `max`, 0 allowed when `zero`) with operand values.
fn cases(max: usize, zero: bool) -> impl Strategy<Value = (Case, Vec<f64>, Vec<f64>)> {
    let lo = usize::from(!zero);
    (0usize..7, 1..4usize, lo..=max, lo..=max, lo..=max).prop_flat_map(|(f, bs, m, k, n)| {
        let c = case(f, bs, m, k, n);
        let (la, lb): (usize, usize) = (c.a.iter().product(), c.b.iter().product());
        (Just(c), vec(-2.0..2.0f64, la), vec(-2.0..2.0f64, lb))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn matmul_matches_a_naive_triple_loop((c, av, bv) in cases(9, true)) {
        let tape = Tape::<f64>::new();
        let a = tape.tensor(c.a.clone(), av.clone());
        let b = tape.tensor(c.b.clone(), bv.clone());
        let y = a.matmul(b);
        prop_assert_eq!(y.shape(), Shape::from(c.out.clone()));
        let (q, m, k, n, bb) = c.plan;
        let want = naive(&av, &bv, q, m, k, n, bb);
        for (x, w) in y.to_vec().iter().zip(&want) {
            assert_relative_eq!(*x, *w, epsilon = 1e-12, max_relative = 1e-12);
        }
    }

    /// The gradients against the explicit formulas dA = G·Bᵀ, dB = Aᵀ·G, computed naively,
    /// on larger shapes than the finite-difference check below can afford.
    #[test]
    fn matmul_vjp_matches_the_formulas((c, av, bv) in cases(12, true), seed in 0u64..1000) {
        let tape = Tape::<f64>::new();
        let a = tape.tensor(c.a.clone(), av.clone());
        let b = tape.tensor(c.b.clone(), bv.clone());
        let y = a.matmul(b);
        let (q, m, k, n, bb) = c.plan;
        let g: Vec<f64> = (0..y.numel()).map(|i| ((i as u64 + seed) as f64 * 0.61).sin()).collect();
        let grads = tape.vjp(y, &g);
        // dA_b = G_b·B_bᵀ and dB_b = A_bᵀ·G_b, summed over b for a shared B.
        let (mut da, mut db) = (vec![0.0; av.len()], vec![0.0; bv.len()]);
        for s in 0..q {
            let boff = if bb { s * k * n } else { 0 };
            for i in 0..m {
                for p in 0..k {
                    for j in 0..n {
                        let gij = g[(s * m + i) * n + j];
                        da[(s * m + i) * k + p] += gij * bv[boff + p * n + j];
                        db[boff + p * n + j] += av[(s * m + i) * k + p] * gij;
                    }
                }
            }
        }
        for (x, w) in grads.wrt(a).iter().zip(&da).chain(grads.wrt(b).iter().zip(&db)) {
            assert_relative_eq!(*x, *w, epsilon = 1e-12, max_relative = 1e-12);
        }
    }

    #[test]
    fn matmul_gradcheck((c, av, bv) in cases(3, false)) {
        let ta = Tensor::new(c.a.clone(), av);
        let tb = Tensor::new(c.b.clone(), bv);
        gradcheck(|_, v| v[0].matmul(v[1]), &[ta, tb]).unwrap();
    }

    #[test]
    fn dot_and_outer_gradcheck(
        (u, v) in (1usize..6, 1usize..6).prop_flat_map(|(m, n)| (vec(-2.0..2.0f64, m), vec(-2.0..2.0f64, n)))
    ) {
        let (tu, tv) = (Tensor::new([u.len()], u.clone()), Tensor::new([v.len()], v.clone()));
        gradcheck(|_, x| x[0].outer(x[1]), &[tu.clone(), tv]).unwrap();
        gradcheck(|_, x| x[0].dot(x[0].map::<Sq>()), &[tu]).unwrap();
    }

    #[test]
    fn transpose_gradcheck_and_identities(
        (dims, data, a, b) in vec(1usize..4, 1..5).prop_flat_map(|d| {
            let r = d.len();
            let n: usize = d.iter().product();
            (Just(d), vec(-2.0..2.0f64, n), 0..r, 0..r)
        })
    ) {
        let x = Tensor::new(dims.clone(), data);
        gradcheck(|_, v| v[0].transpose(Axis(a), Axis(b)), std::slice::from_ref(&x)).unwrap();
        let tape = Tape::<f64>::new();
        let v = tape.tensor(dims.clone(), x.data().to_vec());
        let y = v.transpose(Axis(a), Axis(b));
        let mut swapped = dims.clone();
        swapped.swap(a, b);
        prop_assert_eq!(y.shape(), Shape::from(swapped));
        // Swapping twice is the identity.
        prop_assert_eq!(y.transpose(Axis(a), Axis(b)).to_vec(), x.data().to_vec());
    }

    /// (A·B)ᵀ = Bᵀ·Aᵀ, in f32 through sgemm.
    #[test]
    fn transpose_of_a_product(
        (m, k, n, av, bv) in (1usize..8, 1usize..8, 1usize..8).prop_flat_map(|(m, k, n)| {
            (Just(m), Just(k), Just(n), vec(-2.0..2.0f32, m * k), vec(-2.0..2.0f32, k * n))
        })
    ) {
        let tape = Tape::<f32>::new();
        let a = tape.tensor([m, k], av);
        let b = tape.tensor([k, n], bv);
        let lhs = a.matmul(b).t().to_vec();
        let rhs = b.t().matmul(a.t()).to_vec();
        for (x, y) in lhs.iter().zip(&rhs) {
            assert_relative_eq!(*x, *y, epsilon = 1e-5, max_relative = 1e-5);
        }
    }
}

/// `x²`, to make `dot` nonlinear in its one input.
struct Sq;
impl wengert_tape::op::Unary<f64> for Sq {
    const NAME: &'static str = "sq";
    fn f(x: f64) -> f64 {
        x * x
    }
    fn df(x: f64, _: f64) -> f64 {
        2.0 * x
    }
}
