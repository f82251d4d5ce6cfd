//! Literal tests of the linear-algebra ops: values and hand-derived derivatives, error
//! messages, and f32/f64 agreement.
use approx::assert_relative_eq;
use wengert_ops::linalg::{dot, matmul, outer, try_dot, try_matmul, try_outer, try_t};
use wengert_ops::prelude::*;
use wengert_tape::{ErrorKind, Tape};

#[test]
fn matmul_2x2_with_a_weighted_cotangent() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let b = tape.tensor([2, 2], vec![5.0, 6.0, 7.0, 8.0]);
    let c = a.matmul(b);
    assert_eq!(c.shape().dims(), &[2, 2]);
    assert_eq!(c.to_vec(), vec![19.0, 22.0, 43.0, 50.0]);
    // L = Σ W ⊙ C with W = [[1, 0], [0, 2]]:
    // dA = W·Bᵀ = [[1,0],[0,2]]·[[5,7],[6,8]] = [[5, 7], [12, 16]]
    // dB = Aᵀ·W = [[1,3],[2,4]]·[[1,0],[0,2]] = [[1, 6], [2, 8]]
    let g = tape.vjp(c, &[1.0, 0.0, 0.0, 2.0]);
    assert_eq!(g.wrt(a), &[5.0, 7.0, 12.0, 16.0]);
    assert_eq!(g.wrt(b), &[1.0, 6.0, 2.0, 8.0]);
}

#[test]
fn matmul_sum_gives_row_sums_of_b_and_column_sums_of_a() {
    let tape = Tape::<f64>::new();
    // A is 2×3, B is 3×2.
    let a = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let b = tape.tensor([3, 2], vec![1.0, -1.0, 2.0, 0.5, 0.0, 3.0]);
    let c = matmul(a, b);
    assert_eq!(c.to_vec(), vec![5.0, 9.0, 14.0, 16.5]);
    let g = tape.backward(c.sum_all());
    // L = Σ C: dA_ip = Σ_j B_pj (row sums of B, same for every row i) = [0, 2.5, 3]
    assert_eq!(g.wrt(a), &[0.0, 2.5, 3.0, 0.0, 2.5, 3.0]);
    // dB_pj = Σ_i A_ip (column sums of A, same for every column j) = [5, 7, 9]
    assert_eq!(g.wrt(b), &[5.0, 5.0, 7.0, 7.0, 9.0, 9.0]);
}

#[test]
fn vector_matrix_and_vector_vector_forms() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2], vec![1.0, 2.0]);
    let b = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let y = x.matmul(b); // (2)·(2, 3) -> (3)
    assert_eq!(y.shape().dims(), &[3]);
    assert_eq!(y.to_vec(), vec![9.0, 12.0, 15.0]);
    let g = tape.backward(y.sum_all());
    // dx_p = Σ_j B_pj = [6, 15]; dB_pj = x_p
    assert_eq!(g.wrt(x), &[6.0, 15.0]);
    assert_eq!(g.wrt(b), &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);

    let u = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let v = tape.tensor([3], vec![-1.0, 0.5, 2.0]);
    let s = u.matmul(v); // (3)·(3) -> []
    assert_eq!(s.shape().rank(), 0);
    assert_eq!(s.value(), 6.0);
    let g = tape.backward(s);
    // d(u·v)/du = v, d/dv = u
    assert_eq!(g.wrt(u), &[-1.0, 0.5, 2.0]);
    assert_eq!(g.wrt(v), &[1.0, 2.0, 3.0]);
}

#[test]
fn batched_matmul_with_per_batch_and_shared_right_operands() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 1, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let b = tape.tensor([2, 2, 1], vec![1.0, 1.0, 2.0, 0.0]);
    let c = a.matmul(b); // C_0 = [1 2]·[1 1]ᵀ = 3, C_1 = [3 4]·[2 0]ᵀ = 6
    assert_eq!(c.shape().dims(), &[2, 1, 1]);
    assert_eq!(c.to_vec(), vec![3.0, 6.0]);
    let g = tape.backward(c.sum_all());
    // dA_b = 1·B_bᵀ, dB_b = A_bᵀ·1
    assert_eq!(g.wrt(a), &[1.0, 1.0, 2.0, 0.0]);
    assert_eq!(g.wrt(b), &[1.0, 2.0, 3.0, 4.0]);

    let w = tape.tensor([2, 1], vec![1.0, 1.0]);
    let c = a.matmul(w); // (2, 1, 2)·(2, 1) -> (2, 1, 1): [3, 7]
    assert_eq!(c.shape().dims(), &[2, 1, 1]);
    assert_eq!(c.to_vec(), vec![3.0, 7.0]);
    let g = tape.backward(c.sum_all());
    // A shared W collects Σ_b A_bᵀ·1 = [1 + 3, 2 + 4]
    assert_eq!(g.wrt(w), &[4.0, 6.0]);
    assert_eq!(g.wrt(a), &[1.0, 1.0, 1.0, 1.0]);

    let x = tape.tensor([2], vec![1.0, -1.0]);
    let c = a.matmul(x); // (2, 1, 2)·(2) -> (2, 1)
    assert_eq!(c.shape().dims(), &[2, 1]);
    assert_eq!(c.to_vec(), vec![-1.0, -1.0]);
}

#[test]
fn dot_outer_t_and_transpose() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2], vec![1.0, 2.0]);
    let b = tape.tensor([3], vec![3.0, 4.0, 5.0]);
    let d = dot(a, a);
    assert_eq!(d.value(), 5.0);
    // d(a·a)/da = 2a
    assert_eq!(tape.backward(d).wrt(a), &[2.0, 4.0]);

    let y = outer(a, b);
    assert_eq!(y.shape().dims(), &[2, 3]);
    assert_eq!(y.to_vec(), vec![3.0, 4.0, 5.0, 6.0, 8.0, 10.0]);
    // L = Σ_ij G_ij a_i b_j with G = [[1,0,0],[0,0,1]]: dL/da = [b_0, b_2], dL/db = [a_0, 0, a_1]
    let g = tape.vjp(y, &[1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    assert_eq!(g.wrt(a), &[3.0, 5.0]);
    assert_eq!(g.wrt(b), &[1.0, 0.0, 2.0]);

    let m = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let mt = m.t();
    assert_eq!(mt.shape().dims(), &[3, 2]);
    assert_eq!(mt.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    // The cotangent of Mᵀ, transposed back: G = [[1,2],[3,4],[5,6]] gives Gᵀ = [[1,3,5],[2,4,6]]
    let g = tape.vjp(mt, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(g.wrt(m), &[1.0, 3.0, 5.0, 2.0, 4.0, 6.0]);

    let x = tape.tensor([2, 3, 2], (0..12).map(f64::from).collect());
    let y = x.transpose(Axis(1), Axis(2));
    assert_eq!(y.shape().dims(), &[2, 2, 3]);
    assert_eq!(
        y.to_vec(),
        vec![0.0, 2.0, 4.0, 1.0, 3.0, 5.0, 6.0, 8.0, 10.0, 7.0, 9.0, 11.0]
    );
    // Weighting output element o by o: the input element at position p gets its output index.
    let ct: Vec<f64> = (0..12).map(f64::from).collect();
    let g = tape.vjp(y, &ct);
    assert_eq!(
        g.wrt(x),
        &[0.0, 3.0, 1.0, 4.0, 2.0, 5.0, 6.0, 9.0, 7.0, 10.0, 8.0, 11.0]
    );
    // Swapping an axis with itself is the identity.
    assert_eq!(x.transpose(Axis(1), Axis(1)).to_vec(), x.to_vec());
}

#[test]
fn products_of_scalars_promoted_to_rank_zero_are_rejected() {
    let tape = Tape::<f64>::new();
    let s = tape.var(2.0);
    let v = tape.tensor([3], vec![1.0; 3]);
    let err = try_matmul(s, v).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidArgument { op: "matmul", .. }
    ));
    assert!(err.to_string().contains("[] and [3]"), "{err}");
}

#[test]
fn error_messages_name_the_op_both_shapes_and_the_caller() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 3], vec![0.0; 6]);
    let b = tape.tensor([2, 4], vec![0.0; 8]);
    let err = a.try_matmul(b).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::ShapeMismatch {
            op: "matmul",
            lhs: [2, 3].into(),
            rhs: [2, 4].into()
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("matmul: shape mismatch: [2, 3] and [2, 4]"),
        "{msg}"
    );
    assert!(msg.contains(file!()), "{msg}");

    let a3 = tape.tensor([2, 2, 3], vec![0.0; 12]);
    let b3 = tape.tensor([3, 3, 1], vec![0.0; 9]);
    let msg = try_matmul(a3, b3).unwrap_err().to_string();
    assert!(
        msg.contains("matmul: shape mismatch: [2, 2, 3] and [3, 3, 1]"),
        "{msg}"
    );

    let x = tape.tensor([4], vec![0.0; 4]);
    let y = tape.tensor([2, 2, 2, 2], vec![0.0; 16]);
    let msg = try_matmul(x, y).unwrap_err().to_string();
    assert!(
        msg.contains("matmul: cannot multiply shapes [4] and [2, 2, 2, 2]"),
        "{msg}"
    );

    let u = tape.tensor([3], vec![0.0; 3]);
    let msg = try_dot(x, u).unwrap_err().to_string();
    assert!(msg.contains("dot: shape mismatch: [4] and [3]"), "{msg}");
    let msg = a.try_dot(u).unwrap_err().to_string();
    assert!(
        msg.contains("dot: expects two 1-D tensors, got shapes [2, 3] and [3]"),
        "{msg}"
    );
    let msg = try_outer(a, u).unwrap_err().to_string();
    assert!(
        msg.contains("outer: expects two 1-D tensors, got shapes [2, 3] and [3]"),
        "{msg}"
    );
    let msg = try_t(u).unwrap_err().to_string();
    assert!(
        msg.contains("t: expects a 2-D tensor, got shape [3]"),
        "{msg}"
    );
    let msg = a.try_transpose(Axis(0), Axis(2)).unwrap_err().to_string();
    assert!(
        msg.contains("transpose: axis 2 is out of range for a tensor of shape [2, 3]"),
        "{msg}"
    );
    assert!(msg.contains(file!()), "{msg}");
}

#[test]
#[should_panic(expected = "matmul: shape mismatch: [2, 3] and [2, 3]")]
fn matmul_panics_with_the_shapes() {
    let tape = Tape::<f32>::new();
    let a = tape.tensor([2, 3], vec![0.0; 6]);
    let _ = a.matmul(a);
}

#[test]
fn different_tapes_are_an_error() {
    let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
    let a = t1.tensor([2], vec![1.0, 2.0]);
    let b = t2.tensor([2], vec![1.0, 2.0]);
    let err = try_dot(a, b).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::DifferentTapes { op: "dot" }
    ));
}

/// The same products and gradients in f32 (through `sgemm`) and f64 (through `dgemm`).
#[test]
fn f32_and_f64_agree() {
    let (m, k, n) = (7, 5, 6);
    let av: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.7).sin()).collect();
    let bv: Vec<f64> = (0..k * n).map(|i| (i as f64 * 1.3).cos()).collect();
    let cot: Vec<f64> = (0..m * n).map(|i| (i as f64 * 0.11).sin()).collect();

    let t64 = Tape::<f64>::new();
    let (a, b) = (
        t64.tensor([m, k], av.clone()),
        t64.tensor([k, n], bv.clone()),
    );
    let c = a.matmul(b);
    let g = t64.vjp(c, &cot);
    let (c64, da64, db64) = (c.to_vec(), g.to_vec(a), g.to_vec(b));

    let t32 = Tape::<f32>::new();
    let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let (a, b) = (t32.tensor([m, k], f(&av)), t32.tensor([k, n], f(&bv)));
    let c = a.matmul(b);
    let g = t32.vjp(c, &f(&cot));
    for (x32, x64) in [(c.to_vec(), c64), (g.to_vec(a), da64), (g.to_vec(b), db64)] {
        for (&x, &y) in x32.iter().zip(&x64) {
            assert_relative_eq!(f64::from(x), y, epsilon = 1e-5, max_relative = 1e-5);
        }
    }
}

/// A VJP accumulates: an operand used twice gets both contributions.
#[test]
fn gradients_accumulate_over_uses() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let c = a.matmul(a); // L = Σ A·A: dA = 1·Aᵀ + Aᵀ·1
    let g = tape.backward(c.sum_all());
    // 1·Aᵀ has rows (row sums of A) = [3, 7]; Aᵀ·1 has columns (column sums of A) = [4, 6]
    assert_eq!(g.wrt(a), &[3.0 + 4.0, 7.0 + 4.0, 3.0 + 6.0, 7.0 + 6.0]);
}

/// The VJPs add into gradients that other consumers already wrote: here `Σ A` and `Σ B` are
/// recorded after the product, so the backward sweep visits them first.
#[test]
fn vjps_add_to_existing_gradients() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let b = tape.tensor([2, 2], vec![5.0, 6.0, 7.0, 8.0]);
    let u = tape.tensor([2], vec![1.0, -1.0]);
    let l = a.matmul(b).sum_all()
        + a.t().sum_all()
        + u.dot(u)
        + u.outer(u).sum_all()
        + a.sum_all()
        + b.sum_all()
        + u.sum_all();
    let g = tape.backward(l);
    // dA = (row sums of B) + 1 (from t) + 1 (from Σ A); dB = (column sums of A) + 1
    assert_eq!(g.wrt(a), &[13.0, 17.0, 13.0, 17.0]);
    assert_eq!(g.wrt(b), &[5.0, 5.0, 7.0, 7.0]);
    // d(u·u)/du = 2u, d Σ uuᵀ/du = 2 Σ u, plus 1
    assert_eq!(g.wrt(u), &[2.0 + 0.0 + 1.0, -2.0 + 0.0 + 1.0]);
}

/// Forward-mode duals take the generic product: values and gradients match f64, and the
/// tangents carry the directional derivative `d(A·B) = dA·B + A·dB`.
#[test]
fn dual_numbers_take_the_generic_path() {
    use wengert_tape::dual::Dual64;
    let (m, k, n) = (3, 4, 2);
    let av: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.7).sin()).collect();
    let bv: Vec<f64> = (0..k * n).map(|i| (i as f64 * 1.3).cos()).collect();
    let da: Vec<f64> = (0..m * k).map(|i| i as f64 * 0.1).collect();

    let t64 = Tape::<f64>::new();
    let (a, b) = (
        t64.tensor([m, k], av.clone()),
        t64.tensor([k, n], bv.clone()),
    );
    let c = a.matmul(b);
    let g = t64.backward(c.sum_all());
    let (c64, ga, gb) = (c.to_vec(), g.to_vec(a), g.to_vec(b));
    let dc = t64.tensor([m, k], da.clone()).matmul(b).to_vec(); // dA·B

    let td = Tape::<Dual64>::new();
    let ad: Vec<Dual64> = av
        .iter()
        .zip(&da)
        .map(|(&x, &d)| Dual64::new(x, d))
        .collect();
    let bd: Vec<Dual64> = bv.iter().map(|&x| Dual64::new(x, 0.0)).collect();
    let (a, b) = (td.tensor([m, k], ad), td.tensor([k, n], bd));
    let c = a.matmul(b);
    let g = td.backward(c.sum_all());
    for (x, (&v, &t)) in c.to_vec().iter().zip(c64.iter().zip(&dc)) {
        assert_relative_eq!(x.re, v, epsilon = 1e-12);
        assert_relative_eq!(x.eps, t, epsilon = 1e-12);
    }
    for (x, &w) in g.wrt(a).iter().zip(&ga).chain(g.wrt(b).iter().zip(&gb)) {
        assert_relative_eq!(x.re, w, epsilon = 1e-12);
    }
}

/// Above a size (and with an inner dimension of 16 or more) `Dual<f64>` products run as three
/// `dgemm`s on value and tangent planes. For `L = Σ W ⊙ (A·B)` with tangents on both operands:
/// the values are the f64 product, the tangents `dA·B + A·dB`; the adjoints' real parts are
/// the f64 gradients `W·Bᵀ`, `Aᵀ·W`, and their tangents `W·dBᵀ`, `dAᵀ·W`.
#[test]
fn large_dual_products_take_the_plane_kernel_and_agree() {
    use wengert_tape::dual::Dual64;
    let (m, k, n) = (24, 20, 18);
    let vals = |len: usize, s: f64| -> Vec<f64> {
        (0..len).map(|i| ((i as f64 + s) * 0.37).sin()).collect()
    };
    let (av, da, bv, db, w) = (
        vals(m * k, 1.0),
        vals(m * k, 2.0),
        vals(k * n, 3.0),
        vals(k * n, 4.0),
        vals(m * n, 5.0),
    );
    let t = Tape::<f64>::new();
    let f64mm = |x: &[f64], xs: [usize; 2], y: &[f64], ys: [usize; 2]| {
        t.constant_tensor(xs, x.to_vec())
            .matmul(t.constant_tensor(ys, y.to_vec()))
            .to_vec()
    };
    let tr = |x: &[f64], r: usize, c: usize| -> Vec<f64> {
        (0..r * c).map(|q| x[(q % r) * c + q / r]).collect()
    };
    let c = f64mm(&av, [m, k], &bv, [k, n]);
    let dc: Vec<f64> = f64mm(&da, [m, k], &bv, [k, n])
        .iter()
        .zip(f64mm(&av, [m, k], &db, [k, n]))
        .map(|(x, y)| x + y)
        .collect();
    let ga = f64mm(&w, [m, n], &tr(&bv, k, n), [n, k]);
    let dga = f64mm(&w, [m, n], &tr(&db, k, n), [n, k]);
    let gb = f64mm(&tr(&av, m, k), [k, m], &w, [m, n]);
    let dgb = f64mm(&tr(&da, m, k), [k, m], &w, [m, n]);

    let td = Tape::<Dual64>::new();
    let duals = |x: &[f64], d: &[f64]| -> Vec<Dual64> {
        x.iter().zip(d).map(|(&x, &d)| Dual64::new(x, d)).collect()
    };
    let a = td.tensor([m, k], duals(&av, &da));
    let b = td.tensor([k, n], duals(&bv, &db));
    let cd = a.matmul(b);
    let wd: Vec<Dual64> = w.iter().map(|&x| Dual64::new(x, 0.0)).collect();
    let g = td.backward((cd * td.constant_tensor([m, n], wd)).sum_all());
    let close = |x: f64, y: f64| assert_relative_eq!(x, y, epsilon = 1e-12, max_relative = 1e-12);
    for (x, (&v, &t)) in cd.to_vec().iter().zip(c.iter().zip(&dc)) {
        close(x.re, v);
        close(x.eps, t);
    }
    for (x, (&v, &t)) in g.wrt(a).iter().zip(ga.iter().zip(&dga)) {
        close(x.re, v);
        close(x.eps, t);
    }
    for (x, (&v, &t)) in g.wrt(b).iter().zip(gb.iter().zip(&dgb)) {
        close(x.re, v);
        close(x.eps, t);
    }
}
