//! Reuse of values: canonical forms that let CSE share a value, and pairs a lowering can
//! compute together.
//!
//! The derivative rules ([`crate::grad`]) already take `exp`, `tanh`, `sigmoid`, `sqrt`,
//! `recip` and `softplus` derivatives from the forward outputs. This pass adds, for any
//! program: `x·x` is written `square(x)` (one form, so both share one value), and a `cos x`
//! computed where `sin x` also is (or the reverse) moves next to it, so that the pair is
//! adjacent for a lowering that emits one `sincos`.
use super::{like, remap};
use crate::ir::{BinOp, Inst, Program, UnOp, Val};
use rustc_hash::FxHashMap;

/// The program with shared forms.
///
/// ```
/// use wengert_jit::ir::{BinOp, Inst, Program, UnOp};
/// let mut p = Program::<f64>::new(2);
/// let x = p.push(Inst::Input(0));
/// let s = p.push(Inst::Un(UnOp::Sin, x));
/// let e = p.push(Inst::Un(UnOp::Exp, s));
/// let c = p.push(Inst::Un(UnOp::Cos, x));
/// p.push(Inst::Output(0, e));
/// p.push(Inst::Output(1, c));
/// let q = wengert_jit::opt::reuse::reuse(&p);
/// assert_eq!(q.insts[2], Inst::Un(UnOp::Cos, x)); // moved next to sin x
/// ```
pub fn reuse<T: Copy>(p: &Program<T>) -> Program<T> {
    // Which instruction is the partner (sin ↔ cos of the same operand) of which.
    let mut first: FxHashMap<(bool, Val), usize> = FxHashMap::default();
    let mut partner: Vec<Option<usize>> = vec![None; p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        if let Inst::Un(op @ (UnOp::Sin | UnOp::Cos), a) = *inst {
            let is_sin = op == UnOp::Sin;
            if let Some(j) = first.get(&(!is_sin, a)).copied() {
                if partner[j].is_none() {
                    partner[j] = Some(i);
                    partner[i] = Some(j);
                }
            }
            first.entry((is_sin, a)).or_insert(i);
        }
    }
    let squares = p
        .insts
        .iter()
        .any(|i| matches!(i, Inst::Bin(BinOp::Mul, a, b) if a == b));
    if !squares && partner.iter().all(Option::is_none) {
        return p.clone(); // nothing to do: a copy is cheaper than a rebuild
    }
    let mut q = like(p);
    let mut map = vec![Val(u32::MAX); p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        if map[i].0 != u32::MAX {
            continue; // already moved up beside its partner
        }
        let ins = canonical(remap(inst, |v| map[v.index()]));
        map[i] = q.push(ins);
        if let Some(j) = partner[i].filter(|&j| j > i) {
            map[j] = q.push(remap(&p.insts[j], |v| map[v.index()]));
        }
    }
    q
}

fn canonical<T: Copy>(inst: Inst<T>) -> Inst<T> {
    match inst {
        Inst::Bin(BinOp::Mul, a, b) if a == b => Inst::Un(UnOp::Square, a),
        i => i,
    }
}
