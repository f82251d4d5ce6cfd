//! The natural logarithm: `ln` and `ln_1p`.
use wengert_tape::op::Unary;
use wengert_tape::trace::Prim;
use wengert_tape::{Real, Var};

/// `y = ln x`, `dy/dx = 1/x`. Defined for `x > 0`; `ln 0 = −∞` with derivative `+∞`, and
/// negative inputs give NaN, as for `f64::ln`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ln;

impl<T: Real> Unary<T> for Ln {
    const NAME: &'static str = "ln";
    const PRIM: Option<Prim> = Some(Prim::Ln);
    #[inline]
    fn f(x: T) -> T {
        x.ln()
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        x.recip()
    }
}

/// `y = ln(1 + x)` (accurate for small `x`), `dy/dx = 1/(1 + x)`. Defined for `x > −1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ln1p;

impl<T: Real> Unary<T> for Ln1p {
    const NAME: &'static str = "ln_1p";
    const PRIM: Option<Prim> = Some(Prim::Ln1p);
    #[inline]
    fn f(x: T) -> T {
        x.ln_1p()
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        (T::one() + x).recip()
    }
}

/// `ln x` elementwise; see [`ElementwiseExt::ln`](super::ElementwiseExt::ln).
#[track_caller]
#[inline]
pub fn ln<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Ln>()
}

/// `ln(1 + x)` elementwise; see [`ElementwiseExt::ln_1p`](super::ElementwiseExt::ln_1p).
#[track_caller]
#[inline]
pub fn ln_1p<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Ln1p>()
}
