//! The back half of the pipeline: where a program becomes something that runs.
use super::stage::Stage;
use crate::error::Error;
use crate::fori::Body;
use crate::interp::Interp;
use crate::ir::{Inst, Program};
use crate::kernel::Kernel;
use crate::trace::Traced;
use crate::{grad, opt};
use std::any::Any;
use wengert_tape::Real;

/// The back half of the pipeline: roll, then lower. The native back end
/// (`crate::native`, feature `cranelift`, `f64`) plugs in at [`native_f64`]. Every
/// other program (other element types, no feature, or native code declining) runs on the
/// interpreter, which ignores loops (the flat program stays complete), so the roll is done
/// only on the native path.
pub(crate) fn lower<T: Real>(program: Program<T>) -> Box<dyn Kernel<T>> {
    match native(&program) {
        Some(k) => k,
        None => Box::new(Interp::new(program)),
    }
}

/// The value-and-gradient stage of a loop from its body alone (`native/fori.rs`), or
/// `None` where native code cannot make it (then the flat program is compiled).
///
/// # Errors
/// What differentiating the body returns.
pub(crate) fn fori_stage<T: Real>(
    f: &Body<T>,
    n: usize,
    m: usize,
    value_only: bool,
) -> Result<Option<Stage<T>>, Error> {
    let v = opt::optimize(&grad::vjp(&f.traced)?.program);
    let c = f.init.len();
    let v = passed_through(v, c, f.traced.program.inputs(), &seed(c)).0;
    let outputs = if value_only { m } else { m + n };
    let one = std::slice::from_ref(&v);
    let k = fori_native(std::slice::from_ref(f), &[], one, (n, c), value_only);
    Ok(k.map(|k| Stage::from_kernel(v, k, n, outputs)))
}

/// Output 0's seed for `c` carries: 1, then zeros.
fn seed<T: Real>(c: usize) -> Vec<T> {
    (0..c)
        .map(|k| if k == 0 { T::one() } else { T::zero() })
        .collect()
}

/// The value(-and-gradient) stage of a forward program that is prologues and loops
/// (`crate::chain`), compiled like a loop's (`native/fori.rs`, each prologue's VJP around
/// its loop); `None` where the pattern or native code does not apply, or differentiating
/// fails (then the flat program is compiled, and reports the failure where it has one).
///
/// From the last loop back, the cotangent of each loop's final carry is a constant as long
/// as every loop after it passes its carry's cotangent on unchanged and every prologue
/// after it hands on a constant: those constants are substituted and folded, so that such
/// loops need no reverse loop (`passed_through`).
pub(crate) fn chain_stage<T: Real>(t: &Traced<T>, value_only: bool) -> Option<Stage<T>> {
    if !NATIVE || (t as &dyn Any).downcast_ref::<Traced<f64>>().is_none() {
        return None;
    }
    let ch = crate::chain::find(t)?;
    let k = ch.loops.len();
    let (mut vs, mut pvs) = (Vec::with_capacity(k), Vec::with_capacity(k));
    let mut w: Option<Vec<T>> = Some(seed(ch.loops[k - 1].init.len()));
    for (b, pre) in ch.loops.iter().zip(&ch.pre).rev() {
        let (c, nb) = (b.init.len(), b.traced.program.inputs());
        let v = opt::optimize(&grad::vjp(&b.traced).ok()?.program);
        let (v, w0) = match w {
            Some(wc) => passed_through(v, c, nb, &wc),
            None => (v, None),
        };
        let pv = opt::optimize(&grad::vjp(&pre.traced).ok()?.program);
        let (pv, w_in) = match w0 {
            Some(wc) => constant_handed_on(pv, pre.traced.program.inputs(), c, &wc, pre.carries_in),
            None => (pv, None),
        };
        w = w_in;
        vs.push(v);
        pvs.push(pv);
    }
    vs.reverse();
    pvs.reverse();
    let pres: Vec<(&Program<T>, usize, &[u32])> = pvs
        .iter()
        .zip(&ch.pre)
        .map(|(pv, pre)| (pv, pre.carries_in, &pre.used[..]))
        .collect();
    let (n, m) = (t.program.inputs(), ch.outputs);
    let kn = fori_native(&ch.loops, &pres, &vs, (n, m), value_only)?;
    let outputs = if value_only { m } else { m + n };
    let v = vs.pop().expect("a loop");
    Some(Stage::from_kernel(v, kn, n, outputs))
}

/// `v` (a program whose inputs `first..` are a cotangent) with that cotangent replaced by
/// the constants `w`, optimized again.
fn substituted<T: Real>(v: &Program<T>, first: usize, w: &[T]) -> Program<T> {
    let mut q = v.clone();
    for inst in &mut q.insts {
        if let Inst::Input(k) = *inst {
            if k as usize >= first {
                *inst = Inst::Const(w[k as usize - first]);
            }
        }
    }
    q.set_inputs(v.inputs() as u32);
    opt::optimize(&q)
}

/// A prologue's VJP `pv` (inputs: `ni` of its own, then the cotangent of the `c` values it
/// computes) with that cotangent the constants `w`, and the cotangent it hands on to the
/// previous loop's `ci` carries, if constant.
fn constant_handed_on<T: Real>(
    pv: Program<T>,
    ni: usize,
    c: usize,
    w: &[T],
    ci: usize,
) -> (Program<T>, Option<Vec<T>>) {
    let q = substituted(&pv, ni, w);
    let mut out = vec![Some(T::zero()); ci];
    for inst in &q.insts {
        if let Inst::Output(o, x) = *inst {
            if let Some(slot) = (o as usize).checked_sub(c).and_then(|k| out.get_mut(k)) {
                *slot = match q.insts[x.index()] {
                    Inst::Const(v) => Some(v),
                    _ => None,
                };
            }
        }
    }
    (q, out.into_iter().collect())
}

/// The body's VJP `v` with the carry's cotangent replaced by the constants `w` and
/// optimized again, when the body passes it on unchanged (`∂c'/∂c = I`: a sum or any carry
/// updated by adding to it), so that it is `w` in every iteration; then also `w`, the
/// cotangent of the initial carry. Otherwise `v`. The Rosenbrock body's reverse part loses
/// its multiplications by the cotangent.
fn passed_through<T: Real>(
    v: Program<T>,
    c: usize,
    nb: usize,
    w: &[T],
) -> (Program<T>, Option<Vec<T>>) {
    let wk = |k: usize| Inst::Input((nb + k) as u32);
    let through = (0..c).all(|k| {
        v.insts.iter().any(|i| {
            matches!(*i, Inst::Output(o, x) if o as usize == c + k && v.insts[x.index()] == wk(k))
        })
    });
    if !through {
        return (v, None);
    }
    (substituted(&v, nb, w), Some(w.to_vec()))
}

/// Whether native code is built in.
const NATIVE: bool = cfg!(feature = "cranelift");

/// A prologue's VJP, the carried values it reads, and the inputs it uses.
type Pro<'a, T> = (&'a Program<T>, usize, &'a [u32]);

/// Native code for the loops `bodies` (their VJPs `vs`), each after its prologue in
/// `pres` (none: one loop from its constant initial carry), of `n` inputs and `m` outputs.
#[cfg(feature = "cranelift")]
fn fori_native<T: Real>(
    bodies: &[Body<T>],
    pres: &[Pro<'_, T>],
    vs: &[Program<T>],
    (n, m): (usize, usize),
    value_only: bool,
) -> Option<Box<dyn Kernel<T>>> {
    use crate::native::{fori, fori_loop::Spec, prologue::Prologue};
    let loops = bodies
        .iter()
        .zip(vs)
        .map(|(b, v)| {
            Some(Spec {
                v: f64s(v)?,
                reads: &b.reads,
                count: b.count,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let pre = match pres {
        [] => vec![None],
        _ => pres
            .iter()
            .map(|&(p, carries_in, used)| {
                Some(Some(Prologue {
                    vjp: f64s(p)?,
                    carries_in,
                    used,
                }))
            })
            .collect::<Option<Vec<_>>>()?,
    };
    let init = (&bodies[0].init as &dyn Any).downcast_ref::<Vec<f64>>()?;
    let ch = fori::Chain {
        pre,
        loops,
        carries: bodies.iter().map(|b| b.init.len()).collect(),
        init,
        inputs: n,
        outputs: m,
        value_only,
    };
    let k = fori::compile_chain(&ch)?;
    as_kernel_of(Box::new(k))
}

/// `p` as the `f64` program it is (native code is for `f64` only).
#[cfg(feature = "cranelift")]
fn f64s<T: Real>(p: &Program<T>) -> Option<&Program<f64>> {
    (p as &dyn Any).downcast_ref::<Program<f64>>()
}

#[cfg(not(feature = "cranelift"))]
fn fori_native<T: Real>(
    _: &[Body<T>],
    _: &[Pro<'_, T>],
    _: &[Program<T>],
    _: (usize, usize),
    _: bool,
) -> Option<Box<dyn Kernel<T>>> {
    None
}

/// Native code for a program whose element type is `f64`.
fn native<T: Real>(p: &Program<T>) -> Option<Box<dyn Kernel<T>>> {
    let p = (p as &dyn Any).downcast_ref::<Program<f64>>()?;
    as_kernel_of(native_f64(p)?)
}

/// The native back end (feature `cranelift`): the program rolled, then lowered
/// (`None` above its size threshold or on failure, so that the interpreter runs).
#[cfg(feature = "cranelift")]
fn native_f64(p: &Program<f64>) -> Option<Box<dyn Kernel<f64>>> {
    if p.tensors.is_some() {
        // Straight: the tensor memory is not addressed by loop counters.
        return crate::native::compile(&crate::ir::Rolled::straight(p.clone()));
    }
    crate::native::compile(&crate::roll::roll(p))
}

/// Without feature `cranelift`, no native code.
#[cfg(not(feature = "cranelift"))]
fn native_f64(_p: &Program<f64>) -> Option<Box<dyn Kernel<f64>>> {
    None
}

/// A `Kernel<f64>` as a `Kernel<T>` when `T` is `f64` (the type test native code needs,
/// since it is generated for `f64` only).
fn as_kernel_of<T: Real>(k: Box<dyn Kernel<f64>>) -> Option<Box<dyn Kernel<T>>> {
    let any: Box<dyn Any> = Box::new(k);
    any.downcast::<Box<dyn Kernel<T>>>().ok().map(|k| *k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::GuardFailed;

    struct Seven;
    impl Kernel<f64> for Seven {
        fn scratch_len(&self) -> usize {
            0
        }
        fn run(&self, _: &[f64], out: &mut [f64], _: &mut [f64]) -> Result<(), GuardFailed> {
            out[0] = 7.0;
            Ok(())
        }
    }

    #[test]
    fn an_f64_kernel_is_a_kernel_of_f64_only() {
        let k = as_kernel_of::<f64>(Box::new(Seven)).expect("T = f64");
        let mut out = [0.0];
        k.run(&[], &mut out, &mut []).unwrap();
        assert_eq!(out, [7.0]);
        assert!(as_kernel_of::<f32>(Box::new(Seven)).is_none());
    }
}
