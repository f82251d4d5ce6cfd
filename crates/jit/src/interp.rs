//! The interpreter of a [`Program`]: the back end without native code (and for element
//! types native code does not handle: `f32`, dual numbers).
//!
//! One scratch slot per instruction (SSA: each value is written once), one `match` per
//! instruction. The arithmetic of each op is [`un`] and [`bin`], written as the tape's ops
//! compute them, so that the interpreter's values equal the tape's bit for bit.
use crate::ir::{BinOp, Cmp, Func, Inst, Program, UnOp, Val};
use crate::kernel::{GuardFailed, Kernel};
use crate::tensor::{Pieces, Plan};
use wengert_tape::Real;

/// `op(x)`, as wengert-ops computes it.
///
/// ```
/// use wengert_jit::{interp::un, ir::UnOp};
/// assert_eq!(un(UnOp::Sigmoid, 0.0f64), 0.5);
/// assert_eq!(un(UnOp::Softplus, 800.0f64), 800.0); // no overflow
/// ```
#[inline]
pub fn un<T: Real>(op: UnOp, x: T) -> T {
    let one = T::one();
    match op {
        UnOp::Neg => -x,
        UnOp::Recip => x.recip(),
        UnOp::Square => x * x,
        UnOp::Abs => x.abs(),
        UnOp::Signum => x.signum(),
        UnOp::Sqrt => x.sqrt(),
        UnOp::Exp => x.exp(),
        UnOp::ExpM1 => x.exp_m1(),
        UnOp::Ln => x.ln(),
        UnOp::Ln1p => x.ln_1p(),
        UnOp::Sin => x.sin(),
        UnOp::Cos => x.cos(),
        UnOp::Tan => x.tan(),
        UnOp::Tanh => x.tanh(),
        // Every exp of a non-positive number: no overflow at any |x|.
        UnOp::Sigmoid if x >= T::zero() => (one + (-x).exp()).recip(),
        UnOp::Sigmoid => {
            let e = x.exp();
            e / (one + e)
        }
        UnOp::Softplus => x.max(T::zero()) + (-x.abs()).exp().ln_1p(),
        UnOp::Powi(n) => x.powi(n),
    }
}

/// `op(a, b)`.
///
/// ```
/// use wengert_jit::{interp::bin, ir::BinOp};
/// assert_eq!(bin(BinOp::Powf, 2.0f64, 3.0), 8.0);
/// assert_eq!(bin(BinOp::Max, f64::NAN, 1.0), 1.0);
/// ```
#[inline]
pub fn bin<T: Real>(op: BinOp, a: T, b: T) -> T {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Max => a.max(b),
        BinOp::Min => a.min(b),
        BinOp::Powf => a.powf(b),
    }
}

/// One instruction with its operation spelled out, so that running it is one dispatch (a
/// `match` on [`Inst`] then on its op was two: their mispredicted jumps were most of the
/// time), with the common `x · c`, `x + c` of a constant `c` inline and a product fused
/// with the sum that is its only use (Rosenbrock's gradient at n = 1000: 140 µs, then 59,
/// then 32, the tape's backward 27).
#[derive(Clone, Copy, Debug)]
enum Op<T> {
    Input(u32),
    Const(T),
    Neg(u32),
    Recip(u32),
    Square(u32),
    Abs(u32),
    Signum(u32),
    Sqrt(u32),
    Exp(u32),
    ExpM1(u32),
    Ln(u32),
    Ln1p(u32),
    Sin(u32),
    Cos(u32),
    Tan(u32),
    Tanh(u32),
    Sigmoid(u32),
    Softplus(u32),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Div(u32, u32),
    Max(u32, u32),
    Min(u32, u32),
    Powf(u32, u32),
    Powi(u32, i32),
    MulC(u32, T),
    AddC(u32, T),
    Select(Cmp, u32, u32, u32, u32),
    Call1(u32, u32),
    Call2(u32, u32, u32),
    Output(u32, u32),
    Guard(Cmp, u32, u32, bool, u32),
    /// `c + a·b` into the next slot: a product used only by the sum right after it (the
    /// reverse sweep's accumulation), run as one.
    MulAdd(u32, u32, u32),
    /// `c − a·b` into the next slot.
    MulSubFrom(u32, u32, u32),
    /// `a·b − c` into the next slot.
    MulSub(u32, u32, u32),
    /// Placeholder for the second half of a fused pair (never run).
    Fused,
    /// A `TWrite`: its operand into its own slot (the tensor plan takes it from there).
    Copy(u32),
    /// A `TRead` (its slot is filled by the tensor plan) or a `TRun` (between pieces).
    Keep,
}

fn flat<T: Real>(p: &Program<T>) -> Vec<Op<T>> {
    let konst = |v: Val| match p.insts[v.index()] {
        Inst::Const(c) => Some(c),
        _ => None,
    };
    let ops = p
        .insts
        .iter()
        .map(|inst| match *inst {
            Inst::Input(k) => Op::Input(k),
            Inst::Const(c) => Op::Const(c),
            Inst::Un(op, a) => un_op(op, a.0),
            Inst::Bin(op @ (BinOp::Mul | BinOp::Add), a, b) => match (konst(a), konst(b)) {
                (_, Some(c)) if op == BinOp::Mul => Op::MulC(a.0, c),
                (Some(c), _) if op == BinOp::Mul => Op::MulC(b.0, c),
                (_, Some(c)) => Op::AddC(a.0, c),
                (Some(c), _) => Op::AddC(b.0, c),
                _ => bin_op(op, a.0, b.0),
            },
            Inst::Bin(op, a, b) => bin_op(op, a.0, b.0),
            Inst::Select { cmp, a, b, t, f } => Op::Select(cmp, a.0, b.0, t.0, f.0),
            Inst::Call1(f, a) => Op::Call1(f, a.0),
            Inst::Call2(f, a, b) => Op::Call2(f, a.0, b.0),
            Inst::Output(k, a) => Op::Output(k, a.0),
            Inst::TWrite { v, .. } => Op::Copy(v.0),
            Inst::TRead { .. } | Inst::TRun(_) => Op::Keep,
            Inst::Guard {
                cmp,
                a,
                b,
                expect,
                id,
            } => Op::Guard(cmp, a.0, b.0, expect, id),
        })
        .collect();
    fuse(p, ops)
}

/// Fuses a product with the sum or difference right after it that is its only use.
fn fuse<T: Real>(p: &Program<T>, mut ops: Vec<Op<T>>) -> Vec<Op<T>> {
    let mut uses = vec![0u32; p.len()];
    for inst in &p.insts {
        for v in inst.operands().as_slice() {
            uses[v.index()] += 1;
        }
    }
    let mut i = 0;
    while i + 1 < ops.len() {
        let m = i as u32;
        if let (Inst::Bin(BinOp::Mul, a, b), Inst::Bin(op, x, y)) = (p.insts[i], p.insts[i + 1]) {
            let fused = match (op, x.0 == m, y.0 == m) {
                _ if uses[i] != 1 || x == y => None,
                (BinOp::Add, true, _) => Some(Op::MulAdd(a.0, b.0, y.0)),
                (BinOp::Add, _, true) => Some(Op::MulAdd(a.0, b.0, x.0)),
                (BinOp::Sub, true, _) => Some(Op::MulSub(a.0, b.0, y.0)),
                (BinOp::Sub, _, true) => Some(Op::MulSubFrom(a.0, b.0, x.0)),
                _ => None,
            };
            if let Some(f) = fused {
                ops[i] = f;
                ops[i + 1] = Op::Fused;
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    ops
}

fn un_op<T>(op: UnOp, a: u32) -> Op<T> {
    match op {
        UnOp::Neg => Op::Neg(a),
        UnOp::Recip => Op::Recip(a),
        UnOp::Square => Op::Square(a),
        UnOp::Abs => Op::Abs(a),
        UnOp::Signum => Op::Signum(a),
        UnOp::Sqrt => Op::Sqrt(a),
        UnOp::Exp => Op::Exp(a),
        UnOp::ExpM1 => Op::ExpM1(a),
        UnOp::Ln => Op::Ln(a),
        UnOp::Ln1p => Op::Ln1p(a),
        UnOp::Sin => Op::Sin(a),
        UnOp::Cos => Op::Cos(a),
        UnOp::Tan => Op::Tan(a),
        UnOp::Tanh => Op::Tanh(a),
        UnOp::Sigmoid => Op::Sigmoid(a),
        UnOp::Softplus => Op::Softplus(a),
        UnOp::Powi(n) => Op::Powi(a, n),
    }
}

fn bin_op<T>(op: BinOp, a: u32, b: u32) -> Op<T> {
    match op {
        BinOp::Add => Op::Add(a, b),
        BinOp::Sub => Op::Sub(a, b),
        BinOp::Mul => Op::Mul(a, b),
        BinOp::Div => Op::Div(a, b),
        BinOp::Max => Op::Max(a, b),
        BinOp::Min => Op::Min(a, b),
        BinOp::Powf => Op::Powf(a, b),
    }
}

/// A program run by interpretation.
///
/// ```
/// use wengert_jit::{interp::Interp, ir::{BinOp, Inst, Program}, kernel::Kernel};
/// let mut p = Program::<f64>::new(1);
/// let x = p.push(Inst::Input(0));
/// let y = p.push(Inst::Bin(BinOp::Mul, x, x));
/// p.push(Inst::Output(0, y));
/// let k = Interp::new(p);
/// let (mut out, mut s) = ([0.0], vec![0.0; k.scratch_len()]);
/// k.run(&[3.0], &mut out, &mut s).unwrap();
/// assert_eq!(out, [9.0]);
/// ```
#[derive(Clone, Debug)]
pub struct Interp<T> {
    program: Program<T>,
    ops: Vec<Op<T>>,
    /// With tensor ops: the plan, and each piece's instructions.
    plan: Option<(Plan, Vec<(usize, usize)>)>,
}

impl<T: Real> Interp<T> {
    /// An interpreter of `program`.
    pub fn new(program: Program<T>) -> Interp<T> {
        let ops = flat(&program);
        let plan = program.tensors.is_some().then(|| {
            let plan = Plan::new(&program);
            let bounds = plan.bounds(program.len());
            (plan, bounds)
        });
        Interp { program, ops, plan }
    }

    /// The program it runs.
    pub fn program(&self) -> &Program<T> {
        &self.program
    }
}

impl<T: Real> Kernel<T> for Interp<T> {
    fn scratch_len(&self) -> usize {
        self.ops.len()
    }

    fn run(&self, x: &[T], out: &mut [T], s: &mut [T]) -> Result<(), GuardFailed> {
        match (&self.plan, &self.program.tensors) {
            (Some((plan, _)), Some(ts)) => plan.run(ts, self, x, out, s),
            _ => self.range(0, self.ops.len(), x, out, s),
        }
    }
}

impl<T: Real> Pieces<T> for Interp<T> {
    fn piece(&self, k: usize, x: &[T], out: &mut [T], s: &mut [T]) -> Result<(), GuardFailed> {
        let (start, end) = self.plan.as_ref().expect("pieces of a tensor program").1[k];
        self.range(start, end, x, out, s)
    }
}

impl<T: Real> Interp<T> {
    /// Runs instructions `start..end`.
    fn range(
        &self,
        start: usize,
        end: usize,
        x: &[T],
        out: &mut [T],
        s: &mut [T],
    ) -> Result<(), GuardFailed> {
        let funcs = &self.program.funcs;
        let s = &mut s[..self.ops.len()];
        let mut i = start;
        while i < end {
            let v = match self.ops[i] {
                Op::Input(k) => x[k as usize],
                Op::Const(c) => c,
                Op::Neg(a) => un(UnOp::Neg, s[a as usize]),
                Op::Recip(a) => un(UnOp::Recip, s[a as usize]),
                Op::Square(a) => un(UnOp::Square, s[a as usize]),
                Op::Abs(a) => un(UnOp::Abs, s[a as usize]),
                Op::Signum(a) => un(UnOp::Signum, s[a as usize]),
                Op::Sqrt(a) => un(UnOp::Sqrt, s[a as usize]),
                Op::Exp(a) => un(UnOp::Exp, s[a as usize]),
                Op::ExpM1(a) => un(UnOp::ExpM1, s[a as usize]),
                Op::Ln(a) => un(UnOp::Ln, s[a as usize]),
                Op::Ln1p(a) => un(UnOp::Ln1p, s[a as usize]),
                Op::Sin(a) => un(UnOp::Sin, s[a as usize]),
                Op::Cos(a) => un(UnOp::Cos, s[a as usize]),
                Op::Tan(a) => un(UnOp::Tan, s[a as usize]),
                Op::Tanh(a) => un(UnOp::Tanh, s[a as usize]),
                Op::Sigmoid(a) => un(UnOp::Sigmoid, s[a as usize]),
                Op::Softplus(a) => un(UnOp::Softplus, s[a as usize]),
                Op::Powi(a, n) => s[a as usize].powi(n),
                Op::Add(a, b) => bin(BinOp::Add, s[a as usize], s[b as usize]),
                Op::Sub(a, b) => bin(BinOp::Sub, s[a as usize], s[b as usize]),
                Op::Mul(a, b) => bin(BinOp::Mul, s[a as usize], s[b as usize]),
                Op::Div(a, b) => bin(BinOp::Div, s[a as usize], s[b as usize]),
                Op::Max(a, b) => bin(BinOp::Max, s[a as usize], s[b as usize]),
                Op::Min(a, b) => bin(BinOp::Min, s[a as usize], s[b as usize]),
                Op::Powf(a, b) => bin(BinOp::Powf, s[a as usize], s[b as usize]),
                Op::MulC(a, c) => s[a as usize] * c,
                Op::AddC(a, c) => s[a as usize] + c,
                Op::Select(cmp, a, b, t, f) => {
                    if cmp.eval(s[a as usize], s[b as usize]) {
                        s[t as usize]
                    } else {
                        s[f as usize]
                    }
                }
                Op::Call1(f, a) => match funcs[f as usize] {
                    Func::F1(f) => f(s[a as usize]),
                    Func::F2(f) => f(s[a as usize], T::zero()),
                },
                Op::Call2(f, a, b) => match funcs[f as usize] {
                    Func::F2(f) => f(s[a as usize], s[b as usize]),
                    Func::F1(f) => f(s[a as usize]),
                },
                Op::Output(k, a) => {
                    out[k as usize] = s[a as usize];
                    i += 1;
                    continue;
                }
                // The product's slot is left unwritten: its only reader is fused with it.
                Op::MulAdd(a, b, c) => {
                    s[i + 1] = s[c as usize] + s[a as usize] * s[b as usize];
                    i += 2;
                    continue;
                }
                Op::MulSubFrom(a, b, c) => {
                    s[i + 1] = s[c as usize] - s[a as usize] * s[b as usize];
                    i += 2;
                    continue;
                }
                Op::MulSub(a, b, c) => {
                    s[i + 1] = s[a as usize] * s[b as usize] - s[c as usize];
                    i += 2;
                    continue;
                }
                Op::Fused => unreachable!("the second half of a fused pair is skipped"),
                Op::Copy(a) => s[a as usize],
                Op::Keep => {
                    i += 1;
                    continue;
                }
                Op::Guard(cmp, a, b, expect, id) => {
                    if cmp.eval(s[a as usize], s[b as usize]) != expect {
                        return Err(GuardFailed { id });
                    }
                    i += 1;
                    continue;
                }
            };
            s[i] = v;
            i += 1;
        }
        Ok(())
    }
}
