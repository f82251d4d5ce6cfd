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
use super::direct::Direct;
use super::emit::Fn;
use super::slots::Slots;
use super::{call, new_module};
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
    pub init: &'a [f64],
    pub reads: &'a [Read],
    pub count: u32,
    pub inputs: usize,
}

/// Native code for the value and gradient of the loop whose body's VJP program is `v`
/// (optimized); `None` if it cannot be lowered (then the flat path compiles it).
pub(crate) fn compile(v: &Program<f64>, s: &Shape) -> Option<call::Native> {
    compile_or_err(v, s).ok()
}

/// Byte offset `8 i` as an immediate.
fn off(i: i64) -> Result<i32, String> {
    i.checked_mul(8)
        .and_then(|o| i32::try_from(o).ok())
        .ok_or_else(|| format!("offset of element {i} too large"))
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
            if reverse_reader && !rev[a] && !free(a) && stash[a].is_none() {
                stash[a] = Some(k);
                k += 1;
            }
        }
    }
    let (stashed, m) = (k, c);
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
    // `base + r · bytes`, the address of an element moving by `bytes` per iteration.
    let at = |f: &mut Fn, base: Value, r: Value, bytes: i64| {
        let d = f.b.ins().imul_imm(r, bytes);
        f.b.ins().iadd(base, d)
    };

    // The forward loop.
    let header = f.b.create_block();
    let zero = f.b.ins().iconst(types::I64, 0);
    let mut args = vec![BlockArg::Value(zero)];
    for &x0 in s.init {
        let c0 = f.b.ins().f64const(x0);
        args.push(BlockArg::Value(c0));
    }
    f.b.ins().jump(header, &args);
    f.b.switch_to_block(header);
    let r = f.b.append_block_param(header, types::I64);
    let carry: Vec<Value> = (0..c)
        .map(|_| f.b.append_block_param(header, types::F64))
        .collect();
    let xs: Vec<Value> = s
        .reads
        .iter()
        .map(|rd| at(&mut f, x, r, 8 * i64::from(rd.stride)))
        .collect();
    let st = at(&mut f, scratch, r, stashed * 8);
    let mut vals: Vec<Option<Value>> = vec![None; v.len()];
    let mut next = carry.clone();
    for (i, inst) in v.insts.iter().enumerate() {
        let reverse_out = matches!(inst, Inst::Output(o, _) if *o as usize >= c);
        if rev[i] || reverse_out {
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
                f.b.ins().load(types::F64, F, xs[k as usize - c], off(i64::from(rd.base))?)
            }
            Inst::Output(k, _) if (k as usize) < c => {
                next[k as usize] = a[0];
                continue;
            }
            Inst::Output(..) => unreachable!("skipped above"),
            Inst::Guard {
                cmp, expect, id, ..
            } => {
                f.guard(cmp, a[0], a[1], expect, id);
                continue;
            }
            ref inst => {
                let nx = v.insts.get(i + 1).filter(|_| !rev.get(i + 1).copied().unwrap_or(true));
                f.op_paired(inst, nx, &a, &v.funcs)?
            }
        };
        if let Some(q) = stash[i] {
            f.b.ins().store(F, val, st, off(q)?);
        }
        vals[i] = Some(val);
    }
    let step = f.b.ins().iadd_imm(r, 1);
    let more = f.b.ins().icmp_imm(IntCC::SignedLessThan, step, count);
    let exit = f.b.create_block();
    let mut back = vec![BlockArg::Value(step)];
    back.extend(next.iter().map(|&v| BlockArg::Value(v)));
    let done: Vec<BlockArg> = next.iter().map(|&v| BlockArg::Value(v)).collect();
    let finals: Vec<Value> = (0..c)
        .map(|_| f.b.append_block_param(exit, types::F64))
        .collect();
    f.b.ins().brif(more, header, &back, exit, &done);
    f.b.switch_to_block(exit);
    for (k, &v) in finals.iter().enumerate() {
        f.b.ins().store(F, v, out, off(k as i64)?);
    }

    // The gradient, zeroed (`n ≥ 1`: checked above).
    let zloop = f.b.create_block();
    let z0 = f.b.ins().iconst(types::I64, 0);
    f.b.ins().jump(zloop, &[BlockArg::Value(z0)]);
    f.b.switch_to_block(zloop);
    let zr = f.b.append_block_param(zloop, types::I64);
    let zp = at(&mut f, out, zr, 8);
    let fz = f.b.ins().f64const(0.0);
    f.b.ins().store(F, fz, zp, off(m as i64)?);
    let zn = f.b.ins().iadd_imm(zr, 1);
    let zmore = f.b.ins().icmp_imm(IntCC::SignedLessThan, zn, n as i64);
    let rstart = f.b.create_block();
    f.b.ins().brif(zmore, zloop, &[BlockArg::Value(zn)], rstart, &[]);
    f.b.switch_to_block(rstart);

    // The reverse loop: counter `r` from 0, iteration `i = count − 1 − r`.
    let rheader = f.b.create_block();
    let r0 = f.b.ins().iconst(types::I64, 0);
    let mut args = vec![BlockArg::Value(r0)];
    for k in 0..c {
        let w0 = f.b.ins().f64const(if k == 0 { 1.0 } else { 0.0 });
        args.push(BlockArg::Value(w0));
    }
    f.b.ins().jump(rheader, &args);
    f.b.switch_to_block(rheader);
    let r = f.b.append_block_param(rheader, types::I64);
    let w: Vec<Value> = (0..c)
        .map(|_| f.b.append_block_param(rheader, types::F64))
        .collect();
    let last = count - 1;
    let xs: Vec<Value> = s
        .reads
        .iter()
        .map(|rd| at(&mut f, x, r, -8 * i64::from(rd.stride)))
        .collect();
    let gs: Vec<Value> = s
        .reads
        .iter()
        .map(|rd| at(&mut f, out, r, -8 * i64::from(rd.stride)))
        .collect();
    let st = at(&mut f, scratch, r, -8 * stashed);
    // A forward value for the reverse part: stashed, or taken again.
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
                None => forward(&mut f, j)?,
            });
        }
        let val = match *inst {
            Inst::Input(k) => w[k as usize - nb],
            Inst::Output(o, _) => {
                let j = o as usize - c;
                if j < c {
                    wnext[j] = Some(a[0]);
                } else {
                    let rd = s.reads[j - c];
                    let i0 = m as i64 + i64::from(rd.base) + i64::from(rd.stride) * last;
                    let g = f.b.ins().load(types::F64, F, gs[j - c], off(i0)?);
                    let sum = f.b.ins().fadd(g, a[0]);
                    f.b.ins().store(F, sum, gs[j - c], off(i0)?);
                }
                continue;
            }
            Inst::Guard { .. } => return Err("a guard in the reverse part".into()),
            ref inst => {
                let nx = v.insts.get(i + 1).filter(|_| rev.get(i + 1).copied().unwrap_or(false));
                f.op_paired(inst, nx, &a, &v.funcs)?
            }
        };
        rvals[i] = Some(val);
    }
    let step = f.b.ins().iadd_imm(r, 1);
    let more = f.b.ins().icmp_imm(IntCC::SignedLessThan, step, count);
    let rexit = f.b.create_block();
    let mut back = vec![BlockArg::Value(step)];
    for wn in &wnext {
        // A carry whose cotangent the body does not pass on gets zero.
        let wn = match wn {
            Some(val) => *val,
            None => f.b.ins().f64const(0.0),
        };
        back.push(BlockArg::Value(wn));
    }
    f.b.ins().brif(more, rheader, &back, rexit, &[]);
    f.b.switch_to_block(rexit);
    f.finish();
    let id = ctx
        .module
        .declare_anonymous_function(&mctx.func.signature)
        .map_err(|e| e.to_string())?;
    ctx.module
        .define_function(id, &mut mctx)
        .map_err(|e| format!("{e:?}"))?;
    ctx.module.clear_context(&mut mctx);
    ctx.module
        .finalize_definitions()
        .map_err(|e| e.to_string())?;
    let code = ctx.module.get_finalized_function(id);
    let scratch_len = (count * stashed) as usize;
    Ok(call::Native::new(ctx.module, vec![code], scratch_len, n, m + n))
}
