//! Dead-code elimination: keeps the effects ([`Inst::Output`], [`Inst::Guard`]) and what
//! they read, in order.
use super::{like, remap};
use crate::ir::{Program, Val};

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
    let mut q = like(p);
    let mut map = vec![Val(u32::MAX); p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        if live[i] {
            map[i] = q.push(remap(inst, |v| map[v.index()]));
        }
    }
    q
}
