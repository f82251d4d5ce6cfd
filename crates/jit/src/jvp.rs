//! The forward-mode source transform: inputs `[x..., v...]`, outputs `[values..., J v]`.
//! Applied to a gradient program it gives the Hessian-vector product (`hvp = jvp(grad)`).
//!
//! ```
//! use wengert_jit::{grad, interp::Interp, jvp, kernel::Kernel, trace};
//! // f(x, y) = x² y: H = [[2y, 2x], [2x, 0]]; H (1, 0) at (3, 2) = (4, 6)
//! let f = trace::trace(&[1.0, 1.0], |_, v| v[0] * v[0] * v[1]).unwrap();
//! let h = jvp::jvp(&grad::grad(&f).unwrap()).unwrap();
//! let k = Interp::new(h.program);
//! let (mut out, mut s) = ([0.0; 6], vec![0.0; k.scratch_len()]);
//! k.run(&[3.0, 2.0, 1.0, 0.0], &mut out, &mut s).unwrap();
//! assert_eq!(out[3..], [12.0, 4.0, 6.0]); // d f·v = 2xy, then H v
//! ```
use crate::deriv::{apply, partials, Consts};
use crate::error::Error;
use crate::ir::{BinOp, Inst, Program, Val};
use crate::trace::Traced;
use wengert_tape::Real;

/// The tangent program of `t`.
///
/// # Errors
/// [`ErrorKind::NotDifferentiable`](crate::ErrorKind::NotDifferentiable) for a call without a
/// derivative (a user op's derivative, met when differentiating a gradient);
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) for a program with tensor ops
/// (the tape's `Op` has a VJP and no JVP).
pub fn jvp<T: Real>(t: &Traced<T>) -> Result<Traced<T>, Error> {
    let p = &t.program;
    if p.tensors.is_some() {
        return Err(crate::tensor::no_forward_mode("jvp"));
    }
    let (n, m) = (p.inputs(), p.outputs());
    let mut q = Program::new((2 * m) as u32);
    q.funcs = p.funcs.clone();
    q.guard_sites = p.guard_sites.clone();
    let c = Consts::push(&mut q);
    // Forward instructions keep their relative order, shifted by the constants above; the
    // tangent of each follows it at once, so a repeated forward pattern stays repeated.
    let mut map: Vec<Val> = Vec::with_capacity(p.len());
    let mut tan: Vec<Option<Val>> = Vec::with_capacity(p.len());
    let mut outs = vec![c.zero; m];
    for inst in &p.insts {
        let y = q.push(remap(inst, &map));
        map.push(y);
        let dt = match *inst {
            Inst::Input(k) => Some(q.push(Inst::Input((n + k as usize) as u32))),
            Inst::Output(k, v) => {
                outs[k as usize] = tan[v.index()].unwrap_or(c.zero);
                None
            }
            _ => tangent(&mut q, t, &c, &map, &tan, y)?,
        };
        tan.push(dt);
    }
    for (k, &v) in outs.iter().enumerate() {
        q.push(Inst::Output((m + k) as u32, v));
    }
    q.set_inputs((2 * n) as u32);
    debug_assert_eq!(q.validate(), Ok(()));
    Ok(Traced {
        program: q,
        derivs: t.derivs.clone(),
    })
}

/// The tangent of `q`'s instruction `y` (a copy of a forward one): Σ ∂y/∂operand · ṫ.
fn tangent<T: Real>(
    q: &mut Program<T>,
    t: &Traced<T>,
    c: &Consts,
    map: &[Val],
    tan: &[Option<Val>],
    y: Val,
) -> Result<Option<Val>, Error> {
    // Every operand's tangent by its new index: `map` is increasing, so search it.
    let tan_of = |v: Val| map.binary_search(&v).ok().and_then(|i| tan[i]);
    let ops = q.insts[y.index()].operands();
    if ops.as_slice().iter().all(|&v| tan_of(v).is_none()) {
        return Ok(None);
    }
    let mut sum: Option<Val> = None;
    for (v, d) in partials(q, t, c, y, "jvp")?.into_iter().flatten() {
        let Some(dv) = tan_of(v) else { continue };
        let term = apply(q, c.zero, d, dv);
        sum = Some(match sum {
            None => term,
            Some(s) => q.push(Inst::Bin(BinOp::Add, s, term)),
        });
    }
    Ok(sum)
}

fn remap<T: Copy>(inst: &Inst<T>, map: &[Val]) -> Inst<T> {
    crate::opt::remap(inst, |v| map[v.index()])
}
