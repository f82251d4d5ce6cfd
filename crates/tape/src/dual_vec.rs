//! [`DualVec`]: a dual number with `N` tangent directions.
//!
//! Every derivative rule is the one documented on the matching [`Dual`](super::Dual) method,
//! applied to each tangent direction independently.

use core::array;
use core::cmp::Ordering;
use core::fmt;
use core::iter::{Product, Sum};
use core::num::FpCategory;
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::{Float, FloatConst, FromPrimitive, Num, NumCast, One, ToPrimitive, Zero};

use super::{float_const, ln_10, ln_2, tangent};

/// A first-order dual number with `N` tangents: `re + Σₖ eps[k]·εₖ` with `εⱼ εₖ = 0`.
///
/// One evaluation propagates `N` directional derivatives at once; seeding input `k` with
/// [`DualVec::variable`]`(x, k)` gives the full gradient of a function of `N` inputs.
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
    pub fn variable(re: T, k: usize) -> Self {
        assert!(
            k < N,
            "DualVec::variable: direction {k} out of range for N = {N}"
        );
        let mut eps = [T::zero(); N];
        eps[k] = T::one();
        DualVec::new(re, eps)
    }

    /// Chain rule for a unary function: value `re`, local derivative `d`.
    #[inline]
    fn chain(self, re: T, d: T) -> Self {
        DualVec::new(re, self.eps.map(|e| tangent(e, d)))
    }

    /// Tangents of a binary function with local partials `da` (for `self`) and `db`.
    #[inline]
    fn chain2(self, da: T, other: Self, db: T) -> [T; N] {
        array::from_fn(|k| tangent(self.eps[k], da) + tangent(other.eps[k], db))
    }
}

/// `a·ca + b·cb`, direction by direction (plain IEEE arithmetic).
#[inline]
fn combine<T: Float, const N: usize>(a: &[T; N], ca: T, b: &[T; N], cb: T) -> [T; N] {
    array::from_fn(|k| a[k] * ca + b[k] * cb)
}

/// Tangents of `a / b`: `(a' - q b') / b` with `q = a / b`, direction by direction.
#[inline]
fn quotient_tangent<T: Float, const N: usize>(a: &[T; N], q: T, b: &[T; N], b_re: T) -> [T; N] {
    array::from_fn(|k| (a[k] - q * b[k]) / b_re)
}

impl<T: Float, const N: usize> PartialOrd for DualVec<T, N> {
    /// Compares `re` only.
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
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

// ---------------------------------------------------------------------------------------------
// Arithmetic with another dual.

impl<T: Float, const N: usize> Neg for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        DualVec::new(-self.re, self.eps.map(|e| -e))
    }
}

impl<T: Float, const N: usize> Add for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        DualVec::new(
            self.re + rhs.re,
            array::from_fn(|k| self.eps[k] + rhs.eps[k]),
        )
    }
}

impl<T: Float, const N: usize> Sub for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        DualVec::new(
            self.re - rhs.re,
            array::from_fn(|k| self.eps[k] - rhs.eps[k]),
        )
    }
}

impl<T: Float, const N: usize> Mul for DualVec<T, N> {
    type Output = Self;
    /// `(a b)' = a' b + a b'`.
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        DualVec::new(
            self.re * rhs.re,
            combine(&self.eps, rhs.re, &rhs.eps, self.re),
        )
    }
}

impl<T: Float, const N: usize> Div for DualVec<T, N> {
    type Output = Self;
    /// `(a / b)' = (a' - (a/b) b') / b`.
    #[inline]
    fn div(self, rhs: Self) -> Self {
        let q = self.re / rhs.re;
        DualVec::new(q, quotient_tangent(&self.eps, q, &rhs.eps, rhs.re))
    }
}

impl<T: Float, const N: usize> Rem for DualVec<T, N> {
    type Output = Self;
    /// `(a % b)' = a' - trunc(a/b)·b'` (away from the jumps).
    #[inline]
    fn rem(self, rhs: Self) -> Self {
        let q = (self.re / rhs.re).trunc();
        DualVec::new(
            self.re % rhs.re,
            array::from_fn(|k| self.eps[k] - q * rhs.eps[k]),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic with a plain scalar on the right (the scalar is a constant).

impl<T: Float, const N: usize> Add<T> for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: T) -> Self {
        DualVec::new(self.re + rhs, self.eps)
    }
}

impl<T: Float, const N: usize> Sub<T> for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: T) -> Self {
        DualVec::new(self.re - rhs, self.eps)
    }
}

impl<T: Float, const N: usize> Mul<T> for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: T) -> Self {
        DualVec::new(self.re * rhs, self.eps.map(|e| e * rhs))
    }
}

impl<T: Float, const N: usize> Div<T> for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn div(self, rhs: T) -> Self {
        DualVec::new(self.re / rhs, self.eps.map(|e| e / rhs))
    }
}

impl<T: Float, const N: usize> Rem<T> for DualVec<T, N> {
    type Output = Self;
    #[inline]
    fn rem(self, rhs: T) -> Self {
        DualVec::new(self.re % rhs, self.eps)
    }
}

/// `f64 op DualVec<f64, N>` and `f32 op DualVec<f32, N>`: the scalar on the left is a constant.
macro_rules! scalar_lhs_ops {
    ($($t:ty),*) => {$(
        impl<const N: usize> Add<DualVec<$t, N>> for $t {
            type Output = DualVec<$t, N>;
            #[inline]
            fn add(self, rhs: DualVec<$t, N>) -> DualVec<$t, N> {
                DualVec::constant(self) + rhs
            }
        }
        impl<const N: usize> Sub<DualVec<$t, N>> for $t {
            type Output = DualVec<$t, N>;
            #[inline]
            fn sub(self, rhs: DualVec<$t, N>) -> DualVec<$t, N> {
                DualVec::constant(self) - rhs
            }
        }
        impl<const N: usize> Mul<DualVec<$t, N>> for $t {
            type Output = DualVec<$t, N>;
            #[inline]
            fn mul(self, rhs: DualVec<$t, N>) -> DualVec<$t, N> {
                DualVec::constant(self) * rhs
            }
        }
        impl<const N: usize> Div<DualVec<$t, N>> for $t {
            type Output = DualVec<$t, N>;
            #[inline]
            fn div(self, rhs: DualVec<$t, N>) -> DualVec<$t, N> {
                DualVec::constant(self) / rhs
            }
        }
        impl<const N: usize> Rem<DualVec<$t, N>> for $t {
            type Output = DualVec<$t, N>;
            #[inline]
            fn rem(self, rhs: DualVec<$t, N>) -> DualVec<$t, N> {
                DualVec::constant(self) % rhs
            }
        }
    )*};
}
scalar_lhs_ops!(f32, f64);

// ---------------------------------------------------------------------------------------------
// Compound assignment.

impl<T: Float, const N: usize> AddAssign for DualVec<T, N> {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl<T: Float, const N: usize> SubAssign for DualVec<T, N> {
    #[inline]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl<T: Float, const N: usize> MulAssign for DualVec<T, N> {
    #[inline]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl<T: Float, const N: usize> DivAssign for DualVec<T, N> {
    #[inline]
    fn div_assign(&mut self, rhs: Self) {
        *self = *self / rhs;
    }
}

impl<T: Float, const N: usize> RemAssign for DualVec<T, N> {
    #[inline]
    fn rem_assign(&mut self, rhs: Self) {
        *self = *self % rhs;
    }
}

impl<T: Float, const N: usize> AddAssign<T> for DualVec<T, N> {
    #[inline]
    fn add_assign(&mut self, rhs: T) {
        *self = *self + rhs;
    }
}

impl<T: Float, const N: usize> SubAssign<T> for DualVec<T, N> {
    #[inline]
    fn sub_assign(&mut self, rhs: T) {
        *self = *self - rhs;
    }
}

impl<T: Float, const N: usize> MulAssign<T> for DualVec<T, N> {
    #[inline]
    fn mul_assign(&mut self, rhs: T) {
        *self = *self * rhs;
    }
}

impl<T: Float, const N: usize> DivAssign<T> for DualVec<T, N> {
    #[inline]
    fn div_assign(&mut self, rhs: T) {
        *self = *self / rhs;
    }
}

impl<T: Float, const N: usize> RemAssign<T> for DualVec<T, N> {
    #[inline]
    fn rem_assign(&mut self, rhs: T) {
        *self = *self % rhs;
    }
}

impl<T: Float, const N: usize> Sum for DualVec<T, N> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |a, b| a + b)
    }
}

impl<'a, T: Float, const N: usize> Sum<&'a DualVec<T, N>> for DualVec<T, N> {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |a, &b| a + b)
    }
}

impl<T: Float, const N: usize> Product for DualVec<T, N> {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |a, b| a * b)
    }
}

impl<'a, T: Float, const N: usize> Product<&'a DualVec<T, N>> for DualVec<T, N> {
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |a, &b| a * b)
    }
}

// ---------------------------------------------------------------------------------------------
// num-traits plumbing.

impl<T: Float, const N: usize> Zero for DualVec<T, N> {
    #[inline]
    fn zero() -> Self {
        Self::constant(T::zero())
    }
    /// True when `re` and every tangent are zero (consistent with `==`).
    #[inline]
    fn is_zero(&self) -> bool {
        self.re.is_zero() && self.eps.iter().all(T::is_zero)
    }
}

impl<T: Float, const N: usize> One for DualVec<T, N> {
    #[inline]
    fn one() -> Self {
        Self::constant(T::one())
    }
    /// True when `re == 1` and every tangent is zero (consistent with `==`).
    #[inline]
    fn is_one(&self) -> bool {
        self.re == T::one() && self.eps.iter().all(T::is_zero)
    }
}

impl<T: Float, const N: usize> Num for DualVec<T, N> {
    type FromStrRadixErr = T::FromStrRadixErr;
    /// Parses the value; the result is a constant.
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Self::constant)
    }
}

impl<T: Float, const N: usize> ToPrimitive for DualVec<T, N> {
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

impl<T: Float, const N: usize> NumCast for DualVec<T, N> {
    /// Converts to a constant.
    fn from<M: ToPrimitive>(n: M) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::constant)
    }
}

impl<T: Float, const N: usize> FromPrimitive for DualVec<T, N> {
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

impl<T: Float + FloatConst, const N: usize> FloatConst for DualVec<T, N> {
    float_const! {
        E, FRAC_1_PI, FRAC_1_SQRT_2, FRAC_2_PI, FRAC_2_SQRT_PI, FRAC_PI_2, FRAC_PI_3, FRAC_PI_4,
        FRAC_PI_6, FRAC_PI_8, LN_10, LN_2, LOG10_E, LOG2_E, PI, SQRT_2, TAU, LOG10_2, LOG2_10
    }
}

// ---------------------------------------------------------------------------------------------
// Float. The derivative rules are documented on `impl Float for Dual`.

impl<T: Float, const N: usize> Float for DualVec<T, N> {
    // Constants: zero tangents.
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

    // Piecewise constant: zero tangents.
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

    fn fract(self) -> Self {
        DualVec::new(self.re.fract(), self.eps)
    }
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
    fn max(self, other: Self) -> Self {
        if self.re.is_nan() || other.re > self.re {
            other
        } else {
            self
        }
    }
    fn min(self, other: Self) -> Self {
        if self.re.is_nan() || other.re < self.re {
            other
        } else {
            self
        }
    }
    fn clamp(self, min: Self, max: Self) -> Self {
        if self.re < min.re {
            min
        } else if self.re > max.re {
            max
        } else {
            self
        }
    }
    fn abs_sub(self, other: Self) -> Self {
        if self.re <= other.re {
            Self::zero()
        } else {
            self - other
        }
    }

    fn mul_add(self, a: Self, b: Self) -> Self {
        DualVec::new(
            self.re.mul_add(a.re, b.re),
            array::from_fn(|k| self.eps[k] * a.re + self.re * a.eps[k] + b.eps[k]),
        )
    }
    fn recip(self) -> Self {
        let r = self.re.recip();
        self.chain(r, -r * r)
    }
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
        DualVec::new(re, self.chain2(dx, n, dn))
    }
    fn sqrt(self) -> Self {
        let s = self.re.sqrt();
        self.chain(s, (s + s).recip())
    }
    fn cbrt(self) -> Self {
        let c = self.re.cbrt();
        self.chain(c, (T::from(3u8).unwrap_or_else(T::nan) * c * c).recip())
    }
    fn exp(self) -> Self {
        let e = self.re.exp();
        self.chain(e, e)
    }
    fn exp2(self) -> Self {
        let e = self.re.exp2();
        self.chain(e, e * ln_2())
    }
    fn exp_m1(self) -> Self {
        self.chain(self.re.exp_m1(), self.re.exp())
    }
    fn ln(self) -> Self {
        self.chain(self.re.ln(), self.re.recip())
    }
    fn ln_1p(self) -> Self {
        self.chain(self.re.ln_1p(), (T::one() + self.re).recip())
    }
    fn log(self, base: Self) -> Self {
        let re = self.re.log(base.re);
        let lb = base.re.ln();
        let dx = (self.re * lb).recip();
        let db = -re / (base.re * lb);
        DualVec::new(re, self.chain2(dx, base, db))
    }
    fn log2(self) -> Self {
        self.chain(self.re.log2(), (self.re * ln_2()).recip())
    }
    fn log10(self) -> Self {
        self.chain(self.re.log10(), (self.re * ln_10()).recip())
    }
    fn to_degrees(self) -> Self {
        DualVec::new(self.re.to_degrees(), self.eps.map(T::to_degrees))
    }
    fn to_radians(self) -> Self {
        DualVec::new(self.re.to_radians(), self.eps.map(T::to_radians))
    }
    fn hypot(self, other: Self) -> Self {
        let h = self.re.hypot(other.re);
        if h == T::zero() {
            return Self::constant(h);
        }
        DualVec::new(h, self.chain2(self.re / h, other, other.re / h))
    }

    fn sin(self) -> Self {
        let (s, c) = self.re.sin_cos();
        self.chain(s, c)
    }
    fn cos(self) -> Self {
        let (s, c) = self.re.sin_cos();
        self.chain(c, -s)
    }
    fn tan(self) -> Self {
        let t = self.re.tan();
        self.chain(t, T::one() + t * t)
    }
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.re.sin_cos();
        (self.chain(s, c), self.chain(c, -s))
    }
    fn asin(self) -> Self {
        let x = self.re;
        self.chain(x.asin(), ((T::one() - x) * (T::one() + x)).sqrt().recip())
    }
    fn acos(self) -> Self {
        let x = self.re;
        self.chain(x.acos(), -((T::one() - x) * (T::one() + x)).sqrt().recip())
    }
    fn atan(self) -> Self {
        let x = self.re;
        self.chain(x.atan(), (T::one() + x * x).recip())
    }
    fn atan2(self, other: Self) -> Self {
        let (y, x) = (self.re, other.re);
        let re = y.atan2(x);
        let r2 = x * x + y * y;
        if r2 == T::zero() {
            return Self::constant(re);
        }
        DualVec::new(re, self.chain2(x / r2, other, -y / r2))
    }
    fn sinh(self) -> Self {
        self.chain(self.re.sinh(), self.re.cosh())
    }
    fn cosh(self) -> Self {
        self.chain(self.re.cosh(), self.re.sinh())
    }
    fn tanh(self) -> Self {
        let t = self.re.tanh();
        self.chain(t, T::one() - t * t)
    }
    fn asinh(self) -> Self {
        let x = self.re;
        self.chain(x.asinh(), x.hypot(T::one()).recip())
    }
    fn acosh(self) -> Self {
        let x = self.re;
        let d = ((x - T::one()).sqrt() * (x + T::one()).sqrt()).recip();
        self.chain(x.acosh(), d)
    }
    fn atanh(self) -> Self {
        let x = self.re;
        self.chain(x.atanh(), ((T::one() - x) * (T::one() + x)).recip())
    }
}
