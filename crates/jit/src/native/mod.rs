//! The native back end (feature `cranelift`): a rolled `f64` program lowered to machine code
//! with Cranelift.
//!
//! Each region of the [`Rolled`] program becomes its own function: a loop is a real loop
//! (a counter, operand addresses affine in it), straight code is cut into chunks of at most
//! [`CHUNK`] instructions, all compiled with the optimizer off, so that compile time is
//! linear in the program's size (one long function compiles superlinearly). Values live in
//! scratch slots, one per instruction, as in the interpreter; inside a function a value
//! defined there stays in a register. Ops that are not one machine instruction call the
//! functions of [`libm`] by symbol; user functions ([`Func`](crate::ir::Func)) are called by
//! address. The one place with `unsafe` is [`call`].
mod call;
pub(crate) use call::{Native, Single};
mod direct;
mod emit;
pub(crate) mod fori;
mod fori_acc;
pub(crate) mod fori_loop;
mod libm;
pub(crate) mod prologue;
mod slots;

use crate::ir::{Region, Rolled};
use crate::kernel::Kernel;
use cranelift_codegen::ir::{types, AbiParam, Type};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, FuncId, Linkage, Module};
use std::collections::HashMap;

/// Straight code is emitted in functions of at most this many instructions.
pub const CHUNK: usize = 1024;

/// Programs above this many instructions are not compiled (the interpreter runs them).
pub const MAX_INSTS: usize = 4_000_000;

/// The module being filled, with the imported symbols.
pub(crate) struct Ctx {
    module: JITModule,
    symbols: HashMap<&'static str, FuncId>,
    ptr: Type,
}

/// Native code for a rolled program; `None` if it is too large or cannot be lowered (then
/// the interpreter runs it).
///
/// ```
/// use wengert_jit::ir::{BinOp, Inst, Program};
/// use wengert_jit::kernel::Kernel;
/// let mut p = Program::<f64>::new(1);
/// let x = p.push(Inst::Input(0));
/// let y = p.push(Inst::Bin(BinOp::Mul, x, x));
/// p.push(Inst::Output(0, y));
/// let k = wengert_jit::native::compile(&wengert_jit::roll::roll(&p)).unwrap();
/// let mut out = [0.0];
/// k.run(&[3.0], &mut out, &mut vec![0.0; k.scratch_len()]).unwrap();
/// assert_eq!(out, [9.0]);
/// ```
pub fn compile(r: &Rolled<f64>) -> Option<Box<dyn Kernel<f64>>> {
    if r.program.len() > MAX_INSTS {
        return None;
    }
    if r.program.tensors.is_some() && r.loops().next().is_some() {
        // The tensor memory is not addressed by loop counters: a tensor program is lowered
        // straight (`compiled::lower` does not roll it).
        return compile(&Rolled::straight(r.program.clone()));
    }
    compile_or_err(r)
        .ok()
        .map(|k| Box::new(k) as Box<dyn Kernel<f64>>)
}

fn new_module() -> Result<Ctx, String> {
    let mut flags = settings::builder();
    let e = |e: &dyn std::fmt::Display| e.to_string();
    flags.set("opt_level", "none").map_err(|x| e(&x))?;
    flags
        .set("use_colocated_libcalls", "false")
        .map_err(|x| e(&x))?;
    flags.set("is_pic", "false").map_err(|x| e(&x))?;
    // The IR checker: for Cranelift's own tests and front ends in development; the lowering is
    // tested against the interpreter instead (tests/native*.rs), and the checker was a fifth
    // of the lowering time.
    flags.set("enable_verifier", "false").map_err(|x| e(&x))?;
    let isa = cranelift_native::builder()
        .map_err(|x| e(&x))?
        .finish(settings::Flags::new(flags))
        .map_err(|x| e(&x))?;
    let ptr = isa.pointer_type();
    let mut jb = JITBuilder::with_isa(isa, default_libcall_names());
    for (name, f) in libm::UNARY {
        jb.symbol(*name, *f as *const u8);
    }
    for (name, f) in libm::BINARY {
        jb.symbol(*name, *f as *const u8);
    }
    jb.symbol("wengert_powi", libm::wengert_powi as *const u8);
    jb.symbol("wengert_sincos", call::wengert_sincos as *const u8);
    let mut module = JITModule::new(jb);
    let mut symbols = HashMap::new();
    let cc = module.isa().default_call_conv();
    let mut decl = |name: &'static str, params: &[Type], results: usize| -> Result<(), String> {
        let mut sig = cranelift_codegen::ir::Signature::new(cc);
        params
            .iter()
            .for_each(|t| sig.params.push(AbiParam::new(*t)));
        (0..results).for_each(|_| sig.returns.push(AbiParam::new(types::F64)));
        let id = module
            .declare_function(name, Linkage::Import, &sig)
            .map_err(|x| e(&x))?;
        symbols.insert(name, id);
        Ok(())
    };
    for (name, _) in libm::UNARY {
        decl(name, &[types::F64], 1)?;
    }
    for (name, _) in libm::BINARY {
        decl(name, &[types::F64, types::F64], 1)?;
    }
    decl("wengert_powi", &[types::F64, types::I32], 1)?;
    decl("wengert_sincos", &[types::F64], 2)?;
    Ok(Ctx {
        module,
        symbols,
        ptr,
    })
}

fn compile_or_err(r: &Rolled<f64>) -> Result<call::Native, String> {
    let p = &r.program;
    let mut ctx = new_module()?;
    // The last instruction reading each value (a value read after its region is stored).
    let mut last_use = vec![0u32; p.len()];
    for (i, inst) in p.insts.iter().enumerate() {
        for v in inst.operands().as_slice() {
            last_use[v.index()] = i as u32;
        }
    }
    let kept = loop_stores(r);
    let direct = direct::Direct::new(r);
    // Stored in a slot: what a later region reads, unless it goes to `out` or is an input
    // read from `x`.
    let stored: Vec<Vec<bool>> = r
        .loops()
        .zip(&kept)
        .zip(&direct.out)
        .map(|((l, kept), out)| {
            (0..l.period as usize)
                .map(|j| {
                    kept[j] != Keep::No
                        && out[j].is_none()
                        && direct.input(l.start as usize + j).is_none()
                })
                .collect()
        })
        .collect();
    let slots = slots::Slots::new(r, &stored);
    // Adjacent straight regions are one run (each function is a call per run); a loop that
    // is not emitted leaves a gap, not a run over its instructions.
    let mut runs: Vec<Piece> = Vec::new();
    let mut loops = 0;
    for region in &r.regions {
        match (region, runs.last_mut()) {
            (Region::Straight { start, end }, Some(Piece::Straight(_, e)))
                if *e == *start as usize =>
            {
                *e = *end as usize
            }
            (Region::Straight { start, end }, _) => {
                runs.push(Piece::Straight(*start as usize, *end as usize))
            }
            (Region::Loop(l), _) => {
                // A loop left with nothing to do (see `direct`) is not emitted.
                if !direct.empty(l, &p.insts) {
                    runs.push(Piece::Loop(l, loops));
                }
                loops += 1;
            }
        }
    }
    // Straight runs in chunks, cut at each tensor run: the functions before the `k`-th run
    // are `cuts[k - 1]..cuts[k]` (see `crate::tensor::kernel`).
    let truns: Vec<usize> = (0..p.len())
        .filter(|&i| matches!(p.insts[i], crate::ir::Inst::TRun(_)))
        .collect();
    let mut cuts = Vec::with_capacity(truns.len());
    let mut pieces: Vec<Piece> = Vec::new();
    let mut next_run = truns.iter().copied().peekable();
    for run in runs {
        match run {
            Piece::Straight(mut s, end) => {
                while s < end {
                    let cut = next_run.peek().copied().filter(|&t| t < end);
                    let e = end.min(s + CHUNK).min(cut.unwrap_or(usize::MAX));
                    if e > s {
                        pieces.push(Piece::Straight(s, e));
                    }
                    s = e;
                    if cut == Some(s) {
                        cuts.push(pieces.len());
                        next_run.next();
                        s += 1;
                    }
                }
            }
            lp => pieces.push(lp),
        }
    }
    let mut mctx = ctx.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let mut ids = Vec::with_capacity(pieces.len());
    for piece in &pieces {
        let sig = &mut mctx.func.signature;
        for _ in 0..3 {
            sig.params.push(AbiParam::new(ctx.ptr));
        }
        sig.returns.push(AbiParam::new(types::I32));
        let b = FunctionBuilder::new(&mut mctx.func, &mut fctx);
        let mut f = emit::Fn::new(b, &mut ctx, &direct, &slots);
        match piece {
            Piece::Straight(s, e) => f.straight(&p.insts, &p.funcs, *s, *e, &last_use)?,
            Piece::Loop(l, k) => f.lp(&p.insts, &p.funcs, (l, *k), &kept[*k], &direct.out[*k])?,
        }
        f.finish();
        ids.push(define(&mut ctx, &mut mctx)?);
    }
    ctx.module
        .finalize_definitions()
        .map_err(|e| e.to_string())?;
    let fns = ids
        .iter()
        .map(|id| ctx.module.get_finalized_function(*id))
        .collect();
    // One straight function whose every value is read within `NEAR` instructions keeps
    // them all in registers (`emit::Fn::straight` stores and loads a slot only for a reader
    // further away): it touches no scratch, and a caller's buffer is only the outputs.
    let registers = matches!(pieces[..], [Piece::Straight(..)])
        && p.tensors.is_none()
        && (0..p.len()).all(|i| last_use[i] as usize <= i + emit::NEAR);
    let scratch = if registers { 0 } else { p.len() };
    let mut n = call::Native::new(ctx.module, fns, scratch, p.inputs(), p.outputs());
    if let Some(ts) = &p.tensors {
        n.set_tensors(ts.clone(), crate::tensor::Plan::new(p), cuts);
    }
    Ok(n)
}

/// Declares and defines the function built in `mctx`, and clears it for the next one.
fn define(ctx: &mut Ctx, mctx: &mut cranelift_codegen::Context) -> Result<FuncId, String> {
    let id = ctx
        .module
        .declare_anonymous_function(&mctx.func.signature)
        .map_err(|e| e.to_string())?;
    ctx.module
        .define_function(id, mctx)
        .map_err(|e| format!("{e:?}"))?;
    ctx.module.clear_context(mctx);
    Ok(id)
}

/// Whether a loop body value is stored, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Keep {
    /// Never: read only by its own repetition or the next one (registers).
    No,
    /// Once, after the loop: only the last repetition's value is read, after the loop (a
    /// running sum's total, the last adjoint). A store in every iteration was a third of the
    /// Rosenbrock forward loop's stores.
    Last,
    /// In every iteration: some repetition's value is read by a later repetition or after
    /// the loop.
    Every,
}

/// For each loop, for each body instruction: whether its value must be stored, that is
/// whether any repetition's value is read other than by its own repetition or the next one
/// (by a later repetition, or after the loop). A value read only by its own repetition lives
/// in a register, one read by the next repetition (a sum, an adjoint accumulated over the
/// iterations) is carried in a register: the Rosenbrock gradient's forward loop stores 2 of
/// its 8 values per repetition (and its sum once), its sweep none (its last adjoint once),
/// and the loop-carried dependency no longer goes through memory.
fn loop_stores(r: &Rolled<f64>) -> Vec<Vec<Keep>> {
    let p = &r.program;
    // For each instruction in a loop: (loop number, repetition) — `NONE` outside loops.
    const NONE: (u32, u32) = (u32::MAX, 0);
    let mut at = vec![NONE; p.len()];
    let mut kept = Vec::new();
    for (k, l) in r.loops().enumerate() {
        for (i, a) in at[l.span()].iter_mut().enumerate() {
            *a = (k as u32, (i / l.period as usize) as u32);
        }
        kept.push(vec![Keep::No; l.period as usize]);
    }
    let loops: Vec<&crate::ir::Loop> = r.loops().collect();
    for (u, inst) in p.insts.iter().enumerate() {
        for (o, v) in inst.operands().as_slice().iter().enumerate() {
            let v = v.index();
            let (k, rep) = at[v];
            // Read by its own repetition: a register; by the next one: a carried register
            // (see `emit::Fn::lp`) — if the reader's operand moves by one repetition per
            // repetition: a read of another stride that lands in the previous repetition
            // (a value of one repetition, then of the one before the loop, …) is a load.
            let register = k != NONE.0 && (at[u] == (k, rep) || at[u] == (k, rep + 1)) && {
                let l = loops[k as usize];
                let ju = (u - l.start as usize) % l.period as usize;
                l.strides[ju][o] == l.period as i32
            };
            if k != NONE.0 && !register {
                let l = loops[k as usize];
                let (start, period, count) = (l.start as usize, l.period as usize, l.count);
                let after = u >= start + period * count as usize;
                let keep = if after && rep + 1 == count {
                    Keep::Last
                } else {
                    Keep::Every
                };
                let j = &mut kept[k as usize][(v - start) % period];
                *j = (*j).max(keep);
            }
        }
    }
    kept
}

enum Piece<'a> {
    Straight(usize, usize),
    /// A loop and its number among the program's loops.
    Loop(&'a crate::ir::Loop, usize),
}
