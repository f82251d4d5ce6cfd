//! [`Dual`]: a dual number with one tangent.

use core::fmt;

use num_traits::Float;

use super::parts::DualNumber;

/// A first-order forward-mode dual number `re + eps·ε` with `ε² = 0`.
///
/// `re` is the value and `eps` the directional derivative (tangent) along the seeded input.
///
/// ```
/// use num_traits::Float;
/// use wengert_tape::dual::Dual64;
///
/// let x = Dual64::variable(2.0);
/// let y = x * x + x.exp(); // y = x² + eˣ
/// assert_eq!(y.re, 4.0 + 2.0_f64.exp());
/// assert_eq!(y.eps, 4.0 + 2.0_f64.exp()); // dy/dx = 2x + eˣ
/// assert_eq!(format!("{}", Dual64::new(1.5, 2.0)), "1.5 + 2ε");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dual<T> {
    /// The value (real part).
    pub re: T,
    /// The tangent (coefficient of `ε`).
    pub eps: T,
}

/// A [`Dual`] over `f64`.
pub type Dual64 = Dual<f64>;
/// A [`Dual`] over `f32`.
pub type Dual32 = Dual<f32>;

impl<T> Dual<T> {
    /// A dual number with value `re` and tangent `eps`.
    #[inline]
    pub const fn new(re: T, eps: T) -> Self {
        Dual { re, eps }
    }
}

impl<T: Float> Dual<T> {
    /// A constant: tangent zero.
    #[inline]
    pub fn constant(re: T) -> Self {
        Dual::new(re, T::zero())
    }

    /// An independent variable: tangent one (`d re / d re = 1`).
    #[inline]
    pub fn variable(re: T) -> Self {
        Dual::new(re, T::one())
    }
}

impl<T: Float> DualNumber for Dual<T> {
    type Re = T;
    type Eps = T;
    #[inline]
    fn re(self) -> T {
        self.re
    }
    #[inline]
    fn eps(self) -> T {
        self.eps
    }
    #[inline]
    fn from_parts(re: T, eps: T) -> Self {
        Dual::new(re, eps)
    }
}

impl<T: Float + fmt::Display> fmt::Display for Dual<T> {
    /// Writes `re + epsε` (or `re - |eps|ε`), forwarding a precision such as `{:.3}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, mag) = if self.eps.is_sign_negative() && !self.eps.is_nan() {
            ('-', -self.eps)
        } else {
            ('+', self.eps)
        };
        match f.precision() {
            Some(p) => write!(f, "{:.*} {sign} {:.*}ε", p, self.re, p, mag),
            None => write!(f, "{} {sign} {}ε", self.re, mag),
        }
    }
}
