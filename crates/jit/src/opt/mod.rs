//! Program optimization before rolling and lowering, one pass per file, each a function
//! `Program -> Program` that keeps the outputs' values (see each pass for what "keeps"
//! means at the last bit) and the invariants of [`Program::validate`].
//!
//! ```
//! use wengert_jit::ir::{BinOp, Inst, Program};
//! // y = (x · 1) + (x · 1): folding, then CSE, then DCE leave y = x + x.
//! let mut p = Program::<f64>::new(1);
//! let x = p.push(Inst::Input(0));
//! let one = p.push(Inst::Const(1.0));
//! let a = p.push(Inst::Bin(BinOp::Mul, x, one));
//! let b = p.push(Inst::Bin(BinOp::Mul, x, one));
//! let y = p.push(Inst::Bin(BinOp::Add, a, b));
//! p.push(Inst::Output(0, y));
//! let q = wengert_jit::opt::optimize(&p);
//! assert_eq!(q.len(), 3); // input, x + x, output
//! ```
use crate::ir::{Inst, Program, Val};
use wengert_tape::Real;

pub mod cse;
pub mod dce;
pub mod fold;
pub mod reuse;

/// Every pass: the dead code dropped first where a quarter or more is dead ([`dce::prune`]),
/// then the `sin`/`cos` pairing of [`reuse`] where there are pairs, then one sweep
/// that gives each instruction its canonical form ([`reuse`]), folds it ([`fold`]) and
/// hash-conses it ([`cse`]), then [`dce`] (which also moves the constants first). One sweep
/// instead of three passes: each pass rebuilt a program the size of the input (at 170 k
/// instructions, allocating and faulting in those was a fifth of the time). The result is
/// what [`fold`], [`reuse`], [`cse`] and [`dce`] in turn give, or better (folding sees
/// operands already merged).
pub fn optimize<T: Real>(p: &Program<T>) -> Program<T> {
    let (pruned, paired);
    let p = match dce::prune(p) {
        Some(q) => {
            pruned = q;
            &pruned
        }
        None => p,
    };
    let p = if reuse::has_pairs(p) {
        paired = reuse::reuse(p);
        &paired
    } else {
        p
    };
    let mut q = like(p);
    let mut table = cse::Table::new(p.len());
    let mut map = vec![Val(u32::MAX); p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        let inst = reuse::canonical(remap(inst, |v| map[v.index()]));
        let mut push = |q: &mut Program<T>, inst: Inst<T>| match cse::key(&inst) {
            Some(k) => table.get_or_push(q, k, inst),
            None => q.push(inst),
        };
        if let Some(v) = fold::emit(&mut q, &inst, &mut push) {
            map[i] = v;
        }
    }
    dce::dce(&q)
}

/// `inst` with every operand `v` replaced by `f(v)`.
///
/// ```
/// use wengert_jit::ir::{BinOp, Inst, Val};
/// let i = Inst::<f64>::Bin(BinOp::Add, Val(0), Val(1));
/// assert_eq!(wengert_jit::opt::remap(&i, |v| Val(v.0 + 5)), Inst::Bin(BinOp::Add, Val(5), Val(6)));
/// ```
pub fn remap<T: Copy>(inst: &Inst<T>, mut f: impl FnMut(Val) -> Val) -> Inst<T> {
    match *inst {
        Inst::Input(k) => Inst::Input(k),
        Inst::Const(c) => Inst::Const(c),
        Inst::Un(op, a) => Inst::Un(op, f(a)),
        Inst::Bin(op, a, b) => Inst::Bin(op, f(a), f(b)),
        Inst::Select { cmp, a, b, t, f: e } => Inst::Select {
            cmp,
            a: f(a),
            b: f(b),
            t: f(t),
            f: f(e),
        },
        Inst::Call1(k, a) => Inst::Call1(k, f(a)),
        Inst::Call2(k, a, b) => Inst::Call2(k, f(a), f(b)),
        Inst::Output(k, a) => Inst::Output(k, f(a)),
        Inst::TWrite { slot, v, add } => Inst::TWrite { slot, v: f(v), add },
        i @ (Inst::TRead { .. } | Inst::TRun(_)) => i,
        Inst::Guard {
            cmp,
            a,
            b,
            expect,
            id,
        } => Inst::Guard {
            cmp,
            a: f(a),
            b: f(b),
            expect,
            id,
        },
    }
}

/// An empty program with `p`'s inputs, outputs, functions and guard sites.
pub(crate) fn like<T: Clone>(p: &Program<T>) -> Program<T> {
    let mut q = Program::new(p.outputs() as u32);
    q.insts.reserve(p.len());
    q.funcs = p.funcs.clone();
    q.guard_sites = p.guard_sites.clone();
    q.tensors = p.tensors.clone();
    q.set_inputs(p.inputs() as u32);
    q
}
