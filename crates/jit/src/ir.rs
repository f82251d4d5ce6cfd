//! The program: a flat SSA list of instructions, the contract between every stage.
//!
//! An instruction's [`Val`] is its index in [`Program::insts`]. **Invariant: operands precede
//! their users** (every `Val` an instruction reads is smaller than its own index), as on the
//! tape, so every stage is one forward or backward scan. [`Program::push`] `debug_assert!`s it
//! and [`Program::validate`] checks it.
//!
//! Effects are instructions too, so that every stage (and the loop roller, which looks for
//! repeated runs of instructions whose operands move by a constant stride) sees them in
//! order: [`Inst::Output`] writes the `k`-th result, [`Inst::Guard`] checks a branch decision
//! taken at tracing. Their own `Val` is never read.
//!
//! A differentiated program is an ordinary program whose outputs are the value followed by the
//! gradient (or a VJP, or a Jacobian row): the reverse sweep is unrolled into instructions by
//! the source transform, so optimization and lowering treat forward and reverse alike.
//!
//! [`Rolled`] annotates a program with loops found in it; the flat list stays complete, so an
//! interpreter may ignore the annotation.

/// A value: the index of the instruction that defines it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Val(pub u32);

impl Val {
    /// The index as `usize`.
    ///
    /// ```
    /// assert_eq!(wengert_jit::ir::Val(3).index(), 3);
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One-operand operations. Those with an `f64` method of the same name mean that method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `1 / x`
    Recip,
    /// `x * x`
    Square,
    /// `|x|`
    Abs,
    /// `x.signum()` (`1`, `-1`; the derivative of `abs`).
    Signum,
    /// `x.sqrt()`
    Sqrt,
    /// `x.exp()`
    Exp,
    /// `x.exp_m1()`
    ExpM1,
    /// `x.ln()`
    Ln,
    /// `x.ln_1p()`
    Ln1p,
    /// `x.sin()`
    Sin,
    /// `x.cos()`
    Cos,
    /// `x.tan()`
    Tan,
    /// `x.tanh()`
    Tanh,
    /// `1 / (1 + exp(-x))`
    Sigmoid,
    /// `ln(1 + exp(x))`, computed without overflow.
    Softplus,
    /// `x.powi(n)`
    Powi(i32),
}

/// Two-operand operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BinOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a.max(b)`
    Max,
    /// `a.min(b)`
    Min,
    /// `a.powf(b)`
    Powf,
}

/// A comparison, for [`Inst::Select`] and [`Inst::Guard`]: the tape's own (a guard carries
/// it over unchanged).
pub use wengert_tape::trace::Cmp;

pub use crate::tensor::{TStep, Tensors};
use std::sync::Arc;

/// A function without a primitive meaning (a user's [`Unary`](wengert_tape::op::Unary) or
/// [`Binary`](wengert_tape::op::Binary) op), called by address. `extern "C"` so that native
/// code may call it; calling it from Rust is safe.
#[derive(Clone, Copy, Debug)]
pub enum Func<T> {
    /// `f(x)`
    F1(extern "C" fn(T) -> T),
    /// `f(x, y)` (also a unary op's derivative `df(x, y = f(x))`).
    F2(extern "C" fn(T, T) -> T),
}

/// One instruction. Operand `Val`s precede the instruction's own index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Inst<T> {
    /// The `k`-th input.
    Input(u32),
    /// A constant.
    Const(T),
    /// `op(a)`
    Un(UnOp, Val),
    /// `op(a, b)`
    Bin(BinOp, Val, Val),
    /// `if a <cmp> b { t } else { f }`, branch-free (CppAD's `CondExp`, JAX's `where`).
    Select {
        /// The comparison.
        cmp: Cmp,
        /// Left side.
        a: Val,
        /// Right side.
        b: Val,
        /// The value when the comparison holds.
        t: Val,
        /// The value otherwise.
        f: Val,
    },
    /// `funcs[f](a)`, a [`Func::F1`].
    Call1(u32, Val),
    /// `funcs[f](a, b)`, a [`Func::F2`].
    Call2(u32, Val, Val),
    /// Writes output `k` (an effect; its own value is never read).
    Output(u32, Val),
    /// Checks that `a <cmp> b` is `expect`, as it was at tracing; guard number `id` fails the
    /// call otherwise (an effect; its own value is never read).
    Guard {
        /// The comparison decided at tracing.
        cmp: Cmp,
        /// Left side.
        a: Val,
        /// Right side.
        b: Val,
        /// Its outcome at tracing.
        expect: bool,
        /// Index into [`Program::guard_sites`].
        id: u32,
    },
    /// Writes `v` into element `slot` of the tensor memory ([`Tensors`]), or adds it there
    /// (`add`: an adjoint's seed). An effect, seen by the tensor ops of the next
    /// [`Inst::TRun`].
    TWrite {
        /// The element.
        slot: u32,
        /// The value.
        v: Val,
        /// Whether `v` is added to the element (else it replaces it).
        add: bool,
    },
    /// Element `slot` of the tensor memory, as the last [`Inst::TRun`] before it left it.
    /// `epoch` numbers the runs before it, so that two reads merge only when no run can
    /// have changed the element between them.
    TRead {
        /// The element.
        slot: u32,
        /// The number of runs before it (a label: equal for reads between the same runs).
        epoch: u32,
    },
    /// Runs tensor ops (an effect).
    TRun(TStep),
}

impl<T> Inst<T> {
    /// The operands this instruction reads, in order.
    ///
    /// ```
    /// use wengert_jit::ir::{BinOp, Inst, Val};
    /// let i = Inst::<f64>::Bin(BinOp::Add, Val(0), Val(1));
    /// assert_eq!(i.operands().as_slice(), &[Val(0), Val(1)]);
    /// ```
    pub fn operands(&self) -> Operands {
        let mut o = Operands::default();
        match *self {
            Inst::Input(_) | Inst::Const(_) | Inst::TRead { .. } | Inst::TRun(_) => {}
            Inst::Un(_, a) | Inst::Call1(_, a) | Inst::Output(_, a) | Inst::TWrite { v: a, .. } => {
                o.push(a)
            }
            Inst::Bin(_, a, b) | Inst::Call2(_, a, b) | Inst::Guard { a, b, .. } => {
                o.push(a);
                o.push(b);
            }
            Inst::Select { a, b, t, f, .. } => [a, b, t, f].into_iter().for_each(|v| o.push(v)),
        }
        o
    }

    /// Whether the instruction is an effect ([`Inst::Output`], [`Inst::Guard`],
    /// [`Inst::TWrite`], [`Inst::TRun`]): kept by dead code elimination, never merged by
    /// common-subexpression elimination.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Val};
    /// assert!(Inst::<f64>::Output(0, Val(0)).is_effect());
    /// ```
    pub fn is_effect(&self) -> bool {
        matches!(
            self,
            Inst::Output(..) | Inst::Guard { .. } | Inst::TWrite { .. } | Inst::TRun(_)
        )
    }

    /// Whether the instruction touches the tensor memory ([`Inst::TWrite`], [`Inst::TRead`],
    /// [`Inst::TRun`]).
    ///
    /// ```
    /// use wengert_jit::ir::Inst;
    /// assert!(Inst::<f64>::TRead { slot: 0, epoch: 1 }.is_tensor());
    /// ```
    pub fn is_tensor(&self) -> bool {
        matches!(
            self,
            Inst::TWrite { .. } | Inst::TRead { .. } | Inst::TRun(_)
        )
    }
}

/// Up to four operands, without allocation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Operands {
    vals: [Val; 4],
    len: u8,
}

impl Operands {
    fn push(&mut self, v: Val) {
        self.vals[self.len as usize] = v;
        self.len += 1;
    }

    /// The operands as a slice.
    ///
    /// ```
    /// use wengert_jit::ir::Operands;
    /// assert!(Operands::default().as_slice().is_empty());
    /// ```
    pub fn as_slice(&self) -> &[Val] {
        &self.vals[..self.len as usize]
    }
}

/// Where a guard came from, for its error message.
#[derive(Clone, Copy, Debug)]
pub struct GuardSite {
    /// The source line of the comparison that decided a branch.
    pub loc: &'static std::panic::Location<'static>,
}

/// A program of `inputs` inputs and `outputs` outputs.
#[derive(Clone, Debug)]
pub struct Program<T> {
    /// The instructions, operands first.
    pub insts: Vec<Inst<T>>,
    /// The functions [`Inst::Call1`] and [`Inst::Call2`] name.
    pub funcs: Vec<Func<T>>,
    /// The guards' sources, indexed by [`Inst::Guard`]'s `id`.
    pub guard_sites: Vec<GuardSite>,
    /// The tensor ops [`Inst::TRun`] runs, shared by the programs made from one trace.
    pub tensors: Option<Arc<Tensors<T>>>,
    inputs: u32,
    outputs: u32,
}

impl<T> Program<T> {
    /// An empty program with `outputs` outputs (inputs are counted as they are pushed).
    ///
    /// ```
    /// let p = wengert_jit::ir::Program::<f64>::new(1);
    /// assert!(p.is_empty());
    /// ```
    pub fn new(outputs: u32) -> Program<T> {
        Program {
            insts: Vec::new(),
            funcs: Vec::new(),
            guard_sites: Vec::new(),
            tensors: None,
            inputs: 0,
            outputs,
        }
    }

    /// Appends an instruction and returns its value.
    ///
    /// # Panics
    /// In debug builds, if an operand does not precede it.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program, UnOp};
    /// let mut p = Program::<f64>::new(1);
    /// let x = p.push(Inst::Input(0));
    /// let y = p.push(Inst::Un(UnOp::Sin, x));
    /// assert_eq!(y.index(), 1);
    /// ```
    pub fn push(&mut self, inst: Inst<T>) -> Val {
        let id = self.insts.len() as u32;
        debug_assert!(
            inst.operands().as_slice().iter().all(|v| v.0 < id),
            "wengert-jit: instruction {id} reads a later value"
        );
        if let Inst::Input(k) = inst {
            self.inputs = self.inputs.max(k + 1);
        }
        self.insts.push(inst);
        Val(id)
    }

    /// The number of inputs (one more than the largest [`Inst::Input`] index).
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// let mut p = Program::<f64>::new(0);
    /// p.push(Inst::Input(2));
    /// assert_eq!(p.inputs(), 3);
    /// ```
    pub fn inputs(&self) -> usize {
        self.inputs as usize
    }

    /// Sets the number of inputs (a function may ignore some of its inputs).
    ///
    /// ```
    /// let mut p = wengert_jit::ir::Program::<f64>::new(0);
    /// p.set_inputs(4);
    /// assert_eq!(p.inputs(), 4);
    /// ```
    pub fn set_inputs(&mut self, n: u32) {
        self.inputs = n;
    }

    /// The number of outputs.
    ///
    /// ```
    /// assert_eq!(wengert_jit::ir::Program::<f64>::new(3).outputs(), 3);
    /// ```
    pub fn outputs(&self) -> usize {
        self.outputs as usize
    }

    /// The number of instructions.
    ///
    /// ```
    /// assert_eq!(wengert_jit::ir::Program::<f64>::new(1).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.insts.len()
    }

    /// Whether there are no instructions.
    ///
    /// ```
    /// assert!(wengert_jit::ir::Program::<f64>::new(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.insts.is_empty()
    }

    /// Checks the invariants: operands precede users, inputs, outputs, functions and guard
    /// ids in range, each output written exactly once. Returns the first violation.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program, Val};
    /// let mut p = Program::<f64>::new(1);
    /// let x = p.push(Inst::Input(0));
    /// assert!(p.validate().is_err()); // output 0 is never written
    /// p.push(Inst::Output(0, x));
    /// assert!(p.validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        let mut written = vec![false; self.outputs as usize];
        for (i, inst) in self.insts.iter().enumerate() {
            if let Some(v) = inst.operands().as_slice().iter().find(|v| v.index() >= i) {
                return Err(format!("instruction {i} reads value {} (not earlier)", v.0));
            }
            match *inst {
                Inst::Input(k) if k >= self.inputs => {
                    return Err(format!(
                        "instruction {i} reads input {k} of {}",
                        self.inputs
                    ))
                }
                Inst::Call1(f, _) | Inst::Call2(f, _, _) if f as usize >= self.funcs.len() => {
                    return Err(format!(
                        "instruction {i} calls function {f} of {}",
                        self.funcs.len()
                    ))
                }
                Inst::Guard { id, .. } if id as usize >= self.guard_sites.len() => {
                    return Err(format!(
                        "instruction {i} is guard {id} of {}",
                        self.guard_sites.len()
                    ))
                }
                Inst::Output(k, _) => match written.get_mut(k as usize) {
                    None => {
                        return Err(format!(
                            "instruction {i} writes output {k} of {}",
                            self.outputs
                        ))
                    }
                    Some(w) if *w => {
                        return Err(format!("output {k} written twice (instruction {i})"))
                    }
                    Some(w) => *w = true,
                },
                _ => {}
            }
        }
        match written.iter().position(|w| !w) {
            Some(k) => Err(format!("output {k} is never written")),
            None => Ok(()),
        }
    }
}

impl<T: Clone> Program<T> {
    /// An empty program with `outputs` outputs and `p`'s functions, guards and tensor ops:
    /// the start of a program derived from `p`.
    ///
    /// ```
    /// let p = wengert_jit::ir::Program::<f64>::new(1);
    /// assert_eq!(wengert_jit::ir::Program::derived(&p, 2).outputs(), 2);
    /// ```
    pub fn derived(p: &Program<T>, outputs: u32) -> Program<T> {
        Program {
            insts: Vec::new(),
            funcs: p.funcs.clone(),
            guard_sites: p.guard_sites.clone(),
            tensors: p.tensors.clone(),
            inputs: 0,
            outputs,
        }
    }
}

/// A loop found in a program: `count` repetitions of the `period` instructions starting at
/// `start`, covering `start .. start + period * count` of [`Program::insts`].
///
/// In repetition `r`, body instruction `j` is `insts[start + r * period + j]`; it equals
/// instruction `start + j` with each *index* moved by `r` times its stride. The indices of an
/// instruction, in order, are: its operand `Val`s ([`Inst::operands`]), then the input number
/// of an [`Inst::Input`] or the output number of an [`Inst::Output`]. An operand defined in
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
