//! Where values live in `scratch`: one slot per instruction, except in loops, whose stored
//! values are packed.
//!
//! A loop body of `period` instructions of which `K` are stored (read after their
//! repetition: the values a reverse sweep needs) would write `K` of every `period` slots,
//! so each repetition touches its own cache line: the Rosenbrock gradient's forward loop
//! stores 3 of 8 values, 64 bytes of memory traffic for 24 of data, written forward and read
//! back by the sweep. Packed, repetition `r`'s stored value number `q` (in body order) lives
//! at `start + r K + q`, inside the loop's own span of slots. That is an affine address
//! again for every reader that steps through the loop's repetitions a whole number of them
//! at a time; a loop read any other way keeps one slot per instruction.
use crate::ir::{Loop, Rolled};

/// The packed layout of one loop.
struct Packed {
    start: usize,
    period: usize,
    count: usize,
    /// The number of stored values per repetition.
    k: usize,
    /// For each body instruction: its position among the stored ones.
    pos: Vec<Option<usize>>,
}

/// The slot layout of a rolled program.
#[derive(Default)]
pub(super) struct Slots {
    /// For each loop, in order: its packed layout, if it has one.
    packed: Vec<Option<Packed>>,
    /// For each instruction: the number of its loop (`u32::MAX` outside loops).
    owner: Vec<u32>,
}

impl Slots {
    /// The layout of `r`, whose loops store the body values `kept[loop][j]`.
    pub fn new(r: &Rolled<f64>, kept: &[Vec<bool>]) -> Slots {
        let p = &r.program;
        let mut owner = vec![u32::MAX; p.len()];
        for (n, l) in r.loops().enumerate() {
            owner[l.span()].fill(n as u32);
        }
        let mut packed: Vec<Option<Packed>> = r
            .loops()
            .zip(kept)
            .map(|(l, kept)| {
                let mut k = 0;
                let pos = kept
                    .iter()
                    .map(|&s| {
                        s.then(|| {
                            k += 1;
                            k - 1
                        })
                    })
                    .collect();
                Some(Packed {
                    start: l.start as usize,
                    period: l.period as usize,
                    count: l.count as usize,
                    k,
                    pos,
                })
            })
            .collect();
        // Every strided read from memory (see `emit::Fn::lp`) must step through a packed
        // loop whole repetitions at a time and stay inside it.
        for l in r.loops() {
            let (start, period) = (l.start as usize, l.period as usize);
            for j in 0..period {
                let ops = p.insts[start + j].operands();
                for (k, v) in ops.as_slice().iter().enumerate() {
                    let (v0, s) = (v.index(), l.strides[j][k]);
                    let register = s as usize == period && v0 < start + j && v0 + period >= start;
                    let invariant = s == 0 && v0 < start;
                    if register || invariant {
                        continue;
                    }
                    let last = v0 as i64 + i64::from(s) * (i64::from(l.count) - 1);
                    let (lo, hi) = (v0.min(last as usize), v0.max(last as usize));
                    for q in packed.iter_mut() {
                        let Some(pk) = q else { continue };
                        let span = pk.start..pk.start + pk.period * pk.count;
                        let touches = lo < span.end && hi >= span.start;
                        let fits = span.contains(&lo)
                            && span.contains(&hi)
                            && s.unsigned_abs() as usize % pk.period == 0;
                        if touches && !fits {
                            *q = None;
                        }
                    }
                }
            }
        }
        Slots { packed, owner }
    }

    /// The slot of value `v` (a single read or write).
    pub fn slot(&self, v: usize) -> usize {
        match self.pk(v) {
            Some(pk) => {
                let (rep, j) = ((v - pk.start) / pk.period, (v - pk.start) % pk.period);
                // A value read from memory is stored (`loop_stores`), so it has a position.
                pk.start + rep * pk.k + pk.pos[j].unwrap_or(0)
            }
            None => v,
        }
    }

    /// A read of `v0 + s r` for `r = 0, 1, …` (checked to fit, see [`Slots::new`]): the
    /// slot for `r = 0` and the stride between slots.
    pub fn strided(&self, v0: usize, s: i32) -> (usize, i32) {
        match self.pk(v0) {
            Some(pk) => (self.slot(v0), s / pk.period as i32 * pk.k as i32),
            None => (v0, s),
        }
    }

    /// Where loop `l` (number `n`) stores body value `j`: repetition 0's slot and the stride.
    pub fn store(&self, n: usize, l: &Loop, j: usize) -> (usize, i32) {
        match &self.packed[n] {
            Some(pk) => (pk.start + pk.pos[j].unwrap_or(0), pk.k as i32),
            None => (l.start as usize + j, l.period as i32),
        }
    }

    fn pk(&self, v: usize) -> Option<&Packed> {
        let n = *self.owner.get(v)?;
        self.packed.get(n as usize)?.as_ref()
    }
}
