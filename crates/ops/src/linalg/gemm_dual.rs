//! Products of forward-mode duals over `f64` (`Dual<f64>`, the element type of
//! forward-over-reverse: Hessian-vector products, Newton directions) through `f64` kernels.
//!
//! `(A + A′ε)(B + B′ε) = AB + (AB′ + A′B)ε`: the value and tangent planes are split out once,
//! multiplied by three `dgemm`s and put back together, instead of the generic loop's one dual
//! multiply-add per term with no blocking or SIMD. The split is an `O(mk + kn + mn)` copy, so
//! small products stay on the generic loop.
//!
//! The element type is recognised by `TypeId` and each element reached through `Any`
//! downcasts, which keeps this crate free of `unsafe` (the downcasts fold away once `T` is
//! known).
use super::gemm::Mat;
use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};
use std::any::{Any, TypeId};
use std::cell::RefCell;
use wengert_tape::dual::Dual;
use wengert_tape::Real;

/// Below this many multiply-adds the split costs more than it saves.
const MIN_WORK: usize = 2048;
/// Below this inner dimension the generic loop wins: each output element gets only a few
/// multiply-adds, so splitting and re-joining the `[m, n]` output (memory traffic) costs more
/// than the `dgemm`s save. Measured on `tensor/kmeans_dir` (forward `[n, d]·[d, k]`, backward
/// `[d, n]·[n, k]`): with no such floor, n = 1000, k = 1000, d = 8 went 52 → 62 ms; with it,
/// that case stays on the loop forward and n = 1000, k = 100, d = 16 goes 6.4 → 2.9 ms.
const MIN_INNER: usize = 16;

thread_local! {
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Computes `C ← A·B (+ C)` and returns `true` when `T` is `Dual<f64>` and the product is
/// large enough; otherwise returns `false` and leaves `c` alone.
pub(crate) fn try_gemm_dual<T: Real>(
    a: Mat<'_, T>,
    b: Mat<'_, T>,
    accumulate: bool,
    c: &mut [T],
) -> bool {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if TypeId::of::<T>() != TypeId::of::<Dual<f64>>() || k < MIN_INNER || m * k * n < MIN_WORK {
        return false;
    }
    // One reused buffer per thread for the six planes: fresh multi-megabyte allocations page
    // fault on every call (a quarter of the time at [1000, 1000]). Every plane is overwritten
    // before it is read (`planes` writes all of its part, `dgemm` with β = 0 does not read
    // its output), so a grown buffer needs no zeroing.
    let len = 2 * (m * k + k * n + m * n);
    let mut buf = SCRATCH.with(|s| s.take());
    if buf.len() < len {
        buf.resize(len, 0.0);
    }
    let (a_re, rest) = buf.split_at_mut(m * k);
    let (a_eps, rest) = rest.split_at_mut(m * k);
    let (b_re, rest) = rest.split_at_mut(k * n);
    let (b_eps, rest) = rest.split_at_mut(k * n);
    let (c_re, rest) = rest.split_at_mut(m * n);
    let c_eps = &mut rest[..m * n];
    planes(a, a_re, a_eps);
    planes(b, b_re, b_eps);
    let (ar, ae) = (view(a_re, m, k), view(a_eps, m, k));
    let (br, be) = (view(b_re, k, n), view(b_eps, k, n));
    {
        let mut crv = ArrayViewMut2::from_shape((m, n), &mut c_re[..]).expect("plane shape");
        general_mat_mul(1.0, &ar, &br, 0.0, &mut crv);
        let mut cev = ArrayViewMut2::from_shape((m, n), &mut c_eps[..]).expect("plane shape");
        general_mat_mul(1.0, &ar, &be, 0.0, &mut cev);
        general_mat_mul(1.0, &ae, &br, 1.0, &mut cev);
    }
    for ((out, &re), &eps) in c.iter_mut().zip(&*c_re).zip(&*c_eps) {
        let d = as_dual_mut(out);
        if accumulate {
            d.re += re;
            d.eps += eps;
        } else {
            *d = Dual { re, eps };
        }
    }
    SCRATCH.with(|s| s.replace(buf));
    true
}

fn view(p: &[f64], rows: usize, cols: usize) -> ArrayView2<'_, f64> {
    ArrayView2::from_shape((rows, cols), p).expect("plane shape")
}

/// Writes the value and tangent planes of a strided dual matrix, row-major, into `re`, `eps`.
fn planes<T: 'static>(a: Mat<'_, T>, re: &mut [f64], eps: &mut [f64]) {
    let rows = re
        .chunks_exact_mut(a.cols)
        .zip(eps.chunks_exact_mut(a.cols));
    for (i, (re, eps)) in rows.enumerate() {
        for (j, (r, e)) in re.iter_mut().zip(eps.iter_mut()).enumerate() {
            let d = as_dual(&a.data[i * a.rs + j * a.cs]);
            (*r, *e) = (d.re, d.eps);
        }
    }
}

fn as_dual<T: 'static>(v: &T) -> &Dual<f64> {
    (v as &dyn Any)
        .downcast_ref()
        .expect("checked: T is Dual<f64>")
}

fn as_dual_mut<T: 'static>(v: &mut T) -> &mut Dual<f64> {
    (v as &mut dyn Any)
        .downcast_mut()
        .expect("checked: T is Dual<f64>")
}

#[cfg(test)]
mod tests {
    use super::super::gemm::gemm_fallback;
    use super::*;

    fn duals(len: usize, seed: f64) -> Vec<Dual<f64>> {
        (0..len)
            .map(|i| Dual {
                re: ((i as f64 + seed) * 0.37).sin(),
                eps: ((i as f64 - seed) * 0.91).cos(),
            })
            .collect()
    }

    #[test]
    fn matches_the_generic_loop_on_every_layout() {
        for &(m, k, n) in &[
            (16, 16, 16),
            (40, 16, 25),
            (7, 64, 9),
            (1, 300, 10),
            (300, 17, 1),
        ] {
            let (a, b) = (duals(m * k, 1.0), duals(k * n, 2.0));
            // A stored transposed too, read through a transposed view.
            let at: Vec<Dual<f64>> = (0..k * m).map(|q| a[(q % m) * k + q / m]).collect();
            for (av, accumulate) in [
                (Mat::row_major(&a[..], m, k), false),
                (Mat::row_major(&at[..], k, m).t(), true),
            ] {
                let bv = Mat::row_major(&b[..], k, n);
                let init = duals(m * n, 3.0);
                let (mut want, mut got) = (init.clone(), init);
                gemm_fallback(av, bv, accumulate, &mut want);
                assert!(try_gemm_dual(av, bv, accumulate, &mut got), "{m}x{k}x{n}");
                for (w, g) in want.iter().zip(&got) {
                    let tol = 1e-12 * k as f64;
                    assert!((w.re - g.re).abs() < tol, "{m}x{k}x{n} re: {w:?} vs {g:?}");
                    assert!(
                        (w.eps - g.eps).abs() < tol,
                        "{m}x{k}x{n} eps: {w:?} vs {g:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn small_products_and_other_types_take_the_generic_loop() {
        let a = duals(4, 1.0);
        let mut c = duals(4, 2.0);
        let before = c.clone();
        let v = Mat::row_major(&a[..], 2, 2);
        assert!(!try_gemm_dual(v, v, false, &mut c));
        assert_eq!(c, before);
        // A large product with a short inner dimension.
        let (p, q) = (duals(1000 * 8, 1.0), duals(8 * 1000, 2.0));
        let mut big = duals(1000 * 1000, 3.0);
        let (pv, qv) = (
            Mat::row_major(&p[..], 1000, 8),
            Mat::row_major(&q[..], 8, 1000),
        );
        assert!(!try_gemm_dual(pv, qv, true, &mut big));
        let x = [1.0f32; 4096];
        let mut y = [0.0f32; 4096];
        let xv = Mat::row_major(&x[..], 64, 64);
        assert!(!try_gemm_dual(xv, xv, false, &mut y));
    }
}
