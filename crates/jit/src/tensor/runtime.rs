//! Running tensor steps: the ops' `forward` and `vjp` on one call's memory, as the tape's
//! backward sweep runs them (`wengert_tape::Tape::backward`).
use super::{Body, Ctx, Exec, TStep};
use crate::kernel::GuardFailed;
use smallvec::SmallVec;
use std::sync::{Mutex, MutexGuard};
use wengert_tape::{Op, Real, Shape, TensorRef};

/// How a tensor node's values are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Set once (a constant, or a node no step computes).
    Const,
    /// Op `k` of the call's set.
    Op(usize),
    /// Written by an `Inst::TWrite` (a scalar promoted to a tensor).
    Written,
}

/// One tensor node: where its values are and how they are made.
#[derive(Clone, Debug)]
pub(super) struct Node {
    pub off: usize,
    pub shape: Shape,
    pub kind: Kind,
    pub inputs: SmallVec<[u32; 2]>,
}

impl Node {
    fn len(&self) -> usize {
        self.shape.numel()
    }

    /// Whether gradients flow into it (its values depend on the inputs).
    fn dep(&self) -> bool {
        self.kind != Kind::Const
    }
}

/// One call's memory and ops.
struct Call<T: Real> {
    mem: Vec<T>,
    ops: Vec<Box<dyn Op<T>>>,
}

/// The runtime: the nodes, the steps, the first call's context and the pool of others.
pub(super) struct Runtime<T: Real> {
    pub nodes: Vec<Node>,
    /// Forward step `k` is nodes `steps[k].0 .. steps[k].1`.
    pub steps: Vec<(u32, u32)>,
    /// The recorded ops and the memory with the constants set: copied for a new context,
    /// or run by one call at a time if an op cannot be copied.
    proto: Mutex<Call<T>>,
    pool: Mutex<Vec<Call<T>>>,
    copyable: bool,
    /// The element ranges whose adjoints a sweep uses (constants have none), merged.
    live: Vec<(usize, usize)>,
}

impl<T: Real> Runtime<T> {
    /// A runtime whose memory starts as `init` (values; the adjoints are added here).
    pub fn new(
        nodes: Vec<Node>,
        steps: Vec<(u32, u32)>,
        mut init: Vec<T>,
        ops: Vec<Box<dyn Op<T>>>,
    ) -> Runtime<T> {
        let len = init.len();
        init.resize(2 * len, T::zero());
        let copyable = ops.iter().all(|o| o.boxed_clone().is_some());
        let mut live: Vec<(usize, usize)> = Vec::new();
        for n in nodes.iter().filter(|n| n.dep()) {
            match live.last_mut() {
                Some(r) if r.1 == n.off => r.1 = n.off + n.len(),
                _ => live.push((n.off, n.off + n.len())),
            }
        }
        Runtime {
            live,
            nodes,
            steps,
            proto: Mutex::new(Call { mem: init, ops }),
            pool: Mutex::new(Vec::new()),
            copyable,
        }
    }

    fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
        // A panic in an op leaves nothing half-done that a later call relies on: every step
        // rewrites what it reads (outputs zeroed, adjoints zeroed per sweep).
        m.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Real> Exec<T> for Runtime<T> {
    fn call(&self, f: Body<'_, T>) -> Result<(), GuardFailed> {
        if !self.copyable {
            let mut c = Self::lock(&self.proto);
            return f(&mut Running {
                rt: self,
                c: &mut c,
            });
        }
        let popped = Self::lock(&self.pool).pop();
        let mut c = popped.unwrap_or_else(|| {
            let p = Self::lock(&self.proto);
            Call {
                mem: p.mem.clone(),
                ops: p
                    .ops
                    .iter()
                    .map(|o| o.boxed_clone().expect("checked: every op copies"))
                    .collect(),
            }
        });
        let r = f(&mut Running {
            rt: self,
            c: &mut c,
        });
        Self::lock(&self.pool).push(c);
        r
    }
}

/// A context in use.
struct Running<'a, T: Real> {
    rt: &'a Runtime<T>,
    c: &'a mut Call<T>,
}

impl<T: Real> Ctx<T> for Running<'_, T> {
    fn mem(&mut self) -> &mut [T] {
        &mut self.c.mem
    }

    fn step(&mut self, s: TStep) {
        let half = self.c.mem.len() / 2;
        let (vals, adj) = self.c.mem.split_at_mut(half);
        match s {
            // Constants (a weight matrix) have no adjoint to clear.
            TStep::ZeroAdjoints => {
                for &(a, b) in &self.rt.live {
                    adj[a..b].fill(T::zero());
                }
            }
            TStep::Forward(k) => {
                let (a, b) = self.rt.steps[k as usize];
                for n in &self.rt.nodes[a as usize..b as usize] {
                    if let Kind::Op(j) = n.kind {
                        forward(&self.rt.nodes, n, &mut *self.c.ops[j], vals);
                    }
                }
            }
            TStep::Backward(k) => {
                let (a, b) = self.rt.steps[k as usize];
                for n in self.rt.nodes[a as usize..b as usize].iter().rev() {
                    if let Kind::Op(j) = n.kind {
                        backward(&self.rt.nodes, n, &*self.c.ops[j], vals, adj);
                    }
                }
            }
        }
    }
}

/// The views of node `n`'s inputs in `vals`.
fn refs<'a, T>(nodes: &'a [Node], n: &Node, vals: &'a [T]) -> SmallVec<[TensorRef<'a, T>; 4]> {
    n.inputs
        .iter()
        .map(|&i| {
            let m = &nodes[i as usize];
            TensorRef {
                data: &vals[m.off..m.off + m.len()],
                shape: &m.shape,
            }
        })
        .collect()
}

/// `out = op(inputs)`; the inputs lie below the output (nodes are laid out in order).
fn forward<T: Real>(nodes: &[Node], n: &Node, op: &mut dyn Op<T>, vals: &mut [T]) {
    let (below, above) = vals.split_at_mut(n.off);
    let out = &mut above[..n.len()];
    out.fill(T::zero());
    op.forward(&refs(nodes, n, below), out);
}

/// Adds `op`'s VJP into the adjoints of `n`'s inputs that depend on the inputs.
fn backward<T: Real>(nodes: &[Node], n: &Node, op: &dyn Op<T>, vals: &[T], adj: &mut [T]) {
    let (below, above) = adj.split_at_mut(n.off);
    let gout = &above[..n.len()];
    if gout.iter().all(|g| g.is_zero()) {
        return;
    }
    let inputs = refs(nodes, n, vals);
    let out = TensorRef {
        data: &vals[n.off..n.off + n.len()],
        shape: &n.shape,
    };
    for (p, &i) in n.inputs.iter().enumerate() {
        let m = &nodes[i as usize];
        if m.dep() {
            op.vjp(p, &inputs, out, gout, &mut below[m.off..m.off + m.len()]);
        }
    }
}
