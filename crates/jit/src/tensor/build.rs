//! Tracing's side of tensors: the recording's tensor nodes laid out in the tensor memory,
//! and the instructions that connect them to the scalar program, emitted in recording order.
use super::runtime::{Kind, Node, Runtime};
use super::{TStep, Tensors};
use crate::ir::{Inst, Program, Val};
use std::sync::Arc;
use wengert_tape::trace::{TensorKind, TensorNode};
use wengert_tape::{Op, Real};

/// The tensor nodes being converted, with the forward step being gathered.
pub(crate) struct Build<T: Real> {
    nodes: Vec<Node>,
    marks: Vec<u32>,
    /// For a node written from a scalar: that scalar node.
    scalar: Vec<Option<u32>>,
    init: Vec<T>,
    ops: Vec<Box<dyn Op<T>>>,
    steps: Vec<(u32, u32)>,
    /// The next node to convert, and the first of the step being gathered.
    next: usize,
    pending: Option<u32>,
    /// Runs emitted so far (the epoch of a read).
    runs: u32,
    used: bool,
}

impl<T: Real> Build<T> {
    /// The layout of `tensors` in order: constants hold their values, the rest zeros.
    pub fn new(tensors: Vec<TensorNode<T>>) -> Build<T> {
        let mut b = Build {
            nodes: Vec::with_capacity(tensors.len()),
            marks: Vec::with_capacity(tensors.len()),
            scalar: Vec::with_capacity(tensors.len()),
            init: Vec::new(),
            ops: Vec::new(),
            steps: Vec::new(),
            next: 0,
            pending: None,
            runs: 0,
            used: false,
        };
        for t in tensors {
            let off = b.init.len();
            let (kind, scalar) = match t.kind {
                TensorKind::Const(v) => {
                    b.init.extend_from_slice(&v);
                    (Kind::Const, None)
                }
                TensorKind::Op(op) => {
                    b.ops.push(op);
                    (Kind::Op(b.ops.len() - 1), None)
                }
                TensorKind::FromScalar(s) => (Kind::Written, Some(s)),
                _ => (Kind::Const, None),
            };
            b.init.resize(off + t.shape.numel(), T::zero());
            b.nodes.push(Node {
                off,
                shape: t.shape,
                kind,
                inputs: t.inputs,
            });
            b.marks.push(t.mark);
            b.scalar.push(scalar);
        }
        b
    }

    /// Converts the tensor nodes recorded before scalar node `i`: an op joins the step being
    /// gathered, a promoted scalar is written.
    pub fn before(&mut self, i: usize, p: &mut Program<T>, map: &[Val]) {
        while self.next < self.nodes.len() && self.marks[self.next] as usize <= i {
            let n = &self.nodes[self.next];
            match n.kind {
                Kind::Op(_) => {
                    self.pending.get_or_insert(self.next as u32);
                }
                Kind::Written => {
                    let s = self.scalar[self.next].expect("a written node has its scalar");
                    p.push(Inst::TWrite {
                        slot: n.off as u32,
                        v: map[s as usize],
                        add: false,
                    });
                    self.used = true;
                }
                Kind::Const => {}
            }
            self.next += 1;
        }
    }

    /// Element `elem` of tensor node `t`: a constant, the promoted scalar itself, or a read
    /// after the step that computes it.
    pub fn element(&mut self, t: u32, elem: u32, p: &mut Program<T>, map: &[Val]) -> Val {
        let n = &self.nodes[t as usize];
        let slot = n.off + elem as usize;
        match n.kind {
            Kind::Const => p.push(Inst::Const(self.init[slot])),
            Kind::Written => map[self.scalar[t as usize].expect("written") as usize],
            Kind::Op(_) => {
                self.flush(p);
                p.push(Inst::TRead {
                    slot: slot as u32,
                    epoch: self.runs,
                })
            }
        }
    }

    /// Emits the step being gathered.
    fn flush(&mut self, p: &mut Program<T>) {
        if let Some(a) = self.pending.take() {
            self.steps.push((a, self.next as u32));
            p.push(Inst::TRun(TStep::Forward(self.steps.len() as u32 - 1)));
            self.runs += 1;
            self.used = true;
        }
    }

    /// Attaches the tensor ops to `p` (if any instruction uses them). Ops after the last
    /// read are never run: no output depends on them.
    pub fn finish(self, p: &mut Program<T>) {
        if !self.used {
            return;
        }
        let names = self.ops.iter().map(|o| o.name()).collect();
        let len = self.init.len();
        let steps = self.steps.len();
        let rt = Runtime::new(self.nodes, self.steps, self.init, self.ops);
        p.tensors = Some(Arc::new(Tensors {
            exec: Box::new(rt),
            len,
            steps,
            names,
        }));
    }
}
