//! The tensor nodes of a recording, for a compiler that runs tensor ops by calling them
//! (`wengert-jit` keeps them whole: a matmul stays one call of its own `forward` and `vjp`).
//!
//! A tensor node that does not depend on the traced inputs (a leaf made inside the function,
//! an op of leaves) is exported as its value: a compiled function needs only the nodes whose
//! values change from call to call, and their ops.
use super::export::unsupported;
use crate::op::Op;
use crate::shape::Shape;
use crate::tape::{TKind, TNode};
use crate::{Error, Real};
use smallvec::SmallVec;
use std::panic::Location;

/// How a tensor node of a [`Recording`](super::Recording) was made.
#[non_exhaustive]
pub enum TensorKind<T: Real> {
    /// A value that does not depend on the inputs, as recorded.
    Const(Vec<T>),
    /// An op of the node's inputs (at least one of which depends on the traced inputs).
    Op(Box<dyn Op<T>>),
    /// Scalar node `s` promoted to a rank-0 tensor.
    FromScalar(u32),
}

impl<T: Real> std::fmt::Debug for TensorKind<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TensorKind::Const(v) => write!(f, "Const({} elements)", v.len()),
            TensorKind::Op(op) => write!(f, "Op({})", op.name()),
            TensorKind::FromScalar(s) => write!(f, "FromScalar({s})"),
        }
    }
}

/// One tensor node of a recording, in recording order (inputs precede their users).
///
/// ```
/// use wengert_tape::trace::{self, Node, TensorKind};
/// // element 1 of a constant tensor times an input
/// let r = trace::record(&[2.0], |t, x| (t.constant_tensor([2], vec![3.0, 4.0]) * x[0]).elem(1))
///     .unwrap();
/// assert!(r.tensors.iter().any(|n| matches!(n.kind, TensorKind::Op(_))));
/// assert!(r.nodes().any(|n| matches!(n, Node::Element { elem: 1, .. })));
/// ```
#[derive(Debug)]
pub struct TensorNode<T: Real> {
    /// The number of scalar nodes recorded before this node (its place among them).
    pub mark: u32,
    /// The node's shape.
    pub shape: Shape,
    /// How it was made.
    pub kind: TensorKind<T>,
    /// The tensor nodes it reads (for [`TensorKind::Op`]).
    pub inputs: SmallVec<[u32; 2]>,
    /// The source line that recorded it.
    pub loc: &'static Location<'static>,
}

/// The tape's tensor nodes exported: elements-of nodes (`Var::elem`) dropped, since the
/// scalar node they define says which element it reads ([`Node::Element`](super::Node::Element)).
pub(super) fn export<T: Real>(
    tnodes: Vec<TNode<T>>,
    tvals: &[T],
    loc: &'static Location<'static>,
) -> Result<Vec<TensorNode<T>>, Error> {
    let mut dep = vec![false; tnodes.len()];
    let mut out = Vec::with_capacity(tnodes.len());
    for (k, n) in tnodes.into_iter().enumerate() {
        if n.shape.numel() > u32::MAX as usize {
            let what = format!(
                "a tensor of {} elements (`{}` at {}:{}) is too large to trace",
                n.shape.numel(),
                n.name(),
                n.loc.file(),
                n.loc.line()
            );
            return Err(unsupported(&what, loc));
        }
        let (off, len) = (n.off, n.len());
        let value = || tvals[off..off + len].to_vec();
        let kind = match n.kind {
            TKind::Leaf => TensorKind::Const(value()),
            TKind::FromScalar(s) => {
                dep[k] = true;
                TensorKind::FromScalar(s)
            }
            TKind::Op(_) if !n.inputs.iter().any(|&i| dep[i as usize]) => {
                TensorKind::Const(value())
            }
            TKind::Op(op) => {
                dep[k] = true;
                TensorKind::Op(op)
            }
            // No values: the scalar node it made is a `Node::Element`. Kept as an empty
            // constant so that tensor node numbers stay the tape's.
            TKind::ToScalar { .. } => TensorKind::Const(Vec::new()),
        };
        let shape = match kind {
            TensorKind::Const(ref v) if v.is_empty() => Shape::from([0]),
            _ => n.shape,
        };
        out.push(TensorNode {
            mark: n.mark,
            shape,
            kind,
            inputs: n.inputs,
            loc: n.loc,
        });
    }
    Ok(out)
}
