//! Dead-code elimination, with the live constants moved first (as CSE does, so that a loop
//! body never defines a constant in its first repetition only), then every input in order:
//! keeps the effects ([`Inst::Output`](crate::ir::Inst::Output),
//! [`Inst::Guard`](crate::ir::Inst::Guard)) and what they read, in order.
//!
//! The inputs form one block `Input(0), Input(1), …` because native code reads a block of
//! inputs from the caller's `x` in place (`native/direct.rs`); a `fori_loop` trace reads its
//! inputs inside each iteration, and left there they went through scratch slots (the
//! combinator's Rosenbrock gradient was 10-15 % slower than the re-rolled one for it).
use super::{like, remap};
use crate::ir::{Inst, Program, Val};

/// The program without the instructions no effect depends on.
///
/// ```
/// use wengert_jit::ir::{Inst, Program, UnOp};
/// let mut p = Program::<f64>::new(1);
/// let x = p.push(Inst::Input(0));
/// p.push(Inst::Un(UnOp::Sin, x)); // unused
/// p.push(Inst::Output(0, x));
/// assert_eq!(wengert_jit::opt::dce::dce(&p).len(), 2);
/// ```
pub fn dce<T: Copy>(p: &Program<T>) -> Program<T> {
    compact(p, &live(p))
}

/// The program without its dead instructions, if at least a quarter of them are dead (else
/// `None`: the copy would cost more than it saves). [`optimize`](super::optimize) runs it
/// first: a gradient's trace can be mostly dead (GradBench `ode` at n = 10⁴, s = 100
/// differentiates one entry of the final state, which depends on 4 % of the 23 million
/// traced instructions), and the folding and CSE pass costs ~10× this one per instruction.
///
/// ```
/// use wengert_jit::ir::{Inst, Program, UnOp};
/// let mut p = Program::<f64>::new(1);
/// let x = p.push(Inst::Input(0));
/// p.push(Inst::Un(UnOp::Sin, x)); // unused
/// p.push(Inst::Output(0, x));
/// assert!(wengert_jit::opt::dce::prune(&p).is_some()); // 1 of 3 dead
/// p.push(Inst::Output(0, x));
/// p.push(Inst::Output(0, x));
/// assert!(wengert_jit::opt::dce::prune(&p).is_none()); // 1 of 5
/// ```
pub fn prune<T: Copy>(p: &Program<T>) -> Option<Program<T>> {
    let live = live(p);
    let n = live.iter().filter(|&&l| l).count();
    (4 * n <= 3 * p.len()).then(|| compact(p, &live))
}

/// Which instructions an effect depends on (one backward sweep: operands come first).
fn live<T: Copy>(p: &Program<T>) -> Vec<bool> {
    let mut live = vec![false; p.len()];
    for (i, inst) in p.insts.iter().enumerate().rev() {
        if inst.is_effect() {
            live[i] = true;
        }
        if live[i] {
            for v in inst.operands().as_slice() {
                live[v.index()] = true;
            }
        }
    }
    live
}

/// The live instructions of `p`, constants first, then the inputs, then the rest in order.
fn compact<T: Copy>(p: &Program<T>, live: &[bool]) -> Program<T> {
    let mut q = like(p);
    let mut map = vec![Val(u32::MAX); p.len()];
    // Constants first, then the inputs (they read nothing), then the rest in order.
    for (i, inst) in p.insts.iter().enumerate() {
        if live[i] && matches!(inst, Inst::Const(_)) {
            map[i] = q.push(*inst);
        }
    }
    let inputs: Vec<Val> = (0..p.inputs() as u32)
        .map(|k| q.push(Inst::Input(k)))
        .collect();
    for (i, inst) in p.insts.iter().enumerate() {
        let input = match *inst {
            Inst::Input(k) => inputs.get(k as usize),
            _ => None,
        };
        if let Some(&v) = input {
            map[i] = v;
        } else if live[i] && !matches!(inst, Inst::Const(_)) {
            map[i] = q.push(remap(inst, |v| map[v.index()]));
        }
    }
    q
}
