//! A program annotated with the loops found in it.
use super::Program;

/// A loop found in a program: `count` repetitions of the `period` instructions starting at
/// `start`, covering `start .. start + period * count` of [`Program::insts`].
///
/// In repetition `r`, body instruction `j` is `insts[start + r * period + j]`; it equals
/// instruction `start + j` with each *index* moved by `r` times its stride. The indices of an
/// instruction, in order, are: its operand `Val`s ([`Inst::operands`](super::Inst::operands)), then the input number
/// of an [`Inst::Input`](super::Inst::Input) or the output number of an [`Inst::Output`](super::Inst::Output). An operand defined in
/// the same repetition has stride `period`; one defined before the loop has stride 0 (an
/// invariant); one of the previous repetition (a carried value such as a running sum) also
/// has stride `period`, reading below the repetition's start. Constants, ops, function
/// numbers and guard expectations are equal in every repetition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    /// The first instruction of the first repetition.
    pub start: u32,
    /// Instructions per repetition.
    pub period: u32,
    /// Repetitions (at least 2).
    pub count: u32,
    /// `strides[j]`: the strides of body instruction `j`'s indices, in the order above.
    pub strides: Vec<[i32; 5]>,
}

/// A region of a rolled program, in program order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Region {
    /// Instructions `start..end`, emitted as they are.
    Straight {
        /// First instruction.
        start: u32,
        /// One past the last.
        end: u32,
    },
    /// A loop.
    Loop(Loop),
}

/// A program with its loops found: the regions cover the instructions once, in order.
#[derive(Clone, Debug)]
pub struct Rolled<T> {
    /// The complete flat program.
    pub program: Program<T>,
    /// Its regions, in order, covering `0..program.len()`.
    pub regions: Vec<Region>,
}

impl<T> Rolled<T> {
    /// `program` with no loops: one straight region.
    ///
    /// ```
    /// use wengert_jit::ir::{Program, Region, Rolled};
    /// let r = Rolled::straight(Program::<f64>::new(0));
    /// assert_eq!(r.regions, vec![Region::Straight { start: 0, end: 0 }]);
    /// ```
    pub fn straight(program: Program<T>) -> Rolled<T> {
        let end = program.len() as u32;
        Rolled {
            program,
            regions: vec![Region::Straight { start: 0, end }],
        }
    }
}
