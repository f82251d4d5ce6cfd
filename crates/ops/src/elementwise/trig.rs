//! Trigonometric functions: `sin` and `cos`.
use wengert_tape::op::Unary;
use wengert_tape::trace::Prim;
use wengert_tape::{Real, Var};

/// `y = sin x`, `dy/dx = cos x`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sin;

impl<T: Real> Unary<T> for Sin {
    const NAME: &'static str = "sin";
    const PRIM: Option<Prim> = Some(Prim::Sin);
    #[inline]
    fn f(x: T) -> T {
        x.sin()
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        x.cos()
    }
}

/// `y = cos x`, `dy/dx = −sin x`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cos;

impl<T: Real> Unary<T> for Cos {
    const NAME: &'static str = "cos";
    const PRIM: Option<Prim> = Some(Prim::Cos);
    #[inline]
    fn f(x: T) -> T {
        x.cos()
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        -x.sin()
    }
}

/// `sin x` elementwise; see [`ElementwiseExt::sin`](super::ElementwiseExt::sin).
#[track_caller]
#[inline]
pub fn sin<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Sin>()
}

/// `cos x` elementwise; see [`ElementwiseExt::cos`](super::ElementwiseExt::cos).
#[track_caller]
#[inline]
pub fn cos<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Cos>()
}
