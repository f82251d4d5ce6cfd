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
                f.b.ins()
                    .load(types::F64, F, xs[k as usize - c], off(i64::from(rd.base))?)
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
                let nx = v
                    .insts
                    .get(i + 1)
                    .filter(|_| !rev.get(i + 1).copied().unwrap_or(true));
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
    f.b.ins()
        .brif(zmore, zloop, &[BlockArg::Value(zn)], rstart, &[]);
    f.b.switch_to_block(rstart);

    // The reverse loop: counter `r` from 0, iteration `i = count − 1 − r`. Carried: the
    // carry's cotangent, the fixed reads' sums, the window's partial sums 1..width (entry 0
    // of the window is zero at the start of every iteration).
    let (accs, ws, b_ref, width) = classify(s.reads, count);
    let nfixed = accs.iter().filter(|a| matches!(a, Acc::Fixed(_))).count();
    let carried = c + nfixed + width.saturating_sub(1);
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
    let mut fixed: Vec<Value> = params[c..c + nfixed].to_vec();
    let mut win: Vec<Option<Value>> = std::iter::once(None)
        .chain(params[c + nfixed..].iter().map(|&p| Some(p)))
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
                let add = |f: &mut Fn, acc: Option<Value>| match acc {
                    None => a[0],
                    Some(acc) => f.b.ins().fadd(acc, a[0]),
                };
                if j < c {
                    wnext[j] = Some(a[0]);
                } else if let Acc::Fixed(q) = accs[j - c] {
                    fixed[q] = add(&mut f, Some(fixed[q]));
                } else if let Acc::Window(d) = accs[j - c] {
                    win[d] = Some(add(&mut f, win[d]));
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
    // The window's last entry is complete: stored once.
    if width > 0 {
        let gw = at(&mut f, out, r, -8 * ws);
        let top = win[width - 1].unwrap_or(zero);
        let i0 = m as i64 + b_ref + ws * (last + width as i64 - 1);
        f.b.ins().store(F, top, gw, off(i0)?);
    }
    let step = f.b.ins().iadd_imm(r, 1);
    let more = f.b.ins().icmp_imm(IntCC::SignedLessThan, step, count);
    let rexit = f.b.create_block();
    let mut back = vec![BlockArg::Value(step)];
    // A carry whose cotangent the body does not pass on gets zero.
    back.extend(wnext.iter().map(|wn| BlockArg::Value(wn.unwrap_or(zero))));
    let mut ends: Vec<BlockArg> = fixed.iter().map(|&v| BlockArg::Value(v)).collect();
    // Shifted: entry d of the next iteration is entry d − 1 of this one.
    ends.extend((1..width).map(|d| BlockArg::Value(win[d - 1].unwrap_or(zero))));
    back.extend(ends.iter().cloned());
    let finals: Vec<Value> = (0..ends.len())
        .map(|_| f.b.append_block_param(rexit, types::F64))
        .collect();
    f.b.ins().brif(more, rheader, &back, rexit, &ends);
    f.b.switch_to_block(rexit);
    // The window's first entries, complete after iteration 0 (written before the fixed
    // reads add into the gradient, which may share an entry).
    for d in 1..width {
        let i0 = m as i64 + b_ref + ws * (d as i64 - 1);
        f.b.ins().store(F, finals[nfixed + d - 1], out, off(i0)?);
    }
    for (j, acc) in accs.iter().enumerate() {
        if let Acc::Fixed(q) = *acc {
            let i0 = m as i64 + i64::from(s.reads[j].base);
            let g = f.b.ins().load(types::F64, F, out, off(i0)?);
            let sum = f.b.ins().fadd(g, finals[q]);
            f.b.ins().store(F, sum, out, off(i0)?);
        }
    }
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
    Ok(call::Native::new(
        ctx.module,
        vec![code],
        scratch_len,
        n,
        m + n,
    ))
}

/// How the reverse loop adds a read's cotangent into the gradient.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Acc {
    /// A fixed input (stride 0): summed in a register, added to the gradient after the loop.
    Fixed(usize),
    /// Offset `d` in the window of one stride (see [`classify`]).
    Window(usize),
    /// `g[base + stride i] +=` in memory, every iteration.
    Memory,
}

/// The accumulation of each read, and the window's stride, reference base and depth.
///
/// When every moving read has one stride `s` and bases `b_ref + s d` (Rosenbrock's `x_i`,
/// `x_{i+1}`: `d = 0, 1`), iteration `i` touches gradient entries `b_ref + s (i + d)`, and
/// entry `b_ref + s (i + D)` receives nothing after iteration `i` (the loop runs down): the
/// reverse loop keeps the window's partial sums in registers, carried and shifted by one each
/// iteration, and stores each entry once. Adding in memory instead makes every iteration
/// wait for the previous one's store (`g[i]` written by iteration `i`, read by `i − 1`): a
/// store-to-load round trip per iteration, slower than the plain function.
fn classify(reads: &[Read], count: i64) -> (Vec<Acc>, i64, i64, usize) {
    let mut fixed = 0;
    let moving: Vec<&Read> = reads.iter().filter(|r| r.stride != 0).collect();
    let s = moving.first().map_or(0, |r| i64::from(r.stride));
    let b_ref = if s > 0 {
        moving.iter().map(|r| i64::from(r.base)).min()
    } else {
        moving.iter().map(|r| i64::from(r.base)).max()
    }
    .unwrap_or(0);
    let d = |r: &Read| (i64::from(r.base) - b_ref) / s;
    let window = !moving.is_empty()
        && moving.iter().all(|r| {
            i64::from(r.stride) == s && (i64::from(r.base) - b_ref) % s == 0 && d(r) <= 16
        })
        && moving.iter().map(|r| d(r)).max().unwrap_or(0) <= count;
    let depth = if window {
        moving.iter().map(|r| d(r)).max().unwrap_or(0) as usize
    } else {
        0
    };
    let accs = reads
        .iter()
        .map(|r| match r.stride {
            0 => {
                fixed += 1;
                Acc::Fixed(fixed - 1)
            }
            _ if window => Acc::Window(d(r) as usize),
            _ => Acc::Memory,
        })
        .collect();
    (accs, s, b_ref, if window { depth + 1 } else { 0 })
}
