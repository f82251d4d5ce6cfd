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
    let v = passed_through(v, f.init.len(), f.traced.program.inputs());
    let outputs = if value_only { m } else { m + n };
    Ok(fori_native(f, &v, n, value_only, None).map(|k| Stage::from_kernel(v, k, n, outputs)))
}

/// The value(-and-gradient) stage of a forward program that is a prologue and one loop
/// (`crate::chain`), compiled like a loop's (`native/fori.rs`, the prologue's VJP around
/// it); `None` where the pattern or native code does not apply, or differentiating fails
/// (then the flat program is compiled, and reports the failure where it has one).
pub(crate) fn chain_stage<T: Real>(t: &Traced<T>, value_only: bool) -> Option<Stage<T>> {
    if !NATIVE || (t as &dyn Any).downcast_ref::<Traced<f64>>().is_none() {
        return None;
    }
    let ch = crate::chain::find(t)?;
    let b = &ch.body;
    let v = opt::optimize(&grad::vjp(&b.traced).ok()?.program);
    let v = passed_through(v, b.init.len(), b.traced.program.inputs());
    let pv = opt::optimize(&grad::vjp(&ch.prologue).ok()?.program);
    let (n, m) = (b.inputs, b.init.len());
    let k = fori_native(b, &v, n, value_only, Some((&pv, &ch.used)))?;
    let outputs = if value_only { m } else { m + n };
    Some(Stage::from_kernel(v, k, n, outputs))
}

/// The body's VJP `v` with the carry's cotangent `w` replaced by the seed (1 for output 0,
/// else 0) and optimized again, when the body passes `w` on unchanged (`∂c'/∂c = I`: a sum
/// or any carry updated by adding to it), so that it is the seed in every iteration;
/// otherwise `v`. The Rosenbrock body's reverse part loses its multiplications by `w`.
fn passed_through<T: Real>(v: Program<T>, c: usize, nb: usize) -> Program<T> {
    let w = |k: usize| Inst::Input((nb + k) as u32);
    let through = (0..c).all(|k| {
        v.insts.iter().any(|i| {
            matches!(*i, Inst::Output(o, x) if o as usize == c + k && v.insts[x.index()] == w(k))
        })
    });
    if !through {
        return v;
    }
    let mut q = v.clone();
    for inst in &mut q.insts {
        if let Inst::Input(k) = *inst {
            if k as usize >= nb {
                let seed = if k as usize == nb {
                    T::one()
                } else {
                    T::zero()
                };
                *inst = Inst::Const(seed);
            }
        }
    }
    q.set_inputs(v.inputs() as u32);
    opt::optimize(&q)
}

/// Whether native code is built in.
const NATIVE: bool = cfg!(feature = "cranelift");

/// A prologue's VJP and the inputs it uses (`native/prologue.rs`).
type Pro<'a, T> = Option<(&'a Program<T>, &'a [u32])>;

#[cfg(feature = "cranelift")]
fn fori_native<T: Real>(
    f: &Body<T>,
    v: &Program<T>,
    n: usize,
    value_only: bool,
    pro: Pro<'_, T>,
) -> Option<Box<dyn Kernel<T>>> {
    let v = (v as &dyn Any).downcast_ref::<Program<f64>>()?;
    let init = (&f.init as &dyn Any).downcast_ref::<Vec<f64>>()?;
    let prologue = match pro {
        Some((p, used)) => Some(crate::native::prologue::Prologue {
            vjp: (p as &dyn Any).downcast_ref::<Program<f64>>()?,
            used,
        }),
        None => None,
    };
    let shape = crate::native::fori::Shape {
        init,
        prologue,
        reads: &f.reads,
        count: f.count,
        inputs: n,
        value_only,
    };
    let k = crate::native::fori::compile(v, &shape)?;
    as_kernel_of(Box::new(k))
}

#[cfg(not(feature = "cranelift"))]
fn fori_native<T: Real>(
    _: &Body<T>,
    _: &Program<T>,
    _: usize,
    _: bool,
    _: Pro<'_, T>,
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
