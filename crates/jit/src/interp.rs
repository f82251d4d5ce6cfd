//! The interpreter of a [`Program`]: the back end without native code (and for element
//! types native code does not handle: `f32`, dual numbers).
//!
//! One scratch slot per instruction (SSA: each value is written once), one `match` per
//! instruction. The arithmetic of each op is [`un`] and [`bin`], written as the tape's ops
//! compute them, so that the interpreter's values equal the tape's bit for bit.
use crate::ir::{BinOp, Func, Inst, Program, UnOp};
use crate::kernel::{GuardFailed, Kernel};
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
}

impl<T> Interp<T> {
    /// An interpreter of `program`.
    pub fn new(program: Program<T>) -> Interp<T> {
        Interp { program }
    }

    /// The program it runs.
    pub fn program(&self) -> &Program<T> {
        &self.program
    }
}

impl<T: Real> Kernel<T> for Interp<T> {
    fn scratch_len(&self) -> usize {
        self.program.len()
    }

    fn run(&self, x: &[T], out: &mut [T], s: &mut [T]) -> Result<(), GuardFailed> {
        let funcs = &self.program.funcs;
        let s = &mut s[..self.program.insts.len()];
        for (i, inst) in self.program.insts.iter().enumerate() {
            let v = match *inst {
                Inst::Input(k) => x[k as usize],
                Inst::Const(c) => c,
                Inst::Un(op, a) => un(op, s[a.index()]),
                Inst::Bin(op, a, b) => bin(op, s[a.index()], s[b.index()]),
                Inst::Select { cmp, a, b, t, f } => {
                    if cmp.eval(s[a.index()], s[b.index()]) {
                        s[t.index()]
                    } else {
                        s[f.index()]
                    }
                }
                Inst::Call1(f, a) => match funcs[f as usize] {
                    Func::F1(f) => f(s[a.index()]),
                    Func::F2(f) => f(s[a.index()], T::zero()),
                },
                Inst::Call2(f, a, b) => match funcs[f as usize] {
                    Func::F2(f) => f(s[a.index()], s[b.index()]),
                    Func::F1(f) => f(s[a.index()]),
                },
                Inst::Output(k, a) => {
                    out[k as usize] = s[a.index()];
                    continue;
                }
                Inst::Guard {
                    cmp,
                    a,
                    b,
                    expect,
                    id,
                } => {
                    if cmp.eval(s[a.index()], s[b.index()]) != expect {
                        return Err(GuardFailed { id });
                    }
                    continue;
                }
            };
            s[i] = v;
        }
        Ok(())
    }
}
