//! Forward-mode automatic differentiation with dual numbers.
//!
//! A [`Dual`] carries a value `re` and one tangent `eps`; every arithmetic operation and every
//! [`num_traits::Float`] method propagates the tangent by the chain rule, so evaluating a
//! generic `fn f<F: Float>(x: F) -> F` at `Dual::variable(x)` yields `f(x)` in `re` and `f'(x)`
//! in `eps`. A [`DualVec`] carries `N` tangents at once (one forward pass gives a whole gradient
//! of a function of `N` inputs, or a Jacobian-vector product for `N` directions).
//!
//! ```
//! use num_traits::Float;
//! use wengert_tape::dual::Dual64;
//!
//! fn f<F: Float>(x: F) -> F {
//!     (x * x).sin()
//! }
//! let x = 0.7_f64;
//! let y = f(Dual64::variable(x));
//! assert_eq!(y.re, f(x));
//! assert!((y.eps - 2.0 * x * (x * x).cos()).abs() < 1e-15); // d/dx sin(x²) = 2x cos(x²)
//! ```
//!
//! # Conventions
//!
//! * Comparisons ([`PartialOrd`], [`Float::max`], [`Float::min`], [`Float::clamp`]) look at
//!   `re` only; `max`/`min`/`clamp` return the whole operand whose `re` they pick. Equality
//!   ([`PartialEq`], [`Zero::is_zero`], [`One::is_one`]) compares both parts.
//! * Predicates and queries (`is_nan`, `classify`, `integer_decode`, ...) look at `re` only.
//! * Piecewise-constant functions (`floor`, `ceil`, `round`, `trunc`, `signum`) and the
//!   constants (`nan`, `epsilon`, [`NumCast::from`], ...) have a zero tangent.
//! * A zero tangent stays exactly zero through every [`Float`] method, even where the
//!   derivative is infinite or undefined (e.g. `Dual::constant(0.0).sqrt()` has `eps == 0`).
//!   The plain arithmetic operators follow IEEE rules without that guard.
//! * Where the derivative does not exist, a one-sided or conventional value is used: `abs`
//!   follows the sign bit of `re` (so `d|x|/dx = 1` at `+0.0`), `max`/`min`/`clamp` follow the
//!   operand they return, `hypot` and `atan2` have a zero tangent at the origin.

use core::cmp::Ordering;
use core::fmt;
use core::iter::{Product, Sum};
use core::num::FpCategory;
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::{Float, FloatConst, FromPrimitive, Num, NumCast, One, ToPrimitive, Zero};

#[path = "dual_vec.rs"]
mod dual_vec;

pub use dual_vec::{DualVec, DualVec32, DualVec64};

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

/// `e · d`, except that a zero tangent `e` stays zero even when the derivative `d` is infinite
/// or NaN (so constants stay constants at singular points).
#[inline]
pub(crate) fn tangent<T: Float>(e: T, d: T) -> T {
    if e == T::zero() {
        T::zero()
    } else {
        e * d
    }
}

/// `ln 2` without requiring [`FloatConst`].
#[inline]
fn ln_2<T: Float>() -> T {
    (T::one() + T::one()).ln()
}

/// `ln 10` without requiring [`FloatConst`].
#[inline]
fn ln_10<T: Float>() -> T {
    T::from(10u8).map_or_else(T::nan, T::ln)
}

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

    /// Chain rule for a unary function: value `re`, local derivative `d`.
    #[inline]
    fn chain(self, re: T, d: T) -> Self {
        Dual::new(re, tangent(self.eps, d))
    }
}

impl<T: Float> PartialOrd for Dual<T> {
    /// Compares `re` only.
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
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

// ---------------------------------------------------------------------------------------------
// Arithmetic with another dual.

impl<T: Float> Neg for Dual<T> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Dual::new(-self.re, -self.eps)
    }
}

impl<T: Float> Add for Dual<T> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Dual::new(self.re + rhs.re, self.eps + rhs.eps)
    }
}

impl<T: Float> Sub for Dual<T> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Dual::new(self.re - rhs.re, self.eps - rhs.eps)
    }
}

impl<T: Float> Mul for Dual<T> {
    type Output = Self;
    /// `(a b)' = a' b + a b'`.
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        Dual::new(self.re * rhs.re, self.eps * rhs.re + self.re * rhs.eps)
    }
}

impl<T: Float> Div for Dual<T> {
    type Output = Self;
    /// `(a / b)' = (a' - (a/b) b') / b`.
    #[inline]
    fn div(self, rhs: Self) -> Self {
        let q = self.re / rhs.re;
        Dual::new(q, (self.eps - q * rhs.eps) / rhs.re)
    }
}

impl<T: Float> Rem for Dual<T> {
    type Output = Self;
    /// `a % b = a - trunc(a/b)·b`, so `(a % b)' = a' - trunc(a/b)·b'` (away from the jumps).
    #[inline]
    fn rem(self, rhs: Self) -> Self {
        let k = (self.re / rhs.re).trunc();
        Dual::new(self.re % rhs.re, self.eps - k * rhs.eps)
    }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic with a plain scalar on the right (the scalar is a constant).

impl<T: Float> Add<T> for Dual<T> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: T) -> Self {
        Dual::new(self.re + rhs, self.eps)
    }
}

impl<T: Float> Sub<T> for Dual<T> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: T) -> Self {
        Dual::new(self.re - rhs, self.eps)
    }
}

impl<T: Float> Mul<T> for Dual<T> {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: T) -> Self {
        Dual::new(self.re * rhs, self.eps * rhs)
    }
}

impl<T: Float> Div<T> for Dual<T> {
    type Output = Self;
    #[inline]
    fn div(self, rhs: T) -> Self {
        Dual::new(self.re / rhs, self.eps / rhs)
    }
}

impl<T: Float> Rem<T> for Dual<T> {
    type Output = Self;
    #[inline]
    fn rem(self, rhs: T) -> Self {
        Dual::new(self.re % rhs, self.eps)
    }
}

/// `f64 op Dual<f64>` and `f32 op Dual<f32>`: the scalar on the left is a constant. (A generic
/// `impl<T> Add<Dual<T>> for T` is not allowed by the orphan rule.)
macro_rules! scalar_lhs_ops {
    ($($t:ty),*) => {$(
        impl Add<Dual<$t>> for $t {
            type Output = Dual<$t>;
            #[inline]
            fn add(self, rhs: Dual<$t>) -> Dual<$t> {
                Dual::constant(self) + rhs
            }
        }
        impl Sub<Dual<$t>> for $t {
            type Output = Dual<$t>;
            #[inline]
            fn sub(self, rhs: Dual<$t>) -> Dual<$t> {
                Dual::constant(self) - rhs
            }
        }
        impl Mul<Dual<$t>> for $t {
            type Output = Dual<$t>;
            #[inline]
            fn mul(self, rhs: Dual<$t>) -> Dual<$t> {
                Dual::constant(self) * rhs
            }
        }
        impl Div<Dual<$t>> for $t {
            type Output = Dual<$t>;
            #[inline]
            fn div(self, rhs: Dual<$t>) -> Dual<$t> {
                Dual::constant(self) / rhs
            }
        }
        impl Rem<Dual<$t>> for $t {
            type Output = Dual<$t>;
            #[inline]
            fn rem(self, rhs: Dual<$t>) -> Dual<$t> {
                Dual::constant(self) % rhs
            }
        }
    )*};
}
scalar_lhs_ops!(f32, f64);

// ---------------------------------------------------------------------------------------------
// Compound assignment.

impl<T: Float> AddAssign for Dual<T> {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl<T: Float> SubAssign for Dual<T> {
    #[inline]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl<T: Float> MulAssign for Dual<T> {
    #[inline]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl<T: Float> DivAssign for Dual<T> {
    #[inline]
    fn div_assign(&mut self, rhs: Self) {
        *self = *self / rhs;
    }
}

impl<T: Float> RemAssign for Dual<T> {
    #[inline]
    fn rem_assign(&mut self, rhs: Self) {
        *self = *self % rhs;
    }
}

impl<T: Float> AddAssign<T> for Dual<T> {
    #[inline]
    fn add_assign(&mut self, rhs: T) {
        *self = *self + rhs;
    }
}

impl<T: Float> SubAssign<T> for Dual<T> {
    #[inline]
    fn sub_assign(&mut self, rhs: T) {
        *self = *self - rhs;
    }
}

impl<T: Float> MulAssign<T> for Dual<T> {
    #[inline]
    fn mul_assign(&mut self, rhs: T) {
        *self = *self * rhs;
    }
}

impl<T: Float> DivAssign<T> for Dual<T> {
    #[inline]
    fn div_assign(&mut self, rhs: T) {
        *self = *self / rhs;
    }
}

impl<T: Float> RemAssign<T> for Dual<T> {
    #[inline]
    fn rem_assign(&mut self, rhs: T) {
        *self = *self % rhs;
    }
}

impl<T: Float> Sum for Dual<T> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |a, b| a + b)
    }
}

impl<'a, T: Float> Sum<&'a Dual<T>> for Dual<T> {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |a, &b| a + b)
    }
}

impl<T: Float> Product for Dual<T> {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |a, b| a * b)
    }
}

impl<'a, T: Float> Product<&'a Dual<T>> for Dual<T> {
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |a, &b| a * b)
    }
}

// ---------------------------------------------------------------------------------------------
// num-traits plumbing.

impl<T: Float> Zero for Dual<T> {
    #[inline]
    fn zero() -> Self {
        Self::constant(T::zero())
    }
    /// True when both parts are zero (consistent with `==`).
    #[inline]
    fn is_zero(&self) -> bool {
        self.re.is_zero() && self.eps.is_zero()
    }
}

impl<T: Float> One for Dual<T> {
    #[inline]
    fn one() -> Self {
        Self::constant(T::one())
    }
    /// True when `re == 1` and `eps == 0` (consistent with `==`).
    #[inline]
    fn is_one(&self) -> bool {
        self.re == T::one() && self.eps.is_zero()
    }
}

impl<T: Float> Num for Dual<T> {
    type FromStrRadixErr = T::FromStrRadixErr;
    /// Parses the value; the result is a constant.
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Self::constant)
    }
}

impl<T: Float> ToPrimitive for Dual<T> {
    fn to_i64(&self) -> Option<i64> {
        self.re.to_i64()
    }
    fn to_u64(&self) -> Option<u64> {
        self.re.to_u64()
    }
    fn to_i128(&self) -> Option<i128> {
        self.re.to_i128()
    }
    fn to_u128(&self) -> Option<u128> {
        self.re.to_u128()
    }
    fn to_f32(&self) -> Option<f32> {
        self.re.to_f32()
    }
    fn to_f64(&self) -> Option<f64> {
        self.re.to_f64()
    }
}

impl<T: Float> NumCast for Dual<T> {
    /// Converts to a constant.
    fn from<N: ToPrimitive>(n: N) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
}

impl<T: Float> FromPrimitive for Dual<T> {
    fn from_i64(n: i64) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
    fn from_u64(n: u64) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
    fn from_i128(n: i128) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
    fn from_u128(n: u128) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
    fn from_f32(n: f32) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
    fn from_f64(n: f64) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
}

/// Forwards each [`FloatConst`] constant as a constant dual. (Constants only, no derivatives.)
macro_rules! float_const {
    ($($c:ident),*) => {
        $(
            #[inline]
            fn $c() -> Self {
                Self::constant(T::$c())
            }
        )*
    };
}
pub(crate) use float_const;

impl<T: Float + FloatConst> FloatConst for Dual<T> {
    float_const! {
        E, FRAC_1_PI, FRAC_1_SQRT_2, FRAC_2_PI, FRAC_2_SQRT_PI, FRAC_PI_2, FRAC_PI_3, FRAC_PI_4,
        FRAC_PI_6, FRAC_PI_8, LN_10, LN_2, LOG10_E, LOG2_E, PI, SQRT_2, TAU, LOG10_2, LOG2_10
    }
}

// ---------------------------------------------------------------------------------------------
// Float.

impl<T: Float> Float for Dual<T> {
    // Constants: zero tangent.
    fn nan() -> Self {
        Self::constant(T::nan())
    }
    fn infinity() -> Self {
        Self::constant(T::infinity())
    }
    fn neg_infinity() -> Self {
        Self::constant(T::neg_infinity())
    }
    fn neg_zero() -> Self {
        Self::constant(T::neg_zero())
    }
    fn min_value() -> Self {
        Self::constant(T::min_value())
    }
    fn min_positive_value() -> Self {
        Self::constant(T::min_positive_value())
    }
    fn epsilon() -> Self {
        Self::constant(T::epsilon())
    }
    fn max_value() -> Self {
        Self::constant(T::max_value())
    }

    // Queries on `re`.
    fn is_nan(self) -> bool {
        self.re.is_nan()
    }
    fn is_infinite(self) -> bool {
        self.re.is_infinite()
    }
    fn is_finite(self) -> bool {
        self.re.is_finite()
    }
    fn is_normal(self) -> bool {
        self.re.is_normal()
    }
    fn is_subnormal(self) -> bool {
        self.re.is_subnormal()
    }
    fn classify(self) -> FpCategory {
        self.re.classify()
    }
    fn is_sign_positive(self) -> bool {
        self.re.is_sign_positive()
    }
    fn is_sign_negative(self) -> bool {
        self.re.is_sign_negative()
    }
    fn integer_decode(self) -> (u64, i16, i8) {
        self.re.integer_decode()
    }

    // Piecewise constant: zero tangent.
    fn floor(self) -> Self {
        Self::constant(self.re.floor())
    }
    fn ceil(self) -> Self {
        Self::constant(self.re.ceil())
    }
    fn round(self) -> Self {
        Self::constant(self.re.round())
    }
    fn trunc(self) -> Self {
        Self::constant(self.re.trunc())
    }
    fn signum(self) -> Self {
        Self::constant(self.re.signum())
    }

    /// `fract(x) = x - trunc(x)`: slope 1.
    fn fract(self) -> Self {
        Dual::new(self.re.fract(), self.eps)
    }
    /// Follows the sign bit of `re`: `-x` if negative (including `-0.0`), else `x`.
    fn abs(self) -> Self {
        if self.re.is_sign_negative() {
            -self
        } else {
            self
        }
    }
    fn copysign(self, sign: Self) -> Self {
        if self.re.is_sign_negative() == sign.re.is_sign_negative() {
            self
        } else {
            -self
        }
    }
    /// Returns the operand with the larger `re` (a NaN `re` loses, as in [`f64::max`]).
    fn max(self, other: Self) -> Self {
        if self.re.is_nan() || other.re > self.re {
            other
        } else {
            self
        }
    }
    /// Returns the operand with the smaller `re` (a NaN `re` loses, as in [`f64::min`]).
    fn min(self, other: Self) -> Self {
        if self.re.is_nan() || other.re < self.re {
            other
        } else {
            self
        }
    }
    /// Returns `min`, `max` or `self`, whichever `re` selects.
    fn clamp(self, min: Self, max: Self) -> Self {
        if self.re < min.re {
            min
        } else if self.re > max.re {
            max
        } else {
            self
        }
    }
    /// `max(x - y, 0)`.
    fn abs_sub(self, other: Self) -> Self {
        if self.re <= other.re {
            Self::zero()
        } else {
            self - other
        }
    }

    /// `(x a + b)' = x' a + x a' + b'` (value fused).
    fn mul_add(self, a: Self, b: Self) -> Self {
        Dual::new(
            self.re.mul_add(a.re, b.re),
            self.eps * a.re + self.re * a.eps + b.eps,
        )
    }
    /// `(1/x)' = -1/x²`.
    fn recip(self) -> Self {
        let r = self.re.recip();
        self.chain(r, -r * r)
    }
    /// `(xⁿ)' = n xⁿ⁻¹` (zero for `n = 0`).
    fn powi(self, n: i32) -> Self {
        if n == 0 {
            return Self::one();
        }
        let nf = T::from(n).unwrap_or_else(T::nan);
        let d = match n.checked_sub(1) {
            Some(m) => nf * self.re.powi(m),
            None => nf * self.re.powf(nf - T::one()),
        };
        self.chain(self.re.powi(n), d)
    }
    /// `d(xⁿ) = n xⁿ⁻¹ dx + xⁿ ln x dn`; each term is dropped when its tangent is zero, the
    /// first when `n = 0` and the second when `xⁿ = 0`.
    fn powf(self, n: Self) -> Self {
        let (x, p) = (self.re, n.re);
        let re = x.powf(p);
        let dx = if p == T::zero() {
            T::zero()
        } else {
            p * x.powf(p - T::one())
        };
        let dn = if re == T::zero() {
            T::zero()
        } else {
            re * x.ln()
        };
        Dual::new(re, tangent(self.eps, dx) + tangent(n.eps, dn))
    }
    /// `(√x)' = 1 / (2√x)`.
    fn sqrt(self) -> Self {
        let s = self.re.sqrt();
        self.chain(s, (s + s).recip())
    }
    /// `(∛x)' = 1 / (3 ∛x²)`.
    fn cbrt(self) -> Self {
        let c = self.re.cbrt();
        self.chain(c, (T::from(3u8).unwrap_or_else(T::nan) * c * c).recip())
    }
    /// `(eˣ)' = eˣ`.
    fn exp(self) -> Self {
        let e = self.re.exp();
        self.chain(e, e)
    }
    /// `(2ˣ)' = 2ˣ ln 2`.
    fn exp2(self) -> Self {
        let e = self.re.exp2();
        self.chain(e, e * ln_2())
    }
    /// `(eˣ - 1)' = eˣ`.
    fn exp_m1(self) -> Self {
        self.chain(self.re.exp_m1(), self.re.exp())
    }
    /// `(ln x)' = 1/x`.
    fn ln(self) -> Self {
        self.chain(self.re.ln(), self.re.recip())
    }
    /// `(ln(1 + x))' = 1/(1 + x)`.
    fn ln_1p(self) -> Self {
        self.chain(self.re.ln_1p(), (T::one() + self.re).recip())
    }
    /// `log_b x = ln x / ln b`: `∂/∂x = 1/(x ln b)`, `∂/∂b = -log_b x / (b ln b)`.
    fn log(self, base: Self) -> Self {
        let re = self.re.log(base.re);
        let lb = base.re.ln();
        let dx = (self.re * lb).recip();
        let db = -re / (base.re * lb);
        Dual::new(re, tangent(self.eps, dx) + tangent(base.eps, db))
    }
    /// `(log₂ x)' = 1/(x ln 2)`.
    fn log2(self) -> Self {
        self.chain(self.re.log2(), (self.re * ln_2()).recip())
    }
    /// `(log₁₀ x)' = 1/(x ln 10)`.
    fn log10(self) -> Self {
        self.chain(self.re.log10(), (self.re * ln_10()).recip())
    }
    /// Linear: both parts are scaled by `180/π`.
    fn to_degrees(self) -> Self {
        Dual::new(self.re.to_degrees(), self.eps.to_degrees())
    }
    /// Linear: both parts are scaled by `π/180`.
    fn to_radians(self) -> Self {
        Dual::new(self.re.to_radians(), self.eps.to_radians())
    }
    /// `d√(x² + y²) = (x dx + y dy) / √(x² + y²)`; zero tangent at the origin.
    fn hypot(self, other: Self) -> Self {
        let h = self.re.hypot(other.re);
        if h == T::zero() {
            return Self::constant(h);
        }
        let eps = tangent(self.eps, self.re / h) + tangent(other.eps, other.re / h);
        Dual::new(h, eps)
    }

    /// `(sin x)' = cos x`.
    fn sin(self) -> Self {
        let (s, c) = self.re.sin_cos();
        self.chain(s, c)
    }
    /// `(cos x)' = -sin x`.
    fn cos(self) -> Self {
        let (s, c) = self.re.sin_cos();
        self.chain(c, -s)
    }
    /// `(tan x)' = 1 + tan² x`.
    fn tan(self) -> Self {
        let t = self.re.tan();
        self.chain(t, T::one() + t * t)
    }
    /// `(sin x, cos x)` with tangents `cos x` and `-sin x`.
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.re.sin_cos();
        (self.chain(s, c), self.chain(c, -s))
    }
    /// `(asin x)' = 1/√(1 - x²)`.
    fn asin(self) -> Self {
        let x = self.re;
        self.chain(x.asin(), ((T::one() - x) * (T::one() + x)).sqrt().recip())
    }
    /// `(acos x)' = -1/√(1 - x²)`.
    fn acos(self) -> Self {
        let x = self.re;
        self.chain(x.acos(), -((T::one() - x) * (T::one() + x)).sqrt().recip())
    }
    /// `(atan x)' = 1/(1 + x²)`.
    fn atan(self) -> Self {
        let x = self.re;
        self.chain(x.atan(), (T::one() + x * x).recip())
    }
    /// `atan2(y, x)` with `self = y`: `d = (x dy - y dx) / (x² + y²)`; zero tangent at the
    /// origin.
    fn atan2(self, other: Self) -> Self {
        let (y, x) = (self.re, other.re);
        let re = y.atan2(x);
        let r2 = x * x + y * y;
        if r2 == T::zero() {
            return Self::constant(re);
        }
        Dual::new(re, tangent(self.eps, x / r2) + tangent(other.eps, -y / r2))
    }
    /// `(sinh x)' = cosh x`.
    fn sinh(self) -> Self {
        self.chain(self.re.sinh(), self.re.cosh())
    }
    /// `(cosh x)' = sinh x`.
    fn cosh(self) -> Self {
        self.chain(self.re.cosh(), self.re.sinh())
    }
    /// `(tanh x)' = 1 - tanh² x`.
    fn tanh(self) -> Self {
        let t = self.re.tanh();
        self.chain(t, T::one() - t * t)
    }
    /// `(asinh x)' = 1/√(x² + 1)`.
    fn asinh(self) -> Self {
        let x = self.re;
        self.chain(x.asinh(), x.hypot(T::one()).recip())
    }
    /// `(acosh x)' = 1/(√(x - 1) √(x + 1))`.
    fn acosh(self) -> Self {
        let x = self.re;
        let d = ((x - T::one()).sqrt() * (x + T::one()).sqrt()).recip();
        self.chain(x.acosh(), d)
    }
    /// `(atanh x)' = 1/(1 - x²)`.
    fn atanh(self) -> Self {
        let x = self.re;
        self.chain(x.atanh(), ((T::one() - x) * (T::one() + x)).recip())
    }
}

#[cfg(test)]
#[path = "dual_tests.rs"]
mod tests;
