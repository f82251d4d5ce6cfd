//! Applying functions to `Var`s: the recording fast paths (folding a one-operand result into
//! its operand, pushing a node for two distinct operands) and their cold tensor paths.
use super::{tag, Var};
use crate::arith::{AddFn, DivFn, MulFn, SubFn};
use crate::elementwise::{MapOp, MapParamOp, ZipOp};
use crate::id::NodeId;
use crate::op::{Binary, Unary};
use crate::shape::broadcast_shapes;
use crate::tape::Tape;
use crate::trace::instr::{Arith, Instr, MapParamInstr, Src, ZipInstr};
use crate::trace::Prim;
use crate::{Error, ErrorKind, Real};
use std::any::TypeId;

impl<'t, T: Real> Var<'t, T> {
    /// Applies the elementwise function `U` (to every element of a tensor). On a scalar it
    /// records nothing: `U::df` is multiplied into the result's fold weight (see [`Var`]).
    ///
    /// ```
    /// use wengert_tape::{op::Unary, Tape};
    /// struct Square;
    /// impl Unary<f64> for Square {
    ///     const NAME: &'static str = "square";
    ///     fn f(x: f64) -> f64 { x * x }
    ///     fn df(x: f64, _y: f64) -> f64 { 2.0 * x }
    /// }
    /// let tape = Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x.map::<Square>().map::<Square>(); // x⁴, no node recorded
    /// assert_eq!((y.value(), tape.scalar_len()), (81.0, 1));
    /// assert_eq!(tape.backward(y)[x], 108.0); // 4x³
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn map<U: Unary<T>>(self) -> Var<'t, T> {
        if self.id().is_tensor() {
            let id = map_tensor::<T, U>(self.tape, self.id());
            return Var::from_parts(self.tape, id, T::zero());
        }
        let (y, d) = U::f_df(self.val);
        self.unary(d, y, U::NAME, move || Instr::Map {
            a: self.id().raw(),
            fns: crate::trace::unary::<T, U>(),
        })
    }

    /// Applies `f(x, p)` with a constant parameter `p` (a power, a shift, a scale), whose
    /// derivative in `x` is `df(x, p, y)`.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(2.0);
    /// let y = x.map_param("pow", 3.0, |x, p| x.powf(p), |x, p, _| p * x.powf(p - 1.0));
    /// assert_eq!(tape.backward(y)[x], 12.0);
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn map_param(
        self,
        name: &'static str,
        p: T,
        f: fn(T, T) -> T,
        df: fn(T, T, T) -> T,
    ) -> Var<'t, T> {
        self.map_param_with(name, p, f, df, Param::User)
    }

    /// [`Var::map_param`] for a function with a primitive meaning ([`Prim::Powi`],
    /// [`Prim::Powf`], [`Prim::ClampMin`], [`Prim::ClampMax`] with `p` as its parameter), so
    /// that a [trace](crate::trace) of it can be compiled.
    ///
    /// ```
    /// use wengert_tape::{trace::{self, Node, Prim}, Tape};
    /// let t = trace::trace(&[2.0], |_, x| {
    ///     x[0].map_param_prim(Prim::Powf, "powf", 3.0, |x: f64, p| x.powf(p), |x: f64, p, _| p * x.powf(p - 1.0))
    /// }).unwrap();
    /// assert!(matches!(t.nodes[1], Node::Param { prim: Some(Prim::Powf), p: 3.0, .. }));
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn map_param_prim(
        self,
        prim: Prim,
        name: &'static str,
        p: T,
        f: fn(T, T) -> T,
        df: fn(T, T, T) -> T,
    ) -> Var<'t, T> {
        self.map_param_with(name, p, f, df, Param::Prim(prim))
    }

    /// [`Var::map_param`]; `kind` names the tape's own arithmetic or the primitive (what a
    /// trace exports).
    #[track_caller]
    #[inline(always)]
    pub(crate) fn map_param_with(
        self,
        name: &'static str,
        p: T,
        f: fn(T, T) -> T,
        df: fn(T, T, T) -> T,
        kind: Param,
    ) -> Var<'t, T> {
        if self.id().is_tensor() {
            let id = map_param_tensor(self.tape, self.id(), MapParamOp { name, p, f, df });
            return Var::from_parts(self.tape, id, T::zero());
        }
        let y = f(self.val, p);
        self.unary(df(self.val, p, y), y, name, move || match kind {
            Param::Arith(op) => Instr::Arith1 {
                op,
                a: self.id().raw(),
                c: p,
            },
            Param::Prim(_) | Param::User => Instr::MapParam(Box::new(MapParamInstr {
                a: self.id().raw(),
                p,
                prim: match kind {
                    Param::Prim(p) => Some(p),
                    _ => None,
                },
                name,
            })),
        })
    }

    /// The result `y` of a one-operand operation with local derivative `d`: folded into this
    /// `Var` (no node) unless tracing or anomaly mode needs a node per operation.
    #[track_caller]
    #[inline(always)]
    fn unary(self, d: T, y: T, name: &'static str, instr: impl FnOnce() -> Instr<T>) -> Var<'t, T> {
        let (id, own, w) = self.tape.unary_parts(self.id(), d * self.w, y, name, instr);
        Var {
            tape: self.tape,
            val: y,
            tag: tag(id, own),
            w,
        }
    }

    /// Applies the binary function `B`, broadcasting tensors. Two scalars on distinct
    /// recorded nodes record one node; otherwise the result folds (see [`Var`]).
    ///
    /// ```
    /// use wengert_tape::{op::Binary, Tape};
    /// struct Max;
    /// impl Binary<f64> for Max {
    ///     const NAME: &'static str = "max";
    ///     fn f(a: f64, b: f64) -> f64 { a.max(b) }
    ///     fn d(a: f64, b: f64, _y: f64) -> (f64, f64) {
    ///         if a >= b { (1.0, 0.0) } else { (0.0, 1.0) }
    ///     }
    /// }
    /// let tape = Tape::new();
    /// let (a, b) = (tape.var(3.0), tape.var(4.0));
    /// let g = tape.backward(a.zip::<Max>(b) * 2.0);
    /// assert_eq!((g[a], g[b]), (0.0, 2.0));
    /// ```
    ///
    /// # Panics
    /// If the shapes cannot be broadcast or the `Var`s are on different tapes.
    #[track_caller]
    #[inline(always)]
    pub fn zip<B: Binary<T>>(self, other: Var<'t, T>) -> Var<'t, T> {
        if NodeId::both_scalar(self.id(), other.id()) && std::ptr::eq(self.tape, other.tape) {
            return self.zip_scalar::<B>(other);
        }
        // Only a tensor comes out of here (two tapes panic).
        let id = zip_slow::<T, B>(
            self.tape, self.tag, self.val, self.w, other.tape, other.tag, other.val, other.w,
        );
        Var::from_parts(self.tape, id, T::zero())
    }

    /// [`Var::zip`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::Broadcast`] or [`ErrorKind::DifferentTapes`].
    #[track_caller]
    pub fn try_zip<B: Binary<T>>(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        if !std::ptr::eq(self.tape, other.tape) {
            return Err(Error::here(ErrorKind::DifferentTapes { op: B::NAME }));
        }
        if NodeId::both_scalar(self.id(), other.id()) {
            return Ok(self.zip_scalar::<B>(other));
        }
        let loc = std::panic::Location::caller();
        let shape =
            broadcast_shapes(B::NAME, &self.shape(), &other.shape()).map_err(|e| e.at(loc))?;
        Ok(self
            .tape
            .record_op(ZipOp::<B>::new(), &[self, other], shape))
    }

    #[track_caller]
    #[inline(always)]
    fn zip_scalar<B: Binary<T>>(self, other: Var<'t, T>) -> Var<'t, T> {
        let (a, b) = (self.val, other.val);
        let y = B::f(a, b);
        let (da, db) = B::d(a, b, y);
        let (ia, ib) = (self.id(), other.id());
        let instr = move || zip_instr::<T, B>(ia, a, ib, b);
        let (wa, wb) = (da * self.w, db * other.w);
        // One `Var` built at the end from scalar parts: returning early from each case made
        // LLVM keep the handles in stack memory.
        let tape = self.tape;
        let (id, own, w) = if ia.is_const() || ib.is_const() {
            let (i, wi) = if ia.is_const() { (ib, wb) } else { (ia, wa) };
            tape.unary_parts(i, wi, y, B::NAME, instr)
        } else if ia == ib && tape.fold.get() {
            (ia, false, wa + wb)
        } else {
            (
                tape.push2(ia, wa, ib, wb, y, B::NAME, instr),
                true,
                T::one(),
            )
        };
        Var {
            tape,
            val: y,
            tag: tag(id, own),
            w,
        }
    }
}

// The slow paths take a Var's fields as scalar arguments and return only a `NodeId`: passing
// a `Var` (or `&[Var]`) to a function that is not inlined would pin every `Var` of the
// caller's loop in memory, and returning one (through a pointer to the caller's stack) made
// the fast path build every result in that stack slot too. Returning the id instead took
// recording Rosenbrock from 27 µs to 17 µs and g from 49 µs to 37 µs (n = 1000).

#[cold]
#[inline(never)]
#[track_caller]
fn map_tensor<T: Real, U: Unary<T>>(tape: &Tape<T>, id: NodeId) -> NodeId {
    let x = Var::from_parts(tape, id, T::zero());
    tape.record_op(MapOp::<U>::new(), &[x], x.shape()).id()
}

#[cold]
#[inline(never)]
#[track_caller]
fn map_param_tensor<T: Real>(tape: &Tape<T>, id: NodeId, op: MapParamOp<T>) -> NodeId {
    let x = Var::from_parts(tape, id, T::zero());
    tape.record_op(op, &[x], x.shape()).id()
}

#[cold]
#[inline(never)]
#[track_caller]
#[allow(clippy::too_many_arguments)]
fn zip_slow<'t, T: Real, B: Binary<T>>(
    tape: &'t Tape<T>,
    tag: u64,
    val: T,
    w: T,
    tb: &'t Tape<T>,
    tag_b: u64,
    vb: T,
    wb: T,
) -> NodeId {
    let x = Var { tape, val, tag, w };
    let y = Var {
        tape: tb,
        val: vb,
        tag: tag_b,
        w: wb,
    };
    match x.try_zip::<B>(y) {
        Ok(v) => v.id(),
        Err(e) => panic!("{e}"),
    }
}

/// The trace instruction of a scalar binary node: the tape's own arithmetic by name, any
/// other `Binary` through its table of functions.
fn zip_instr<T: Real, B: Binary<T>>(ia: NodeId, a: T, ib: NodeId, b: T) -> Instr<T> {
    let t = TypeId::of::<B>();
    let op = [
        (TypeId::of::<AddFn>(), Arith::Add),
        (TypeId::of::<SubFn>(), Arith::Sub),
        (TypeId::of::<MulFn>(), Arith::Mul),
        (TypeId::of::<DivFn>(), Arith::Div),
    ]
    .into_iter()
    .find(|(id, _)| *id == t)
    .map(|(_, op)| op);
    match (op, ia.is_const(), ib.is_const()) {
        (Some(op), false, false) => Instr::Arith2 {
            op,
            a: ia.raw(),
            b: ib.raw(),
        },
        (Some(op), false, true) => Instr::Arith1 {
            op,
            a: ia.raw(),
            c: b,
        },
        (Some(op), true, false) => Instr::Arith1 {
            op: op.flipped(),
            a: ib.raw(),
            c: a,
        },
        _ => Instr::Zip(Box::new(ZipInstr {
            a: Src::of(ia, a),
            b: Src::of(ib, b),
            fns: crate::trace::binary::<T, B>(),
        })),
    }
}

/// What a parameterised map is: the tape's arithmetic, a primitive, or a user's function.
#[derive(Clone, Copy)]
pub(crate) enum Param {
    Arith(Arith),
    Prim(Prim),
    User,
}
