//! Re-rolling: finds the loops a plain Rust `for` loop left in a flat trace.
//!
//! A loop of the source leaves a run of repetitions of the same instructions whose indices
//! (operand `Val`s, input and output numbers) move by a fixed stride from one repetition to
//! the next: exactly an [`ir::Loop`](crate::ir::Loop). [`roll`] finds such runs in time
//! linear in the program (times a bounded period search), so that lowering can emit a loop
//! instead of a long straight-line function.
//!
//! How: every instruction gets a stride-blind hash of its shape and its operands' shapes
//! ([`shape`]). A loop of period `p` makes that hash sequence `p`-periodic, so the candidate
//! periods at an instruction are the distances to the next few instructions of the same
//! hash (at most [`Roller::max_period`] away). A candidate whose two first windows hash alike
//! is verified exactly: the strides are read off repetitions 0 and 1, and repetitions are
//! counted while each instruction equals the first repetition's moved by its strides. The
//! scan is greedy: the loop starting at the current instruction that saves the most
//! instructions is taken (if it saves at least [`Roller::min_saved`]), and the scan resumes
//! after it.
//!
//! ```
//! use wengert_jit::ir::{BinOp, Inst, Program, Region};
//! // out[k] = x[k] * x[k + 1] for k < 20: one Mul and one Output per repetition.
//! let mut p = Program::<f64>::new(20);
//! let x: Vec<_> = (0..21).map(|k| p.push(Inst::Input(k))).collect();
//! for k in 0..20 {
//!     let y = p.push(Inst::Bin(BinOp::Mul, x[k], x[k + 1]));
//!     p.push(Inst::Output(k as u32, y));
//! }
//! let r = wengert_jit::roll::roll(&p);
//! assert_eq!(r.regions.len(), 2);
//! let Region::Loop(l) = &r.regions[1] else { panic!() };
//! assert_eq!((l.start, l.period, l.count), (21, 2, 20));
//! // Mul reads x[k] and x[k + 1] (stride 1); Output reads the Mul (stride 2), writes k + 1.
//! assert_eq!(l.strides, vec![[1, 1, 0, 0, 0], [2, 1, 0, 0, 0]]);
//! assert_eq!(r.expand().insts, p.insts);
//! ```

mod expand;
mod lazy;
pub(crate) mod shape;

use crate::ir::{Inst, Loop, Program, Region, Rolled};

const NONE: u32 = u32::MAX;

/// The roller's settings; [`roll`] uses the defaults.
///
/// ```
/// use wengert_jit::roll::Roller;
/// let r = Roller::new().max_period(64).min_saved(4);
/// assert_eq!(r.get_max_period(), 64);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Roller {
    max_period: u32,
    min_saved: u32,
    min_count: u32,
    tries: u32,
}

impl Default for Roller {
    fn default() -> Roller {
        Roller {
            max_period: 256,
            min_saved: 16,
            min_count: 3,
            tries: 16,
        }
    }
}

/// Finds the loops of `p` with the default [`Roller`] (periods up to 256 instructions; a
/// loop must repeat at least 3 times and save at least 16 instructions). The program is copied into the result; see
/// [`Roller::roll`] to move it instead.
///
/// ```
/// use wengert_jit::ir::{Inst, Program, Region};
/// // Nothing repeats: one straight region.
/// let mut p = Program::<f64>::new(1);
/// let x = p.push(Inst::Input(0));
/// p.push(Inst::Output(0, x));
/// assert_eq!(wengert_jit::roll::roll(&p).regions, vec![Region::Straight { start: 0, end: 2 }]);
/// ```
pub fn roll<T: PartialEq + Copy>(p: &Program<T>) -> Rolled<T> {
    Roller::default().roll(p.clone())
}

impl Roller {
    /// The default settings.
    ///
    /// ```
    /// assert_eq!(wengert_jit::roll::Roller::new().get_max_period(), 256);
    /// ```
    pub fn new() -> Roller {
        Roller::default()
    }

    /// Sets the longest loop body searched for (at least 1). Time grows with it only where
    /// candidate periods fail.
    ///
    /// ```
    /// assert_eq!(wengert_jit::roll::Roller::new().max_period(8).get_max_period(), 8);
    /// ```
    pub fn max_period(mut self, p: u32) -> Roller {
        self.max_period = p.max(1);
        self
    }

    /// The longest loop body searched for.
    ///
    /// ```
    /// assert_eq!(wengert_jit::roll::Roller::new().get_max_period(), 256);
    /// ```
    pub fn get_max_period(&self) -> u32 {
        self.max_period
    }

    /// Sets the fewest instructions a loop must save (`period * (count - 1)`) to be kept: a
    /// loop costs a counter and a branch, so tiny ones stay straight.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// use wengert_jit::roll::Roller;
    /// let mut p = Program::<f64>::new(0);
    /// for k in 0..3 { p.push(Inst::Input(k)); }
    /// assert_eq!(Roller::new().regions(&p).len(), 1);
    /// assert!(matches!(Roller::new().min_saved(2).regions(&p)[0], wengert_jit::ir::Region::Loop(_)));
    /// ```
    pub fn min_saved(mut self, n: u32) -> Roller {
        self.min_saved = n;
        self
    }

    /// Sets the fewest repetitions a loop must have (at least 2). Any two consecutive
    /// windows of equal shapes are a loop of two repetitions, whatever their strides, so
    /// such loops often span an irregular boundary and hide the true loop that starts a
    /// little later; three repetitions must agree on their strides, which coincidence
    /// rarely does. Hence the default 3.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// use wengert_jit::roll::Roller;
    /// let mut p = Program::<f64>::new(0);
    /// for k in 0..2 { p.push(Inst::Input(k)); }
    /// assert_eq!(Roller::new().min_saved(1).regions(&p).len(), 1);
    /// let r = Roller::new().min_saved(1).min_count(2).regions(&p);
    /// assert!(matches!(r[0], wengert_jit::ir::Region::Loop(_)));
    /// ```
    pub fn min_count(mut self, n: u32) -> Roller {
        self.min_count = n.max(2);
        self
    }

    /// Finds the loops of `p` and returns it with them.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// let mut p = Program::<f64>::new(0);
    /// for k in 0..40 { p.push(Inst::Input(k)); }
    /// let r = wengert_jit::roll::Roller::new().roll(p);
    /// assert_eq!(r.loops().count(), 1);
    /// ```
    pub fn roll<T: PartialEq + Copy>(&self, p: Program<T>) -> Rolled<T> {
        let regions = self.regions(&p);
        Rolled {
            program: p,
            regions,
        }
    }

    /// The regions of `p`: loops where it repeats, straight runs between them, covering
    /// `0..p.len()` in order.
    ///
    /// ```
    /// let p = wengert_jit::ir::Program::<f64>::new(0);
    /// assert!(wengert_jit::roll::Roller::new().regions(&p).is_empty());
    /// ```
    pub fn regions<T: PartialEq + Copy>(&self, p: &Program<T>) -> Vec<Region> {
        let insts = &p.insts;
        // A loop of count c and period p has its gram at i + p inside it only if
        // (c - 1) p >= g, so the gram is never longer than the fewest instructions saved.
        let g = self.min_saved.clamp(1, 4) as usize;
        let mut lazy = lazy::Lazy::new(insts, self.max_period as usize, g);
        let mut regions = Vec::new();
        let (mut i, mut straight) = (0usize, 0usize);
        while i < insts.len() {
            let (h, next) = lazy.at(i);
            match self.best_loop_at(insts, h, next, i) {
                Some(l) => {
                    if straight < i {
                        regions.push(straight_region(straight, i));
                    }
                    i += (l.period * l.count) as usize;
                    straight = i;
                    regions.push(Region::Loop(l));
                }
                None => i += 1,
            }
        }
        if straight < insts.len() {
            regions.push(straight_region(straight, insts.len()));
        }
        regions
    }

    /// The loop starting at `i` that saves the most instructions (the shorter period on a
    /// tie), if one saves enough.
    fn best_loop_at<T: PartialEq + Copy>(
        &self,
        insts: &[Inst<T>],
        h: &[u32],
        next: &[u32],
        i: usize,
    ) -> Option<Loop> {
        let mut best: Option<Loop> = None;
        // Periods already verified here: their multiples describe the same run with a
        // longer body, so they save less and are skipped (this keeps the work per loop
        // linear instead of `tries` times its length).
        let (mut found, mut nfound) = ([0usize; 16], 0);
        let mut j = next[i];
        for _ in 0..self.tries {
            if j == NONE || j as usize - i > self.max_period as usize {
                break;
            }
            let p = j as usize - i;
            j = next[j as usize];
            if found[..nfound].iter().any(|&f| p % f == 0) {
                continue;
            }
            // The second hash first: in code without loops it is where most candidates
            // fail, and a call to memcmp per candidate would cost more than the test.
            if i + 2 * p > insts.len()
                || (p > 1 && h[i + 1] != h[i + p + 1])
                || h[i..i + p] != h[i + p..i + 2 * p]
            {
                continue;
            }
            let Some(l) = verify(insts, i, p) else {
                continue;
            };
            if l.count >= self.min_count && nfound < found.len() {
                found[nfound] = p;
                nfound += 1;
            }
            let better = best.as_ref().is_none_or(|b| saved(&l) > saved(b));
            if better && saved(&l) >= self.min_saved && l.count >= self.min_count {
                best = Some(l);
            }
        }
        best
    }
}

/// The instructions a loop saves: all its repetitions but the one emitted. Ranking by it,
/// not by coverage, keeps a long period of two repetitions (any two windows of equal shapes
/// are such a loop, whatever their strides) from beating the true period that stops one
/// repetition short of an irregular boundary.
fn saved(l: &Loop) -> u32 {
    l.period * (l.count - 1)
}

fn straight_region(start: usize, end: usize) -> Region {
    Region::Straight {
        start: start as u32,
        end: end as u32,
    }
}

/// The loop of period `p` at `start`, if its first two repetitions agree up to strides: as
/// many repetitions as follow exactly.
pub(crate) fn verify<T: PartialEq + Copy>(
    insts: &[Inst<T>],
    start: usize,
    p: usize,
) -> Option<Loop> {
    let body = &insts[start..start + p];
    let strides = body
        .iter()
        .zip(&insts[start + p..start + 2 * p])
        .map(|(a, b)| shape::strides(a, b))
        .collect::<Option<Vec<_>>>()?;
    let mut count = 2u32;
    // Each repetition against the one before it: the same moves as from 0 to 1.
    'reps: while start + (count as usize + 1) * p <= insts.len() && count < u32::MAX {
        let at = start + count as usize * p;
        let (prev, rep) = (&insts[at - p..at], &insts[at..at + p]);
        for ((a, b), s) in prev.iter().zip(rep).zip(&strides) {
            if !shape::moves_by(a, b, s) {
                break 'reps;
            }
        }
        count += 1;
    }
    Some(Loop {
        start: start as u32,
        period: p as u32,
        count,
        strides,
    })
}
