//! What the roller compares: an instruction's *shape* (everything but its indices) and its
//! *indices* (operand `Val`s, then an input or output number), as [`Loop`](crate::ir::Loop)
//! defines them.

use crate::ir::{Inst, Val};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// An instruction's indices in [`Loop`](crate::ir::Loop)'s order, and how many there are.
pub(crate) type Indices = ([u32; 5], usize);

/// The indices of `inst`: its operands, then the number of an `Input` or `Output`.
#[inline]
pub(crate) fn indices<T>(inst: &Inst<T>) -> Indices {
    // Written out rather than through `Inst::operands`: this is the verifier's inner loop.
    match *inst {
        Inst::Input(k) => ([k, 0, 0, 0, 0], 1),
        Inst::Const(_) => ([0; 5], 0),
        Inst::Un(_, a) | Inst::Call1(_, a) => ([a.0, 0, 0, 0, 0], 1),
        Inst::Bin(_, a, b) | Inst::Call2(_, a, b) | Inst::Guard { a, b, .. } => {
            ([a.0, b.0, 0, 0, 0], 2)
        }
        Inst::Select { a, b, t, f, .. } => ([a.0, b.0, t.0, f.0, 0], 4),
        Inst::Output(k, a) => ([a.0, k, 0, 0, 0], 2),
        Inst::TWrite { v, .. } => ([v.0, 0, 0, 0, 0], 1),
        Inst::TRead { .. } | Inst::TRun(_) => ([0; 5], 0),
    }
}

/// `inst` with its indices replaced by `ix` (in [`indices`]' order).
pub(crate) fn with_indices<T: Copy>(inst: &Inst<T>, ix: &[u32; 5]) -> Inst<T> {
    let v = |k: usize| Val(ix[k]);
    match *inst {
        Inst::Input(_) => Inst::Input(ix[0]),
        Inst::Const(c) => Inst::Const(c),
        Inst::Un(op, _) => Inst::Un(op, v(0)),
        Inst::Bin(op, _, _) => Inst::Bin(op, v(0), v(1)),
        Inst::Select { cmp, .. } => Inst::Select {
            cmp,
            a: v(0),
            b: v(1),
            t: v(2),
            f: v(3),
        },
        Inst::Call1(f, _) => Inst::Call1(f, v(0)),
        Inst::Call2(f, _, _) => Inst::Call2(f, v(0), v(1)),
        Inst::Output(_, _) => Inst::Output(ix[1], v(0)),
        Inst::TWrite { slot, add, .. } => Inst::TWrite { slot, v: v(0), add },
        i @ (Inst::TRead { .. } | Inst::TRun(_)) => i,
        Inst::Guard {
            cmp, expect, id, ..
        } => Inst::Guard {
            cmp,
            a: v(0),
            b: v(1),
            expect,
            id,
        },
    }
}

/// `inst` in repetition `r` of a loop whose strides for it are `strides`, or `None` if an
/// index would leave `u32`.
pub(crate) fn shifted<T: Copy>(inst: &Inst<T>, strides: &[i32; 5], r: u32) -> Option<Inst<T>> {
    let (mut ix, n) = indices(inst);
    for (x, &s) in ix[..n].iter_mut().zip(strides) {
        let moved = i64::from(*x) + i64::from(r) * i64::from(s);
        *x = u32::try_from(moved).ok()?;
    }
    Some(with_indices(inst, &ix))
}

/// The strides that move `a`'s indices onto `b`'s, if the two have the same shape and every
/// difference fits an `i32`.
pub(crate) fn strides<T: PartialEq>(a: &Inst<T>, b: &Inst<T>) -> Option<[i32; 5]> {
    if !same_shape(a, b) {
        return None;
    }
    let ((ia, n), (ib, _)) = (indices(a), indices(b));
    let mut s = [0i32; 5];
    for k in 0..n {
        s[k] = i32::try_from(i64::from(ib[k]) - i64::from(ia[k])).ok()?;
    }
    Some(s)
}

/// Whether `b` is `a` with its indices moved by `s` (the verifier's inner loop: no
/// instruction is built).
#[inline]
pub(crate) fn moves_by<T: PartialEq>(a: &Inst<T>, b: &Inst<T>, s: &[i32; 5]) -> bool {
    if !same_shape(a, b) {
        return false;
    }
    let ((ia, n), (ib, _)) = (indices(a), indices(b));
    (0..n).all(|k| i64::from(ib[k]) - i64::from(ia[k]) == i64::from(s[k]))
}

#[inline]
/// Whether `a` and `b` are equal but for their indices. Constants compare with `==`, so a
/// NaN constant never repeats (a loop over it is simply not found). Tensor instructions
/// never repeat: the tensor memory is not addressed by loop counters, so none is rolled.
pub(crate) fn same_shape<T: PartialEq>(a: &Inst<T>, b: &Inst<T>) -> bool {
    match (a, b) {
        (Inst::Input(_), Inst::Input(_)) | (Inst::Output(..), Inst::Output(..)) => true,
        (Inst::Const(x), Inst::Const(y)) => x == y,
        (Inst::Un(o, _), Inst::Un(p, _)) => o == p,
        (Inst::Bin(o, ..), Inst::Bin(p, ..)) => o == p,
        (Inst::Select { cmp: c, .. }, Inst::Select { cmp: d, .. }) => c == d,
        (Inst::Call1(f, _), Inst::Call1(g, _)) | (Inst::Call2(f, ..), Inst::Call2(g, ..)) => f == g,
        (
            Inst::Guard {
                cmp: c,
                expect: e,
                id: i,
                ..
            },
            Inst::Guard {
                cmp: d,
                expect: f,
                id: j,
                ..
            },
        ) => c == d && e == f && i == j,
        _ => false,
    }
}

/// A hash of the shape alone (constants' values left out: `T` need not be `Hash`; equal
/// shapes hash equal, which is all the candidate search needs).
pub(crate) fn shape_hash<T>(inst: &Inst<T>) -> u64 {
    let mut h = FxHasher::default();
    match *inst {
        Inst::Input(_) => 0u8.hash(&mut h),
        Inst::Const(_) => 1u8.hash(&mut h),
        Inst::Un(op, _) => (2u8, op).hash(&mut h),
        Inst::Bin(op, ..) => (3u8, op).hash(&mut h),
        Inst::Select { cmp, .. } => (4u8, cmp).hash(&mut h),
        Inst::Call1(f, _) => (5u8, f).hash(&mut h),
        Inst::Call2(f, ..) => (6u8, f).hash(&mut h),
        Inst::Output(..) => 7u8.hash(&mut h),
        Inst::Guard {
            cmp, expect, id, ..
        } => (8u8, cmp, expect, id).hash(&mut h),
        Inst::TWrite { slot, add, .. } => (9u8, slot, add).hash(&mut h),
        Inst::TRead { slot, epoch } => (10u8, slot, epoch).hash(&mut h),
        Inst::TRun(s) => (11u8, s).hash(&mut h),
    }
    h.finish()
}
