//! The roller's hashes and candidate chains, computed a block at a time when the scan first
//! reaches the block: a found loop is skipped whole (its repetitions are verified against
//! each other, not hashed), so a program that is mostly loops, as a forward trace of plain
//! Rust loops is, hashes little more than the code between them. Each block's results equal
//! those of one pass over the whole program (see [`Lazy::next`]).
use super::shape;
use super::NONE;
use crate::ir::Inst;
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// Bits of the direct-mapped table of last positions.
const BITS: u32 = 14;

pub(super) struct Lazy<'a, T> {
    insts: &'a [Inst<T>],
    max_period: usize,
    gram: usize,
    block: usize,
    h: Vec<u32>,
    next: Vec<u32>,
    hashed: Vec<bool>,
    chained: Vec<bool>,
    /// The table of last positions, each tagged with the block that wrote it (so that a
    /// new block's scan starts from an empty table without clearing it).
    last: Vec<(u32, u32)>,
    /// The block [`Lazy::at`] last made ready.
    ready: usize,
}

impl<'a, T> Lazy<'a, T> {
    /// For candidates at most `max_period` apart keyed on `gram` hashes.
    pub fn new(insts: &'a [Inst<T>], max_period: usize, gram: usize) -> Lazy<'a, T> {
        // A block holds what one position's candidates look at: two periods and a gram.
        let block = (2 * max_period + gram).max(1024);
        let blocks = insts.len().div_ceil(block);
        Lazy {
            insts,
            max_period,
            gram,
            block,
            h: vec![0; insts.len()],
            next: vec![NONE; insts.len()],
            hashed: vec![false; blocks],
            chained: vec![false; blocks],
            last: vec![(u32::MAX, NONE); 1 << BITS],
            ready: usize::MAX,
        }
    }

    /// The hashes and chains position `i`'s candidates read: `h` up to `i + 2 max_period +
    /// gram`, `next` up to `i + max_period`.
    #[inline]
    pub fn at(&mut self, i: usize) -> (&[u32], &[u32]) {
        let b = i / self.block;
        if b != self.ready {
            self.ready = b;
            self.chain(b);
            self.chain(b + 1);
        }
        (&self.h, &self.next)
    }

    fn hash(&mut self, b: usize) {
        if b >= self.hashed.len() || self.hashed[b] {
            return;
        }
        self.hashed[b] = true;
        let end = ((b + 1) * self.block).min(self.insts.len());
        for i in b * self.block..end {
            self.h[i] = deep_hash(self.insts, i);
        }
    }

    /// `next[i]` for the block's positions: the next instruction after `i` within
    /// `max_period` whose hash and the `gram − 1` after it equal those of `i` and the ones
    /// after it, or `NONE`. Keying on several hashes, not one, matters in gradient programs,
    /// where a few shapes (`a · b`, `a + b`) are most instructions: one hash alone chains to
    /// a candidate every few instructions, four rarely do outside a true repetition. A small
    /// direct-mapped table of last positions stays in cache; a collision only loses a
    /// candidate (the scan then finds the loop one instruction later). The table is filled
    /// from `max_period` past the block, so it holds what one pass from the end would have
    /// held for every position whose candidates are in range.
    fn chain(&mut self, b: usize) {
        if b >= self.chained.len() || self.chained[b] {
            return;
        }
        self.chained[b] = true;
        for k in b..=b + 2 {
            self.hash(k);
        }
        let n = self.insts.len();
        let (lo, hi) = (b * self.block, ((b + 1) * self.block).min(n));
        let top = (hi + self.max_period).min(n);
        let (h, g, tag) = (&self.h, self.gram, b as u32);
        let gram = |i: usize| &h[i..(i + g).min(n)];
        for i in (lo..top).rev() {
            let key = gram(i)
                .iter()
                .fold(0u32, |k, &x| k.rotate_left(5) ^ x)
                .wrapping_mul(0x9e37_79b1);
            let slot = (key >> (32 - BITS)) as usize;
            let (t, j) = self.last[slot];
            let j = if t == tag { j } else { NONE };
            if i < hi
                && j != NONE
                && j as usize - i <= self.max_period
                && (0..g).all(|k| h.get(i + k) == h.get(j as usize + k))
            {
                self.next[i] = j;
            }
            self.last[slot] = (tag, i as u32);
        }
    }
}

/// A hash of instruction `i`'s shape and its operands' shapes: stride-blind (it never
/// looks at where an operand is, only at what it is), so repetitions of a loop hash alike
/// whatever their strides, while instructions of one body mostly differ.
fn deep_hash<T>(insts: &[Inst<T>], i: usize) -> u32 {
    let inst = &insts[i];
    let mut h = FxHasher::default();
    shape::shape_hash(inst).hash(&mut h);
    for v in inst.operands().as_slice() {
        shape::shape_hash(&insts[v.index()]).hash(&mut h);
    }
    // The high half: FxHasher's low bits mix least.
    (h.finish() >> 32) as u32
}
