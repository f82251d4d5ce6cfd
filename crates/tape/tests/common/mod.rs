//! Elementwise rules the tape's own tests need. `sin` and `exp` live in wengert-ops, which
//! this crate cannot depend on; these are the same rules.
#![allow(dead_code)]
use wengert_tape::op::Unary;
use wengert_tape::Real;

/// `sin x`; d/dx = cos x.
pub struct Sin;
impl<R: Real> Unary<R> for Sin {
    const NAME: &'static str = "sin";
    fn f(x: R) -> R {
        x.sin()
    }
    fn df(x: R, _: R) -> R {
        x.cos()
    }
}

/// `exp x`; d/dx = exp x = y.
pub struct Exp;
impl<R: Real> Unary<R> for Exp {
    const NAME: &'static str = "exp";
    fn f(x: R) -> R {
        x.exp()
    }
    fn df(_: R, y: R) -> R {
        y
    }
}
