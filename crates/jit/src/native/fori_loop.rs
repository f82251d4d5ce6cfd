//! One loop of `native/fori.rs`: the body's VJP `V` split into its forward part (what does
//! not depend on the cotangent `w`) and its reverse part, emitted as a forward loop and,
//! unless nothing depends on `w`, a reverse loop.
use super::emit::Fn;
use super::fori_acc::{off, Iter, Moving, Plan};
use crate::fori::Read;
use crate::ir::{Inst, Program};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, BlockArg, InstBuilder, MemFlags, Value};

const F: MemFlags = MemFlags::trusted();

/// A loop's body, reads and iteration count.
pub(crate) struct Spec<'a> {
    /// The body's VJP, optimized (inputs: carry, reads, cotangent; outputs: the new carry,
    /// then the cotangents of carry and reads).
    pub v: &'a Program<f64>,
    pub reads: &'a [Read],
    pub count: u32,
}

/// A loop analysed for emission.
pub(super) struct Code<'a> {
    s: &'a Spec<'a>,
    c: usize,
    nb: usize,
    count: i64,
    /// Instruction `i` depends on the cotangent inputs (the reverse part).
    rev: Vec<bool>,
    /// The stash slot of a forward value the reverse part reads.
    stash: Vec<Option<i64>>,
    stashed: i64,
    /// Where this loop's stash starts in `scratch`.
    at: i64,
    /// One loop (no gradient, or nothing depends on the cotangent).
    pub single: bool,
    grad: bool,
    pub plan: Plan,
}

impl<'a> Code<'a> {
    /// The loop with `c` carries, its stash at `scratch[at..]`, the gradient (of `n`
    /// entries) at `out[m..]`; `add`: other loops write the gradient too.
    pub fn new(
        s: &'a Spec<'a>,
        c: usize,
        (n, m, at): (usize, usize, i64),
        grad: bool,
        add: bool,
    ) -> Result<Code<'a>, String> {
        let v = s.v;
        let nb = c + s.reads.len();
        let count = i64::from(s.count);
        if count == 0 || n == 0 || v.outputs() != c + nb || v.inputs() != nb + c {
            return Err("not a fori body's vjp".into());
        }
        let rev = reverse_part(v, nb);
        let mut read = vec![false; v.len()];
        for inst in &v.insts {
            inst.operands()
                .as_slice()
                .iter()
                .for_each(|a| read[a.index()] = true);
        }
        // One loop when nothing depends on the cotangent (its inputs are left unread).
        let single = !grad || (0..v.len()).all(|i| !rev[i] || !read[i]);
        // The stash: forward values read by the reverse part (or written by its outputs),
        // except constants and input reads, which the reverse loop takes again.
        let free = |i: usize| match v.insts[i] {
            Inst::Const(_) => true,
            Inst::Input(k) => (c..nb).contains(&(k as usize)),
            _ => false,
        };
        let mut stash: Vec<Option<i64>> = vec![None; v.len()];
        let mut k = 0;
        for (i, inst) in v.insts.iter().enumerate() {
            let reverse_reader = rev[i] || matches!(inst, Inst::Output(o, _) if *o as usize >= c);
            for a in inst.operands().as_slice() {
                let a = a.index();
                if !single && reverse_reader && !rev[a] && !free(a) && stash[a].is_none() {
                    stash[a] = Some(k);
                    k += 1;
                }
            }
        }
        Ok(Code {
            s,
            c,
            nb,
            count,
            rev,
            stash,
            stashed: k,
            at,
            single,
            grad,
            plan: Plan::new(s.reads, count, n, m, add),
        })
    }

    /// The scratch this loop's stash takes.
    pub fn scratch_len(&self) -> i64 {
        self.count * self.stashed
    }

    /// Emits the forward loop from the carry `init`; returns the final carry. In one-loop
    /// mode with a gradient, the read cotangents are added in it too.
    pub fn forward(&self, f: &mut Fn, init: &[Value]) -> Result<Vec<Value>, String> {
        let (s, v, c, plan) = (self.s, self.s.v, self.c, &self.plan);
        let [x, _, scratch] = f.params();
        let acc_n = if self.single && self.grad {
            plan.carried()
        } else {
            0
        };
        let header = f.b.create_block();
        let zero = f.b.ins().iconst(types::I64, 0);
        let mut args = vec![BlockArg::Value(zero)];
        args.extend(init.iter().map(|&v| BlockArg::Value(v)));
        for _ in 0..acc_n {
            let z = f.b.ins().f64const(0.0);
            args.push(BlockArg::Value(z));
        }
        f.b.ins().jump(header, &args);
        f.b.switch_to_block(header);
        let r = f.b.append_block_param(header, types::I64);
        let params: Vec<Value> = (0..c + acc_n)
            .map(|_| f.b.append_block_param(header, types::F64))
            .collect();
        let carry = &params[..c];
        let mut acc = (self.single && self.grad).then(|| plan.begin(&params[c..], true));
        let mut mv = Moving::new(r);
        let xs: Vec<Value> = s
            .reads
            .iter()
            .map(|rd| mv.at(f, x, 8 * i64::from(rd.stride)))
            .collect();
        let st = (self.stashed > 0).then(|| mv.at(f, scratch, self.stashed * 8));
        let mut vals: Vec<Option<Value>> = vec![None; v.len()];
        let mut next = carry.to_vec();
        for (i, inst) in v.insts.iter().enumerate() {
            if self.rev[i] {
                continue;
            }
            if let Inst::Output(o, a) = *inst {
                let o = o as usize;
                if o < c {
                    next[o] = vals[a.index()].expect("a forward value");
                } else if let (Some(acc), true) = (acc.as_mut(), o >= 2 * c) {
                    let a = vals[a.index()].expect("a forward value");
                    acc.add(f, plan, &mut mv, o - 2 * c, a)?;
                }
                continue;
            }
            let a: Vec<Value> = inst
                .operands()
                .as_slice()
                .iter()
                .map(|o| vals[o.index()].expect("forward operands are forward"))
                .collect();
            let val = match *inst {
                Inst::Input(k) if (k as usize) < c => carry[k as usize],
                Inst::Input(k) => {
                    let rd = s.reads[k as usize - c];
                    f.b.ins()
                        .load(types::F64, F, xs[k as usize - c], off(i64::from(rd.base))?)
                }
                Inst::Guard {
                    cmp, expect, id, ..
                } => {
                    f.guard(cmp, a[0], a[1], expect, id);
                    continue;
                }
                _ => op_in_part(f, v, &self.rev, i, &a)?,
            };
            if let (Some(q), Some(st)) = (self.stash[i], st) {
                f.b.ins().store(F, val, st, off(self.at + q)?);
            }
            vals[i] = Some(val);
        }
        if let Some(acc) = acc {
            next.extend(acc.end(f, plan, &mut mv)?);
        }
        let finals = close_loop(f, header, r, self.count, &next);
        if self.single && self.grad {
            Iter::finish(f, plan, &finals[c..], true)?;
        }
        Ok(finals[..c].to_vec())
    }

    /// The cotangent of the initial carry in one-loop mode: what the body's VJP passes on,
    /// a constant there (the seed a passed-through cotangent was replaced by, or 0).
    pub fn constant_cotangents(&self) -> Result<Vec<f64>, String> {
        let (v, c) = (self.s.v, self.c);
        let mut w = vec![0.0; c];
        for inst in &v.insts {
            if let Inst::Output(o, a) = *inst {
                if (c..2 * c).contains(&(o as usize)) {
                    match v.insts[a.index()] {
                        Inst::Const(x) => w[o as usize - c] = x,
                        _ => return Err("a carry's cotangent is not constant".into()),
                    }
                }
            }
        }
        Ok(w)
    }

    /// The reverse loop from the final carry's cotangent `w`: counter `r` from 0,
    /// iteration `i = count − 1 − r`; carried: the carry's cotangent, then the
    /// accumulation's registers. Returns the cotangent of the initial carry.
    pub fn reverse(&self, f: &mut Fn, w_init: &[Value]) -> Result<Vec<Value>, String> {
        let (s, v, c, nb, plan) = (self.s, self.s.v, self.c, self.nb, &self.plan);
        let (count, stashed) = (self.count, self.stashed);
        let [x, _, scratch] = f.params();
        let carried = c + plan.carried();
        let rheader = f.b.create_block();
        let r0 = f.b.ins().iconst(types::I64, 0);
        let mut args = vec![BlockArg::Value(r0)];
        args.extend(w_init.iter().map(|&w| BlockArg::Value(w)));
        for _ in c..carried {
            let z = f.b.ins().f64const(0.0);
            args.push(BlockArg::Value(z));
        }
        f.b.ins().jump(rheader, &args);
        f.b.switch_to_block(rheader);
        let r = f.b.append_block_param(rheader, types::I64);
        let params: Vec<Value> = (0..carried)
            .map(|_| f.b.append_block_param(rheader, types::F64))
            .collect();
        let w = &params[..c];
        let mut acc = plan.begin(&params[c..], false);
        let last = count - 1;
        let mut mv = Moving::new(r);
        let xs: Vec<Value> = s
            .reads
            .iter()
            .map(|rd| mv.at(f, x, -8 * i64::from(rd.stride)))
            .collect();
        let st = mv.at(f, scratch, -8 * stashed);
        // A forward value for the reverse part: stashed, or taken again (once per iteration).
        let mut again: Vec<Option<Value>> = vec![None; v.len()];
        let mut forward = |f: &mut Fn, j: usize| -> Result<Value, String> {
            if let Some(val) = again[j] {
                return Ok(val);
            }
            let val = match (v.insts[j], self.stash[j]) {
                (_, Some(q)) => {
                    let at = off(self.at + last * stashed + q)?;
                    f.b.ins().load(types::F64, F, st, at)
                }
                (Inst::Const(x0), _) => f.b.ins().f64const(x0),
                (Inst::Input(k), _) if (c..nb).contains(&(k as usize)) => {
                    let rd = s.reads[k as usize - c];
                    let i0 = i64::from(rd.base) + i64::from(rd.stride) * last;
                    f.b.ins().load(types::F64, F, xs[k as usize - c], off(i0)?)
                }
                _ => return Err("a forward value neither stashed nor free".into()),
            };
            again[j] = Some(val);
            Ok(val)
        };
        let mut rvals: Vec<Option<Value>> = vec![None; v.len()];
        let mut wnext = vec![None; c];
        for (i, inst) in v.insts.iter().enumerate() {
            let reverse_out = matches!(inst, Inst::Output(o, _) if *o as usize >= c);
            if !self.rev[i] && !reverse_out {
                continue;
            }
            let mut a = Vec::with_capacity(4);
            for o in inst.operands().as_slice() {
                let j = o.index();
                a.push(match rvals[j] {
                    Some(val) => val,
                    None => forward(f, j)?,
                });
            }
            let val = match *inst {
                Inst::Input(k) => w[k as usize - nb],
                Inst::Output(o, _) => {
                    let j = o as usize - c;
                    if j < c {
                        wnext[j] = Some(a[0]);
                    } else {
                        acc.add(f, plan, &mut mv, j - c, a[0])?;
                    }
                    continue;
                }
                Inst::Guard { .. } => return Err("a guard in the reverse part".into()),
                _ => op_in_part(f, v, &self.rev, i, &a)?,
            };
            rvals[i] = Some(val);
        }
        let zero = f.b.ins().f64const(0.0);
        // A carry whose cotangent the body does not pass on gets zero.
        let mut next: Vec<Value> = wnext.iter().map(|wn| wn.unwrap_or(zero)).collect();
        next.extend(acc.end(f, plan, &mut mv)?);
        let finals = close_loop(f, rheader, r, count, &next);
        Iter::finish(f, plan, &finals[c..], false)?;
        Ok(finals[..c].to_vec())
    }
}

/// Ends a loop body: counter `r` to `count`, `next` carried back to `header`; returns what
/// the last iteration carried, in the block after the loop.
fn close_loop(
    f: &mut Fn,
    header: cranelift_codegen::ir::Block,
    r: Value,
    count: i64,
    next: &[Value],
) -> Vec<Value> {
    let step = f.b.ins().iadd_imm(r, 1);
    let more = f.b.ins().icmp_imm(IntCC::SignedLessThan, step, count);
    let exit = f.b.create_block();
    let mut back = vec![BlockArg::Value(step)];
    back.extend(next.iter().map(|&v| BlockArg::Value(v)));
    let done: Vec<BlockArg> = next.iter().map(|&v| BlockArg::Value(v)).collect();
    let finals: Vec<Value> = (0..next.len())
        .map(|_| f.b.append_block_param(exit, types::F64))
        .collect();
    f.b.ins().brif(more, header, &back, exit, &done);
    f.b.switch_to_block(exit);
    finals
}

/// Which instructions of `v` depend on its inputs `first..` (a cotangent): the reverse
/// part; the others are the forward part.
pub(super) fn reverse_part(v: &Program<f64>, first: usize) -> Vec<bool> {
    let mut rev = vec![false; v.len()];
    for (i, inst) in v.insts.iter().enumerate() {
        rev[i] = match *inst {
            Inst::Input(k) => k as usize >= first,
            Inst::Output(..) => false,
            _ => inst.operands().as_slice().iter().any(|a| rev[a.index()]),
        };
    }
    rev
}

/// Instruction `i` of `v` on its operands' values `a`, paired with the next one (one
/// `sincos`) only if that one is of the same part.
pub(super) fn op_in_part(
    f: &mut Fn,
    v: &Program<f64>,
    rev: &[bool],
    i: usize,
    a: &[Value],
) -> Result<Value, String> {
    let next = v
        .insts
        .get(i + 1)
        .filter(|_| rev.get(i + 1) == Some(&rev[i]));
    f.op_paired(&v.insts[i], next, a, &v.funcs)
}
