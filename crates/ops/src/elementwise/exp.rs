//! The exponential: `exp` and `exp_m1`.
use wengert_tape::op::Unary;
use wengert_tape::trace::Prim;
use wengert_tape::{Real, Var};

/// `y = eˣ`, `dy/dx = eˣ = y` (the derivative reuses the output).
///
/// ```
/// use wengert_ops::elementwise::Exp;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.var(1.0);
/// assert_eq!(tape.backward(x.map::<Exp>())[x], 1f64.exp());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exp;

impl<T: Real> Unary<T> for Exp {
    const NAME: &'static str = "exp";
    const PRIM: Option<Prim> = Some(Prim::Exp);
    #[inline]
    fn f(x: T) -> T {
        x.exp()
    }
    #[inline]
    fn df(_x: T, y: T) -> T {
        y
    }
}

/// `y = eˣ − 1` (accurate for small `x`), `dy/dx = eˣ = y + 1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpM1;

impl<T: Real> Unary<T> for ExpM1 {
    const NAME: &'static str = "exp_m1";
    const PRIM: Option<Prim> = Some(Prim::ExpM1);
    #[inline]
    fn f(x: T) -> T {
        x.exp_m1()
    }
    #[inline]
    fn df(_x: T, y: T) -> T {
        y + T::one()
    }
}

/// `eˣ` elementwise; see [`ElementwiseExt::exp`](super::ElementwiseExt::exp).
#[track_caller]
#[inline]
pub fn exp<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Exp>()
}

/// `eˣ − 1` elementwise; see [`ElementwiseExt::exp_m1`](super::ElementwiseExt::exp_m1).
#[track_caller]
#[inline]
pub fn exp_m1<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<ExpM1>()
}
