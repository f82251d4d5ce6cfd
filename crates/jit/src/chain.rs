//! Plain Rust loops found in a *forward* trace, turned into the loops a
//! [`fori_loop`](crate::fori::fori_loop) would have traced, so that the gradient is
//! compiled from the bodies alone (`native/fori.rs`) instead of from the differentiated,
//! optimized and re-rolled flat program: compile time then costs the trace and one roll of
//! it, not the flat gradient program's passes.
//!
//! The pattern: straight code and loops (the roller's, [`crate::roll`]) in turn, then
//! outputs only, each output one of the last loop's carried values after its last
//! repetition (distinct carries; the loop may carry more). In a loop's body, an operand is
//!
//! * a value of the same repetition;
//! * an input at a position affine in the repetition (a [`Read`]; stride 0 for a fixed
//!   one) — the trace's leading block of inputs, `Input(k)` at `Val(k)`, or an input
//!   instruction of the body itself;
//! * a constant before the loop;
//! * a value of the previous repetition: a **carry**, whose initial value (read by
//!   repetition 0) is computed by the straight code before the loop (its **prologue**) from
//!   the inputs and the previous loop's final carry;
//! * a value the prologue computes, read by every repetition: an **invariant**, carried
//!   unchanged (so its cotangent accumulates in the reverse loop and flows back into the
//!   prologue).
//!
//! A prologue may read the inputs, constants, the previous loop's final carry, and values
//! from before the previous loop (these are carried through it unchanged, as its
//! invariants). Anything else (a read two repetitions back, outputs inside a loop, a
//! prologue reading a loop's values other than its final carry, code after the last loop)
//! is not this pattern, and the flat path compiles the function as before.
use crate::fori::{Body, Read};
use crate::ir::{Inst, Loop, Program, Region, Val};
use crate::opt::remap;
use crate::roll::Roller;
use crate::trace::Traced;
use wengert_tape::Real;

/// The largest prologue compiled this way: it is emitted as one straight function.
const MAX_PROLOGUE: usize = 4096;

/// The body position of an invariant's "new value": none, it is carried unchanged.
const INVARIANT: usize = usize::MAX;

/// A forward program as prologues and loops.
#[derive(Debug)]
pub(crate) struct Chain<T> {
    /// The loops in order (each `init` only gives the number of carries).
    pub loops: Vec<Body<T>>,
    /// `pre[j]` computes loop `j`'s initial carry.
    pub pre: Vec<Pre<T>>,
    /// The outputs: the last loop's first carries.
    pub outputs: usize,
}

/// The straight code before a loop.
#[derive(Debug)]
pub(crate) struct Pre<T> {
    /// Inputs: the previous loop's final carry, then the used inputs; outputs: the loop's
    /// initial carry.
    pub traced: Traced<T>,
    /// The number of carried values it reads.
    pub carries_in: usize,
    /// Input `carries_in + k` is input `used[k]` of the function.
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

/// One loop's body, read off the program.
struct Parts<T> {
    l: Loop,
    refs: Vec<Vec<Ref<T>>>,
    reads: Vec<Read>,
    /// (body position of the new value or [`INVARIANT`], the initial value before the
    /// loop), in the order the body's inputs take them.
    carries: Vec<(usize, Val)>,
}

/// The loops of `t`, if `t` is prologues and loops, then outputs of the last loop's carries.
pub(crate) fn find<T: Real>(t: &Traced<T>) -> Option<Chain<T>> {
    let p = &t.program;
    // Tensor memory is not addressed by loop counters: no loop of a tensor program is
    // compiled from its body.
    if p.tensors.is_some() {
        return None;
    }
    let insts = &p.insts;
    let block = insts
        .iter()
        .enumerate()
        .take_while(|&(k, i)| *i == Inst::Input(k as u32))
        .count();
    // Loops of inputs alone are the prologue's.
    let found: Vec<Loop> = Roller::default()
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
        .collect();
    let mut parts: Vec<Parts<T>> = Vec::with_capacity(found.len());
    for (j, l) in found.iter().enumerate() {
        let limit = found.get(j + 1).map_or(insts.len(), |n| n.start as usize);
        let l = aligned(insts, l.clone(), limit)?;
        if parts
            .last()
            .is_some_and(|q| q.l.span().end > l.start as usize)
        {
            return None;
        }
        parts.push(body_parts(insts, block, l)?);
    }
    let last = parts.last_mut()?;
    // The epilogue: output k is carry `order[k]` after the last repetition.
    let (e, per) = (last.l.span().end, last.l.period as usize);
    let (c, m) = (last.carries.len(), p.outputs());
    let mut order = vec![usize::MAX; m];
    for inst in &insts[e..] {
        let Inst::Output(k, v) = *inst else {
            return None;
        };
        let pos = v.index().checked_sub(e - per)?;
        let carry = last.carries.iter().position(|&(q, _)| q == pos)?;
        if order.get(k as usize) != Some(&usize::MAX) || order.contains(&carry) {
            return None;
        }
        order[k as usize] = carry;
    }
    if m == 0 || order.contains(&usize::MAX) {
        return None;
    }
    // The last loop's carries in the order of the outputs, the others after them.
    order.extend((0..c).filter(|k| !order.contains(k)).collect::<Vec<_>>());
    let mut renumber = vec![0; c];
    order.iter().enumerate().for_each(|(k, &o)| renumber[o] = k);
    for refs in &mut last.refs {
        for r in refs.iter_mut() {
            if let Ref::Carry(k) = r {
                *k = renumber[*k];
            }
        }
    }
    last.carries = order.iter().map(|&o| last.carries[o]).collect();
    // A value a prologue reads from before the previous loop is carried through that loop
    // unchanged (and so on back): from the last loop down, each prologue's outside values
    // become the previous loop's invariants.
    for j in (1..parts.len()).rev() {
        let (before, after) = parts.split_at_mut(j);
        let (q, prev) = (&after[0], &mut before[j - 1]);
        let init: Vec<Val> = q.carries.iter().map(|&(_, v)| v).collect();
        let (_, outside) = live(p, prev.l.span().end..q.l.start as usize, &init)?;
        for a in outside {
            let kept = matches!(p.insts[a], Inst::Input(_) | Inst::Const(_))
                || carry_of(prev, a).is_some();
            if !kept {
                if a >= prev.l.start as usize {
                    return None;
                }
                prev.carries.push((INVARIANT, Val(a as u32)));
            }
        }
    }
    let mut chain = Chain {
        loops: Vec::with_capacity(parts.len()),
        pre: Vec::with_capacity(parts.len()),
        outputs: m,
    };
    for (j, q) in parts.iter().enumerate() {
        let prev = j.checked_sub(1).map(|i| &parts[i]);
        let lo = prev.map_or(0, |q| q.l.span().end);
        let init: Vec<Val> = q.carries.iter().map(|&(_, v)| v).collect();
        let (program, used) = prologue(p, lo..q.l.start as usize, &init, prev)?;
        let traced = |program| Traced {
            program,
            derivs: t.derivs.clone(),
        };
        chain.pre.push(Pre {
            traced: traced(program),
            carries_in: prev.map_or(0, |q| q.carries.len()),
            used,
        });
        chain.loops.push(Body {
            traced: traced(body_program(p, q)),
            init: vec![T::zero(); q.carries.len()],
            reads: q.reads.clone(),
            count: q.l.count,
            inputs: p.inputs(),
        });
    }
    Some(chain)
}

/// `l`, moved to end where its repetitions end. The roller starts a loop at the first
/// instruction from which it repeats, which may be inside an iteration of the source (the
/// first iteration often differs: it reads the prologue's values), and stops after the
/// last whole repetition, leaving the last iteration's head after the loop; the same loop
/// started that many instructions later ends with the iteration (its first instructions
/// join the prologue). `None` if it would run into `limit`.
fn aligned<T: PartialEq + Copy>(insts: &[Inst<T>], l: Loop, limit: usize) -> Option<Loop> {
    let (s, per, e) = (l.start as usize, l.period as usize, l.span().end);
    let q = (0..per.min(limit - e))
        .take_while(|&t| l.instance(&insts[s + t], t, l.count).as_ref() == Some(&insts[e + t]))
        .count();
    if q == 0 {
        return Some(l);
    }
    let m = crate::roll::verify(insts, s + q, per)?;
    (m.span().end == e + q && m.count >= 3).then_some(m)
}

/// The index of read `r`, added on first use.
fn read_of(r: Read, reads: &mut Vec<Read>) -> usize {
    reads.iter().position(|&q| q == r).unwrap_or_else(|| {
        reads.push(r);
        reads.len() - 1
    })
}

/// Where each operand of `l`'s body comes from, if every one is of the pattern.
fn body_parts<T: Real>(insts: &[Inst<T>], block: usize, l: Loop) -> Option<Parts<T>> {
    let (s, per, count) = (l.start as usize, l.period as usize, l.count);
    let mut refs: Vec<Vec<Ref<T>>> = Vec::with_capacity(per);
    let mut reads: Vec<Read> = Vec::new();
    let mut carries: Vec<(usize, Val)> = Vec::new();
    for (j, (inst, st)) in insts[s..s + per].iter().zip(&l.strides).enumerate() {
        let mut ops = Vec::new();
        match *inst {
            Inst::Input(k) => {
                let r = Read {
                    base: k,
                    stride: st[0],
                };
                ops.push(Ref::Read(read_of(r, &mut reads)));
            }
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
                            _ => {
                                let inv = (INVARIANT, Val(a as u32));
                                let k = carries.iter().position(|&q| q == inv);
                                Ref::Carry(k.unwrap_or_else(|| {
                                    carries.push(inv);
                                    carries.len() - 1
                                }))
                            }
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
    Some(Parts {
        l,
        refs,
        reads,
        carries,
    })
}

/// The body as a program: inputs the carries, then the reads; outputs the new carries.
fn body_program<T: Real>(p: &Program<T>, q: &Parts<T>) -> Program<T> {
    let (c, s) = (q.carries.len(), q.l.start as usize);
    let mut b = Program::new(c as u32);
    b.funcs = p.funcs.clone();
    b.guard_sites = p.guard_sites.clone();
    let inputs: Vec<Val> = (0..c + q.reads.len())
        .map(|k| b.push(Inst::Input(k as u32)))
        .collect();
    let mut at: Vec<Val> = Vec::with_capacity(q.refs.len());
    for (inst, ops) in p.insts[s..].iter().zip(&q.refs) {
        let mut v = ops.iter().map(|r| match *r {
            Ref::Body(j) => at[j],
            Ref::Read(k) => inputs[c + k],
            Ref::Carry(k) => inputs[k],
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
    for (k, &(pos, _)) in q.carries.iter().enumerate() {
        let new = if pos == INVARIANT { inputs[k] } else { at[pos] };
        b.push(Inst::Output(k as u32, new));
    }
    b.set_inputs((c + q.reads.len()) as u32);
    b
}

/// Which carry of loop `q` value `a` is after the loop: a carry's value in the last
/// repetition, or an invariant's (its initial value).
fn carry_of<T>(q: &Parts<T>, a: usize) -> Option<usize> {
    let last = q.l.span().end - q.l.period as usize;
    q.carries.iter().position(|&(x, v)| match x {
        INVARIANT => v.index() == a,
        pos => a.checked_sub(last) == Some(pos),
    })
}

/// What computing `init` from the code `insts[range]` takes: which instructions of the
/// range (its guards among them), and the values before it (sorted, once each); `None`
/// over [`MAX_PROLOGUE`] instructions.
fn live<T>(
    p: &Program<T>,
    range: std::ops::Range<usize>,
    init: &[Val],
) -> Option<(Vec<bool>, Vec<usize>)> {
    let (lo, hi) = (range.start, range.end);
    let insts = &p.insts;
    let mut live = vec![false; hi - lo];
    let mut outside: Vec<usize> = Vec::new();
    let mut mark = |a: usize, live: &mut [bool]| {
        if a >= lo {
            live[a - lo] = true;
        } else {
            outside.push(a);
        }
    };
    init.iter().for_each(|v| mark(v.index(), &mut live));
    for i in (lo..hi).rev() {
        live[i - lo] |= matches!(insts[i], Inst::Guard { .. });
        if live[i - lo] {
            for a in insts[i].operands().as_slice() {
                mark(a.index(), &mut live);
            }
        }
    }
    if live.iter().filter(|&&l| l).count() > MAX_PROLOGUE {
        return None;
    }
    outside.sort_unstable();
    outside.dedup();
    Some((live, outside))
}

/// The straight code `insts[range]` as a program whose outputs are `init`, of the previous
/// loop's final carry (inputs first) and of the inputs it uses (returned); its guards are
/// kept. `None` if it reads another value from before `range`, or is too long to emit as
/// one function.
fn prologue<T: Real>(
    p: &Program<T>,
    range: std::ops::Range<usize>,
    init: &[Val],
    prev: Option<&Parts<T>>,
) -> Option<(Program<T>, Vec<u32>)> {
    let (lo, hi) = (range.start, range.end);
    let insts = &p.insts;
    // Values before `range`: an input, a constant, or the previous loop's final carry.
    let carry_in = |a: usize| carry_of(prev?, a);
    let (live, outside) = live(p, range, init)?;
    let ci = prev.map_or(0, |q| q.carries.len());
    let mut q = Program::new(init.len() as u32);
    q.funcs = p.funcs.clone();
    q.guard_sites = p.guard_sites.clone();
    let carried: Vec<Val> = (0..ci).map(|k| q.push(Inst::Input(k as u32))).collect();
    let mut used: Vec<u32> = Vec::new();
    let mut compact = vec![u32::MAX; p.inputs()];
    let mut input = |k: u32, q: &mut Program<T>| -> Option<Val> {
        let j = compact.get_mut(k as usize)?;
        if *j == u32::MAX {
            *j = (ci + used.len()) as u32;
            used.push(k);
        }
        Some(q.push(Inst::Input(*j)))
    };
    // Outside values, each defined once, before the code that reads them.
    let mut before: Vec<(usize, Val)> = Vec::with_capacity(outside.len());
    for &a in &outside {
        let v = match insts[a] {
            Inst::Input(k) => input(k, &mut q)?,
            Inst::Const(c) => q.push(Inst::Const(c)),
            _ => carried[carry_in(a)?],
        };
        before.push((a, v));
    }
    let mut map = vec![Val(0); hi - lo];
    let val = |a: usize, map: &[Val]| -> Val {
        if a >= lo {
            map[a - lo]
        } else {
            let k = before.binary_search_by_key(&a, |&(x, _)| x);
            before[k.expect("an outside value")].1
        }
    };
    for i in (lo..hi).filter(|&i| live[i - lo]) {
        map[i - lo] = match insts[i] {
            Inst::Input(k) => input(k, &mut q)?,
            ref other => q.push(remap(other, |v| val(v.index(), &map))),
        };
    }
    for (k, v) in init.iter().enumerate() {
        let v = val(v.index(), &map);
        q.push(Inst::Output(k as u32, v));
    }
    q.set_inputs((ci + used.len()) as u32);
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
        assert_eq!(ch.loops.len(), 1);
        assert_eq!(ch.loops[0].count, 37);
        assert_eq!(
            ch.loops[0].reads,
            vec![Read { base: 2, stride: 1 }, Read { base: 3, stride: 1 }]
        );
        assert_eq!(ch.pre[0].used, vec![0, 1, 2]);
        assert_eq!(ch.pre[0].traced.program.outputs(), 1);
    }

    #[test]
    fn two_loops_in_turn_are_two_loops() {
        let x: Vec<f64> = (0..40).map(|i| 0.1 * i as f64).collect();
        let t = trace(&x, |_, v| {
            let mut s = v[0] * v[0];
            for &vi in &v[1..] {
                s = s + vi * vi;
            }
            for i in 0..v.len() - 1 {
                s = s + v[i] * v[i + 1];
            }
            s
        })
        .unwrap();
        let ch = find(&t).expect("the pattern");
        assert_eq!(ch.loops.len(), 2);
        // The second loop starts from the first one's sum.
        assert_eq!(ch.pre[1].carries_in, 1);
    }
}
