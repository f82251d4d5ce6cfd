//! Running a program with tensor instructions: its scalar code in pieces cut at each
//! [`Inst::TRun`], the tensor steps between them.
//!
//! A back end (the interpreter, native code) runs the pieces and keeps the values of tensor
//! instructions in their own scratch slots: a `TWrite` copies its operand into its slot, a
//! `TRead`'s slot is filled here after the step before it. So the back ends never touch the
//! tensor memory, and native code needs no pointer to it.
use super::{TStep, Tensors};
use crate::ir::{Inst, Program};
use crate::kernel::GuardFailed;
use wengert_tape::Real;

/// A back end's scalar code, runnable piece by piece: piece `k` is the instructions between
/// the `k`-th `TRun` and the one after it.
pub(crate) trait Pieces<T> {
    /// Runs piece `k`.
    fn piece(&self, k: usize, x: &[T], out: &mut [T], s: &mut [T]) -> Result<(), GuardFailed>;
}

/// One `TRun`: where it is, what it runs, the writes before it and the reads after it.
#[derive(Clone, Debug)]
struct Run {
    at: usize,
    step: TStep,
    /// `(instruction, slot, add)` of each `TWrite` of the piece before.
    writes: Vec<(u32, u32, bool)>,
    /// `(instruction, slot)` of each `TRead` of the piece after.
    reads: Vec<(u32, u32)>,
}

/// The tensor side of a program: its runs, in order.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    runs: Vec<Run>,
}

impl Plan {
    /// The plan of `p`.
    pub fn new<T>(p: &Program<T>) -> Plan {
        let mut runs: Vec<Run> = Vec::new();
        let mut writes = Vec::new();
        for (i, inst) in p.insts.iter().enumerate() {
            match *inst {
                Inst::TWrite { slot, add, .. } => writes.push((i as u32, slot, add)),
                Inst::TRun(step) => runs.push(Run {
                    at: i,
                    step,
                    writes: std::mem::take(&mut writes),
                    reads: Vec::new(),
                }),
                // Tracing reads an element only after the run computing it, and the reverse
                // sweep an adjoint only after a backward run: no read precedes every run.
                Inst::TRead { slot, .. } => {
                    if let Some(r) = runs.last_mut() {
                        r.reads.push((i as u32, slot));
                    }
                }
                _ => {}
            }
        }
        Plan { runs }
    }

    /// Where each piece starts and ends: `(start, end)` instruction ranges, one more than
    /// there are runs.
    pub fn bounds(&self, len: usize) -> Vec<(usize, usize)> {
        let mut b = Vec::with_capacity(self.runs.len() + 1);
        let mut start = 0;
        for r in &self.runs {
            b.push((start, r.at));
            start = r.at + 1;
        }
        b.push((start, len));
        b
    }

    /// Runs the pieces with the steps between them, in a tensor context of the call's own.
    pub fn run<T: Real>(
        &self,
        ts: &Tensors<T>,
        pieces: &dyn Pieces<T>,
        x: &[T],
        out: &mut [T],
        s: &mut [T],
    ) -> Result<(), GuardFailed> {
        ts.call(&mut |ctx| {
            for (k, r) in self.runs.iter().enumerate() {
                pieces.piece(k, x, out, s)?;
                let mem = ctx.mem();
                for &(i, slot, add) in &r.writes {
                    let m = &mut mem[slot as usize];
                    *m = if add {
                        *m + s[i as usize]
                    } else {
                        s[i as usize]
                    };
                }
                ctx.step(r.step);
                let mem = ctx.mem();
                for &(i, slot) in &r.reads {
                    s[i as usize] = mem[slot as usize];
                }
            }
            pieces.piece(self.runs.len(), x, out, s)
        })
    }
}
