use crate::id::NodeId;
use crate::shape::Shape;
use crate::tape::{TKind, Tape};
use crate::tensor::Tensor;
use crate::trace::instr::Instr;
use crate::{Error, ErrorKind, Real};
use smallvec::smallvec;
use std::fmt;

mod apply;
pub(crate) use apply::Param;

/// A handle to a value recorded on a [`Tape`]: the tape, the node id and, for a scalar, its
/// value and fold weight (below). It is `Copy`, so expressions read like plain arithmetic.
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
/// operations always have nodes of their own. Tracing and anomaly mode turn folding off.
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
        (self.w, self.owns_node())
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
    ///
    /// # Panics
    /// If `f` records an operation or runs a backward sweep on this tape (its values are
    /// borrowed while `f` runs): the message says so. Copy them out with [`Var::to_vec`].
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
        let mut s = self.tape.inner_mut();
        let t = self.id().index() as u32;
        if !s.tnodes[t as usize].grad {
            return Var::from_parts(self.tape, NodeId::CONST, val);
        }
        // A trace refuses tensors of more than `u32::MAX` elements (`trace::record`).
        let ins = Instr::FromTensor {
            t,
            elem: i.min(u32::MAX as usize) as u32,
        };
        let id = s.push_scalar_node(ins, "elem", val);
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
            // Recorded as an identity op whose node needs no gradient.
            let shape = self.shape();
            let v = self
                .tape
                .record_op(crate::elementwise::DetachOp, &[self], shape);
            self.tape.inner_mut().tnodes[v.id().index()].grad = false;
            return v;
        }
        let mut s = self.tape.inner_mut();
        // Outside a trace a detached scalar is just a constant; in one, a node with no
        // operands, so that compiled code recomputes its value while gradients still stop there.
        if self.id().is_const() || s.program.is_none() {
            return Var::from_parts(self.tape, NodeId::CONST, self.val);
        }
        let id = s.push_scalar_node(Instr::Detach(self.id().raw()), "detach", self.val);
        Var::from_parts(self.tape, id, self.val)
    }

    /// A constant of this `Var`'s tape (a convenience for generic code).
    pub fn cst(&self, x: T) -> Var<'t, T> {
        self.tape.constant(x)
    }
}
