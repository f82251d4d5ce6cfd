//! The few elementwise functions the losses need, as [`Unary`] rules (value and derivative
//! side by side). They work on scalars and tensors alike through [`Var::map`].
use wengert_tape::op::Unary;
use wengert_tape::{Real, Var};

/// `relu(x) = max(0, x)`; `d/dx = 1` for `x > 0`, else 0 (so a satisfied margin is flat).
pub(crate) struct Relu;
impl<T: Real> Unary<T> for Relu {
    const NAME: &'static str = "relu";
    fn f(x: T) -> T {
        if x > T::zero() {
            x
        } else {
            T::zero()
        }
    }
    fn df(x: T, _: T) -> T {
        if x > T::zero() {
            T::one()
        } else {
            T::zero()
        }
    }
}

/// `x²`; `d/dx = 2x`.
pub(crate) struct Square;
impl<T: Real> Unary<T> for Square {
    const NAME: &'static str = "square";
    fn f(x: T) -> T {
        x * x
    }
    fn df(x: T, _: T) -> T {
        x + x
    }
}

/// `eˣ`; `d/dx = eˣ = y`.
pub(crate) struct Exp;
impl<T: Real> Unary<T> for Exp {
    const NAME: &'static str = "exp";
    fn f(x: T) -> T {
        x.exp()
    }
    fn df(_: T, y: T) -> T {
        y
    }
}

/// `softplus(x) = log(1 + eˣ)`, computed as `max(x, 0) + log1p(e^{−|x|})` so it neither
/// overflows for large `x` nor loses precision for very negative `x`; `d/dx = σ(x)`.
pub(crate) struct Softplus;
impl<T: Real> Unary<T> for Softplus {
    const NAME: &'static str = "softplus";
    fn f(x: T) -> T {
        x.max(T::zero()) + (-x.abs()).exp().ln_1p()
    }
    fn df(x: T, _: T) -> T {
        logistic(x)
    }
}

/// `σ(x) = 1 / (1 + e^{−x})`; `d/dx = σ(x)(1 − σ(x)) = y(1 − y)`.
pub(crate) struct Sigmoid;
impl<T: Real> Unary<T> for Sigmoid {
    const NAME: &'static str = "sigmoid";
    fn f(x: T) -> T {
        logistic(x)
    }
    fn df(_: T, y: T) -> T {
        y * (T::one() - y)
    }
}

/// The logistic function without overflow: `e^{x}` is only evaluated for `x < 0`.
fn logistic<T: Real>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// `max(0, x)` on the tape.
pub(crate) fn relu<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    x.map::<Relu>()
}

/// `x²` on the tape.
pub(crate) fn square<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    x.map::<Square>()
}
