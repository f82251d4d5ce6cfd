//! Linear algebra: matrix products (`matmul`, `dot`, `outer`) and transposes (`t`,
//! `transpose`).
//!
//! Products of `f32` and `f64` run in `matrixmultiply`'s `sgemm`/`dgemm`, forward and
//! backward, with transposed operands passed as strided views (nothing is copied);
//! `Dual<f64>` products (forward-over-reverse) split into value and tangent planes and run as
//! three `dgemm`s; other element types use a plain loop.
//!
//! ```
//! use wengert_ops::prelude::*;
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let w = tape.tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//! let x = tape.tensor([3], vec![1.0, 0.0, -1.0]);
//! let y = w.matmul(x); // (2, 3)·(3) -> (2)
//! assert_eq!(y.to_vec(), vec![-2.0, -2.0]);
//! let g = tape.backward(y.sum_all());
//! // ∂(Σᵢ (Wx)ᵢ)/∂W_ij = x_j, ∂/∂x_j = Σᵢ W_ij
//! assert_eq!(g.wrt(w), &[1.0, 0.0, -1.0, 1.0, 0.0, -1.0]);
//! assert_eq!(g.wrt(x), &[5.0, 7.0, 9.0]);
//! ```
use crate::Axis;
use wengert_tape::{Error, Real, Var};

mod gemm;
mod gemm_dual;
mod matmul;
mod transpose;

pub use matmul::{dot, matmul, matmul_t, outer, try_dot, try_matmul, try_matmul_t, try_outer};
pub use transpose::{t, transpose, try_t, try_transpose};

/// Linear-algebra methods on [`Var`].
///
/// ```
/// use wengert_ops::prelude::*;
/// let tape = wengert_tape::Tape::<f32>::new();
/// let a = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
/// let b = a.t();
/// assert_eq!(b.to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
/// assert_eq!(a.matmul(b).to_vec(), vec![5.0, 11.0, 11.0, 25.0]); // A·Aᵀ
/// ```
pub trait LinalgExt<'t, T: Real> {
    /// The matrix product `C = A·B`, `C_ij = Σ_p A_ip B_pj`, with derivatives
    /// `∂L/∂A = G·Bᵀ` and `∂L/∂B = Aᵀ·G` for `G = ∂L/∂C`.
    ///
    /// The forms, numpy-style:
    ///
    /// | `self`      | `other`     | result      |
    /// |-------------|-------------|-------------|
    /// | `(m, k)`    | `(k, n)`    | `(m, n)`    |
    /// | `(m, k)`    | `(k)`       | `(m)`       |
    /// | `(k)`       | `(k, n)`    | `(n)`       |
    /// | `(k)`       | `(k)`       | `[]`        |
    /// | `(b, m, k)` | `(b, k, n)` | `(b, m, n)` |
    /// | `(b, m, k)` | `(k, n)`    | `(b, m, n)` |
    /// | `(b, m, k)` | `(k)`       | `(b, m)`    |
    ///
    /// A shared right operand in the batched forms gets the sum of the per-batch gradients.
    ///
    /// # Panics
    /// If the shapes do not fit together: see [`LinalgExt::try_matmul`].
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let a = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    /// let b = tape.tensor([2, 2], vec![5.0, 6.0, 7.0, 8.0]);
    /// let c = a.matmul(b);
    /// assert_eq!(c.to_vec(), vec![19.0, 22.0, 43.0, 50.0]);
    /// let g = tape.backward(c.sum_all());
    /// // L = Σ C: ∂L/∂A = 1·Bᵀ (row sums of B), ∂L/∂B = Aᵀ·1 (column sums of A)
    /// assert_eq!(g.wrt(a), &[11.0, 15.0, 11.0, 15.0]);
    /// assert_eq!(g.wrt(b), &[4.0, 4.0, 6.0, 6.0]);
    /// ```
    fn matmul(self, other: Var<'t, T>) -> Var<'t, T>;

    /// [`LinalgExt::matmul`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::ShapeMismatch`](wengert_tape::ErrorKind::ShapeMismatch) naming `matmul`
    /// and both shapes when the inner or batch lengths differ,
    /// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) for ranks
    /// outside the table, [`ErrorKind::DifferentTapes`](wengert_tape::ErrorKind::DifferentTapes).
    fn try_matmul(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error>;

    /// `self · otherᵀ` for `other` of shape `(n, k)`, and `self` of shape `(k)`, `(m, k)` or
    /// `(b, m, k)`: a linear layer's `x Wᵀ`, the same product as `self.matmul(other.t())`
    /// without the transposed copy (nor its backward pass). VJPs `∂L/∂A = G·B`,
    /// `∂L/∂B = Gᵀ·A`.
    ///
    /// # Panics
    /// If the shapes do not fit together: see [`try_matmul_t`].
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([1, 2], vec![1.0, 2.0]);
    /// let w = tape.tensor([3, 2], vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    /// let y = x.matmul_t(w);
    /// assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0]);
    /// let g = tape.backward(y.sum_all());
    /// // L = Σ x Wᵀ: ∂L/∂x = 1·W (column sums of W), ∂L/∂W = 1ᵀ·x (x in every row)
    /// assert_eq!(g.wrt(x), &[2.0, 2.0]);
    /// assert_eq!(g.wrt(w), &[1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
    /// ```
    fn matmul_t(self, other: Var<'t, T>) -> Var<'t, T>;

    /// [`LinalgExt::matmul_t`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`try_matmul_t`].
    fn try_matmul_t(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error>;

    /// The inner product of two vectors, `Σᵢ aᵢ bᵢ` (rank 0), with `∂/∂a = b`, `∂/∂b = a`.
    ///
    /// # Panics
    /// Unless both are 1-D tensors of the same length.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let a = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    /// let b = tape.tensor([3], vec![4.0, 5.0, 6.0]);
    /// let y = a.dot(b);
    /// assert_eq!(y.value(), 32.0);
    /// assert_eq!(tape.backward(y).wrt(a), &[4.0, 5.0, 6.0]);
    /// ```
    fn dot(self, other: Var<'t, T>) -> Var<'t, T>;

    /// [`LinalgExt::dot`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`try_dot`].
    fn try_dot(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error>;

    /// The transpose of a matrix, `Y_ji = X_ij`; the VJP transposes the cotangent back.
    ///
    /// # Panics
    /// Unless `self` is 2-D.
    fn t(self) -> Var<'t, T>;

    /// Swaps axes `a` and `b` of a tensor of any rank; the VJP swaps them back.
    ///
    /// # Panics
    /// If an axis is out of range.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([2, 1, 3], (0..6).map(f64::from).collect());
    /// let y = x.transpose(Axis(0), Axis(2));
    /// assert_eq!(y.shape().dims(), &[3, 1, 2]);
    /// assert_eq!(y.to_vec(), vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    /// ```
    fn transpose(self, a: Axis, b: Axis) -> Var<'t, T>;

    /// [`LinalgExt::transpose`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if an axis is
    /// out of range.
    fn try_transpose(self, a: Axis, b: Axis) -> Result<Var<'t, T>, Error>;

    /// The outer product of two vectors, `Y_ij = aᵢ bⱼ`, with `∂L/∂aᵢ = Σⱼ G_ij bⱼ` and
    /// `∂L/∂bⱼ = Σᵢ G_ij aᵢ`.
    ///
    /// # Panics
    /// Unless both are 1-D tensors.
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let a = tape.tensor([2], vec![1.0, 2.0]);
    /// let b = tape.tensor([3], vec![1.0, 10.0, 100.0]);
    /// let y = a.outer(b);
    /// assert_eq!(y.to_vec(), vec![1.0, 10.0, 100.0, 2.0, 20.0, 200.0]);
    /// assert_eq!(tape.backward(y.sum_all()).wrt(a), &[111.0, 111.0]);
    /// ```
    fn outer(self, other: Var<'t, T>) -> Var<'t, T>;
}

impl<'t, T: Real> LinalgExt<'t, T> for Var<'t, T> {
    #[track_caller]
    fn matmul(self, other: Var<'t, T>) -> Var<'t, T> {
        matmul(self, other)
    }
    #[track_caller]
    fn try_matmul(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        try_matmul(self, other)
    }
    #[track_caller]
    fn matmul_t(self, other: Var<'t, T>) -> Var<'t, T> {
        matmul_t(self, other)
    }
    #[track_caller]
    fn try_matmul_t(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        try_matmul_t(self, other)
    }
    #[track_caller]
    fn dot(self, other: Var<'t, T>) -> Var<'t, T> {
        dot(self, other)
    }
    #[track_caller]
    fn try_dot(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        try_dot(self, other)
    }
    #[track_caller]
    fn t(self) -> Var<'t, T> {
        t(self)
    }
    #[track_caller]
    fn transpose(self, a: Axis, b: Axis) -> Var<'t, T> {
        transpose(self, a, b)
    }
    #[track_caller]
    fn try_transpose(self, a: Axis, b: Axis) -> Result<Var<'t, T>, Error> {
        try_transpose(self, a, b)
    }
    #[track_caller]
    fn outer(self, other: Var<'t, T>) -> Var<'t, T> {
        outer(self, other)
    }
}
