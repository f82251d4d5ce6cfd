//! `C ← A·B (+ C)` on strided matrix views, the one kernel behind every product in this crate.
//!
//! For `f32` and `f64` the product runs in `matrixmultiply::sgemm`/`dgemm`. Those functions
//! are `unsafe` (raw pointers and strides) and this crate forbids unsafe code, so they are
//! reached through `ndarray::linalg::general_mat_mul`, which is a bounds-checked safe wrapper
//! that hands the views' pointers and strides straight to `matrixmultiply` (and dispatches on
//! the element type itself). A transposed operand is the same slice with its strides swapped
//! ([`Mat::t`]): nothing is copied or materialised, and `matrixmultiply` packs either layout
//! at the same speed. `Dual<f64>` products of some size run as three `dgemm`s
//! (`gemm_dual`); other element types take [`gemm_fallback`].
use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};
use std::any::TypeId;
use wengert_tape::Real;

/// A read-only strided matrix: element `(i, j)` is `data[i·rs + j·cs]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mat<'a, T> {
    pub data: &'a [T],
    pub rows: usize,
    pub cols: usize,
    pub rs: usize,
    pub cs: usize,
}

impl<'a, T> Mat<'a, T> {
    /// The row-major `rows × cols` matrix held in `data` (which may be longer).
    pub fn row_major(data: &'a [T], rows: usize, cols: usize) -> Self {
        Mat {
            data,
            rows,
            cols,
            rs: cols,
            cs: 1,
        }
    }

    /// The transpose, as a view of the same elements.
    pub fn t(self) -> Self {
        Mat {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
        }
    }
}

/// Whether `T` is one of the element types `matrixmultiply` has kernels for.
fn has_kernel<T: 'static>() -> bool {
    let t = TypeId::of::<T>();
    t == TypeId::of::<f32>() || t == TypeId::of::<f64>()
}

/// `c ← a·b` (or `c ← a·b + c` when `accumulate`), with `c` row-major `a.rows × b.cols`.
///
/// With `accumulate == false` the old contents of `c` are ignored, even NaNs.
pub(crate) fn gemm<T: Real>(a: Mat<'_, T>, b: Mat<'_, T>, accumulate: bool, c: &mut [T]) {
    debug_assert_eq!(a.cols, b.rows);
    debug_assert_eq!(c.len(), a.rows * b.cols);
    if a.rows == 0 || a.cols == 0 || b.cols == 0 {
        // Nothing to multiply (and ndarray rejects strided views of empty matrices).
        if !accumulate {
            c.fill(T::zero());
        }
        return;
    }
    if !has_kernel::<T>() {
        if super::gemm_dual::try_gemm_dual(a, b, accumulate, c) {
            return;
        }
        return gemm_fallback(a, b, accumulate, c);
    }
    // The views are in bounds by construction (every caller slices exactly the operand), so a
    // failure here is a bug in this crate, not bad input.
    let av = ArrayView2::from_shape((a.rows, a.cols).strides((a.rs, a.cs)), a.data)
        .expect("gemm: lhs view in bounds");
    let bv = ArrayView2::from_shape((b.rows, b.cols).strides((b.rs, b.cs)), b.data)
        .expect("gemm: rhs view in bounds");
    let mut cv = ArrayViewMut2::from_shape((a.rows, b.cols), c).expect("gemm: output view");
    let beta = if accumulate { T::one() } else { T::zero() };
    general_mat_mul(T::one(), &av, &bv, beta, &mut cv);
}

/// The generic product for element types without a `matrixmultiply` kernel: a plain loop in
/// `i-k-j` order, so the innermost loop walks a row of `c` (and of `b` when it is row-major).
pub(crate) fn gemm_fallback<T: Real>(a: Mat<'_, T>, b: Mat<'_, T>, accumulate: bool, c: &mut [T]) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if !accumulate {
        c.fill(T::zero());
    }
    for i in 0..m {
        let row = &mut c[i * n..(i + 1) * n];
        for p in 0..k {
            let aip = a.data[i * a.rs + p * a.cs];
            let brow = p * b.rs;
            for (j, cij) in row.iter_mut().enumerate() {
                *cij += aip * b.data[brow + j * b.cs];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    fn data(len: usize, seed: f64) -> Vec<f64> {
        (0..len).map(|i| ((i as f64 + seed) * 0.37).sin()).collect()
    }

    #[test]
    fn fallback_matches_naive_and_kernel_on_all_layouts() {
        for &(m, k, n) in &[
            (1, 1, 1),
            (2, 3, 4),
            (5, 1, 3),
            (4, 7, 1),
            (0, 3, 2),
            (3, 0, 2),
        ] {
            let a = data(m * k, 1.0);
            let b = data(k * n, 2.0);
            let want = naive(&a, &b, m, k, n);
            // Plain layout, overwriting garbage.
            let mut c = vec![f64::NAN; m * n];
            gemm_fallback(
                Mat::row_major(&a, m, k),
                Mat::row_major(&b, k, n),
                false,
                &mut c,
            );
            for (x, y) in c.iter().zip(&want) {
                assert!((x - y).abs() < 1e-12, "{m}x{k}x{n}: {x} vs {y}");
            }
            // Transposed views of transposed storage give the same product.
            let at: Vec<f64> = (0..k * m).map(|q| a[(q % m) * k + q / m]).collect();
            let bt: Vec<f64> = (0..n * k).map(|q| b[(q % k) * n + q / k]).collect();
            let (av, bv) = (Mat::row_major(&at, k, m).t(), Mat::row_major(&bt, n, k).t());
            let mut c2 = vec![1.0; m * n];
            gemm_fallback(av, bv, true, &mut c2);
            let mut c3 = vec![1.0; m * n];
            gemm(av, bv, true, &mut c3); // the matrixmultiply path
            for ((x, y), w) in c2.iter().zip(&c3).zip(&want) {
                assert!((x - (w + 1.0)).abs() < 1e-12, "fallback {x} vs {}", w + 1.0);
                assert!((y - (w + 1.0)).abs() < 1e-12, "kernel {y} vs {}", w + 1.0);
            }
        }
    }

    #[test]
    fn kernel_dispatch_is_by_type() {
        assert!(has_kernel::<f32>() && has_kernel::<f64>());
        assert!(!has_kernel::<u8>());
    }
}
