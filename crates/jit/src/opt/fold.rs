//! Constant folding and algebraic identities.
//!
//! An operation of constants is computed now, with the interpreter's arithmetic (so the
//! value is the one the program would compute). The identities kept are exact on every
//! input, NaN and infinities included: `x·1`, `1·x`, `x/1`, `x−0`, `x+0`, `0+x` (the last
//! two up to the sign of a zero `x`), `−(−x)`, `a + (−b) = a − b`, `a − (−b) = a + b`, a select of equal branches or of constant
//! sides, a guard of constant sides that holds. `x·0` is *not* folded (`∞·0` is NaN).
//!
//! Negations move outward, where the rules above absorb them: `(−a)·b = −(a·b)`,
//! `(−a)/b = a/(−b) = −(a/b)`, `(−a)·(−b) = a·b`, `(−a)² = a²`, `(−a) + (−a) = −(a + a)`
//! (rounding to nearest is symmetric, so these are exact, zeros' signs included; `(−a) +
//! (−b) = −(a + b)` is not when `a = −b`, and is not used). A reverse sweep negates an
//! adjoint for every subtraction it passes (`b − x²` in Rosenbrock): a negation left inside
//! a loop is three machine instructions (a constant mask, a move, a xor) per iteration.
use super::{like, remap};
use crate::interp::{bin, un};
use crate::ir::{BinOp, Inst, Program, UnOp, Val};
use wengert_tape::Real;

/// The program with constants folded (dead constants are left for [`dce`](super::dce)).
///
/// ```
/// use wengert_jit::ir::{BinOp, Inst, Program, UnOp};
/// let mut p = Program::<f64>::new(1);
/// let two = p.push(Inst::Const(2.0));
/// let e = p.push(Inst::Un(UnOp::Exp, two));
/// let x = p.push(Inst::Input(0));
/// let y = p.push(Inst::Bin(BinOp::Mul, x, e));
/// p.push(Inst::Output(0, y));
/// let q = wengert_jit::opt::fold::fold(&p);
/// assert_eq!(q.insts[1], Inst::Const(2f64.exp()));
/// ```
pub fn fold<T: Real>(p: &Program<T>) -> Program<T> {
    let mut q = like(p);
    let mut map = vec![Val(u32::MAX); p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        let inst = remap(inst, |v| map[v.index()]);
        map[i] = emit(&mut q, &inst, &mut |q, ins| q.push(ins)).unwrap_or(Val(u32::MAX));
    }
    q
}

/// Simplifies `inst` (operands in `q`) and appends what remains with `push` (a plain push,
/// or CSE's table): the value `inst` stands for, `None` for a guard that always holds.
pub(crate) fn emit<T: Real>(
    q: &mut Program<T>,
    inst: &Inst<T>,
    push: &mut impl FnMut(&mut Program<T>, Inst<T>) -> Val,
) -> Option<Val> {
    Some(match simplify(q, inst) {
        Simple::Val(v) => v,
        Simple::Const(c) => push(q, Inst::Const(c)),
        Simple::Inst(ins) => push(q, ins),
        Simple::NegOf(ins) => {
            let inner = emit(q, &ins, push)?;
            emit(q, &Inst::Un(UnOp::Neg, inner), push)?
        }
        Simple::Drop => return None,
    })
}

pub(crate) enum Simple<T> {
    /// An existing value.
    Val(Val),
    Const(T),
    Inst(Inst<T>),
    /// The negation of this instruction (itself to be simplified, then pushed).
    NegOf(Inst<T>),
    /// A guard that always holds.
    Drop,
}

/// The folded form of `inst`, whose operands are in `q`.
pub(crate) fn simplify<T: Real>(q: &Program<T>, inst: &Inst<T>) -> Simple<T> {
    let c = |v: Val| match q.insts[v.index()] {
        Inst::Const(c) => Some(c),
        _ => None,
    };
    let is = |v: Val, x: f64| c(v).is_some_and(|k| k == T::lit(x));
    match *inst {
        Inst::Un(op, a) => {
            if let Some(x) = c(a) {
                return Simple::Const(un(op, x));
            }
            match (op, q.insts[a.index()]) {
                (UnOp::Neg, Inst::Un(UnOp::Neg, x)) => return Simple::Val(x),
                (UnOp::Square, Inst::Un(UnOp::Neg, x)) => {
                    return Simple::Inst(Inst::Un(UnOp::Square, x))
                }
                _ => {}
            }
        }
        Inst::Bin(op, a, b) => {
            if let (Some(x), Some(y)) = (c(a), c(b)) {
                return Simple::Const(bin(op, x, y));
            }
            // IEEE defines a − b as a + (−b): these are exact, and the negation often dies.
            let neg = |v: Val| match q.insts[v.index()] {
                Inst::Un(UnOp::Neg, x) => Some(x),
                _ => None,
            };
            match (op, neg(a), neg(b)) {
                (BinOp::Add, Some(na), Some(nb)) if na == nb => {
                    return Simple::NegOf(Inst::Bin(BinOp::Add, na, na))
                }
                (BinOp::Add, _, Some(nb)) => return Simple::Inst(Inst::Bin(BinOp::Sub, a, nb)),
                (BinOp::Add, Some(na), _) => return Simple::Inst(Inst::Bin(BinOp::Sub, b, na)),
                (BinOp::Sub, _, Some(nb)) => return Simple::Inst(Inst::Bin(BinOp::Add, a, nb)),
                (BinOp::Mul | BinOp::Div, Some(na), Some(nb)) => {
                    return Simple::Inst(Inst::Bin(op, na, nb))
                }
                (BinOp::Mul | BinOp::Div, Some(na), None) => {
                    return Simple::NegOf(Inst::Bin(op, na, b))
                }
                (BinOp::Mul | BinOp::Div, None, Some(nb)) => {
                    return Simple::NegOf(Inst::Bin(op, a, nb))
                }
                _ => {}
            }
            match op {
                BinOp::Mul if is(b, 1.0) => return Simple::Val(a),
                BinOp::Mul if is(a, 1.0) => return Simple::Val(b),
                BinOp::Mul if is(b, -1.0) => return Simple::Inst(Inst::Un(UnOp::Neg, a)),
                BinOp::Mul if is(a, -1.0) => return Simple::Inst(Inst::Un(UnOp::Neg, b)),
                BinOp::Div if is(b, 1.0) => return Simple::Val(a),
                BinOp::Add if is(b, 0.0) => return Simple::Val(a),
                BinOp::Add if is(a, 0.0) => return Simple::Val(b),
                BinOp::Sub if is(b, 0.0) => return Simple::Val(a),
                _ => {}
            }
        }
        Inst::Select { cmp, a, b, t, f } => {
            if t == f {
                return Simple::Val(t);
            }
            if let (Some(x), Some(y)) = (c(a), c(b)) {
                return Simple::Val(if cmp.eval(x, y) { t } else { f });
            }
        }
        Inst::Guard {
            cmp, a, b, expect, ..
        } => {
            if let (Some(x), Some(y)) = (c(a), c(b)) {
                if cmp.eval(x, y) == expect {
                    return Simple::Drop;
                }
            }
        }
        _ => {}
    }
    Simple::Inst(*inst)
}
