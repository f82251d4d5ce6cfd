//! Arithmetic operators for both dual types: the rules are the generic functions in
//! [`dual_rhs`] and [`scalar_rhs`]; `impl_ops!` only forwards the `core::ops` traits to them.
//!
//! The operators follow plain IEEE arithmetic (no zero-tangent guard), so `x * y` costs what
//! the product rule costs.

use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::{Float, One, Zero};

use super::parts::{DualNumber, Tangent};
use super::{Dual, DualVec};

/// `a ∘ b` for two duals.
mod dual_rhs {
    use super::{DualNumber, Float, Tangent};

    #[inline]
    pub(super) fn add<D: DualNumber>(a: D, b: D) -> D {
        D::from_parts(a.re() + b.re(), a.eps().zip2(b.eps(), |x, y| x + y))
    }

    #[inline]
    pub(super) fn sub<D: DualNumber>(a: D, b: D) -> D {
        D::from_parts(a.re() - b.re(), a.eps().zip2(b.eps(), |x, y| x - y))
    }

    /// `(a b)' = a' b + a b'`.
    #[inline]
    pub(super) fn mul<D: DualNumber>(a: D, b: D) -> D {
        let (ar, br) = (a.re(), b.re());
        D::from_parts(ar * br, a.eps().zip2(b.eps(), |x, y| x * br + ar * y))
    }

    /// `(a / b)' = (a' - (a/b) b') / b`.
    #[inline]
    pub(super) fn div<D: DualNumber>(a: D, b: D) -> D {
        let (q, br) = (a.re() / b.re(), b.re());
        D::from_parts(q, a.eps().zip2(b.eps(), |x, y| (x - q * y) / br))
    }

    /// `a % b = a - trunc(a/b)·b`, so `(a % b)' = a' - trunc(a/b)·b'` (away from the jumps).
    #[inline]
    pub(super) fn rem<D: DualNumber>(a: D, b: D) -> D {
        let k = (a.re() / b.re()).trunc();
        D::from_parts(a.re() % b.re(), a.eps().zip2(b.eps(), |x, y| x - k * y))
    }
}

/// `a ∘ c` for a dual `a` and a plain scalar `c` (a constant).
mod scalar_rhs {
    use super::DualNumber;

    #[inline]
    pub(super) fn add<D: DualNumber>(a: D, c: D::Re) -> D {
        a.with_re(a.re() + c)
    }

    #[inline]
    pub(super) fn sub<D: DualNumber>(a: D, c: D::Re) -> D {
        a.with_re(a.re() - c)
    }

    #[inline]
    pub(super) fn mul<D: DualNumber>(a: D, c: D::Re) -> D {
        a.linear(|v| v * c)
    }

    #[inline]
    pub(super) fn div<D: DualNumber>(a: D, c: D::Re) -> D {
        a.linear(|v| v / c)
    }

    /// `(a % c)' = a'` (away from the jumps).
    #[inline]
    pub(super) fn rem<D: DualNumber>(a: D, c: D::Re) -> D {
        a.with_re(a.re() % c)
    }
}

/// Implements the operator traits for `$ty` (generic over `$g`, which names the scalar `T`)
/// by forwarding to [`dual_rhs`] and [`scalar_rhs`].
macro_rules! impl_ops {
    ([$($g:tt)*] $ty:ty) => {
        impl<$($g)*> Neg for $ty {
            type Output = Self;
            #[inline]
            fn neg(self) -> Self {
                self.linear(Neg::neg)
            }
        }
        impl<$($g)*> Sum for $ty {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::zero(), |a, b| a + b)
            }
        }
        impl<'a, $($g)*> Sum<&'a $ty> for $ty {
            fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                iter.fold(Self::zero(), |a, &b| a + b)
            }
        }
        impl<$($g)*> Product for $ty {
            fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::one(), |a, b| a * b)
            }
        }
        impl<'a, $($g)*> Product<&'a $ty> for $ty {
            fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                iter.fold(Self::one(), |a, &b| a * b)
            }
        }
        impl_ops!(@binary [$($g)*] $ty, Add add AddAssign add_assign);
        impl_ops!(@binary [$($g)*] $ty, Sub sub SubAssign sub_assign);
        impl_ops!(@binary [$($g)*] $ty, Mul mul MulAssign mul_assign);
        impl_ops!(@binary [$($g)*] $ty, Div div DivAssign div_assign);
        impl_ops!(@binary [$($g)*] $ty, Rem rem RemAssign rem_assign);
    };
    (@binary [$($g:tt)*] $ty:ty, $Op:ident $op:ident $OpAssign:ident $op_assign:ident) => {
        impl<$($g)*> $Op for $ty {
            type Output = Self;
            #[inline]
            fn $op(self, rhs: Self) -> Self {
                dual_rhs::$op(self, rhs)
            }
        }
        impl<$($g)*> $Op<T> for $ty {
            type Output = Self;
            #[inline]
            fn $op(self, rhs: T) -> Self {
                scalar_rhs::$op(self, rhs)
            }
        }
        impl<$($g)*> $OpAssign for $ty {
            #[inline]
            fn $op_assign(&mut self, rhs: Self) {
                *self = dual_rhs::$op(*self, rhs);
            }
        }
        impl<$($g)*> $OpAssign<T> for $ty {
            #[inline]
            fn $op_assign(&mut self, rhs: T) {
                *self = scalar_rhs::$op(*self, rhs);
            }
        }
    };
}

impl_ops!([T: Float] Dual<T>);
impl_ops!([T: Float, const N: usize] DualVec<T, N>);

/// `f64 ∘ dual` and `f32 ∘ dual`: the scalar on the left is a constant. (A generic
/// `impl<T> Add<Dual<T>> for T` is not allowed by the orphan rule.)
macro_rules! scalar_lhs_ops {
    ($t:ty, [$($g:tt)*] $ty:ty) => {
        scalar_lhs_ops!(@one $t, [$($g)*] $ty, Add add);
        scalar_lhs_ops!(@one $t, [$($g)*] $ty, Sub sub);
        scalar_lhs_ops!(@one $t, [$($g)*] $ty, Mul mul);
        scalar_lhs_ops!(@one $t, [$($g)*] $ty, Div div);
        scalar_lhs_ops!(@one $t, [$($g)*] $ty, Rem rem);
    };
    (@one $t:ty, [$($g:tt)*] $ty:ty, $Op:ident $op:ident) => {
        impl<$($g)*> $Op<$ty> for $t {
            type Output = $ty;
            #[inline]
            fn $op(self, rhs: $ty) -> $ty {
                dual_rhs::$op(<$ty>::constant(self), rhs)
            }
        }
    };
}

scalar_lhs_ops!(f32, [] Dual<f32>);
scalar_lhs_ops!(f64, [] Dual<f64>);
scalar_lhs_ops!(f32, [const N: usize] DualVec<f32, N>);
scalar_lhs_ops!(f64, [const N: usize] DualVec<f64, N>);
