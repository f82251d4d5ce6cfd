//! Local derivatives of every instruction, shared by the reverse ([`crate::grad`]) and the
//! forward ([`crate::jvp`]) transform, written as the tape's ops compute them (`tanh` from
//! its output `1 − y²`, `exp` as `y`, `div` as `(r, −y·r)` with `r = 1/b`), so that the
//! compiled derivatives equal the tape's to the last bits where the order of sums allows.
use crate::error::{Error, ErrorKind};
use crate::ir::{BinOp, Cmp, Inst, Program, UnOp, Val};
use crate::trace::{FuncDeriv, Traced};
use wengert_tape::Real;

/// The partial derivative of an instruction in one operand.
#[derive(Clone, Copy, Debug)]
pub(crate) enum D {
    One,
    NegOne,
    /// The value `v`.
    V(Val),
    /// 1 where `(a <cmp> b) == when`, else 0 (applied as a select, no multiplication).
    Pick {
        cmp: Cmp,
        a: Val,
        b: Val,
        when: bool,
    },
}

/// Emits `g · d` (the chain rule's product), `None` when it is zero.
pub(crate) fn apply<T: Real>(q: &mut Program<T>, zero: Val, d: D, g: Val) -> Val {
    match d {
        D::One => g,
        D::NegOne => q.push(Inst::Un(UnOp::Neg, g)),
        D::V(v) => q.push(Inst::Bin(BinOp::Mul, g, v)),
        D::Pick { cmp, a, b, when } => {
            let (t, f) = if when { (g, zero) } else { (zero, g) };
            q.push(Inst::Select { cmp, a, b, t, f })
        }
    }
}

/// The constants the rules use, pushed once per transform.
pub(crate) struct Consts {
    pub zero: Val,
    pub one: Val,
    pub neg_one: Val,
}

impl Consts {
    pub fn push<T: Real>(q: &mut Program<T>) -> Consts {
        Consts {
            zero: q.push(Inst::Const(T::zero())),
            one: q.push(Inst::Const(T::one())),
            neg_one: q.push(Inst::Const(-T::one())),
        }
    }
}

/// Up to two `(operand, partial)` pairs.
pub(crate) type Partials = [Option<(Val, D)>; 2];

fn is_const<T>(q: &Program<T>, v: Val) -> Option<&T> {
    match &q.insts[v.index()] {
        Inst::Const(c) => Some(c),
        _ => None,
    }
}

/// The partials of instruction `y` of `q` (a copy of one of `t`'s, whose calls `t`
/// differentiates), emitting what they need into `q`. Operands that are constants get none.
pub(crate) fn partials<T: Real>(
    q: &mut Program<T>,
    t: &Traced<T>,
    c: &Consts,
    y: Val,
    transform: &'static str,
) -> Result<Partials, Error> {
    let inst = q.insts[y.index()];
    let un = |q: &mut Program<T>, op, a| q.push(Inst::Un(op, a));
    let p: Partials = match inst {
        Inst::Input(_) | Inst::Const(_) | Inst::Output(..) | Inst::Guard { .. } => [None, None],
        // The reverse sweep differentiates these itself; forward mode refuses them.
        Inst::TWrite { .. } | Inst::TRead { .. } | Inst::TRun(_) => {
            return Err(crate::tensor::no_forward_mode(transform))
        }
        Inst::Un(op, x) => {
            let d = match op {
                UnOp::Neg => Some(D::NegOne),
                UnOp::Signum => None,
                UnOp::Recip => {
                    let s = un(q, UnOp::Square, y);
                    Some(D::V(un(q, UnOp::Neg, s)))
                }
                UnOp::Square => Some(D::V(q.push(Inst::Bin(BinOp::Add, x, x)))),
                UnOp::Abs => {
                    let neg = q.push(Inst::Select {
                        cmp: Cmp::Lt,
                        a: x,
                        b: c.zero,
                        t: c.neg_one,
                        f: c.zero,
                    });
                    Some(D::V(q.push(Inst::Select {
                        cmp: Cmp::Gt,
                        a: x,
                        b: c.zero,
                        t: c.one,
                        f: neg,
                    })))
                }
                UnOp::Sqrt => {
                    let s = q.push(Inst::Bin(BinOp::Add, y, y));
                    Some(D::V(un(q, UnOp::Recip, s)))
                }
                UnOp::Exp => Some(D::V(y)),
                UnOp::ExpM1 => Some(D::V(q.push(Inst::Bin(BinOp::Add, y, c.one)))),
                UnOp::Ln => Some(D::V(un(q, UnOp::Recip, x))),
                UnOp::Ln1p => {
                    let s = q.push(Inst::Bin(BinOp::Add, c.one, x));
                    Some(D::V(un(q, UnOp::Recip, s)))
                }
                UnOp::Sin => Some(D::V(un(q, UnOp::Cos, x))),
                UnOp::Cos => {
                    let s = un(q, UnOp::Sin, x);
                    Some(D::V(un(q, UnOp::Neg, s)))
                }
                UnOp::Tan => {
                    let s = un(q, UnOp::Square, y);
                    Some(D::V(q.push(Inst::Bin(BinOp::Add, c.one, s))))
                }
                UnOp::Tanh => {
                    let s = un(q, UnOp::Square, y);
                    Some(D::V(q.push(Inst::Bin(BinOp::Sub, c.one, s))))
                }
                UnOp::Sigmoid => {
                    let s = q.push(Inst::Bin(BinOp::Sub, c.one, y));
                    Some(D::V(q.push(Inst::Bin(BinOp::Mul, y, s))))
                }
                // σ(x) = −expm1(−y), from the output as the tape does.
                UnOp::Softplus => {
                    let m = un(q, UnOp::Neg, y);
                    let e = un(q, UnOp::ExpM1, m);
                    Some(D::V(un(q, UnOp::Neg, e)))
                }
                UnOp::Powi(0) => None,
                UnOp::Powi(n) => {
                    let k = q.push(Inst::Const(T::lit(f64::from(n))));
                    let p = un(q, UnOp::Powi(n - 1), x);
                    Some(D::V(q.push(Inst::Bin(BinOp::Mul, k, p))))
                }
            };
            [d.map(|d| (x, d)), None]
        }
        Inst::Bin(op, a, b) => {
            let (da, db) = match op {
                BinOp::Add => (D::One, D::One),
                BinOp::Sub => (D::One, D::NegOne),
                BinOp::Mul => (D::V(b), D::V(a)),
                BinOp::Div => {
                    let r = un(q, UnOp::Recip, b);
                    let yr = q.push(Inst::Bin(BinOp::Mul, y, r));
                    (D::V(r), D::V(un(q, UnOp::Neg, yr)))
                }
                // The gradient follows the value picked: `a` unless `a < b` (`a > b` for min).
                BinOp::Max | BinOp::Min => {
                    let cmp = if op == BinOp::Max { Cmp::Lt } else { Cmp::Gt };
                    let pick = |when| D::Pick { cmp, a, b, when };
                    (pick(false), pick(true))
                }
                BinOp::Powf => return Ok(powf(q, c, a, b, y)),
            };
            [Some((a, da)), Some((b, db))]
        }
        Inst::Select { cmp, a, b, t, f } => [
            Some((
                t,
                D::Pick {
                    cmp,
                    a,
                    b,
                    when: true,
                },
            )),
            Some((
                f,
                D::Pick {
                    cmp,
                    a,
                    b,
                    when: false,
                },
            )),
        ],
        Inst::Call1(f, x) => match t.deriv(f) {
            FuncDeriv::Unary(df) => [Some((x, D::V(q.push(Inst::Call2(df, x, y))))), None],
            FuncDeriv::Zero => [None, None],
            _ => return Err(not_diff(transform, f)),
        },
        Inst::Call2(f, a, b) => match t.deriv(f) {
            FuncDeriv::Binary(da, db) => {
                let da = q.push(Inst::Call2(da, a, b));
                let db = q.push(Inst::Call2(db, a, b));
                [Some((a, D::V(da))), Some((b, D::V(db)))]
            }
            FuncDeriv::Zero => [None, None],
            _ => return Err(not_diff(transform, f)),
        },
    };
    Ok(p.map(|e| e.filter(|&(v, _)| is_const(q, v).is_none())))
}

fn not_diff(transform: &'static str, func: u32) -> Error {
    Error::new(ErrorKind::NotDifferentiable { transform, func })
}

/// `aᵇ`: `∂/∂a = b aᵇ⁻¹` (0 where `b = 0`), `∂/∂b = y ln a` (0 where `a = 0`), as the
/// tape's `powf` and `pow` define them.
fn powf<T: Real>(q: &mut Program<T>, c: &Consts, a: Val, b: Val, y: Val) -> Partials {
    if let Some(&p) = is_const(q, b) {
        if p == T::zero() {
            return [None, None];
        }
        let pm1 = q.push(Inst::Const(p - T::one()));
        let pw = q.push(Inst::Bin(BinOp::Powf, a, pm1));
        return [Some((a, D::V(q.push(Inst::Bin(BinOp::Mul, b, pw))))), None];
    }
    let bm1 = q.push(Inst::Bin(BinOp::Sub, b, c.one));
    let pw = q.push(Inst::Bin(BinOp::Powf, a, bm1));
    let bp = q.push(Inst::Bin(BinOp::Mul, b, pw));
    let da = q.push(Inst::Select {
        cmp: Cmp::Eq,
        a: b,
        b: c.zero,
        t: c.zero,
        f: bp,
    });
    let ln = q.push(Inst::Un(UnOp::Ln, a));
    let yl = q.push(Inst::Bin(BinOp::Mul, y, ln));
    let db = q.push(Inst::Select {
        cmp: Cmp::Eq,
        a,
        b: c.zero,
        t: c.zero,
        f: yl,
    });
    [Some((a, D::V(da))), Some((b, D::V(db)))]
}
