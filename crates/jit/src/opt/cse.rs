//! Common-subexpression elimination by hash-consing, with the constants hoisted.
//!
//! Two instructions with the same operation on the same operands are one value (`a + b`
//! and `b + a` too: IEEE addition and multiplication commute exactly). Effects are never
//! merged. Calls are merged: the functions of ops are pure. Constants are equal when their
//! bits are (`integer_decode`: `0.0` and `-0.0` stay apart) and all move to the start of
//! the program, so that a loop body does not define a constant only in its first
//! repetition (what the roller would see as a broken pattern).
use super::{like, remap};
use crate::ir::{BinOp, Cmp, Inst, Program, UnOp, Val};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};
use wengert_tape::Real;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Input(u32),
    Const(u64, i16, i8),
    Un(UnOp, Val),
    Bin(BinOp, Val, Val),
    Select(Cmp, Val, Val, Val, Val),
    Call1(u32, Val),
    Call2(u32, Val, Val),
    TRead(u32, u32),
}

/// The hash-consing key; `None` for effects.
pub(crate) fn key<T: Real>(inst: &Inst<T>) -> Option<Key> {
    Some(match *inst {
        Inst::Input(k) => Key::Input(k),
        Inst::Const(c) => {
            let (m, e, s) = c.integer_decode();
            Key::Const(m, e, s)
        }
        Inst::Un(op, a) => Key::Un(op, a),
        Inst::Bin(op @ (BinOp::Add | BinOp::Mul), a, b) => Key::Bin(op, a.min(b), a.max(b)),
        Inst::Bin(op, a, b) => Key::Bin(op, a, b),
        Inst::Select { cmp, a, b, t, f } => Key::Select(cmp, a, b, t, f),
        Inst::Call1(k, a) => Key::Call1(k, a),
        Inst::Call2(k, a, b) => Key::Call2(k, a, b),
        Inst::TRead { slot, epoch } => Key::TRead(slot, epoch),
        Inst::Output(..) | Inst::Guard { .. } | Inst::TWrite { .. } | Inst::TRun(_) => return None,
    })
}

/// The program with repeated computations merged and constants first.
///
/// ```
/// use wengert_jit::ir::{BinOp, Inst, Program, UnOp};
/// let mut p = Program::<f64>::new(1);
/// let x = p.push(Inst::Input(0));
/// let a = p.push(Inst::Un(UnOp::Sin, x));
/// let b = p.push(Inst::Un(UnOp::Sin, x));
/// let y = p.push(Inst::Bin(BinOp::Mul, a, b));
/// p.push(Inst::Output(0, y));
/// let q = wengert_jit::opt::cse::cse(&p);
/// assert_eq!(q.len(), 4);
/// assert_eq!(q.insts[2], Inst::Bin(BinOp::Mul, a, a));
/// ```
pub fn cse<T: Real>(p: &Program<T>) -> Program<T> {
    let mut q = like(p);
    let mut seen = Table::new(p.len());
    let mut map = vec![Val(u32::MAX); p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        if let Inst::Const(_) = inst {
            let k = key(inst).expect("constants have keys");
            map[i] = seen.get_or_push(&mut q, k, *inst);
        }
    }
    for (i, inst) in p.insts.iter().enumerate() {
        if let Inst::Const(_) = inst {
            continue;
        }
        let inst = remap(inst, |v| map[v.index()]);
        map[i] = match key(&inst) {
            Some(k) => seen.get_or_push(&mut q, k, inst),
            None => q.push(inst),
        };
    }
    q
}

/// A hash set of values keyed by their instruction's [`Key`], stored as bare indices into the
/// program being built (open addressing, linear probing): 4 bytes a slot, so the table of a
/// large program stays in cache, which a map holding the keys did not (half the pass's time).
pub(crate) struct Table {
    slots: Vec<u32>,
    mask: usize,
}

const EMPTY: u32 = u32::MAX;

impl Table {
    pub fn new(n: usize) -> Table {
        let cap = (2 * n + 16).next_power_of_two();
        Table {
            slots: vec![EMPTY; cap],
            mask: cap - 1,
        }
    }

    /// The value of an equal instruction already in `q`, or `inst` pushed.
    pub fn get_or_push<T: Real>(&mut self, q: &mut Program<T>, k: Key, inst: Inst<T>) -> Val {
        let mut h = FxHasher::default();
        k.hash(&mut h);
        let mut at = h.finish() as usize & self.mask;
        loop {
            match self.slots[at] {
                EMPTY => {
                    let v = q.push(inst);
                    self.slots[at] = v.0;
                    return v;
                }
                s if key(&q.insts[s as usize]) == Some(k) => return Val(s),
                _ => at = (at + 1) & self.mask,
            }
        }
    }
}
