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
use std::collections::HashMap;
use wengert_tape::Real;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Input(u32),
    Const(u64, i16, i8),
    Un(UnOp, Val),
    Bin(BinOp, Val, Val),
    Select(Cmp, Val, Val, Val, Val),
    Call1(u32, Val),
    Call2(u32, Val, Val),
}

fn key<T: Real>(inst: &Inst<T>) -> Option<Key> {
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
        Inst::Output(..) | Inst::Guard { .. } => return None,
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
    let mut seen: HashMap<Key, Val> = HashMap::new();
    let mut map = vec![Val(u32::MAX); p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        if let Inst::Const(_) = inst {
            let k = key(inst).expect("constants have keys");
            map[i] = *seen.entry(k).or_insert_with(|| q.push(*inst));
        }
    }
    for (i, inst) in p.insts.iter().enumerate() {
        if let Inst::Const(_) = inst {
            continue;
        }
        let inst = remap(inst, |v| map[v.index()]);
        map[i] = match key(&inst) {
            Some(k) => *seen.entry(k).or_insert_with(|| q.push(inst)),
            None => q.push(inst),
        };
    }
    q
}
