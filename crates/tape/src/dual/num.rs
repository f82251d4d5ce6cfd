//! Comparison and num-traits plumbing for both dual types: constants, conversions and
//! parsing give constants (zero tangents); comparisons and conversions to primitives look at
//! `re` only.

use core::cmp::Ordering;

use num_traits::{Float, FloatConst, FromPrimitive, Num, NumCast, One, ToPrimitive, Zero};

use super::parts::Tangent;
use super::{Dual, DualVec};

/// Forwards each listed constant `T::c()` as a constant dual. (Constants only, no derivatives.)
macro_rules! constants {
    ($($c:ident),*) => {
        $(
            #[inline]
            fn $c() -> Self {
                Self::constant(T::$c())
            }
        )*
    };
}
pub(super) use constants;

/// Forwards each listed conversion `T::$from(n)`, making a constant.
macro_rules! from_primitive {
    ($($from:ident($n:ty)),*) => {
        $(
            fn $from(n: $n) -> Option<Self> {
                <T as NumCast>::from(n).map(Self::constant)
            }
        )*
    };
}

/// Forwards each listed query `re.$to()` to the value.
macro_rules! to_primitive {
    ($($to:ident -> $out:ty),*) => {
        $(
            fn $to(&self) -> Option<$out> {
                self.re.$to()
            }
        )*
    };
}

/// Implements `PartialOrd`, `Zero`, `One`, `Num`, `ToPrimitive`, `NumCast`, `FromPrimitive`
/// and `FloatConst` for `$ty` (generic over `$g`, which names the scalar `T`).
macro_rules! impl_num {
    ([$($g:tt)*] $ty:ty) => {
        impl<$($g)*> PartialOrd for $ty {
            /// Compares `re` only.
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                self.re.partial_cmp(&other.re)
            }
        }

        impl<$($g)*> Zero for $ty {
            #[inline]
            fn zero() -> Self {
                Self::constant(T::zero())
            }
            /// True when `re` and every tangent are zero (consistent with `==`).
            #[inline]
            fn is_zero(&self) -> bool {
                self.re.is_zero() && self.eps.all_zero()
            }
        }

        impl<$($g)*> One for $ty {
            #[inline]
            fn one() -> Self {
                Self::constant(T::one())
            }
            /// True when `re == 1` and every tangent is zero (consistent with `==`).
            #[inline]
            fn is_one(&self) -> bool {
                self.re == T::one() && self.eps.all_zero()
            }
        }

        impl<$($g)*> Num for $ty {
            type FromStrRadixErr = T::FromStrRadixErr;
            /// Parses the value; the result is a constant.
            fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
                T::from_str_radix(s, radix).map(Self::constant)
            }
        }

        impl<$($g)*> ToPrimitive for $ty {
            to_primitive! {
                to_i64 -> i64, to_u64 -> u64, to_i128 -> i128, to_u128 -> u128,
                to_f32 -> f32, to_f64 -> f64
            }
        }

        impl<$($g)*> NumCast for $ty {
            /// Converts to a constant.
            fn from<P: ToPrimitive>(n: P) -> Option<Self> {
                <T as NumCast>::from(n).map(Self::constant)
            }
        }

        impl<$($g)*> FromPrimitive for $ty {
            from_primitive! {
                from_i64(i64), from_u64(u64), from_i128(i128), from_u128(u128),
                from_f32(f32), from_f64(f64)
            }
        }

        impl<$($g)*> FloatConst for $ty
        where
            T: FloatConst,
        {
            constants! {
                E, FRAC_1_PI, FRAC_1_SQRT_2, FRAC_2_PI, FRAC_2_SQRT_PI, FRAC_PI_2, FRAC_PI_3,
                FRAC_PI_4, FRAC_PI_6, FRAC_PI_8, LN_10, LN_2, LOG10_E, LOG2_E, PI, SQRT_2, TAU,
                LOG10_2, LOG2_10
            }
        }
    };
}

impl_num!([T: Float] Dual<T>);
impl_num!([T: Float, const N: usize] DualVec<T, N>);
