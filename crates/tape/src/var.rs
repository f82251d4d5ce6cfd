use crate::arith::{AddFn, DivFn, MulFn, SubFn};
use crate::elementwise::{MapOp, MapParamOp, ZipOp};
use crate::id::NodeId;
use crate::op::{Binary, Unary};
use crate::replay::{Arith, Instr, MapParamInstr, Src, ZipInstr};
use crate::shape::{broadcast_shapes, Shape};
use crate::tape::{TKind, Tape};
use crate::tensor::Tensor;
use crate::{Error, ErrorKind, Real};
use smallvec::smallvec;
use std::any::TypeId;
use std::fmt;

/// A handle to a value recorded on a [`Tape`]: the tape, the node id and, for a scalar, its
/// value. It is `Copy`, so expressions read like plain arithmetic.
///
/// ```
/// use wengert_tape::Tape;
/// let tape = Tape::<f64>::new();
/// let x = tape.var(3.0);
/// let y = x * x + 2.0 * x;
/// assert_eq!(y.value(), 15.0);
/// assert_eq!(tape.backward(y)[x], 8.0); // 2x + 2
/// ```
///
/// # Folding
/// A scalar `Var` stands for `w · node` plus a constant: an operation with one
/// differentiable operand (`x.sin()`, `2.0 * x`, `x - 1.0`, `x * x`) records nothing and
/// multiplies its local derivative into `w`, the chain rule applied as the value is computed
/// (Adept's expression templates do the same within one statement). Only an operation of two
/// distinct recorded operands appends a node, storing both partials already multiplied by the
/// operands' `w`. A chain of unary functions therefore costs no tape at all.
///
/// The price: such a folded `Var` has no node of its own, so `grads[v]` panics for it (its
/// operand's adjoint is not its gradient). Call [`Var::retain_grad`] on an intermediate
/// *before* using it to read its gradient. Leaves and the results of two-operand
/// operations always have nodes of their own. Replay and anomaly mode turn folding off.
#[derive(Clone, Copy)]
// `val` and `w` are kept apart: adjacent, LLVM loads them as one 16-byte vector right after
// storing them as two 8-byte halves, a store-forwarding stall on every operation.
#[repr(C)]
pub struct Var<'t, T: Real> {
    tape: &'t Tape<T>,
    val: T,
    /// The node id in the low 32 bits; bit 32 set when it is this value's own node (`w = 1`),
    /// clear when folded. One 8-byte field: with a `u32` and a `bool` the padding between
    /// them made every copy of a `Var` a byte-wise memcpy whose wide loads could not be
    /// forwarded from the narrow stores just made (measured: 20 % of a recording loop).
    tag: u64,
    /// `d(self) = w · d(node id)`.
    w: T,
}

const OWN: u64 = 1 << 32;

#[inline(always)]
fn tag(id: NodeId, own: bool) -> u64 {
    id.raw() as u64 | if own { OWN } else { 0 }
}

impl<T: Real> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.id().is_tensor() {
            write!(f, "Var({:?}, shape {})", self.id(), self.shape())
        } else {
            write!(f, "Var({:?}, {})", self.id(), self.val)
        }
    }
}

impl<'t, T: Real> Var<'t, T> {
    pub(crate) fn from_parts(tape: &'t Tape<T>, id: NodeId, val: T) -> Self {
        Var {
            tape,
            val,
            tag: tag(id, true),
            w: T::one(),
        }
    }

    /// The weight `w` of `d(self) = w · d(node)` (one unless folded) and whether the node is
    /// this value's own.
    pub(crate) fn fold_parts(&self) -> (T, bool) {
        (self.w, self.tag & OWN != 0)
    }

    /// This value with a node of its own, so that its gradient can be read after a backward
    /// sweep. A folded scalar gets a one-operand node (24 bytes for `f64`); a leaf, a
    /// two-operand result, a constant or a tensor is returned as it is.
    ///
    /// Call it before the value is used: only uses of the returned `Var` reach its node.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.var(3.0);
    /// let h = (x * 2.0).retain_grad(); // h = 2x, with a node of its own
    /// let y = h * h + x; // y = h² + x
    /// let g = tape.backward(y);
    /// assert_eq!(g[h], 12.0); // ∂y/∂h = 2h
    /// assert_eq!(g[x], 25.0); // 2h·2 + 1
    /// ```
    #[track_caller]
    pub fn retain_grad(self) -> Var<'t, T> {
        Var::from_parts(self.tape, self.tape.materialize(self), self.val)
    }

    /// Whether reading this `Var`'s gradient is meaningful: false for a folded scalar.
    pub(crate) fn owns_node(&self) -> bool {
        self.tag & OWN != 0
    }

    /// The tape this `Var` is recorded on.
    pub fn tape(&self) -> &'t Tape<T> {
        self.tape
    }

    /// The node id: for a folded scalar (see [`Var`]), the node its gradient flows into.
    #[inline(always)]
    pub fn id(&self) -> NodeId {
        NodeId::from_raw(self.tag as u32)
    }

    /// Whether this is a tensor (of any rank, rank 0 included) rather than a scalar node.
    pub fn is_tensor(&self) -> bool {
        self.id().is_tensor()
    }

    /// Whether gradients flow into this `Var` (false for constants and detached values).
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// assert!(tape.var(1.0).requires_grad());
    /// assert!(!tape.var(1.0).detach().requires_grad());
    /// ```
    pub fn requires_grad(&self) -> bool {
        if self.id().is_tensor() {
            self.tape.inner.borrow().tnodes[self.id().index()].grad
        } else {
            !self.id().is_const()
        }
    }

    /// The shape: `[]` for a scalar.
    pub fn shape(&self) -> Shape {
        if self.id().is_tensor() {
            self.tape.inner.borrow().tnodes[self.id().index()]
                .shape
                .clone()
        } else {
            Shape::scalar()
        }
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        if self.id().is_tensor() {
            self.tape.inner.borrow().tnodes[self.id().index()]
                .shape
                .numel()
        } else {
            1
        }
    }

    /// The value of a scalar, or of a tensor with one element.
    ///
    /// # Panics
    /// If this is a tensor with more than one element (use [`Var::to_vec`]).
    #[track_caller]
    pub fn value(&self) -> T {
        if !self.id().is_tensor() {
            return self.val;
        }
        let s = self.tape.inner.borrow();
        let n = &s.tnodes[self.id().index()];
        assert!(
            n.shape.numel() == 1,
            "wengert: value: the tensor has shape {}; use to_vec",
            n.shape
        );
        s.tvals[n.off]
    }

    /// The elements, row-major (one for a scalar).
    pub fn to_vec(&self) -> Vec<T> {
        self.with_values(|v| v.to_vec())
    }

    /// The value as an owned [`Tensor`].
    pub fn to_tensor(&self) -> Tensor<T> {
        Tensor::new(self.shape(), self.to_vec())
    }

    /// Calls `f` with the elements, without copying.
    pub fn with_values<R>(&self, f: impl FnOnce(&[T]) -> R) -> R {
        if !self.id().is_tensor() {
            return f(std::slice::from_ref(&self.val));
        }
        let s = self.tape.inner.borrow();
        let n = &s.tnodes[self.id().index()];
        f(&s.tvals[n.off..n.off + n.len()])
    }

    /// Element `i` (row-major) of a tensor as a scalar `Var`; the gradient flows back to
    /// that element. On a scalar, `i` must be 0 and the `Var` itself is returned.
    ///
    /// # Panics
    /// If `i` is out of range.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let t = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    /// let y = t.elem(1) * 10.0;
    /// assert_eq!(tape.backward(y).wrt(t), &[0.0, 10.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn elem(self, i: usize) -> Var<'t, T> {
        let n = self.numel();
        if i >= n {
            panic!(
                "{}",
                Error::here(ErrorKind::IndexOutOfRange {
                    op: "elem",
                    index: i,
                    len: n
                })
            );
        }
        if !self.id().is_tensor() {
            return self;
        }
        let val = self.with_values(|v| v[i]);
        let mut s = self.tape.inner.borrow_mut();
        let t = self.id().index() as u32;
        if !s.tnodes[t as usize].grad {
            return Var::from_parts(self.tape, NodeId::CONST, val);
        }
        let id = s.push_scalar_node(Instr::FromTensor { t, elem: i }, "elem", val);
        s.push_tnode(
            0,
            Shape::scalar(),
            TKind::ToScalar {
                scalar: id.raw(),
                elem: i,
            },
            smallvec![t],
            true,
            std::panic::Location::caller(),
        );
        Var::from_parts(self.tape, id, val)
    }

    /// A copy through which no gradient flows (`stop_gradient`, `detach`).
    #[track_caller]
    pub fn detach(self) -> Var<'t, T> {
        if self.id().is_tensor() {
            // Recorded as an identity op whose node needs no gradient, so replay recomputes it.
            let shape = self.shape();
            let v = self
                .tape
                .record_op(crate::elementwise::DetachOp, &[self], shape);
            self.tape.inner.borrow_mut().tnodes[v.id().index()].grad = false;
            return v;
        }
        let mut s = self.tape.inner.borrow_mut();
        // Without replay a detached scalar is just a constant; with it, a node with no
        // operands, so that replay recomputes its value while gradients still stop there.
        if self.id().is_const() || s.program.is_none() {
            return Var::from_parts(self.tape, NodeId::CONST, self.val);
        }
        let id = s.push_scalar_node(Instr::Detach(self.id().raw()), "detach", self.val);
        Var::from_parts(self.tape, id, self.val)
    }

    /// Applies the elementwise function `U` (to every element of a tensor).
    #[track_caller]
    #[inline(always)]
    pub fn map<U: Unary<T>>(self) -> Var<'t, T> {
        if self.id().is_tensor() {
            let id = map_tensor::<T, U>(self.tape, self.id());
            return Var::from_parts(self.tape, id, T::zero());
        }
        let y = U::f(self.val);
        self.unary(U::df(self.val, y), y, U::NAME, move || Instr::Map {
            a: self.id().raw(),
            f: U::f,
            df: U::df,
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
        self.map_param_with(name, p, f, df, None)
    }

    /// [`Var::map_param`]; `arith` names the tape's own arithmetic so replay runs it inline.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn map_param_with(
        self,
        name: &'static str,
        p: T,
        f: fn(T, T) -> T,
        df: fn(T, T, T) -> T,
        arith: Option<Arith>,
    ) -> Var<'t, T> {
        if self.id().is_tensor() {
            let id = map_param_tensor(self.tape, self.id(), MapParamOp { name, p, f, df });
            return Var::from_parts(self.tape, id, T::zero());
        }
        let y = f(self.val, p);
        self.unary(df(self.val, p, y), y, name, move || match arith {
            Some(op) => Instr::Arith1 {
                op,
                a: self.id().raw(),
                c: p,
            },
            None => Instr::MapParam(Box::new(MapParamInstr {
                a: self.id().raw(),
                p,
                f,
                df,
            })),
        })
    }

    /// The result `y` of a one-operand operation with local derivative `d`: folded into this
    /// `Var` (no node) unless replay or anomaly mode needs a node per operation.
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

    /// Applies the binary function `B`, broadcasting tensors.
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

    /// A constant of this `Var`'s tape (a convenience for generic code).
    pub fn cst(&self, x: T) -> Var<'t, T> {
        self.tape.constant(x)
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

/// The replay instruction of a scalar binary node: the tape's own arithmetic inline, any
/// other `Binary` through its function pointers.
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
            f: B::f,
            d: B::d,
        })),
    }
}
