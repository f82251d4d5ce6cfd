//! Reading a rolled program back: each loop's repetitions recomputed from its first one, the
//! check that they equal the flat program, and coverage counts.

use super::shape;
use crate::ir::{Inst, Loop, Program, Region, Rolled};

impl Loop {
    /// Body instruction `j` in repetition `r`, given the same instruction `first` of
    /// repetition 0: `first` with each index moved by `r` times its stride. `None` if an
    /// index would leave `u32` (the loop does not describe its program).
    ///
    /// ```
    /// use wengert_jit::ir::{BinOp, Inst, Loop, Val};
    /// // A running sum: s = s_prev + x[k], the sum at stride 2, the input at stride 1.
    /// let l = Loop { start: 10, period: 2, count: 5, strides: vec![[0, 0, 0, 0, 1], [2, 1, 0, 0, 0]] };
    /// let first = Inst::<f64>::Bin(BinOp::Add, Val(9), Val(10));
    /// assert_eq!(l.instance(&first, 1, 3), Some(Inst::Bin(BinOp::Add, Val(15), Val(13))));
    /// ```
    pub fn instance<T: Copy>(&self, first: &Inst<T>, j: usize, r: u32) -> Option<Inst<T>> {
        shape::shifted(first, &self.strides[j], r)
    }

    /// The instructions `start .. start + period * count` the loop covers.
    ///
    /// ```
    /// let l = wengert_jit::ir::Loop { start: 4, period: 3, count: 2, strides: vec![[0; 5]; 3] };
    /// assert_eq!(l.span(), 4..10);
    /// ```
    pub fn span(&self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + (self.period as usize) * (self.count as usize)
    }
}

impl<T: Copy + PartialEq> Rolled<T> {
    /// The flat program the regions describe: straight regions copied, each loop's
    /// repetitions recomputed from its first repetition and its strides. For a correct
    /// `Rolled` it equals [`Rolled::program`]; that is what [`Rolled::validate`] checks.
    ///
    /// # Panics
    /// If a loop moves an index out of `u32` (a `Rolled` that [`Rolled::validate`] rejects).
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// let mut p = Program::<f64>::new(0);
    /// (0..40).for_each(|k| drop(p.push(Inst::Input(k))));
    /// let r = wengert_jit::roll::roll(&p);
    /// assert_eq!(r.expand().insts, p.insts);
    /// ```
    pub fn expand(&self) -> Program<T> {
        let src = &self.program.insts;
        let mut insts = Vec::with_capacity(src.len());
        for region in &self.regions {
            match region {
                Region::Straight { start, end } => {
                    insts.extend_from_slice(&src[*start as usize..*end as usize]);
                }
                Region::Loop(l) => {
                    let body = &src[l.start as usize..][..l.period as usize];
                    for r in 0..l.count {
                        for (j, first) in body.iter().enumerate() {
                            let inst = l.instance(first, j, r);
                            insts.push(inst.expect("wengert-jit: a loop index leaves u32"));
                        }
                    }
                }
            }
        }
        let mut p = self.program.clone();
        p.insts = insts;
        p
    }

    /// Checks that the regions cover the program once, in order, that every loop has at
    /// least two repetitions and one stride vector per body instruction, and that every
    /// repetition equals the first moved by its strides. Returns the first violation.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program, Region, Rolled};
    /// let mut p = Program::<f64>::new(0);
    /// p.push(Inst::Input(0));
    /// let bad = Rolled { program: p, regions: vec![] };
    /// assert!(bad.validate().is_err()); // instruction 0 is in no region
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        let src = &self.program.insts;
        let mut at = 0usize;
        for region in &self.regions {
            let span = match region {
                Region::Straight { start, end } => *start as usize..*end as usize,
                Region::Loop(l) => l.span(),
            };
            if span.start != at || span.end <= span.start || span.end > src.len() {
                return Err(format!("region {span:?} does not continue at {at}"));
            }
            if let Region::Loop(l) = region {
                check_loop(src, l)?;
            }
            at = span.end;
        }
        match at == src.len() {
            true => Ok(()),
            false => Err(format!("regions end at {at} of {}", src.len())),
        }
    }

    /// The loops, in program order.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// let mut p = Program::<f64>::new(0);
    /// (0..40).for_each(|k| drop(p.push(Inst::Input(k))));
    /// assert_eq!(wengert_jit::roll::roll(&p).loops().next().unwrap().count, 40);
    /// ```
    pub fn loops(&self) -> impl Iterator<Item = &Loop> {
        self.regions.iter().filter_map(|r| match r {
            Region::Loop(l) => Some(l),
            Region::Straight { .. } => None,
        })
    }

    /// The number of instructions inside loops.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// let mut p = Program::<f64>::new(0);
    /// (0..40).for_each(|k| drop(p.push(Inst::Input(k))));
    /// assert_eq!(wengert_jit::roll::roll(&p).looped_len(), 40);
    /// ```
    pub fn looped_len(&self) -> usize {
        self.loops().map(|l| l.span().len()).sum()
    }
}

fn check_loop<T: Copy + PartialEq>(src: &[Inst<T>], l: &Loop) -> Result<(), String> {
    if l.count < 2 || l.strides.len() != l.period as usize {
        return Err(format!(
            "loop at {}: count {} (at least 2), {} stride vectors for period {}",
            l.start,
            l.count,
            l.strides.len(),
            l.period
        ));
    }
    let body = &src[l.start as usize..][..l.period as usize];
    for r in 1..l.count {
        let rep = &src[l.start as usize + (r * l.period) as usize..][..l.period as usize];
        for (j, (first, actual)) in body.iter().zip(rep).enumerate() {
            if l.instance(first, j, r).as_ref() != Some(actual) {
                return Err(format!(
                    "loop at {}: repetition {r}, body instruction {j} is not the first \
                     repetition's moved by its strides",
                    l.start
                ));
            }
        }
    }
    Ok(())
}
