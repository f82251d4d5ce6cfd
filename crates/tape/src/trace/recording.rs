//! A trace before its nodes are written out, for a reader that visits each node once.
use super::export::{node, unsupported};
use super::instr::Instr;
use super::{Guard, Node, Src, TensorNode, Trace};
use crate::{Error, Real, Tape, Var};
use std::panic::Location;

/// A traced function whose nodes are converted on the fly by [`Recording::nodes`]: a
/// compiler that reads them once (as `wengert-jit` does) needs no array of [`Node`]s, which
/// at 72 bytes a node was a third of the cost of tracing a large function. [`trace`] and
/// [`trace_many`] return the [`Trace`] made of it ([`Recording::into_trace`]).
///
/// [`trace`]: super::trace
/// [`trace_many`]: super::trace_many
///
/// ```
/// use wengert_tape::trace::{self, Node};
/// let r = trace::record(&[3.0], |_, v| v[0] * 2.0).unwrap();
/// assert_eq!(r.len(), 2);
/// assert!(matches!(r.nodes().nth(1), Some(Node::Arith { .. })));
/// assert_eq!(r.into_trace().nodes.len(), 2);
/// ```
pub struct Recording<T: Real> {
    instrs: Vec<Instr<T>>,
    /// The guards, in order of `at`.
    pub guards: Vec<Guard<T>>,
    /// The number of inputs.
    pub inputs: usize,
    /// The outputs.
    pub outputs: Vec<Src<T>>,
    /// The tensor nodes, in recording order; [`Node::Element`] reads one of their elements.
    /// Empty for a scalar function.
    pub tensors: Vec<TensorNode<T>>,
}

impl<T: Real> Recording<T> {
    /// The number of nodes.
    ///
    /// ```
    /// let r = wengert_tape::trace::record(&[1.0, 2.0], |_, v| v[0] * v[1]).unwrap();
    /// assert_eq!(r.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.instrs.len()
    }

    /// Whether there are no nodes (a function of no inputs returning a constant).
    ///
    /// ```
    /// let r = wengert_tape::trace::record(&[], |t, _| t.constant(1.0)).unwrap();
    /// assert!(r.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.instrs.is_empty()
    }

    /// The nodes in order, each converted when reached.
    ///
    /// ```
    /// use wengert_tape::trace::{self, Node};
    /// let r = trace::record(&[1.0], |_, v| -v[0]).unwrap();
    /// assert!(matches!(r.nodes().collect::<Vec<_>>()[..], [Node::Input(0), Node::Neg(0)]));
    /// ```
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = Node<T>> + '_ {
        let n = self.inputs;
        self.instrs
            .iter()
            .enumerate()
            .map(move |(i, ins)| node(i, n, ins))
    }

    /// The [`Trace`], every node written out.
    ///
    /// ```
    /// let t = wengert_tape::trace::record(&[1.0], |_, v| v[0] + 1.0).unwrap().into_trace();
    /// assert_eq!(t.nodes.len(), 2);
    /// ```
    pub fn into_trace(mut self) -> Trace<T> {
        Trace {
            nodes: self.nodes().collect(),
            guards: std::mem::take(&mut self.guards),
            inputs: self.inputs,
            outputs: std::mem::take(&mut self.outputs),
        }
    }
}

impl<T: Real> Drop for Recording<T> {
    fn drop(&mut self) {
        spare::give(std::mem::take(&mut self.instrs));
    }
}

/// The buffers of the last trace on this thread, kept for the next (cleared, at most
/// [`spare::MAX_BYTES`] each): a trace of 10⁵ nodes touches about 9 MB of fresh memory,
/// and on the machine of docs/benchmarks.md its page faults were 60 % of the trace's time
/// when a function was compiled again and again (retracing, a benchmark).
mod spare {
    use std::any::Any;
    use std::cell::RefCell;

    /// The largest buffer kept.
    pub const MAX_BYTES: usize = 64 << 20;

    thread_local! {
        static SPARE: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
    }

    /// A kept `Vec<E>`, or a new one.
    pub fn take<E: 'static>() -> Vec<E> {
        SPARE
            .try_with(|s| {
                let mut s = s.borrow_mut();
                let i = s.iter().position(|b| b.is::<Vec<E>>())?;
                s.swap_remove(i).downcast::<Vec<E>>().ok().map(|b| *b)
            })
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Keeps `v`'s memory for the next [`take`] (one buffer per element type).
    pub fn give<E: 'static>(mut v: Vec<E>) {
        if v.capacity() * std::mem::size_of::<E>() > MAX_BYTES {
            return;
        }
        v.clear();
        // A thread being torn down keeps nothing.
        let _ = SPARE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                if !s.iter().any(|b| b.is::<Vec<E>>()) {
                    s.push(Box::new(v));
                }
            }
        });
    }
}

/// [`trace`](super::trace), its nodes left to be converted on the fly.
///
/// # Errors
/// As [`trace`](super::trace).
///
/// ```
/// let r = wengert_tape::trace::record(&[2.0], |_, v| v[0] * v[0]).unwrap();
/// assert_eq!((r.inputs, r.outputs.len()), (1, 1));
/// ```
#[track_caller]
pub fn record<T: Real, F>(x: &[T], f: F) -> Result<Recording<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T>,
{
    record_many(x, |t, v| vec![f(t, v)])
}

/// [`trace_many`](super::trace_many), its nodes left to be converted on the fly.
///
/// # Errors
/// As [`trace`](super::trace).
///
/// ```
/// let r = wengert_tape::trace::record_many(&[2.0], |_, v| vec![v[0], v[0] * 3.0]).unwrap();
/// assert_eq!(r.outputs.len(), 2);
/// ```
#[track_caller]
pub fn record_many<T: Real, F>(x: &[T], f: F) -> Result<Recording<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let loc = Location::caller();
    let tape = Tape::new();
    tape.set_program();
    {
        let mut s = tape.inner_mut();
        s.guards = Some(Vec::new());
        s.nodes = spare::take();
        s.program = Some(spare::take());
    }
    let outs = {
        let xs = tape.vars(x);
        f(&tape, &xs)
            .into_iter()
            .map(|y| {
                // A one-element tensor (a `sum_all`, a `dot`) is the scalar it holds.
                let y = if y.is_tensor() && y.numel() == 1 {
                    y.elem(0)
                } else {
                    y
                };
                if y.is_tensor() {
                    let what = format!(
                        "an output is a tensor of shape {}: a traced function returns \
                         scalars (a sum, an element)",
                        y.shape()
                    );
                    Err(unsupported(&what, loc))
                } else if y.id().is_const() {
                    Ok(Src::Const(y.value()))
                } else {
                    Ok(Src::Node(y.id().raw()))
                }
            })
            .collect::<Vec<Result<_, _>>>()
    };
    let mut s = tape.inner.into_inner();
    spare::give(std::mem::take(&mut s.nodes));
    let tensors = super::tensor::export(std::mem::take(&mut s.tnodes), &s.tvals, loc)?;
    let outs = outs.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(Recording {
        instrs: s.program.unwrap_or_default(),
        guards: s.guards.unwrap_or_default(),
        inputs: x.len(),
        outputs: outs,
        tensors,
    })
}
