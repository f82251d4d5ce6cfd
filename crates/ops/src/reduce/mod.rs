//! Reductions (sum, mean, max, min, logsumexp, the tutorial's logsum) and the softmax
//! family, over all elements or along one [`Axis`].
//!
//! An axis reduction views a row-major tensor as `(outer, len, inner)` around the axis,
//! removes the axis, and walks contiguous slices (no allocation per element). A reduction
//! over all elements returns a rank-0 tensor; on a scalar (non-tensor) `Var` it returns the
//! `Var` unchanged (the sum, mean, max, ... of one number is that number). The log-sum-exp
//! family is shifted by the lane's max (min for logsum), so entries of magnitude 1e4 with β
//! up to 1e3 give finite, exact values and gradients.
//!
//! ```
//! use wengert_ops::prelude::*;
//! use wengert_tape::Tape;
//!
//! let tape = Tape::<f64>::new();
//! let e = tape.tensor([2, 3], vec![3.0, 1.0, 2.0, 0.5, 4.0, 0.0]); // energies, 2 samples
//! let p = (-e).softmax(Axis(1));                  // Gibbs distribution per sample (β = 1)
//! let f = e.logsum_axis(Axis(1), 1.0).sum();      // free energies, summed
//! let g = tape.backward(f);
//! // ∂F/∂E = the Gibbs distribution, row by row.
//! for (a, b) in g.wrt(e).iter().zip(p.to_vec()) {
//!     assert!((a - b).abs() < 1e-12);
//! }
//! assert_eq!(e.argmin_axis(Axis(1)), vec![1, 2]);
//! ```
use crate::Axis;
use wengert_tape::{Error, Real, Var};

pub(crate) mod axis;
mod extrema;
mod logsum;
mod logsumexp;
mod methods;
mod softmax;
mod sum;

pub use extrema::{
    argmax, argmax_axis, argmin, argmin_axis, max, max_axis, min, min_axis, try_argmax,
    try_argmax_axis, try_argmin, try_argmin_axis, try_max, try_max_axis, try_min, try_min_axis,
};
pub use logsum::{logsum, logsum_axis, try_logsum, try_logsum_axis};
pub use logsumexp::{logsumexp, logsumexp_axis, try_logsumexp, try_logsumexp_axis};
pub use softmax::{
    log_softmax, log_softmax_beta, softmax, softmax_beta, try_log_softmax, try_log_softmax_beta,
    try_softmax, try_softmax_beta,
};
pub use sum::{mean, mean_axis, sum, sum_axis, try_mean_axis, try_sum_axis};

/// Reductions and softmax as methods on [`Var`]; each method is the free function of the
/// same name in [`reduce`](self), where the formulas and derivatives are spelled out.
///
/// ```
/// use wengert_ops::prelude::*;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(x.sum().value(), 10.0);
/// assert_eq!(x.mean_axis(Axis(0)).to_vec(), vec![2.0, 3.0]);
/// assert_eq!(x.max().value(), 4.0);
/// assert_eq!(x.argmax_axis(Axis(1)), vec![1, 1]);
/// let g = tape.backward(x.logsumexp());
/// let total: f64 = g.wrt(x).iter().sum();
/// assert!((total - 1.0).abs() < 1e-12); // the gradient is a softmax
/// ```
pub trait ReduceExt<'t, T: Real> {
    /// `Σₖ xₖ` over all elements, rank 0 (a scalar is returned unchanged); see [`fn@sum`].
    fn sum(self) -> Var<'t, T>;
    /// `(1/n) Σₖ xₖ` over all elements, rank 0 (a scalar is returned unchanged); see
    /// [`fn@mean`].
    fn mean(self) -> Var<'t, T>;
    /// The sum along `axis`, which is removed; see [`fn@sum_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank.
    fn sum_axis(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_sum_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank.
    fn try_sum_axis(self, axis: Axis) -> Result<Var<'t, T>, Error>;
    /// The mean along `axis`, which is removed; see [`fn@mean_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank.
    fn mean_axis(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_mean_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank.
    fn try_mean_axis(self, axis: Axis) -> Result<Var<'t, T>, Error>;

    /// The largest element, rank 0; the gradient goes to it (the first on ties); see
    /// [`fn@max`].
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([3], vec![2.0, 7.0, 7.0]);
    /// let g = tape.backward(x.max());
    /// assert_eq!(g.wrt(x), &[0.0, 1.0, 0.0]);
    /// ```
    ///
    /// # Panics
    /// If the tensor is empty.
    fn max(self) -> Var<'t, T>;
    /// See [`fn@try_max`].
    ///
    /// # Errors
    /// If the tensor is empty.
    fn try_max(self) -> Result<Var<'t, T>, Error>;
    /// The smallest element, rank 0; the gradient goes to it (the first on ties); see
    /// [`fn@min`].
    ///
    /// # Panics
    /// If the tensor is empty.
    fn min(self) -> Var<'t, T>;
    /// See [`fn@try_min`].
    ///
    /// # Errors
    /// If the tensor is empty.
    fn try_min(self) -> Result<Var<'t, T>, Error>;
    /// The row-major index of the largest element (first on ties); see [`fn@argmax`].
    ///
    /// # Panics
    /// If the tensor is empty.
    fn argmax(self) -> usize;
    /// See [`fn@try_argmax`].
    ///
    /// # Errors
    /// If the tensor is empty.
    fn try_argmax(self) -> Result<usize, Error>;
    /// The row-major index of the smallest element (first on ties); see [`fn@argmin`].
    ///
    /// # Panics
    /// If the tensor is empty.
    fn argmin(self) -> usize;
    /// See [`fn@try_argmin`].
    ///
    /// # Errors
    /// If the tensor is empty.
    fn try_argmin(self) -> Result<usize, Error>;
    /// The maximum along `axis`, which is removed; see [`fn@max_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank or has length 0.
    fn max_axis(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_max_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank or has length 0.
    fn try_max_axis(self, axis: Axis) -> Result<Var<'t, T>, Error>;
    /// The minimum along `axis`, which is removed; see [`fn@min_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank or has length 0.
    fn min_axis(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_min_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank or has length 0.
    fn try_min_axis(self, axis: Axis) -> Result<Var<'t, T>, Error>;
    /// The index of the max along `axis` of each lane; see [`fn@argmax_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank or has length 0.
    fn argmax_axis(self, axis: Axis) -> Vec<usize>;
    /// See [`fn@try_argmax_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank or has length 0.
    fn try_argmax_axis(self, axis: Axis) -> Result<Vec<usize>, Error>;
    /// The index of the min along `axis` of each lane; see [`fn@argmin_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank or has length 0.
    fn argmin_axis(self, axis: Axis) -> Vec<usize>;
    /// See [`fn@try_argmin_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank or has length 0.
    fn try_argmin_axis(self, axis: Axis) -> Result<Vec<usize>, Error>;

    /// `ln Σₖ exp(xₖ)` over all elements, rank 0, stable; the gradient is `softmax(x)`; see
    /// [`fn@logsumexp`].
    ///
    /// # Panics
    /// If the tensor is empty.
    fn logsumexp(self) -> Var<'t, T>;
    /// See [`fn@try_logsumexp`].
    ///
    /// # Errors
    /// If the tensor is empty.
    fn try_logsumexp(self) -> Result<Var<'t, T>, Error>;
    /// The log-sum-exp along `axis`, which is removed; see [`fn@logsumexp_axis`].
    ///
    /// # Panics
    /// If `axis` is not below the rank or has length 0.
    fn logsumexp_axis(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_logsumexp_axis`].
    ///
    /// # Errors
    /// If `axis` is not below the rank or has length 0.
    fn try_logsumexp_axis(self, axis: Axis) -> Result<Var<'t, T>, Error>;

    /// The tutorial's log-sum `−(1/β) ln Σₖ exp(−β xₖ)` over all elements, rank 0: a soft
    /// minimum whose gradient is `softmax(−β x)`; see [`fn@logsum`].
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let e = tape.tensor([3], vec![1e4, 1e4 + 1.0, 1e4 + 5.0]);
    /// let f = e.logsum(1e3);
    /// assert!((f.value() - 1e4).abs() < 1e-9);
    /// let g = tape.backward(f);
    /// assert!((g.wrt(e)[0] - 1.0).abs() < 1e-12);
    /// ```
    ///
    /// # Panics
    /// If β is not positive and finite, or the tensor is empty.
    fn logsum(self, beta: T) -> Var<'t, T>;
    /// See [`fn@try_logsum`].
    ///
    /// # Errors
    /// If β is not positive and finite, or the tensor is empty.
    fn try_logsum(self, beta: T) -> Result<Var<'t, T>, Error>;
    /// The log-sum along `axis`, which is removed; see [`fn@logsum_axis`].
    ///
    /// # Panics
    /// If β is not positive and finite, or `axis` is not below the rank or has length 0.
    fn logsum_axis(self, axis: Axis, beta: T) -> Var<'t, T>;
    /// See [`fn@try_logsum_axis`].
    ///
    /// # Errors
    /// If β is not positive and finite, or `axis` is not below the rank or has length 0.
    fn try_logsum_axis(self, axis: Axis, beta: T) -> Result<Var<'t, T>, Error>;

    /// The softmax along `axis` (same shape), stable; see [`fn@softmax`].
    ///
    /// ```
    /// use wengert_ops::prelude::*;
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([2, 2], vec![1.0, 1.0, 0.0, 1e4]);
    /// assert_eq!(x.softmax(Axis(1)).to_vec(), vec![0.5, 0.5, 0.0, 1.0]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is not below the rank.
    fn softmax(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_softmax`].
    ///
    /// # Errors
    /// If `axis` is not below the rank.
    fn try_softmax(self, axis: Axis) -> Result<Var<'t, T>, Error>;
    /// The log-softmax along `axis` (same shape), stable; see [`fn@log_softmax`].
    ///
    /// # Panics
    /// If `axis` is not below the rank.
    fn log_softmax(self, axis: Axis) -> Var<'t, T>;
    /// See [`fn@try_log_softmax`].
    ///
    /// # Errors
    /// If `axis` is not below the rank.
    fn try_log_softmax(self, axis: Axis) -> Result<Var<'t, T>, Error>;
    /// `softmax(β x)` along `axis`; see [`fn@softmax_beta`].
    ///
    /// # Panics
    /// If β is not positive and finite, or `axis` is not below the rank.
    fn softmax_beta(self, axis: Axis, beta: T) -> Var<'t, T>;
    /// See [`fn@try_softmax_beta`].
    ///
    /// # Errors
    /// If β is not positive and finite, or `axis` is not below the rank.
    fn try_softmax_beta(self, axis: Axis, beta: T) -> Result<Var<'t, T>, Error>;
    /// `log_softmax(β x)` along `axis`; see [`fn@log_softmax_beta`].
    ///
    /// # Panics
    /// If β is not positive and finite, or `axis` is not below the rank.
    fn log_softmax_beta(self, axis: Axis, beta: T) -> Var<'t, T>;
    /// See [`fn@try_log_softmax_beta`].
    ///
    /// # Errors
    /// If β is not positive and finite, or `axis` is not below the rank.
    fn try_log_softmax_beta(self, axis: Axis, beta: T) -> Result<Var<'t, T>, Error>;
}
