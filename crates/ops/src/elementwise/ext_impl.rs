//! `ElementwiseExt` for `Var`: each method forwards to the free function of the same name.
use super::ElementwiseExt;
use wengert_tape::{Error, Real, Var};

impl<'t, T: Real> ElementwiseExt<'t, T> for Var<'t, T> {
    #[track_caller]
    #[inline]
    fn exp(self) -> Var<'t, T> {
        super::exp(self)
    }
    #[track_caller]
    #[inline]
    fn exp_m1(self) -> Var<'t, T> {
        super::exp_m1(self)
    }
    #[track_caller]
    #[inline]
    fn ln(self) -> Var<'t, T> {
        super::ln(self)
    }
    #[track_caller]
    #[inline]
    fn ln_1p(self) -> Var<'t, T> {
        super::ln_1p(self)
    }
    #[track_caller]
    #[inline]
    fn sin(self) -> Var<'t, T> {
        super::sin(self)
    }
    #[track_caller]
    #[inline]
    fn cos(self) -> Var<'t, T> {
        super::cos(self)
    }
    #[track_caller]
    #[inline]
    fn tanh(self) -> Var<'t, T> {
        super::tanh(self)
    }
    #[track_caller]
    #[inline]
    fn sigmoid(self) -> Var<'t, T> {
        super::sigmoid(self)
    }
    #[track_caller]
    #[inline]
    fn softplus(self) -> Var<'t, T> {
        super::softplus(self)
    }
    #[track_caller]
    #[inline]
    fn log_sigmoid(self) -> Var<'t, T> {
        super::log_sigmoid(self)
    }
    #[track_caller]
    #[inline]
    fn relu(self) -> Var<'t, T> {
        super::relu(self)
    }
    #[track_caller]
    #[inline]
    fn abs(self) -> Var<'t, T> {
        super::abs(self)
    }
    #[track_caller]
    #[inline]
    fn sqrt(self) -> Var<'t, T> {
        super::sqrt(self)
    }
    #[track_caller]
    #[inline]
    fn square(self) -> Var<'t, T> {
        super::square(self)
    }
    #[track_caller]
    #[inline]
    fn recip(self) -> Var<'t, T> {
        super::recip(self)
    }
    #[track_caller]
    #[inline]
    fn powi(self, n: i32) -> Var<'t, T> {
        super::powi(self, n)
    }
    #[track_caller]
    #[inline]
    fn powf(self, p: T) -> Var<'t, T> {
        super::powf(self, p)
    }
    #[track_caller]
    #[inline]
    fn pow(self, p: Var<'t, T>) -> Var<'t, T> {
        super::pow(self, p)
    }
    #[track_caller]
    #[inline]
    fn try_pow(self, p: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        super::try_pow(self, p)
    }
    #[track_caller]
    #[inline]
    fn clamp(self, lo: T, hi: T) -> Var<'t, T> {
        super::clamp(self, lo, hi)
    }
    #[track_caller]
    #[inline]
    fn try_clamp(self, lo: T, hi: T) -> Result<Var<'t, T>, Error> {
        super::try_clamp(self, lo, hi)
    }
    #[track_caller]
    #[inline]
    fn maximum(self, other: Var<'t, T>) -> Var<'t, T> {
        super::maximum(self, other)
    }
    #[track_caller]
    #[inline]
    fn try_maximum(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        super::try_maximum(self, other)
    }
    #[track_caller]
    #[inline]
    fn minimum(self, other: Var<'t, T>) -> Var<'t, T> {
        super::minimum(self, other)
    }
    #[track_caller]
    #[inline]
    fn try_minimum(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        super::try_minimum(self, other)
    }
}
