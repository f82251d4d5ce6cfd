//! Algebraic functions: `abs`, `sqrt`, `square`, `recip`.
use wengert_tape::op::Unary;
use wengert_tape::trace::Prim;
use wengert_tape::{Real, Var};

/// `y = |x|`, `dy/dx = sign(x)`, taken as 0 at `x = 0` (the subgradient of least norm;
/// note `f64::signum(0.0)` is 1, so it is not used).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abs;

impl<T: Real> Unary<T> for Abs {
    const NAME: &'static str = "abs";
    const PRIM: Option<Prim> = Some(Prim::Abs);
    #[inline]
    fn f(x: T) -> T {
        x.abs()
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        if x > T::zero() {
            T::one()
        } else if x < T::zero() {
            -T::one()
        } else {
            T::zero()
        }
    }
}

/// `y = √x`, `dy/dx = 1/(2√x) = 1/(2y)`. Defined for `x ≥ 0`; at `x = 0` the derivative
/// is `+∞`, which is the true (one-sided) value and is returned as such.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sqrt;

impl<T: Real> Unary<T> for Sqrt {
    const NAME: &'static str = "sqrt";
    const PRIM: Option<Prim> = Some(Prim::Sqrt);
    #[inline]
    fn f(x: T) -> T {
        x.sqrt()
    }
    #[inline]
    fn df(_x: T, y: T) -> T {
        (y + y).recip()
    }
}

/// `y = x²`, `dy/dx = 2x`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Square;

impl<T: Real> Unary<T> for Square {
    const NAME: &'static str = "square";
    const PRIM: Option<Prim> = Some(Prim::Square);
    #[inline]
    fn f(x: T) -> T {
        x * x
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        x + x
    }
}

/// `y = 1/x`, `dy/dx = −1/x² = −y²`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recip;

impl<T: Real> Unary<T> for Recip {
    const NAME: &'static str = "recip";
    const PRIM: Option<Prim> = Some(Prim::Recip);
    #[inline]
    fn f(x: T) -> T {
        x.recip()
    }
    #[inline]
    fn df(_x: T, y: T) -> T {
        -(y * y)
    }
}

/// `|x|` elementwise; see [`ElementwiseExt::abs`](super::ElementwiseExt::abs).
#[track_caller]
#[inline]
pub fn abs<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Abs>()
}

/// `√x` elementwise; see [`ElementwiseExt::sqrt`](super::ElementwiseExt::sqrt).
#[track_caller]
#[inline]
pub fn sqrt<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Sqrt>()
}

/// `x²` elementwise; see [`ElementwiseExt::square`](super::ElementwiseExt::square).
#[track_caller]
#[inline]
pub fn square<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Square>()
}

/// `1/x` elementwise; see [`ElementwiseExt::recip`](super::ElementwiseExt::recip).
#[track_caller]
#[inline]
pub fn recip<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Recip>()
}
