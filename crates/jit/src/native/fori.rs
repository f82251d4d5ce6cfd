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
//! gradient (`native/fori_acc.rs` says how). `native/fori_loop.rs` emits one loop.
//!
//! A [`Chain`] is several such loops one after the other (plain Rust loops found in a
//! trace, `crate::chain`), each started by straight code (`native/prologue.rs`) from the
//! inputs and the previous loop's final carry: the forward parts run in order, the reverse
//! parts in reverse order, each prologue's reverse part handing the previous loop the
//! cotangent of its final carry.
use super::direct::Direct;
use super::emit::Fn;
use super::fori_acc::{off, Moving};
use super::fori_loop::{Code, Spec};
use super::prologue::Prologue;
use super::slots::Slots;
use super::{call, define, new_module};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, BlockArg, InstBuilder, MemFlags, Value};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::Module;

const F: MemFlags = MemFlags::trusted();

/// Loops run one after the other; the function's outputs are the last one's final carry.
pub(crate) struct Chain<'a> {
    /// `pre[j]` computes loop `j`'s initial carry; `None`: the constant `init` for loop 0,
    /// the previous loop's final carry for the others.
    pub pre: Vec<Option<Prologue<'a>>>,
    pub loops: Vec<Spec<'a>>,
    /// Each loop's number of carried values.
    pub carries: Vec<usize>,
    pub init: &'a [f64],
    pub inputs: usize,
    /// The outputs: the last loop's first carries (it may carry more).
    pub outputs: usize,
    pub value_only: bool,
}

/// Native code for a [`Chain`]; `None` if it cannot be lowered.
pub(crate) fn compile_chain(ch: &Chain) -> Option<call::Native> {
    compile_or_err(ch).ok()
}

fn compile_or_err(ch: &Chain) -> Result<call::Native, String> {
    let (n, grad, k) = (ch.inputs, !ch.value_only, ch.loops.len());
    let (m, c_last) = (ch.outputs, *ch.carries.last().ok_or("no loop")?);
    if m == 0
        || m > c_last
        || ch.pre.len() != k
        || ch.carries.len() != k
        || ch.init.len() != ch.carries[0]
    {
        return Err("a chain's parts do not match".into());
    }
    // With several loops each adds into the gradient: no entry is written once.
    let mut at = 0;
    let mut codes = Vec::with_capacity(k);
    for (s, &c) in ch.loops.iter().zip(&ch.carries) {
        let code = Code::new(s, c, (n, m, at), grad, k > 1)?;
        at += code.scratch_len();
        codes.push(code);
    }
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
    let out = f.params()[1];
    if grad {
        for (lo, hi) in codes[0].plan.to_zero(n) {
            zero(&mut f, m as i64, lo, hi)?;
        }
    }
    let mut carry: Vec<Value> = Vec::new();
    let mut fws = Vec::with_capacity(k);
    for (j, code) in codes.iter().enumerate() {
        let init = match &ch.pre[j] {
            Some(p) => {
                let (init, fw) = p.forward(&mut f, &carry, ch.carries[j])?;
                fws.push(Some(fw));
                init
            }
            None if j == 0 => {
                fws.push(None);
                ch.init.iter().map(|&x0| f.b.ins().f64const(x0)).collect()
            }
            None if carry.len() == ch.carries[j] => {
                fws.push(None);
                carry
            }
            None => return Err("a loop without its initial carry".into()),
        };
        carry = code.forward(&mut f, &init)?;
    }
    for (k, &v) in carry[..m].iter().enumerate() {
        f.b.ins().store(F, v, out, off(k as i64)?);
    }
    if grad {
        let mut w: Vec<Value> = (0..c_last)
            .map(|k| f.b.ins().f64const(if k == 0 { 1.0 } else { 0.0 }))
            .collect();
        for (j, code) in codes.iter().enumerate().rev() {
            let w0 = if code.single {
                let w0 = code.constant_cotangents()?;
                w0.iter().map(|&w| f.b.ins().f64const(w)).collect()
            } else {
                code.reverse(&mut f, &w)?
            };
            w = match (&ch.pre[j], fws[j].take()) {
                (Some(p), Some(fw)) => p.reverse(&mut f, fw, &w0, m)?,
                _ => w0,
            };
        }
    }
    f.finish();
    let id = define(&mut ctx, &mut mctx)?;
    ctx.module
        .finalize_definitions()
        .map_err(|e| e.to_string())?;
    let code = ctx.module.get_finalized_function(id);
    let outputs = if grad { m + n } else { m };
    Ok(call::Native::new(
        ctx.module,
        vec![code],
        at as usize,
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
