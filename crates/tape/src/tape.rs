use crate::id::NodeId;
use crate::op::Op;
use crate::shape::Shape;
use crate::trace::instr::Instr;
use crate::Real;
use smallvec::SmallVec;
use std::cell::{Cell, RefCell};
use std::panic::Location;

/// A Wengert list: the record of every operation on its [`Var`](crate::Var)s.
///
/// Nodes are appended as operations run, so **parents always precede children**: an
/// operand's id is smaller than its result's (within each of the scalar and tensor lists,
/// and across them through the scalar watermark each tensor node keeps). The backward sweep
/// relies on this and walks the lists once, in reverse.
///
/// ```
/// use wengert_tape::Tape;
/// let mut tape = Tape::<f64>::new();
/// for step in 0..3 {
///     let x = tape.var(step as f64);
///     let y = x * x;
///     assert_eq!(tape.backward(y)[x], 2.0 * step as f64);
///     tape.clear(); // reuses the memory: no allocation once warm
/// }
/// ```
pub struct Tape<T: Real> {
    pub(crate) inner: RefCell<Inner<T>>,
    /// Whether one-operand operations fold into their operand's `Var` instead of recording
    /// a node (see [`Var`](crate::Var)): true unless tracing or anomaly mode is on, i.e. unless
    /// `program` or `debug` is set, which need every node and its hook. The recording fast
    /// path's one test, outside the `RefCell` so that it is read without a borrow.
    pub(crate) fold: Cell<bool>,
}

pub(crate) struct Inner<T: Real> {
    /// Scalar nodes: two parents and the local partials, stored when recorded.
    pub nodes: Vec<SNode<T>>,
    pub tnodes: Vec<TNode<T>>,
    /// All tensor values, each node a contiguous range.
    pub tvals: Vec<T>,
    /// Trace instructions, one per scalar node, while tracing (`crate::trace`).
    pub program: Option<Vec<Instr<T>>>,
    /// Per scalar node: name, source line and value, in anomaly mode.
    pub debug: Option<Vec<(&'static str, &'static Location<'static>, T)>>,
    /// Buffers returned by dropped gradients, reused by the next backward.
    pub pool: Vec<Vec<T>>,
    /// Comparisons that decided a branch, while tracing (`crate::trace`).
    pub guards: Option<Vec<crate::trace::Guard<T>>>,
}

/// A scalar node `i`: `adj[a] += wa·adj[i]; adj[b] += wb·adj[i]` is its whole backward rule.
///
/// A node with one operand points `b` at itself with `wb = 0`, a leaf points both at itself;
/// that keeps the sweep free of branches, and a self-edge never feeds another node because
/// every consumer of node `i` comes after it and was swept already.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SNode<T> {
    pub a: u32,
    pub b: u32,
    pub wa: T,
    pub wb: T,
}

pub(crate) struct TNode<T: Real> {
    pub off: usize,
    pub shape: Shape,
    pub kind: TKind<T>,
    pub inputs: SmallVec<[u32; 2]>,
    pub grad: bool,
    /// The number of scalar nodes recorded before this node was complete.
    pub mark: u32,
    pub loc: &'static Location<'static>,
}

pub(crate) enum TKind<T: Real> {
    Leaf,
    Op(Box<dyn Op<T>>),
    /// A scalar node promoted to a rank-0 tensor.
    FromScalar(u32),
    /// Scalar node `scalar` is element `elem` of input 0; this node has no values.
    ToScalar {
        scalar: u32,
        elem: usize,
    },
}

impl<T: Real> TNode<T> {
    pub fn len(&self) -> usize {
        match self.kind {
            TKind::ToScalar { .. } => 0,
            _ => self.shape.numel(),
        }
    }

    pub fn name(&self) -> &'static str {
        match &self.kind {
            TKind::Leaf => "leaf",
            TKind::Op(op) => op.name(),
            TKind::FromScalar(_) => "from_scalar",
            TKind::ToScalar { .. } => "item",
        }
    }
}

impl<T: Real> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Real> Tape<T> {
    /// An empty tape.
    pub fn new() -> Tape<T> {
        Tape {
            inner: RefCell::new(Inner {
                nodes: Vec::new(),
                tnodes: Vec::new(),
                tvals: Vec::new(),
                program: None,
                debug: None,
                pool: Vec::new(),
                guards: None,
            }),
            fold: Cell::new(true),
        }
    }

    /// An empty tape with room for `nodes` scalar nodes. The count is a hint: a capacity
    /// that cannot be allocated is not reserved (the tape grows as it records).
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f32>::with_capacity(1 << 10);
    /// assert_eq!(tape.len(), 0);
    /// ```
    pub fn with_capacity(nodes: usize) -> Tape<T> {
        let t = Tape::new();
        {
            let mut s = t.inner_mut();
            let _ = s.nodes.try_reserve(nodes);
        }
        t
    }

    /// Forgets every node but keeps the memory, so that a loop that records a fresh graph
    /// each step allocates nothing once warm. Anomaly mode stays as it was.
    ///
    /// Taking `&mut self` guarantees that no [`Var`](crate::Var) of the old graph is still alive.
    pub fn clear(&mut self) {
        let s = self.inner.get_mut();
        s.nodes.clear();
        s.tnodes.clear();
        s.tvals.clear();
        if let Some(p) = &mut s.program {
            p.clear();
        }
        if let Some(d) = &mut s.debug {
            d.clear();
        }
    }

    /// The number of scalar nodes plus tensor nodes.
    pub fn len(&self) -> usize {
        let s = self.inner.borrow();
        s.nodes.len() + s.tnodes.len()
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of tape used by the scalar nodes recorded so far: `8 + 2·size_of::<T>()` per
    /// node (24 for `f64`, 16 for `f32`), whatever its number of operands. One-operand
    /// operations fold into their operand and take none (see [`Var`](crate::Var)).
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let (x, y) = (tape.var(1.0), tape.var(2.0));
    /// let _ = (x * 3.0 - 1.0) * (2.0 / y); // only the product of x and y is a node
    /// assert_eq!(tape.scalar_bytes(), 3 * 24); // two leaves, then the product
    /// ```
    pub fn scalar_bytes(&self) -> usize {
        self.inner.borrow().nodes.len() * std::mem::size_of::<SNode<T>>()
    }

    /// The number of scalar nodes recorded so far.
    pub fn scalar_len(&self) -> usize {
        self.inner.borrow().nodes.len()
    }

    /// Turns anomaly mode on or off. In anomaly mode every node keeps its name, value and the
    /// source line that recorded it, and [`Tape::try_backward`] stops at the first node
    /// whose value or gradient is not finite (like `torch.autograd.detect_anomaly`).
    ///
    /// Switching the mode clears the tape, so that every node carries its information.
    ///
    /// ```
    /// use wengert_tape::{ErrorKind, Tape};
    /// let mut tape = Tape::<f64>::new();
    /// tape.set_anomaly(true);
    /// let x = tape.var(-1.0);
    /// let z = x - x;
    /// let y = (z / z) * 2.0; // 0/0 is NaN
    /// let err = tape.try_backward(y).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::Anomaly { op: "div", what: "value", .. }));
    /// assert!(err.to_string().contains(file!()));
    /// ```
    pub fn set_anomaly(&mut self, on: bool) {
        self.clear();
        let s = self.inner.get_mut();
        s.debug = if on { Some(Vec::new()) } else { None };
        self.fold.set(!s.hooked());
    }

    /// The tape's lists, mutably: what recording and sweeping take. A read of the values
    /// ([`Var::with_values`](crate::Var::with_values)) borrows them for its closure, so
    /// recording or sweeping inside it is refused with a message naming the rule (RefCell's
    /// own said only "already borrowed"). The same test as `borrow_mut`, so free on the fast
    /// path.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn inner_mut(&self) -> std::cell::RefMut<'_, Inner<T>> {
        match self.inner.try_borrow_mut() {
            Ok(s) => s,
            Err(_) => busy(),
        }
    }

    pub(crate) fn set_program(&self) {
        let mut s = self.inner_mut();
        s.program = Some(Vec::new());
        self.fold.set(false);
    }

    /// The node of `v` itself: for a folded scalar, a new one-operand node `w · node`.
    #[track_caller]
    pub(crate) fn materialize(&self, v: crate::Var<'_, T>) -> NodeId {
        let (w, own) = v.fold_parts();
        let id = v.id();
        if own || id.is_const() || id.is_tensor() {
            return id;
        }
        // A value is folded only while the hooks are off, so no instruction is ever built.
        self.push1(id, w, v.value(), "retain_grad", || {
            unreachable!("a folded value exists only with tracing and anomaly mode off")
        })
    }

    /// The id, ownership and weight of a one-operand result `y` with `d(y) = w · d(a)`:
    /// folded into `a` (no node), or, when tracing or anomaly mode is on, a node of its own.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn unary_parts(
        &self,
        a: NodeId,
        w: T,
        y: T,
        name: &'static str,
        instr: impl FnOnce() -> Instr<T>,
    ) -> (NodeId, bool, T) {
        if a.is_const() {
            (NodeId::CONST, true, T::one())
        } else if self.fold.get() {
            (a, false, w)
        } else {
            (self.push1(a, w, y, name, instr), true, T::one())
        }
    }

    /// Records a scalar node with the one recorded (not constant) operand `a`: only with
    /// folding off, since a folded one-operand result records nothing.
    #[inline(always)]
    #[track_caller]
    fn push1(
        &self,
        a: NodeId,
        da: T,
        val: T,
        name: &'static str,
        instr: impl FnOnce() -> Instr<T>,
    ) -> NodeId {
        debug_assert!(!a.is_const());
        let mut s = self.inner_mut();
        let i = s.nodes.len();
        debug_assert!(a.index() < i, "parents precede children");
        s.nodes.push(SNode {
            a: a.raw(),
            b: i as u32,
            wa: da,
            wb: T::zero(),
        });
        if !self.fold.get() {
            s.hook(instr, name, val);
        }
        NodeId::scalar(i)
    }

    /// Records a scalar node with the recorded (not constant) operands `a` and `b`; a
    /// constant operand makes the operation a one-operand one, folded by the caller.
    #[inline(always)]
    #[track_caller]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push2(
        &self,
        a: NodeId,
        da: T,
        b: NodeId,
        db: T,
        val: T,
        name: &'static str,
        instr: impl FnOnce() -> Instr<T>,
    ) -> NodeId {
        debug_assert!(!a.is_const() && !b.is_const());
        let mut s = self.inner_mut();
        let i = s.nodes.len();
        debug_assert!(a.index() < i && b.index() < i, "parents precede children");
        s.nodes.push(SNode {
            a: a.raw(),
            b: b.raw(),
            wa: da,
            wb: db,
        });
        if !self.fold.get() {
            s.hook(instr, name, val);
        }
        NodeId::scalar(i)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn busy() -> ! {
    let l = Location::caller();
    panic!(
        "wengert: cannot record an operation or run a backward sweep on a tape while its values \
         are being read (inside Var::with_values); copy them out with to_vec() first, or \
         record after the closure returns (at {}:{}:{})",
        l.file(),
        l.line(),
        l.column()
    )
}

impl<T: Real> Inner<T> {
    /// Whether tracing or anomaly mode keeps per-node information (then `Tape::fold` is off).
    pub(crate) fn hooked(&self) -> bool {
        self.program.is_some() || self.debug.is_some()
    }

    /// Keeps the trace instruction and the anomaly information of the node just pushed.
    /// The instruction is built here, not passed in: built by the caller it went through
    /// the stack in pieces and was read back whole, a store-forwarding stall that was most
    /// of this function's time while tracing.
    #[cold]
    #[track_caller]
    pub(crate) fn hook(&mut self, instr: impl FnOnce() -> Instr<T>, name: &'static str, val: T) {
        if let Some(p) = &mut self.program {
            p.push(instr());
        }
        if let Some(d) = &mut self.debug {
            d.push((name, Location::caller(), val));
        }
    }

    /// Records a scalar node with no operands (a leaf, or a value taken from a tensor).
    #[track_caller]
    pub(crate) fn push_scalar_node(
        &mut self,
        instr: Instr<T>,
        name: &'static str,
        val: T,
    ) -> NodeId {
        let i = self.nodes.len();
        let id = NodeId::scalar(i);
        self.nodes.push(SNode {
            a: i as u32,
            b: i as u32,
            wa: T::zero(),
            wb: T::zero(),
        });
        if self.hooked() {
            self.hook(|| instr, name, val);
        }
        id
    }

    pub(crate) fn push_tnode(
        &mut self,
        off: usize,
        shape: Shape,
        kind: TKind<T>,
        inputs: SmallVec<[u32; 2]>,
        grad: bool,
        loc: &'static Location<'static>,
    ) -> NodeId {
        let k = self.tnodes.len();
        debug_assert!(
            inputs.iter().all(|&i| (i as usize) < k),
            "parents precede children"
        );
        let mark = self.nodes.len() as u32;
        self.tnodes.push(TNode {
            off,
            shape,
            kind,
            inputs,
            grad,
            mark,
            loc,
        });
        NodeId::tensor(k)
    }
}
