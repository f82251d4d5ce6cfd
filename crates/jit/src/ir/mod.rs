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

mod program;
pub use program::{GuardSite, Program};
mod rolled;
pub use rolled::{Loop, Region, Rolled};
