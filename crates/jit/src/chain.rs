//! A plain Rust loop found in a *forward* trace, turned into the loop a
//! [`fori_loop`](crate::fori::fori_loop) would have traced, so that its gradient is
//! compiled from the body alone (`native/fori.rs`) instead of from the differentiated,
//! optimized and re-rolled flat program: compile time then costs the trace and one roll of
//! it, not the flat gradient program's passes.
//!
//! The pattern: a straight **prologue**, one **loop** (the roller's, [`crate::roll`]) and an
//! **epilogue** of outputs only, each output one of the loop's carried values after its
//! last repetition (outputs and carries one to one). In the loop's body, an operand is
//!
//! * a value of the same repetition;
//! * an input at a position affine in the repetition (a [`Read`]; stride 0 for a fixed
//!   one) — the trace's leading block of inputs, `Input(k)` at `Val(k)`, or an input
//!   instruction of the body itself;
//! * a constant before the loop;
//! * a value of the previous repetition: a **carry**, whose initial value (read by
//!   repetition 0) is computed by the prologue.
//!
//! Anything else (a value computed before the loop and read by every repetition, a read two
//! repetitions back, outputs inside the loop, code after it) is not this pattern, and the
//! flat path compiles the function as before. The prologue becomes its own program: inputs
//! the inputs it uses, outputs the initial carries (`native/prologue.rs` emits its VJP
//! around the loops).
use crate::fori::{Body, Read};
use crate::ir::{Inst, Loop, Program, Region, Val};
use crate::opt::remap;
use crate::roll::Roller;
use crate::trace::Traced;
use wengert_tape::Real;

/// The largest prologue compiled this way: it is emitted as one straight function.
const MAX_PROLOGUE: usize = 4096;

/// A forward program as prologue and loop.
#[derive(Debug)]
pub(crate) struct Chain<T> {
    /// The loop (its `init` only gives the number of carries).
    pub body: Body<T>,
    /// Inputs: the used inputs; outputs: the initial carries.
    pub prologue: Traced<T>,
    /// Input `k` of the prologue is input `used[k]` of the function.
    pub used: Vec<u32>,
}

/// Where a body instruction's operand comes from.
#[derive(Clone, Copy)]
enum Ref<T> {
    /// Body position `j` of the same repetition.
    Body(usize),
    /// Read `k`.
    Read(usize),
    /// Carry `k` (before renumbering by output).
    Carry(usize),
    Const(T),
}

/// The loop of `t`, if `t` is prologue, loop and outputs of the loop's carries.
pub(crate) fn find<T: Real>(t: &Traced<T>) -> Option<Chain<T>> {
    let p = &t.program;
    let insts = &p.insts;
    let block = insts
        .iter()
        .enumerate()
        .take_while(|&(k, i)| *i == Inst::Input(k as u32))
        .count();
    // The loop that saves most; loops of inputs alone are the prologue's.
    let l = Roller::default()
        .regions(p)
        .into_iter()
        .filter_map(|r| match r {
            Region::Loop(l) => Some(l),
            Region::Straight { .. } => None,
        })
        .filter(|l| {
            let body = &insts[l.start as usize..][..l.period as usize];
            !body.iter().all(|i| matches!(i, Inst::Input(_)))
        })
        .max_by_key(|l| l.period * (l.count - 1))?;
    let l = aligned(insts, l)?;
    let (s, per, count) = (l.start as usize, l.period as usize, l.count);
    let e = s + per * count as usize;
    let mut refs: Vec<Vec<Ref<T>>> = Vec::with_capacity(per);
    let mut reads: Vec<Read> = Vec::new();
    // (body position of the new value, the initial value before the loop)
    let mut carries: Vec<(usize, Val)> = Vec::new();
    for (j, (inst, st)) in insts[s..s + per].iter().zip(&l.strides).enumerate() {
        let mut ops = Vec::new();
        match *inst {
            Inst::Input(k) => ops.push(Ref::Read(read_of(
                Read {
                    base: k,
                    stride: st[0],
                },
                &mut reads,
            ))),
            Inst::Output(..) => return None,
            _ => {
                for (q, a) in inst.operands().as_slice().iter().enumerate() {
                    let (a, stride) = (a.index(), st[q]);
                    let lastv = a as i64 + i64::from(stride) * (i64::from(count) - 1);
                    ops.push(if a >= s {
                        debug_assert!(a < s + j, "operands precede their instruction");
                        if stride as usize != per {
                            return None;
                        }
                        Ref::Body(a - s)
                    } else if a < block && (0..block as i64).contains(&lastv) {
                        let r = Read {
                            base: a as u32,
                            stride,
                        };
                        Ref::Read(read_of(r, &mut reads))
                    } else if stride == 0 {
                        match insts[a] {
                            Inst::Const(c) => Ref::Const(c),
                            _ => return None,
                        }
                    } else if stride as usize == per && a + per >= s {
                        let pos = a + per - s;
                        let k = carries.iter().position(|&(q, _)| q == pos);
                        Ref::Carry(k.unwrap_or_else(|| {
                            carries.push((pos, Val(a as u32)));
                            carries.len() - 1
                        }))
                    } else {
                        return None;
                    });
                }
            }
        }
        refs.push(ops);
    }
    // The epilogue: output k is carry `order[k]` after the last repetition.
    let c = carries.len();
    let mut order = vec![usize::MAX; c];
    for inst in &insts[e..] {
        let Inst::Output(k, v) = *inst else {
            return None;
        };
        let pos = v.index().checked_sub(e - per)?;
        let carry = carries.iter().position(|&(q, _)| q == pos)?;
        if order.get(k as usize) != Some(&usize::MAX) || order.contains(&carry) {
            return None;
        }
        order[k as usize] = carry;
    }
    if c == 0 || p.outputs() != c || order.contains(&usize::MAX) {
        return None;
    }
    // renumber[old carry] = its output.
    let mut renumber = vec![0; c];
    order.iter().enumerate().for_each(|(k, &o)| renumber[o] = k);
    let body = body_program(
        p,
        &insts[s..s + per],
        &refs,
        &renumber,
        &carries,
        reads.len(),
    );
    let init: Vec<Val> = order.iter().map(|&o| carries[o].1).collect();
    let (prologue, used) = prologue(p, s, &init)?;
    let derivs = t.derivs.clone();
    Some(Chain {
        body: Body {
            traced: Traced {
                program: body,
                derivs: derivs.clone(),
            },
            init: vec![T::zero(); c],
            reads,
            count,
            inputs: p.inputs(),
        },
        prologue: Traced {
            program: prologue,
            derivs,
        },
        used,
    })
}

/// `l`, moved to end where the outputs begin. The roller starts a loop at the first
/// instruction from which it repeats, which may be inside an iteration of the source (the
/// first iteration often differs: it reads the prologue's values), and stops after the
/// last whole repetition, leaving the last iteration's head after the loop; the same loop
/// started that many instructions later ends with the iteration (its first instructions
/// join the prologue).
fn aligned<T: PartialEq + Copy>(insts: &[Inst<T>], l: Loop) -> Option<Loop> {
    let outputs = insts
        .iter()
        .rev()
        .take_while(|i| matches!(i, Inst::Output(..)))
        .count();
    let end = insts.len() - outputs;
    let (per, e) = (l.period as usize, l.span().end);
    match end.checked_sub(e)? {
        0 => Some(l),
        q if q < per => {
            let m = crate::roll::verify(insts, l.start as usize + q, per)?;
            (m.span().end == end && m.count >= 3).then_some(m)
        }
        _ => None,
    }
}

/// The index of read `r`, added on first use.
fn read_of(r: Read, reads: &mut Vec<Read>) -> usize {
    reads.iter().position(|&q| q == r).unwrap_or_else(|| {
        reads.push(r);
        reads.len() - 1
    })
}

/// The body as a program: inputs the carries (by output), then the reads; outputs the new
/// carries.
fn body_program<T: Real>(
    p: &Program<T>,
    insts: &[Inst<T>],
    refs: &[Vec<Ref<T>>],
    renumber: &[usize],
    carries: &[(usize, Val)],
    nreads: usize,
) -> Program<T> {
    let c = carries.len();
    let mut b = Program::new(c as u32);
    b.funcs = p.funcs.clone();
    b.guard_sites = p.guard_sites.clone();
    let inputs: Vec<Val> = (0..c + nreads)
        .map(|k| b.push(Inst::Input(k as u32)))
        .collect();
    let mut at: Vec<Val> = Vec::with_capacity(insts.len());
    for (inst, ops) in insts.iter().zip(refs) {
        let mut v = ops.iter().map(|r| match *r {
            Ref::Body(j) => at[j],
            Ref::Read(k) => inputs[c + k],
            Ref::Carry(k) => inputs[renumber[k]],
            Ref::Const(x) => b.push(Inst::Const(x)),
        });
        let val = match *inst {
            Inst::Input(_) => v.next().expect("a read"),
            ref inst => {
                let ops: Vec<Val> = v.collect();
                let mut it = ops.into_iter();
                let moved = remap(inst, |_| it.next().expect("one value per operand"));
                b.push(moved)
            }
        };
        at.push(val);
    }
    let mut outs = vec![Val(0); c];
    for (k, &(pos, _)) in carries.iter().enumerate() {
        outs[renumber[k]] = at[pos];
    }
    for (k, v) in outs.into_iter().enumerate() {
        b.push(Inst::Output(k as u32, v));
    }
    b.set_inputs((c + nreads) as u32);
    b
}

/// The prologue `insts[..s]` as a program of the inputs it uses (returned) whose outputs are
/// `init`; its guards are kept. `None` if it is too long to emit as one function.
fn prologue<T: Real>(p: &Program<T>, s: usize, init: &[Val]) -> Option<(Program<T>, Vec<u32>)> {
    let insts = &p.insts[..s];
    let mut live = vec![false; s];
    init.iter().for_each(|v| live[v.index()] = true);
    for i in (0..s).rev() {
        live[i] |= matches!(insts[i], Inst::Guard { .. });
        if live[i] {
            insts[i]
                .operands()
                .as_slice()
                .iter()
                .for_each(|a| live[a.index()] = true);
        }
    }
    if live.iter().filter(|&&l| l).count() > MAX_PROLOGUE {
        return None;
    }
    let mut q = Program::new(init.len() as u32);
    q.funcs = p.funcs.clone();
    q.guard_sites = p.guard_sites.clone();
    let mut used: Vec<u32> = Vec::new();
    let mut compact = vec![u32::MAX; p.inputs()];
    let mut map = vec![Val(0); s];
    for (i, inst) in insts.iter().enumerate().filter(|&(i, _)| live[i]) {
        map[i] = match *inst {
            Inst::Input(k) => {
                let j = compact.get_mut(k as usize)?;
                if *j == u32::MAX {
                    *j = used.len() as u32;
                    used.push(k);
                }
                q.push(Inst::Input(*j))
            }
            ref other => q.push(remap(other, |v| map[v.index()])),
        };
    }
    for (k, v) in init.iter().enumerate() {
        q.push(Inst::Output(k as u32, map[v.index()]));
    }
    q.set_inputs(used.len() as u32);
    Some((q, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::trace;

    #[test]
    fn a_peeled_sum_is_prologue_and_loop() {
        let x: Vec<f64> = (0..40).map(|i| 0.1 * i as f64).collect();
        let t = trace(&x, |_, v| {
            let mut s = v[0] * v[1];
            for i in 1..v.len() - 1 {
                s = s + v[i] * v[i + 1];
            }
            s
        })
        .unwrap();
        let ch = find(&t).expect("the pattern");
        // Iteration 1 adds to a product, the others to a sum: its operands' shapes differ,
        // so the roller starts the loop at iteration 2 and the prologue computes two terms.
        assert_eq!(ch.body.count, 37);
        assert_eq!(
            ch.body.reads,
            vec![Read { base: 2, stride: 1 }, Read { base: 3, stride: 1 }]
        );
        assert_eq!(ch.used, vec![0, 1, 2]);
        assert_eq!(ch.prologue.program.outputs(), 1);
    }
}
