//! [`DualVec`]: a dual number with `N` tangent directions.

use core::array;
use core::fmt;

use num_traits::Float;

use super::parts::DualNumber;

/// A first-order dual number with `N` tangents: `re + Σₖ eps[k]·εₖ` with `εⱼ εₖ = 0`.
///
/// One evaluation propagates `N` directional derivatives at once; seeding input `k` with
/// [`DualVec::variable`]`(x, k)` gives the full gradient of a function of `N` inputs. Every
/// derivative rule is the one of [`Dual`](super::Dual), applied to each direction.
///
/// ```
/// use num_traits::Float;
/// use wengert_tape::dual::DualVec64;
///
/// let x = DualVec64::<2>::variable(3.0, 0);
/// let y = DualVec64::<2>::variable(2.0, 1);
/// let f = x * y.sin(); // f = x sin y
/// assert_eq!(f.re, 3.0 * 2.0_f64.sin());
/// assert_eq!(f.eps, [2.0_f64.sin(), 3.0 * 2.0_f64.cos()]); // ∇f = (sin y, x cos y)
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DualVec<T, const N: usize> {
    /// The value (real part).
    pub re: T,
    /// The tangents, one per direction.
    pub eps: [T; N],
}

/// A [`DualVec`] over `f64`.
pub type DualVec64<const N: usize> = DualVec<f64, N>;
/// A [`DualVec`] over `f32`.
pub type DualVec32<const N: usize> = DualVec<f32, N>;

impl<T: Default, const N: usize> Default for DualVec<T, N> {
    fn default() -> Self {
        DualVec {
            re: T::default(),
            eps: array::from_fn(|_| T::default()),
        }
    }
}

impl<T, const N: usize> DualVec<T, N> {
    /// A dual number with value `re` and tangents `eps`.
    #[inline]
    pub const fn new(re: T, eps: [T; N]) -> Self {
        DualVec { re, eps }
    }
}

impl<T: Float, const N: usize> DualVec<T, N> {
    /// A constant: all tangents zero.
    #[inline]
    pub fn constant(re: T) -> Self {
        DualVec::new(re, [T::zero(); N])
    }

    /// The `k`-th independent variable: tangent one in direction `k`, zero elsewhere.
    ///
    /// # Panics
    ///
    /// If `k >= N`.
    #[inline]
    #[track_caller]
    pub fn variable(re: T, k: usize) -> Self {
        assert!(
            k < N,
            "DualVec::variable: direction {k} out of range for N = {N}"
        );
        let mut eps = [T::zero(); N];
        eps[k] = T::one();
        DualVec::new(re, eps)
    }
}

impl<T: Float, const N: usize> DualNumber for DualVec<T, N> {
    type Re = T;
    type Eps = [T; N];
    #[inline]
    fn re(self) -> T {
        self.re
    }
    #[inline]
    fn eps(self) -> [T; N] {
        self.eps
    }
    #[inline]
    fn from_parts(re: T, eps: [T; N]) -> Self {
        DualVec::new(re, eps)
    }
}

impl<T: Float + fmt::Display, const N: usize> fmt::Display for DualVec<T, N> {
    /// Writes `re + [e0, e1, ...]ε`, forwarding a precision such as `{:.3}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        let write_num = |f: &mut fmt::Formatter<'_>, x: T| match p {
            Some(p) => write!(f, "{x:.p$}"),
            None => write!(f, "{x}"),
        };
        write_num(f, self.re)?;
        f.write_str(" + [")?;
        for (k, &e) in self.eps.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write_num(f, e)?;
        }
        f.write_str("]ε")
    }
}
