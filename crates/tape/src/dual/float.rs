//! [`num_traits::Float`] for both dual types. The derivative rules live in [`rules`] (on
//! values) and in [`whole`] (selections and `mul_add`, on whole operands); `impl_float!` only
//! forwards each method to its rule.

use core::num::FpCategory;

use num_traits::Float;

use super::num::constants;
use super::parts::DualNumber;
use super::{rules, Dual, DualVec};

/// Rules that act on whole operands rather than on values.
mod whole {
    use core::ops::{Neg, Sub};

    use num_traits::{Float, Zero};

    use super::super::parts::{DualNumber, Tangent};

    /// Follows the sign bit of `re`: `-x` if negative (including `-0.0`), else `x`, so
    /// `d|x|/dx = 1` at `+0.0`.
    #[inline]
    pub(super) fn abs<D: DualNumber>(x: D) -> D {
        copysign(x, false)
    }

    /// `x` or `-x`, whichever has the sign bit `negative`.
    #[inline]
    pub(super) fn copysign<D: DualNumber>(x: D, negative: bool) -> D {
        if x.re().is_sign_negative() == negative {
            x
        } else {
            x.linear(Neg::neg)
        }
    }

    /// The operand with the larger `re` (a NaN `re` loses, as in [`f64::max`]).
    #[inline]
    pub(super) fn max<D: DualNumber>(a: D, b: D) -> D {
        if a.re().is_nan() || b.re() > a.re() {
            b
        } else {
            a
        }
    }

    /// The operand with the smaller `re` (a NaN `re` loses, as in [`f64::min`]).
    #[inline]
    pub(super) fn min<D: DualNumber>(a: D, b: D) -> D {
        if a.re().is_nan() || b.re() < a.re() {
            b
        } else {
            a
        }
    }

    /// `lo`, `hi` or `x`, whichever `re` selects.
    #[inline]
    pub(super) fn clamp<D: DualNumber>(x: D, lo: D, hi: D) -> D {
        if x.re() < lo.re() {
            lo
        } else if x.re() > hi.re() {
            hi
        } else {
            x
        }
    }

    /// `max(a - b, 0)`, as the constant 0 or the difference.
    #[inline]
    pub(super) fn abs_sub<D: DualNumber + Sub<Output = D>>(a: D, b: D) -> D {
        if a.re() <= b.re() {
            D::constant(<D::Re as Zero>::zero())
        } else {
            a - b
        }
    }

    /// `(x a + b)' = x' a + x a' + b'` (value fused).
    #[inline]
    pub(super) fn mul_add<D: DualNumber>(x: D, a: D, b: D) -> D {
        let (xr, ar) = (x.re(), a.re());
        let eps = x
            .eps()
            .zip3(a.eps(), b.eps(), |dx, da, db| dx * ar + xr * da + db);
        D::from_parts(xr.mul_add(ar, b.re()), eps)
    }
}

/// `fn f(self) -> bool` (or another query result) on the value only.
macro_rules! queries {
    ($($f:ident -> $out:ty),*) => {
        $(
            fn $f(self) -> $out {
                self.re.$f()
            }
        )*
    };
}

/// Piecewise-constant `fn f(self) -> Self`: a constant.
macro_rules! piecewise {
    ($($f:ident),*) => {
        $(
            fn $f(self) -> Self {
                Self::constant(self.re.$f())
            }
        )*
    };
}

/// `fn f(self) -> Self` by the chain rule with the unary rule `rules::f`.
macro_rules! unary {
    ($($f:ident),*) => {
        $(
            #[inline]
            fn $f(self) -> Self {
                self.chain(rules::$f(self.re))
            }
        )*
    };
}

/// Implements `Float` for `$ty` (generic over `$g`, which names the scalar `T`).
macro_rules! impl_float {
    ([$($g:tt)*] $ty:ty) => {
        impl<$($g)*> Float for $ty {
            constants! {
                nan, infinity, neg_infinity, neg_zero, min_value, min_positive_value, epsilon,
                max_value
            }
            queries! {
                is_nan -> bool, is_infinite -> bool, is_finite -> bool, is_normal -> bool,
                is_subnormal -> bool, is_sign_positive -> bool, is_sign_negative -> bool,
                classify -> FpCategory, integer_decode -> (u64, i16, i8)
            }
            piecewise! { floor, ceil, round, trunc, signum }
            unary! {
                recip, sqrt, cbrt, exp, exp2, exp_m1, ln, ln_1p, log2, log10, sin, cos, tan,
                asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh
            }

            /// `fract(x) = x - trunc(x)`: slope 1.
            fn fract(self) -> Self {
                self.with_re(self.re.fract())
            }
            /// Linear: both parts are scaled by `180/π`.
            fn to_degrees(self) -> Self {
                self.linear(T::to_degrees)
            }
            /// Linear: both parts are scaled by `π/180`.
            fn to_radians(self) -> Self {
                self.linear(T::to_radians)
            }
            fn sin_cos(self) -> (Self, Self) {
                let (sin, cos) = rules::sin_cos(self.re);
                (self.chain(sin), self.chain(cos))
            }
            fn powi(self, n: i32) -> Self {
                self.chain_or_constant(rules::powi(self.re, n))
            }
            fn powf(self, n: Self) -> Self {
                self.chain2(n, rules::powf(self.re, n.re))
            }
            fn log(self, base: Self) -> Self {
                self.chain2(base, rules::log(self.re, base.re))
            }
            fn hypot(self, other: Self) -> Self {
                self.chain2_or_constant(other, rules::hypot(self.re, other.re))
            }
            /// `atan2(y, x)` with `self = y`.
            fn atan2(self, other: Self) -> Self {
                self.chain2_or_constant(other, rules::atan2(self.re, other.re))
            }
            fn mul_add(self, a: Self, b: Self) -> Self {
                whole::mul_add(self, a, b)
            }
            fn abs(self) -> Self {
                whole::abs(self)
            }
            fn copysign(self, sign: Self) -> Self {
                whole::copysign(self, sign.re.is_sign_negative())
            }
            fn max(self, other: Self) -> Self {
                whole::max(self, other)
            }
            fn min(self, other: Self) -> Self {
                whole::min(self, other)
            }
            fn clamp(self, min: Self, max: Self) -> Self {
                whole::clamp(self, min, max)
            }
            fn abs_sub(self, other: Self) -> Self {
                whole::abs_sub(self, other)
            }
        }
    };
}

impl_float!([T: Float] Dual<T>);
impl_float!([T: Float, const N: usize] DualVec<T, N>);
