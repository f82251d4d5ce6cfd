//! The straight code before a re-rolled loop (`crate::chain`): it computes the loop's
//! initial carry from the inputs and from the previous loop's final carry, if any, so its
//! VJP `P` (inputs: that carry, the inputs it uses, then the cotangent `w₀` of the carry it
//! computes; outputs: that carry, then the cotangents of its own inputs) is emitted in two
//! parts around the loops of `native/fori.rs`:
//!
//! * before the loop, what does not depend on `w₀` (the initial carry), its values kept as
//!   SSA values (Cranelift spills them across the loops);
//! * after the loop's reverse part, the rest, on the cotangent of the initial carry the
//!   reverse loop ended with, adding each used input's cotangent into the gradient and
//!   handing the previous loop's carry its cotangent. The prologue before the first loop
//!   runs last, so that a gradient entry a loop wrote rather than added to is there.
use super::emit::Fn;
use super::fori_acc::off;
use super::fori_loop::{op_in_part, reverse_part};
use crate::ir::{Inst, Program};
use cranelift_codegen::ir::{types, InstBuilder, MemFlags, Value};

const F: MemFlags = MemFlags::trusted();

/// The prologue's VJP, and which input of the whole function each of its inputs is.
pub(crate) struct Prologue<'a> {
    /// `P`, optimized.
    pub vjp: &'a Program<f64>,
    /// The number of carried values it reads (the previous loop's final carry).
    pub carries_in: usize,
    /// Input `carries_in + k` of `P` is input `used[k]` of the function.
    pub used: &'a [u32],
}

/// What the forward part left for the reverse part.
pub(super) struct Forward {
    vals: Vec<Option<Value>>,
    rev: Vec<bool>,
}

impl Prologue<'_> {
    /// Emits the forward part on the previous loop's final carry `carry_in`; returns the
    /// `c` initial carries.
    pub(super) fn forward(
        &self,
        f: &mut Fn,
        carry_in: &[Value],
        c: usize,
    ) -> Result<(Vec<Value>, Forward), String> {
        let (p, ci) = (self.vjp, self.carries_in);
        let np = ci + self.used.len();
        if carry_in.len() != ci || p.inputs() != np + c || p.outputs() != c + np {
            return Err("not a prologue's vjp".into());
        }
        let rev = reverse_part(p, np);
        let [x, _, _] = f.params();
        let mut vals: Vec<Option<Value>> = vec![None; p.len()];
        let mut init = vec![None; c];
        for (i, inst) in p.insts.iter().enumerate() {
            // The gradient's outputs are the reverse part's.
            if rev[i] || matches!(*inst, Inst::Output(o, _) if o as usize >= c) {
                continue;
            }
            let a: Vec<Value> = inst
                .operands()
                .as_slice()
                .iter()
                .map(|o| vals[o.index()].expect("forward operands are forward"))
                .collect();
            vals[i] = Some(match *inst {
                Inst::Output(o, _) => {
                    init[o as usize] = Some(a[0]);
                    continue;
                }
                Inst::Input(k) if (k as usize) < ci => carry_in[k as usize],
                Inst::Input(k) => {
                    let at = i64::from(self.used[k as usize - ci]);
                    f.b.ins().load(types::F64, F, x, off(at)?)
                }
                Inst::Guard {
                    cmp, expect, id, ..
                } => {
                    f.guard(cmp, a[0], a[1], expect, id);
                    continue;
                }
                _ => op_in_part(f, p, &rev, i, &a)?,
            });
        }
        let init = init
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or("a carry without an initial value")?;
        Ok((init, Forward { vals, rev }))
    }

    /// Emits the reverse part on the initial carry's cotangent `w0`, adding into the
    /// gradient at `out[m..]`; returns the cotangent of the carry it read.
    pub(super) fn reverse(
        &self,
        f: &mut Fn,
        fw: Forward,
        w0: &[Value],
        m: usize,
    ) -> Result<Vec<Value>, String> {
        let (p, ci, c) = (self.vjp, self.carries_in, w0.len());
        let np = ci + self.used.len();
        let zero = f.b.ins().f64const(0.0);
        let mut w_in = vec![zero; ci];
        let [_, out, _] = f.params();
        let Forward { mut vals, rev } = fw;
        for (i, inst) in p.insts.iter().enumerate() {
            let grad_out = matches!(*inst, Inst::Output(o, _) if o as usize >= c);
            if !rev[i] && !grad_out {
                continue;
            }
            let a: Vec<Value> = inst
                .operands()
                .as_slice()
                .iter()
                .map(|o| vals[o.index()].ok_or("a value of neither part"))
                .collect::<Result<_, _>>()?;
            vals[i] = Some(match *inst {
                Inst::Input(k) => w0[k as usize - np],
                Inst::Output(o, v) => {
                    let k = o as usize - c;
                    if k < ci {
                        w_in[k] = a[0];
                        continue;
                    }
                    // The cotangent of an input the initial carry does not depend on.
                    if p.insts[v.index()] == Inst::Const(0.0) {
                        continue;
                    }
                    let at = off((m + self.used[k - ci] as usize) as i64)?;
                    let g = f.b.ins().load(types::F64, F, out, at);
                    let s = f.b.ins().fadd(g, a[0]);
                    f.b.ins().store(F, s, out, at);
                    continue;
                }
                Inst::Guard { .. } => return Err("a guard in the prologue's reverse part".into()),
                _ => op_in_part(f, p, &rev, i, &a)?,
            });
        }
        Ok(w_in)
    }
}
