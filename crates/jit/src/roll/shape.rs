//! What the roller compares: an instruction's *shape* (everything but its indices) and its
//! *indices* (operand `Val`s, then an input or output number), as [`Loop`](crate::ir::Loop)
//! defines them.

use crate::ir::{Inst, Val};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// An instruction's indices in [`Loop`](crate::ir::Loop)'s order, and how many there are.
pub(crate) type Indices = ([u32; 5], usize);

/// The indices of `inst`: its operands, then the number of an `Input` or `Output`.
pub(crate) fn indices<T>(inst: &Inst<T>) -> Indices {
    let mut ix = [0u32; 5];
    let ops = inst.operands();
    let mut n = 0;
    for v in ops.as_slice() {
        ix[n] = v.0;
        n += 1;
    }
    if let Inst::Input(k) | Inst::Output(k, _) = *inst {
        ix[n] = k;
        n += 1;
    }
    (ix, n)
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

/// Whether `a` and `b` are equal but for their indices. Constants compare with `==`, so a
/// NaN constant never repeats (a loop over it is simply not found).
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
    }
    h.finish()
}

/// Per instruction, a hash of its shape and its operands' shapes: stride-blind (it never
/// looks at where an operand is, only at what it is), so repetitions of a loop hash alike
/// whatever their strides, while instructions of one body mostly differ.
pub(crate) fn deep_hashes<T>(insts: &[Inst<T>]) -> Vec<u32> {
    let own: Vec<u64> = insts.iter().map(shape_hash).collect();
    insts
        .iter()
        .zip(&own)
        .map(|(inst, &h0)| {
            let mut h = FxHasher::default();
            h0.hash(&mut h);
            for v in inst.operands().as_slice() {
                own[v.index()].hash(&mut h);
            }
            // The high half: FxHasher's low bits mix least.
            (h.finish() >> 32) as u32
        })
        .collect()
}
