//! Recording tensor ops through the open op interface.
use crate::op::{Op, TensorRef};
use crate::shape::Shape;
use crate::tape::{TKind, Tape};
use crate::var::Var;
use crate::Real;
use smallvec::SmallVec;
use std::panic::Location;

impl<T: Real> Tape<T> {
    /// Records a tensor op: runs `op.forward` on the inputs' values and appends the result.
    ///
    /// Scalar inputs are promoted to rank-0 tensors. The caller checks shapes and computes
    /// `out_shape`; see [`Op`] for a complete custom op.
    ///
    /// # Panics
    /// If the inputs were recorded on another tape, if `out_shape` has more than
    /// `usize::MAX` elements, or if its values cannot be allocated.
    #[track_caller]
    pub fn record_op<O: Op<T>>(
        &self,
        mut op: O,
        inputs: &[Var<'_, T>],
        out_shape: impl Into<Shape>,
    ) -> Var<'_, T> {
        let out_shape = out_shape.into();
        // Checked outside the closure below: a closure does not inherit `#[track_caller]`.
        if inputs.iter().any(|v| !std::ptr::eq(v.tape(), self)) {
            panic!(
                "{}",
                crate::Error::here(crate::ErrorKind::DifferentTapes { op: op.name() })
            );
        }
        let ids: SmallVec<[u32; 2]> = inputs.iter().map(|v| self.as_tensor(*v)).collect();
        let len = out_shape.numel();
        let mut g = self.inner_mut();
        let s = &mut *g;
        let off = s.tvals.len();
        if s.tvals.try_reserve(len).is_err() {
            drop(g);
            no_room(op.name(), &out_shape, len);
        }
        s.tvals.resize(off + len, T::zero());
        let (below, out) = s.tvals.split_at_mut(off);
        {
            let refs: SmallVec<[TensorRef<'_, T>; 4]> = ids
                .iter()
                .map(|&i| {
                    let n = &s.tnodes[i as usize];
                    TensorRef {
                        data: &below[n.off..n.off + n.len()],
                        shape: &n.shape,
                    }
                })
                .collect();
            op.forward(&refs, out);
        }
        let grad = ids.iter().any(|&i| s.tnodes[i as usize].grad);
        let id = s.push_tnode(
            off,
            out_shape,
            TKind::Op(Box::new(op)),
            ids,
            grad,
            Location::caller(),
        );
        drop(g);
        Var::from_parts(self, id, T::zero())
    }

    /// The tensor index of `v`, promoting a scalar to a rank-0 tensor node.
    #[track_caller]
    pub(crate) fn as_tensor(&self, v: Var<'_, T>) -> u32 {
        if v.id().is_tensor() {
            return v.id().index() as u32;
        }
        let id = self.materialize(v);
        let mut s = self.inner_mut();
        let off = s.tvals.len();
        s.tvals.push(v.value());
        let (kind, grad) = if id.is_const() {
            (TKind::Leaf, false)
        } else {
            (TKind::FromScalar(id.raw()), true)
        };
        s.push_tnode(
            off,
            Shape::scalar(),
            kind,
            SmallVec::new(),
            grad,
            Location::caller(),
        )
        .index() as u32
    }
}

/// A failed allocation would abort the process: panic instead, naming the op and the shape.
#[cold]
#[inline(never)]
#[track_caller]
fn no_room(op: &str, shape: &Shape, len: usize) -> ! {
    let l = Location::caller();
    panic!(
        "wengert: {op}: cannot allocate {len} elements for its result of shape {shape} \
         (at {}:{}:{})",
        l.file(),
        l.line(),
        l.column()
    )
}
