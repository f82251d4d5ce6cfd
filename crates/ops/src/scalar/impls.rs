//! `Scalar` for plain numbers and dual numbers (through `Float`, the activations through the
//! tape ops' own formulas so all three evaluations agree) and for scalar `Var`s (through the
//! ops).
use super::Scalar;
use crate::elementwise::{self as ew, Sigmoid, Softplus};
use std::ops::{Add, Div, Mul, Sub};
use wengert_tape::dual::Dual;
use wengert_tape::op::Unary;
use wengert_tape::{Real, Var};

macro_rules! plain_scalar {
    ([$($g:tt)*] $t:ty) => {
        impl<$($g)*> Scalar for $t {
            type Elem = $t;
            #[inline]
            fn value(self) -> $t { self }
            #[inline]
            fn exp(self) -> Self { num_traits::Float::exp(self) }
            #[inline]
            fn exp_m1(self) -> Self { num_traits::Float::exp_m1(self) }
            #[inline]
            fn ln(self) -> Self { num_traits::Float::ln(self) }
            #[inline]
            fn ln_1p(self) -> Self { num_traits::Float::ln_1p(self) }
            #[inline]
            fn sin(self) -> Self { num_traits::Float::sin(self) }
            #[inline]
            fn cos(self) -> Self { num_traits::Float::cos(self) }
            #[inline]
            fn tanh(self) -> Self { num_traits::Float::tanh(self) }
            #[inline]
            fn sigmoid(self) -> Self { <Sigmoid as Unary<$t>>::f(self) }
            #[inline]
            fn softplus(self) -> Self { <Softplus as Unary<$t>>::f(self) }
            #[inline]
            fn sqrt(self) -> Self { num_traits::Float::sqrt(self) }
            #[inline]
            fn recip(self) -> Self { num_traits::Float::recip(self) }
            #[inline]
            fn abs(self) -> Self { num_traits::Float::abs(self) }
            #[inline]
            fn powi(self, n: i32) -> Self { num_traits::Float::powi(self, n) }
            #[inline]
            fn powf(self, p: $t) -> Self { num_traits::Float::powf(self, p) }
            #[inline]
            fn lgamma(self) -> Self { crate::elementwise::special::ln_gamma(self) }
            #[inline]
            fn digamma(self) -> Self { crate::elementwise::special::digamma_of(self) }
            #[inline]
            fn max(self, o: Self) -> Self { num_traits::Float::max(self, o) }
            #[inline]
            fn min(self, o: Self) -> Self { num_traits::Float::min(self, o) }
        }
    };
}
plain_scalar!([] f32);
plain_scalar!([] f64);
plain_scalar!([F: Real] Dual<F>);

impl<'t, T: Real> Scalar for Var<'t, T>
where
    T: Add<Var<'t, T>, Output = Var<'t, T>>
        + Sub<Var<'t, T>, Output = Var<'t, T>>
        + Mul<Var<'t, T>, Output = Var<'t, T>>
        + Div<Var<'t, T>, Output = Var<'t, T>>,
{
    type Elem = T;
    #[inline]
    fn value(self) -> T {
        Var::value(&self)
    }
    #[track_caller]
    fn exp(self) -> Self {
        ew::exp(self)
    }
    #[track_caller]
    fn exp_m1(self) -> Self {
        ew::exp_m1(self)
    }
    #[track_caller]
    fn ln(self) -> Self {
        ew::ln(self)
    }
    #[track_caller]
    fn ln_1p(self) -> Self {
        ew::ln_1p(self)
    }
    #[track_caller]
    fn sin(self) -> Self {
        ew::sin(self)
    }
    #[track_caller]
    fn cos(self) -> Self {
        ew::cos(self)
    }
    #[track_caller]
    fn tanh(self) -> Self {
        ew::tanh(self)
    }
    #[track_caller]
    fn sigmoid(self) -> Self {
        ew::sigmoid(self)
    }
    #[track_caller]
    fn softplus(self) -> Self {
        ew::softplus(self)
    }
    #[track_caller]
    fn sqrt(self) -> Self {
        ew::sqrt(self)
    }
    #[track_caller]
    fn square(self) -> Self {
        ew::square(self)
    }
    #[track_caller]
    fn recip(self) -> Self {
        ew::recip(self)
    }
    #[track_caller]
    fn abs(self) -> Self {
        ew::abs(self)
    }
    #[track_caller]
    fn powi(self, n: i32) -> Self {
        ew::powi(self, n)
    }
    #[track_caller]
    fn powf(self, p: T) -> Self {
        ew::powf(self, p)
    }
    #[track_caller]
    fn lgamma(self) -> Self {
        ew::lgamma(self)
    }
    #[track_caller]
    fn digamma(self) -> Self {
        ew::digamma(self)
    }
    #[track_caller]
    fn max(self, o: Self) -> Self {
        ew::maximum(self, o)
    }
    #[track_caller]
    fn min(self, o: Self) -> Self {
        ew::minimum(self, o)
    }
}
