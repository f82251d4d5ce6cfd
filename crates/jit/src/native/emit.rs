//! Lowering one region (a straight chunk or a loop) to one Cranelift function
//! `fn(x: *const f64, out: *mut f64, scratch: *mut f64) -> u32`, returning 0, or one more
//! than the id of the first guard that failed.
//!
//! Every value has its slot in `scratch` (one per instruction, as in the interpreter), so
//! that regions communicate through memory; inside a region a value defined in it is an SSA
//! value (a register), and it is stored only if something after the region reads it.
use super::direct::Direct;
use super::slots::Slots;
use super::{Ctx, Keep};
use crate::ir::{BinOp, Cmp, Func, Inst, Loop, UnOp};
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{types, AbiParam, BlockArg, InstBuilder, MemFlags, Signature, Value};
use cranelift_frontend::FunctionBuilder;
use cranelift_module::Module;
use std::collections::HashMap;

/// The function being built, with its three pointer parameters.
pub(super) struct Fn<'a, 'b> {
    pub b: FunctionBuilder<'a>,
    pub ctx: &'b mut Ctx,
    x: Value,
    out: Value,
    scratch: Value,
    imports: HashMap<&'static str, cranelift_codegen::ir::FuncRef>,
    direct: &'b Direct,
    slots: &'b Slots,
    /// The value of the next instruction, computed with this one (see [`Fn::op_paired`]).
    partner: Option<Value>,
}

const F: MemFlags = MemFlags::trusted();

/// In straight code a value is read from a register by readers at most this many
/// instructions after it, from its slot by the others (it is stored then). Long live ranges
/// across the calls of transcendental ops made register allocation most of the lowering time
/// (≈ 5 µs an instruction on a random DAG); short ones keep it linear.
pub(super) const NEAR: usize = 16;

fn cc(cmp: Cmp) -> FloatCC {
    // Rust's comparisons: ordered, except `!=` (true when either side is NaN).
    match cmp {
        Cmp::Lt => FloatCC::LessThan,
        Cmp::Le => FloatCC::LessThanOrEqual,
        Cmp::Gt => FloatCC::GreaterThan,
        Cmp::Ge => FloatCC::GreaterThanOrEqual,
        Cmp::Eq => FloatCC::Equal,
        Cmp::Ne => FloatCC::NotEqual,
    }
}

impl<'a, 'b> Fn<'a, 'b> {
    pub(super) fn new(
        mut b: FunctionBuilder<'a>,
        ctx: &'b mut Ctx,
        direct: &'b Direct,
        slots: &'b Slots,
    ) -> Fn<'a, 'b> {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let p = b.block_params(entry).to_vec();
        Fn {
            b,
            ctx,
            x: p[0],
            out: p[1],
            scratch: p[2],
            imports: HashMap::new(),
            direct,
            slots,
            partner: None,
        }
    }

    /// The function's parameters: `x`, `out`, `scratch`.
    pub(super) fn params(&self) -> [Value; 3] {
        [self.x, self.out, self.scratch]
    }

    /// Returns 0 and finishes the function.
    pub(super) fn finish(mut self) {
        let zero = self.b.ins().iconst(types::I32, 0);
        self.b.ins().return_(&[zero]);
        self.b.seal_all_blocks();
        self.b.finalize();
    }

    fn call(&mut self, sym: &'static str, args: &[Value]) -> Value {
        let fref = match self.imports.get(sym) {
            Some(f) => *f,
            None => {
                let id = self.ctx.symbols[sym];
                let f = self.ctx.module.declare_func_in_func(id, self.b.func);
                self.imports.insert(sym, f);
                f
            }
        };
        let c = self.b.ins().call(fref, args);
        self.b.inst_results(c)[0]
    }

    /// A call of `sym` with two results.
    fn call2(&mut self, sym: &'static str, args: &[Value]) -> (Value, Value) {
        let first = self.call(sym, args);
        let c = self.b.func.dfg.value_def(first).unwrap_inst();
        (first, self.b.inst_results(c)[1])
    }

    /// [`Fn::op`], except that a `sin` directly followed by the `cos` of the same operand (or
    /// the reverse; `opt::reuse` puts such pairs side by side), `next`, is one `sincos` call
    /// (where the C library has one, [`super::call::PAIRED`]); the partner's value is kept
    /// for the next instruction, which must be `next`.
    pub(super) fn op_paired(
        &mut self,
        inst: &Inst<f64>,
        next: Option<&Inst<f64>>,
        a: &[Value],
        funcs: &[Func<f64>],
    ) -> Result<Value, String> {
        if let Some(v) = self.partner.take() {
            return Ok(v);
        }
        if let (Inst::Un(op, x), Some(&Inst::Un(q, y))) = (*inst, next) {
            let pair = matches!((op, q), (UnOp::Sin, UnOp::Cos) | (UnOp::Cos, UnOp::Sin));
            if super::call::PAIRED && pair && x == y {
                let (s, c) = self.call2("wengert_sincos", &a[..1]);
                let (mine, other) = if op == UnOp::Sin { (s, c) } else { (c, s) };
                self.partner = Some(other);
                return Ok(mine);
            }
        }
        self.op(inst, a, funcs)
    }

    fn call_addr(&mut self, addr: usize, args: &[Value]) -> Value {
        let mut sig = Signature::new(self.ctx.module.isa().default_call_conv());
        args.iter()
            .for_each(|_| sig.params.push(AbiParam::new(types::F64)));
        sig.returns.push(AbiParam::new(types::F64));
        let sig = self.b.import_signature(sig);
        let callee = self.b.ins().iconst(self.ctx.ptr, addr as i64);
        let c = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(c)[0]
    }

    /// An instruction that computes a value from its operands (`a`); `None` for the others.
    fn op(&mut self, inst: &Inst<f64>, a: &[Value], funcs: &[Func<f64>]) -> Result<Value, String> {
        Ok(match *inst {
            Inst::Const(c) => self.b.ins().f64const(c),
            Inst::Un(op, _) => match op {
                UnOp::Neg => self.b.ins().fneg(a[0]),
                UnOp::Square => self.b.ins().fmul(a[0], a[0]),
                UnOp::Abs => self.b.ins().fabs(a[0]),
                UnOp::Sqrt => self.b.ins().sqrt(a[0]),
                UnOp::Recip => {
                    let one = self.b.ins().f64const(1.0);
                    self.b.ins().fdiv(one, a[0])
                }
                UnOp::Powi(n) => {
                    let n = self.b.ins().iconst(types::I32, i64::from(n));
                    self.call("wengert_powi", &[a[0], n])
                }
                op => match super::libm::unary_symbol(op) {
                    Some(s) => self.call(s, &a[..1]),
                    None => return Err(format!("no lowering of {op:?}")),
                },
            },
            Inst::Bin(op, _, _) => match op {
                BinOp::Add => self.b.ins().fadd(a[0], a[1]),
                BinOp::Sub => self.b.ins().fsub(a[0], a[1]),
                BinOp::Mul => self.b.ins().fmul(a[0], a[1]),
                BinOp::Div => self.b.ins().fdiv(a[0], a[1]),
                op => match super::libm::binary_symbol(op) {
                    Some(s) => self.call(s, &a[..2]),
                    None => return Err(format!("no lowering of {op:?}")),
                },
            },
            // Branch-free: both sides are computed, the comparison picks one.
            Inst::Select { cmp, .. } => {
                let c = self.b.ins().fcmp(cc(cmp), a[0], a[1]);
                self.b.ins().select(c, a[2], a[3])
            }
            Inst::Call1(f, _) => match funcs.get(f as usize) {
                Some(Func::F1(g)) => self.call_addr(*g as usize, &a[..1]),
                _ => return Err(format!("function {f} is not unary")),
            },
            Inst::Call2(f, _, _) => match funcs.get(f as usize) {
                Some(Func::F2(g)) => self.call_addr(*g as usize, &a[..2]),
                _ => return Err(format!("function {f} is not binary")),
            },
            _ => return Err("not a value".into()),
        })
    }

    /// `a <cmp> b` must be `expect`; else the function returns `id + 1`.
    pub(super) fn guard(&mut self, cmp: Cmp, a: Value, b: Value, expect: bool, id: u32) {
        let c = self.b.ins().fcmp(cc(cmp), a, b);
        let (ok, fail) = (self.b.create_block(), self.b.create_block());
        let none: &[BlockArg] = &[];
        if expect {
            self.b.ins().brif(c, ok, none, fail, none);
        } else {
            self.b.ins().brif(c, fail, none, ok, none);
        }
        self.b.switch_to_block(fail);
        let code = self.b.ins().iconst(types::I32, i64::from(id) + 1);
        self.b.ins().return_(&[code]);
        self.b.switch_to_block(ok);
    }

    /// Emits instructions `start..end` straight. `live_after[v]`: whether value `v` is read
    /// at or after `end` (then it is stored).
    pub(super) fn straight(
        &mut self,
        insts: &[Inst<f64>],
        funcs: &[Func<f64>],
        start: usize,
        end: usize,
        last_use: &[u32],
    ) -> Result<(), String> {
        let mut vals: Vec<Value> = Vec::with_capacity(end - start);
        let scratch = self.scratch;
        for i in start..end {
            let inst = &insts[i];
            if self.direct.skip[i] {
                // An output its loop stored: nothing reads the value of an effect.
                let zero = self.b.ins().f64const(0.0);
                vals.push(zero);
                continue;
            }
            let ops = inst.operands();
            let a: Vec<Value> = ops
                .as_slice()
                .iter()
                .map(|v| self.read(v.index(), start.max(i.saturating_sub(NEAR)), start, &vals))
                .collect();
            let v = match *inst {
                Inst::Input(k) => self.b.ins().load(types::F64, F, self.x, off(k as usize)?),
                Inst::Output(k, _) => {
                    self.b.ins().store(F, a[0], self.out, off(k as usize)?);
                    a[0]
                }
                Inst::Guard {
                    cmp, expect, id, ..
                } => {
                    self.guard(cmp, a[0], a[1], expect, id);
                    a[0]
                }
                // The tensor plan (`crate::tensor::Plan`) takes a write's value from its
                // slot after this function, and fills a read's slot before it.
                Inst::TWrite { .. } => {
                    self.b
                        .ins()
                        .store(F, a[0], scratch, off(self.slots.slot(i))?);
                    a[0]
                }
                Inst::TRead { .. } => self.load_value(i),
                // Runs fall between functions; nothing reads their value.
                Inst::TRun(_) => self.b.ins().f64const(0.0),
                ref inst => {
                    let next = insts[..end].get(i + 1);
                    self.op_paired(inst, next, &a, funcs)?
                }
            };
            let far = last_use[i] as usize >= end || last_use[i] as usize > i + NEAR;
            if let Some(k) = self.direct.to[i] {
                // Read only by an output: stored there, not in a slot.
                self.b.ins().store(F, v, self.out, off(k as usize)?);
            } else if !inst.is_effect() && far && self.direct.input(i).is_none() {
                self.b.ins().store(F, v, scratch, off(self.slots.slot(i))?);
            }
            vals.push(v);
        }
        Ok(())
    }

    /// Value `v` for a reader: in a register if defined at or after `near` (in this
    /// function, at most [`NEAR`] instructions back), else loaded from its slot.
    fn read(&mut self, v: usize, near: usize, start: usize, vals: &[Value]) -> Value {
        if v >= near {
            vals[v - start]
        } else {
            // Offsets were checked when `v`'s own instruction was emitted.
            self.load_value(v)
        }
    }

    /// Value `v` from memory: `x` for an input read there, else its slot.
    fn load_value(&mut self, v: usize) -> Value {
        let (base, i) = match self.direct.input(v) {
            Some(k) => (self.x, k),
            None => (self.scratch, self.slots.slot(v)),
        };
        self.b.ins().load(types::F64, F, base, (i * 8) as i32)
    }

    /// Emits a loop: a counter `r` from 0 to `count`, every index of body instruction `j`
    /// moved by `r` times its stride. `kept[j]`: whether body value `j` is read outside its
    /// repetition (then it is stored: in every iteration, or once after the loop).
    pub(super) fn lp(
        &mut self,
        insts: &[Inst<f64>],
        funcs: &[Func<f64>],
        (l, n_loop): (&Loop, usize),
        kept: &[Keep],
        outs: &[Option<(i32, i32)>],
    ) -> Result<(), String> {
        let (start, period) = (l.start as usize, l.period as usize);
        off(start + period * l.count as usize)?;
        // Carried values: body value `j'` read by the next repetition (an operand of stride
        // `period` whose repetition-0 index lies in the `period` instructions before the
        // loop, where its initial value is). They are block parameters of the header, so a
        // sum over the iterations runs in a register, not through a store and a load.
        let mut carried: Vec<usize> = Vec::new();
        for j in 0..period {
            let ops = insts[start + j].operands();
            for (k, v) in ops.as_slice().iter().enumerate() {
                let v0 = v.index();
                if l.strides[j][k] as usize == period && v0 < start && v0 + period >= start {
                    let jp = v0 + period - start;
                    if !carried.contains(&jp) {
                        carried.push(jp);
                    }
                }
            }
        }
        let header = self.b.create_block();
        let r0 = self.b.ins().iconst(types::I64, 0);
        let mut init = vec![BlockArg::Value(r0)];
        for &jp in &carried {
            off(start + jp - period)?;
            let v = self.load_value(start + jp - period);
            init.push(BlockArg::Value(v));
        }
        // Loop invariants: operands of stride 0 defined before the loop, read once here
        // (a constant as an immediate), not in every iteration.
        let mut inv: HashMap<usize, Value> = HashMap::new();
        for j in 0..period {
            let ops = insts[start + j].operands();
            for (k, v) in ops.as_slice().iter().enumerate() {
                let v0 = v.index();
                if l.strides[j][k] == 0 && v0 < start && !inv.contains_key(&v0) {
                    let val = match insts[v0] {
                        Inst::Const(c) => self.b.ins().f64const(c),
                        _ => {
                            off(v0)?;
                            self.load_value(v0)
                        }
                    };
                    inv.insert(v0, val);
                }
            }
        }
        self.b.ins().jump(header, &init);
        self.b.switch_to_block(header);
        let r = self.b.append_block_param(header, types::I64);
        let carry: Vec<Value> = carried
            .iter()
            .map(|_| self.b.append_block_param(header, types::F64))
            .collect();
        // `base + r * 8 * stride`, once per (base, stride) and iteration.
        let mut moved: HashMap<(u8, i32), Value> = HashMap::new();
        let mut ptr = |f: &mut Self, which: u8, stride: i32| -> Value {
            *moved.entry((which, stride)).or_insert_with(|| {
                let base = [f.x, f.out, f.scratch][which as usize];
                if stride == 0 {
                    return base;
                }
                let d = f.b.ins().imul_imm(r, 8 * i64::from(stride));
                f.b.ins().iadd(base, d)
            })
        };
        let mut vals: Vec<Value> = Vec::with_capacity(period);
        // Slots loaded in this iteration, by (stride, index in repetition 0): no slot read
        // here is written later in the same iteration (it writes only its own values, read
        // from registers), so one load serves every reader.
        let mut loaded: HashMap<(i32, usize), Value> = HashMap::new();
        for j in 0..period {
            let inst = &insts[start + j];
            if self.direct.skip[start + j] {
                let zero = self.b.ins().f64const(0.0);
                vals.push(zero);
                continue;
            }
            let st = &l.strides[j];
            let ops = inst.operands();
            let mut a = Vec::with_capacity(4);
            for (k, v) in ops.as_slice().iter().enumerate() {
                let v0 = v.index();
                // Defined earlier in this same repetition: a register.
                if st[k] as usize == period && v0 >= start && v0 < start + j {
                    a.push(vals[v0 - start]);
                } else if st[k] as usize == period && v0 < start && v0 + period >= start {
                    let c = carried.iter().position(|&jp| jp == v0 + period - start);
                    a.push(carry[c.expect("collected above")]);
                } else if st[k] == 0 && v0 < start {
                    a.push(inv[&v0]);
                } else if let Some(&x) = loaded.get(&(st[k], v0)) {
                    a.push(x);
                } else {
                    // An input's every repetition reads `x` (`Direct` checked the range).
                    let (which, i, s) = match self.direct.input(v0) {
                        Some(input) => (0, input, st[k]),
                        None => {
                            let (i, s) = self.slots.strided(v0, st[k]);
                            (2, i, s)
                        }
                    };
                    let p = ptr(self, which, s);
                    let x = self.b.ins().load(types::F64, F, p, off(i)?);
                    loaded.insert((st[k], v0), x);
                    a.push(x);
                }
            }
            let n = ops.as_slice().len();
            let v = match *inst {
                Inst::Input(k) => {
                    let p = ptr(self, 0, st[0]);
                    self.b.ins().load(types::F64, F, p, off(k as usize)?)
                }
                Inst::Output(k, _) => {
                    let p = ptr(self, 1, st[n]);
                    self.b.ins().store(F, a[0], p, off(k as usize)?);
                    a[0]
                }
                Inst::Guard {
                    cmp, expect, id, ..
                } => {
                    self.guard(cmp, a[0], a[1], expect, id);
                    a[0]
                }
                ref inst => {
                    // The partner must read the same operand in every repetition.
                    let next = (j + 1 < period && l.strides[j + 1][0] == st[0])
                        .then(|| &insts[start + j + 1]);
                    self.op_paired(inst, next, &a, funcs)?
                }
            };
            if let Some((k0, t)) = outs[j] {
                // Read only by outputs: stored there, not in a slot.
                let p = ptr(self, 1, t);
                self.b.ins().store(F, v, p, off(k0 as usize)?);
            } else if !inst.is_effect()
                && kept[j] == Keep::Every
                && self.direct.input(start + j).is_none()
            {
                let (i, s) = self.slots.store(n_loop, l, j);
                let p = ptr(self, 2, s);
                self.b.ins().store(F, v, p, off(i)?);
            }
            vals.push(v);
        }
        let next = self.b.ins().iadd_imm(r, 1);
        let more = self.b.ins().icmp_imm(
            cranelift_codegen::ir::condcodes::IntCC::SignedLessThan,
            next,
            i64::from(l.count),
        );
        let exit = self.b.create_block();
        let mut back = vec![BlockArg::Value(next)];
        back.extend(carried.iter().map(|&jp| BlockArg::Value(vals[jp])));
        self.b.ins().brif(more, header, &back, exit, &[]);
        self.b.switch_to_block(exit);
        // The values only the last repetition's value of which is read, after the loop:
        // stored once, from the registers of the last iteration (which dominates the exit).
        let last = start + period * (l.count as usize - 1);
        for (j, &v) in vals.iter().enumerate() {
            let inst = &insts[start + j];
            if kept[j] == Keep::Last
                && outs[j].is_none()
                && !inst.is_effect()
                && self.direct.input(start + j).is_none()
            {
                let i = self.slots.slot(last + j);
                self.b.ins().store(F, v, self.scratch, off(i)?);
            }
        }
        Ok(())
    }
}

/// The byte offset of element `i`, if it fits Cranelift's 32-bit immediate.
fn off(i: usize) -> Result<i32, String> {
    i.checked_mul(8)
        .and_then(|o| i32::try_from(o).ok())
        .ok_or_else(|| format!("offset of element {i} too large"))
}
