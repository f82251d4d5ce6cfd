//! The functions native code calls by symbol: each op that is not a single machine
//! instruction, written exactly as the interpreter computes it ([`crate::interp::un`],
//! [`crate::interp::bin`]), so that native values equal the interpreter's bit for bit.
use crate::interp::{bin, un};
use crate::ir::{BinOp, UnOp};

macro_rules! unary {
    ($($name:ident => $op:expr),* $(,)?) => {
        $(extern "C" fn $name(x: f64) -> f64 { un($op, x) })*
        /// `(symbol, address)` of every one-operand function.
        pub(crate) const UNARY: &[(&str, extern "C" fn(f64) -> f64)] =
            &[$((stringify!($name), $name)),*];
    };
}

unary! {
    wengert_exp => UnOp::Exp,
    wengert_expm1 => UnOp::ExpM1,
    wengert_ln => UnOp::Ln,
    wengert_ln1p => UnOp::Ln1p,
    wengert_sin => UnOp::Sin,
    wengert_cos => UnOp::Cos,
    wengert_tan => UnOp::Tan,
    wengert_tanh => UnOp::Tanh,
    wengert_signum => UnOp::Signum,
    wengert_sigmoid => UnOp::Sigmoid,
    wengert_softplus => UnOp::Softplus,
}

macro_rules! binary {
    ($($name:ident => $op:expr),* $(,)?) => {
        $(extern "C" fn $name(a: f64, b: f64) -> f64 { bin($op, a, b) })*
        /// `(symbol, address)` of every two-operand function.
        pub(crate) const BINARY: &[(&str, extern "C" fn(f64, f64) -> f64)] =
            &[$((stringify!($name), $name)),*];
    };
}

binary! {
    wengert_max => BinOp::Max,
    wengert_min => BinOp::Min,
    wengert_powf => BinOp::Powf,
}

/// `x.powi(n)`.
pub(crate) extern "C" fn wengert_powi(x: f64, n: i32) -> f64 {
    un(UnOp::Powi(n), x)
}

/// The symbol of a one-operand op that is a call, `None` if it is inline.
pub(crate) fn unary_symbol(op: UnOp) -> Option<&'static str> {
    Some(match op {
        UnOp::Exp => "wengert_exp",
        UnOp::ExpM1 => "wengert_expm1",
        UnOp::Ln => "wengert_ln",
        UnOp::Ln1p => "wengert_ln1p",
        UnOp::Sin => "wengert_sin",
        UnOp::Cos => "wengert_cos",
        UnOp::Tan => "wengert_tan",
        UnOp::Tanh => "wengert_tanh",
        UnOp::Signum => "wengert_signum",
        UnOp::Sigmoid => "wengert_sigmoid",
        UnOp::Softplus => "wengert_softplus",
        _ => return None,
    })
}

/// The symbol of a two-operand op that is a call, `None` if it is inline.
pub(crate) fn binary_symbol(op: BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::Max => "wengert_max",
        BinOp::Min => "wengert_min",
        BinOp::Powf => "wengert_powf",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbols_compute_what_the_interpreter_does() {
        let f = UNARY
            .iter()
            .find(|(n, _)| *n == "wengert_softplus")
            .unwrap()
            .1;
        assert_eq!(f(800.0), 800.0);
        let m = BINARY.iter().find(|(n, _)| *n == "wengert_max").unwrap().1;
        assert_eq!(m(f64::NAN, 1.0), 1.0);
        assert_eq!(wengert_powi(2.0, 3), 8.0);
        assert_eq!(unary_symbol(UnOp::Neg), None);
        assert_eq!(binary_symbol(BinOp::Powf), Some("wengert_powf"));
    }
}
