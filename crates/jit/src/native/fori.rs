//! The gradient of a [`fori_loop`](crate::fori::fori_loop) compiled from its body alone:
//! the flat program (every iteration written out, differentiated, optimized and re-rolled)
//! is never built, so compiling costs the body's size, not the loop's.
//!
//! The body's vector-Jacobian product `V` (inputs: carry `c`, reads `r`, cotangent `w`;
//! outputs: the new carry, then `wᵀ ∂(new carry)/∂(c, r)`) splits into its forward part
//! (what does not depend on `w`) and its reverse part. One function runs
//!
//! * the forward loop, `i = 0 .. count`: the forward part, carrying `c` in registers and
//!   storing, per iteration, the forward values the reverse part reads (the stash);
//! * the final carry into the outputs, the gradient zeroed;
//! * the reverse loop, `i = count − 1 .. 0`: the reverse part on the stash, carrying the
//!   carry's cotangent `w` in registers (seeded with output 0's), adding each read's
//!   cotangent into the gradient at the input it read (`g[base + stride i] +=`).
//!
//! A forward value the reverse part reads is taken again rather than stashed when that is
//! free: a constant, or an input read (loaded from `x` again).
//!
//! When the body passes the carry's cotangent on unchanged (a sum: see
//! `compiled/lower.rs`), nothing depends on it, every cotangent is known in the forward
//! loop, and there is no reverse loop: one loop computes the value and adds into the
//! gradient (`native/fori_acc.rs` says how).
use super::direct::Direct;
use super::emit::Fn;
use super::fori_acc::{off, Iter, Moving, Plan};
use super::prologue::Prologue;
use super::slots::Slots;
use super::{call, define, new_module};
use crate::fori::Read;
use crate::ir::{Inst, Program};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, BlockArg, InstBuilder, MemFlags, Value};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::Module;

const F: MemFlags = MemFlags::trusted();

/// The loop around a body: its carry's initial value, its reads, its iteration count, and
/// the number of inputs of the whole function.
pub(crate) struct Shape<'a> {
    /// The initial carry, unless a prologue computes it (then only its length counts).
    pub init: &'a [f64],
    /// The straight code that computes the initial carry from the inputs (a re-rolled loop,
    /// `crate::chain`).
    pub prologue: Option<Prologue<'a>>,
    pub reads: &'a [Read],
    pub count: u32,
    pub inputs: usize,
    /// The value only (outputs: the final carry): the forward loop alone.
    pub value_only: bool,
}

/// Native code for the value and gradient of the loop whose body's VJP program is `v`
/// (optimized); `None` if it cannot be lowered (then the flat path compiles it).
pub(crate) fn compile(v: &Program<f64>, s: &Shape) -> Option<call::Native> {
    compile_or_err(v, s).ok()
}

fn compile_or_err(v: &Program<f64>, s: &Shape) -> Result<call::Native, String> {
    let c = s.init.len();
    let nb = c + s.reads.len();
    let (n, count) = (s.inputs, i64::from(s.count));
    if count == 0 || n == 0 || v.outputs() != c + nb || v.inputs() != nb + c {
        return Err("not a fori body's vjp".into());
    }
    // rev[i]: instruction i depends on the cotangent inputs (the reverse part).
    let mut rev = vec![false; v.len()];
    for (i, inst) in v.insts.iter().enumerate() {
        rev[i] = match *inst {
            Inst::Input(k) => k as usize >= nb,
            Inst::Output(..) => false,
            _ => inst.operands().as_slice().iter().any(|a| rev[a.index()]),
        };
    }
    let mut read = vec![false; v.len()];
    for inst in &v.insts {
        inst.operands()
            .as_slice()
            .iter()
            .for_each(|a| read[a.index()] = true);
    }
    // One loop when nothing depends on the cotangent (its inputs are left unread).
    let grad = !s.value_only;
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
    let (stashed, m) = (k, c);
    let plan = Plan::new(s.reads, count, n, m);
    let mut ctx = new_module()?;
    let mut mctx = ctx.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    for _ in 0..3 {
        mctx.func.signature.params.push(AbiParam::new(ctx.ptr));
    }
    mctx.func.signature.returns.push(AbiParam::new(types::I32));
    let (direct, slots) = (Direct::default(), Slots::default());
    let b = FunctionBuilder::new(&mut mctx.func, &mut fctx);
    let mut f = Fn::new(b, &mut ctx, &direct, &slots);
    let [x, out, scratch] = f.params();
    // The gradient, zeroed, unless the window writes every entry.
    if grad {
        for (lo, hi) in plan.to_zero(n) {
            zero(&mut f, m as i64, lo, hi)?;
        }
    }

    // The forward loop.
    let acc_n = if single && grad { plan.carried() } else { 0 };
    let (init, pro) = match &s.prologue {
        Some(p) => {
            let (init, fw) = p.forward(&mut f, c)?;
            (init, Some((p, fw)))
        }
        None => (
            s.init.iter().map(|&x0| f.b.ins().f64const(x0)).collect(),
            None,
        ),
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
    let mut acc = (single && grad).then(|| plan.begin(&params[c..], true));
    let mut mv = Moving::new(r);
    let xs: Vec<Value> = s
        .reads
        .iter()
        .map(|rd| mv.at(&mut f, x, 8 * i64::from(rd.stride)))
        .collect();
    let st = (stashed > 0).then(|| mv.at(&mut f, scratch, stashed * 8));
    let mut vals: Vec<Option<Value>> = vec![None; v.len()];
    let mut next = carry.to_vec();
    for (i, inst) in v.insts.iter().enumerate() {
        if rev[i] {
            continue;
        }
        if let Inst::Output(o, a) = *inst {
            let o = o as usize;
            if o < c {
                next[o] = vals[a.index()].expect("a forward value");
            } else if let (Some(acc), true) = (acc.as_mut(), o >= 2 * c) {
                let a = vals[a.index()].expect("a forward value");
                acc.add(&mut f, &plan, &mut mv, o - 2 * c, a)?;
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
            ref inst => {
                let nx = v
                    .insts
                    .get(i + 1)
                    .filter(|_| !rev.get(i + 1).copied().unwrap_or(true));
                f.op_paired(inst, nx, &a, &v.funcs)?
            }
        };
        if let (Some(q), Some(st)) = (stash[i], st) {
            f.b.ins().store(F, val, st, off(q)?);
        }
        vals[i] = Some(val);
    }
    if let Some(acc) = acc {
        next.extend(acc.end(&mut f, &plan, &mut mv)?);
    }
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
    for (k, &v) in finals[..c].iter().enumerate() {
        f.b.ins().store(F, v, out, off(k as i64)?);
    }
    let w0 = if single && grad {
        Iter::finish(&mut f, &plan, &finals[c..], true)?;
        match pro {
            Some(_) => constant_cotangents(v, c)?
                .iter()
                .map(|&w| f.b.ins().f64const(w))
                .collect(),
            None => Vec::new(),
        }
    } else if grad {
        reverse(&mut f, v, s, &rev, &stash, stashed, &plan)?
    } else {
        Vec::new()
    };
    if let (Some((p, fw)), true) = (pro, grad) {
        p.reverse(&mut f, fw, &w0, m)?;
    }
    f.finish();
    let id = define(&mut ctx, &mut mctx)?;
    ctx.module
        .finalize_definitions()
        .map_err(|e| e.to_string())?;
    let code = ctx.module.get_finalized_function(id);
    let scratch_len = (count * stashed) as usize;
    let outputs = if grad { m + n } else { m };
    Ok(call::Native::new(
        ctx.module,
        vec![code],
        scratch_len,
        n,
        outputs,
    ))
}

/// Zeroes gradient entries `lo..hi` (at `out[m..]`): stores, or a loop for many.
fn zero(f: &mut Fn, m: i64, lo: i64, hi: i64) -> Result<(), String> {
    let out = f.params()[1];
    let fz = f.b.ins().f64const(0.0);
    if hi - lo <= 8 {
        for k in lo..hi {
            f.b.ins().store(F, fz, out, off(m + k)?);
        }
        return Ok(());
    }
    let zloop = f.b.create_block();
    let z0 = f.b.ins().iconst(types::I64, lo);
    f.b.ins().jump(zloop, &[BlockArg::Value(z0)]);
    f.b.switch_to_block(zloop);
    let zr = f.b.append_block_param(zloop, types::I64);
    let zp = Moving::new(zr).at(f, out, 8);
    f.b.ins().store(F, fz, zp, off(m)?);
    let zn = f.b.ins().iadd_imm(zr, 1);
    let zmore = f.b.ins().icmp_imm(IntCC::SignedLessThan, zn, hi);
    let after = f.b.create_block();
    f.b.ins()
        .brif(zmore, zloop, &[BlockArg::Value(zn)], after, &[]);
    f.b.switch_to_block(after);
    Ok(())
}

/// The cotangent of the initial carry when one loop does it all: what the body's VJP
/// passes on, a constant there (the seed a passed-through cotangent was replaced by, or 0).
fn constant_cotangents(v: &Program<f64>, c: usize) -> Result<Vec<f64>, String> {
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

/// The reverse loop: counter `r` from 0, iteration `i = count − 1 − r`. Carried: the
/// carry's cotangent (seeded with output 0's), then the accumulation's registers. Returns
/// the cotangent of the initial carry.
fn reverse(
    f: &mut Fn,
    v: &Program<f64>,
    s: &Shape,
    rev: &[bool],
    stash: &[Option<i64>],
    stashed: i64,
    plan: &Plan,
) -> Result<Vec<Value>, String> {
    let c = s.init.len();
    let nb = c + s.reads.len();
    let count = i64::from(s.count);
    let [x, _, scratch] = f.params();
    let carried = c + plan.carried();
    let rheader = f.b.create_block();
    let r0 = f.b.ins().iconst(types::I64, 0);
    let mut args = vec![BlockArg::Value(r0)];
    for k in 0..carried {
        let w0 = f.b.ins().f64const(if k == 0 { 1.0 } else { 0.0 });
        args.push(BlockArg::Value(w0));
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
        let val = match (v.insts[j], stash[j]) {
            (_, Some(q)) => f.b.ins().load(types::F64, F, st, off(last * stashed + q)?),
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
        if !rev[i] && !reverse_out {
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
            ref inst => {
                let nx = v
                    .insts
                    .get(i + 1)
                    .filter(|_| rev.get(i + 1).copied().unwrap_or(false));
                f.op_paired(inst, nx, &a, &v.funcs)?
            }
        };
        rvals[i] = Some(val);
    }
    let zero = f.b.ins().f64const(0.0);
    // A carry whose cotangent the body does not pass on gets zero.
    let mut next: Vec<Value> = wnext.iter().map(|wn| wn.unwrap_or(zero)).collect();
    let ends = acc.end(f, plan, &mut mv)?;
    next.extend(&ends);
    let step = f.b.ins().iadd_imm(r, 1);
    let more = f.b.ins().icmp_imm(IntCC::SignedLessThan, step, count);
    let rexit = f.b.create_block();
    let mut back = vec![BlockArg::Value(step)];
    back.extend(next.iter().map(|&v| BlockArg::Value(v)));
    let done: Vec<BlockArg> = next.iter().map(|&v| BlockArg::Value(v)).collect();
    let finals: Vec<Value> = (0..next.len())
        .map(|_| f.b.append_block_param(rexit, types::F64))
        .collect();
    f.b.ins().brif(more, rheader, &back, rexit, &done);
    f.b.switch_to_block(rexit);
    Iter::finish(f, plan, &finals[c..], false)?;
    Ok(finals[..c].to_vec())
}
