//! Record once, replay: re-evaluate a recorded function's value and gradient at new inputs
//! without recording again (as CppAD's `ADFun` and echidna's bytecode tape do).
//!
//! **The rule.** Rust control flow that depends on values (`if x > 0.0 { .. }`, a loop
//! count, the choice of a label) is frozen at recording: replay follows the path taken then.
//! Operations recorded on the tape decide anew from the new values: `max`, `min`, `relu`,
//! `abs`, `clamp`, argmax-based reductions and switch/select by a recorded index all
//! re-evaluate their branch on replay. Constants (`Tape::constant`, `Var op T`) and leaves
//! created inside the function other than the inputs keep their recorded values; a
//! `detach`ed value is recomputed but still stops gradients.
//!
//! **The cost.** Replay interprets one instruction per recorded operation (recording for
//! replay keeps a node per operation; a program without tensor nodes is swept with folding,
//! like a fresh recording). Since recording folds and runs inline, replaying a scalar
//! function costs about as much as recording it anew (1.2–1.4× in `docs/benchmarks.md`; less
//! for very small functions). Replay pays off when the caller's own code around the tape
//! operations is the expensive part, or to keep one recorded function with its control flow
//! fixed; for tensor programs the work is in the ops either way.
//!
//! ```
//! use wengert_tape::replay::Replay;
//! // f(x, y) = x² y + 1/x
//! let mut f = Replay::record(&[1.0, 2.0], |_, v| v[0] * v[0] * v[1] + 1.0 / v[0]);
//! let mut g = [0.0; 2];
//! let val = f.value_and_grad(&[2.0, 4.0], &mut g);
//! assert_eq!(val, 16.0 + 0.5);
//! assert_eq!(g, [2.0 * 2.0 * 4.0 - 0.25, 4.0]); // (2xy - 1/x², x²)
//! ```
use crate::id::NodeId;
use crate::op::TensorRef;
use crate::tape::{Inner, TKind, Tape};
use crate::trace::{BinaryFns, Cmp, Prim, UnaryFns};
use crate::{Real, Tensor, Var};
use smallvec::SmallVec;

mod folded;

/// How to recompute one scalar node (and its partials) from its operands.
///
/// The rare wide forms are boxed so that the common ones (the tape's arithmetic, unary maps)
/// stay 24 bytes: replay streams through this list once per evaluation.
#[derive(Clone)]
pub(crate) enum Instr<T: 'static> {
    Leaf(T),
    Detach(u32),
    /// A `Unary` op, by its table of functions (one pointer keeps `Instr` small).
    Map {
        a: u32,
        fns: &'static UnaryFns<T>,
    },
    MapParam(Box<MapParamInstr<T>>),
    Zip(Box<ZipInstr<T>>),
    FromTensor {
        t: u32,
        elem: usize,
    },
    /// `x ∘ c` (or `c ∘ x` for the reversed ops) with the tape's own arithmetic: replayed
    /// without calling through function pointers.
    Arith1 {
        op: Arith,
        a: u32,
        c: T,
    },
    /// `x ∘ z`, both recorded nodes.
    Arith2 {
        op: Arith,
        a: u32,
        b: u32,
    },
    /// The branch-free select, decided anew on every replay.
    Select(Box<SelectInstr<T>>),
}

/// `if a <cmp> b { t } else { f }`.
#[derive(Clone)]
pub(crate) struct SelectInstr<T> {
    pub cmp: Cmp,
    pub a: Src<T>,
    pub b: Src<T>,
    pub t: Src<T>,
    pub f: Src<T>,
}

impl<T: Real> SelectInstr<T> {
    /// The value and the partials in `t` and `f`.
    #[inline]
    pub fn eval(&self, vals: &[T]) -> (T, T, T) {
        let (o, z) = (T::one(), T::zero());
        if self.cmp.eval(self.a.get(vals), self.b.get(vals)) {
            (self.t.get(vals), o, z)
        } else {
            (self.f.get(vals), z, o)
        }
    }
}

/// `f(x, p)` with a constant parameter.
#[derive(Clone)]
pub(crate) struct MapParamInstr<T> {
    pub a: u32,
    pub p: T,
    pub f: fn(T, T) -> T,
    pub df: fn(T, T, T) -> T,
    pub prim: Option<Prim>,
    pub name: &'static str,
}

/// A binary function other than the tape's arithmetic.
#[derive(Clone)]
pub(crate) struct ZipInstr<T: 'static> {
    pub a: Src<T>,
    pub b: Src<T>,
    pub fns: &'static BinaryFns<T>,
}

/// The tape's own arithmetic, replayed inline. `RSub`, `RDiv` put the constant on the left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    RSub,
    /// `-x` (not `0 - x`, which differs at `x = +0`); its constant is unused.
    Neg,
    RDiv,
}

impl Arith {
    /// `c ∘ x` written as an op on `x`.
    pub fn flipped(self) -> Arith {
        match self {
            Arith::Sub => Arith::RSub,
            Arith::Div => Arith::RDiv,
            Arith::RSub => Arith::Sub,
            Arith::RDiv => Arith::Div,
            op => op,
        }
    }

    /// The value and the partial in `x` of `x ∘ c`.
    #[inline(always)]
    fn one<T: Real>(self, x: T, c: T) -> (T, T) {
        match self {
            Arith::Add => (x + c, T::one()),
            Arith::Sub => (x - c, T::one()),
            Arith::Mul => (x * c, c),
            Arith::Div => (x / c, c.recip()),
            Arith::RSub => (c - x, -T::one()),
            Arith::Neg => (-x, -T::one()),
            Arith::RDiv => {
                let y = c / x;
                (y, -y / x)
            }
        }
    }

    /// The value and both partials of `x ∘ z`.
    #[inline(always)]
    fn two<T: Real>(self, x: T, z: T) -> (T, T, T) {
        match self {
            Arith::Add => (x + z, T::one(), T::one()),
            Arith::Sub => (x - z, T::one(), -T::one()),
            Arith::Mul => (x * z, z, x),
            Arith::Div => {
                let (y, r) = (x / z, z.recip());
                (y, r, -y * r)
            }
            Arith::RSub => (z - x, -T::one(), T::one()),
            // Never a two-operand node: negation has one operand.
            Arith::Neg => (-x, -T::one(), T::zero()),
            Arith::RDiv => {
                let (y, r) = (z / x, x.recip());
                (y, -y * r, r)
            }
        }
    }
}

/// An operand: a recorded node, or a constant baked in at recording.
#[derive(Clone, Copy)]
pub(crate) enum Src<T> {
    Node(u32),
    Const(T),
}

impl<T: Real> Src<T> {
    pub fn of(id: NodeId, v: T) -> Src<T> {
        if id.is_const() {
            Src::Const(v)
        } else {
            Src::Node(id.raw())
        }
    }
    pub(crate) fn get(self, vals: &[T]) -> T {
        match self {
            Src::Node(i) => vals[i as usize],
            Src::Const(c) => c,
        }
    }
}

/// A recorded function `f: Rⁿ → R` (scalar inputs) or of tensor inputs, ready to replay.
pub struct Replay<T: Real> {
    tape: Tape<T>,
    scalar_inputs: usize,
    tensor_inputs: Vec<u32>,
    output: NodeId,
    /// The output's recorded value, which is its value on every replay when it is constant.
    constant: T,
    vals: Vec<T>,
    /// For a program without tensor nodes: replay with folding (see `folded`).
    folded: Option<folded::Folded<T>>,
}

impl<T: Real> Replay<T> {
    /// Records `f` at the scalar inputs `x`. `f` receives the tape and one `Var` per input.
    pub fn record<F>(x: &[T], f: F) -> Replay<T>
    where
        F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T>,
    {
        let tape = Tape::new();
        tape.set_program();
        let (output, constant) = {
            let xs = tape.vars(x);
            let y = f(&tape, &xs);
            (y.id(), if y.is_tensor() { T::zero() } else { y.value() })
        };
        let folded = {
            let s = tape.inner.borrow();
            let prog = s.program.as_deref().unwrap_or(&[]);
            s.tnodes.is_empty().then(|| folded::Folded::new(prog))
        };
        // Folded replay keeps values in its own registers: `vals` then holds only the inputs.
        let n = if folded.is_some() {
            x.len()
        } else {
            tape.scalar_len()
        };
        Replay {
            tape,
            scalar_inputs: x.len(),
            tensor_inputs: Vec::new(),
            output,
            constant,
            vals: vec![T::zero(); n],
            folded,
        }
    }

    /// Records `f` at the tensor inputs `x`; [`Replay::tensor_grad`] replays it.
    ///
    /// ```
    /// use wengert_tape::{replay::Replay, Tensor};
    /// let x = Tensor::new([2], vec![1.0, 2.0]);
    /// let mut f = Replay::record_tensors(&[x], |_, v| (v[0] * v[0]).sum_all());
    /// let (val, g) = f.tensor_grad(&[Tensor::new([2], vec![3.0, 4.0])]);
    /// assert_eq!(val, 25.0);
    /// assert_eq!(g[0].data(), &[6.0, 8.0]);
    /// ```
    pub fn record_tensors<F>(x: &[Tensor<T>], f: F) -> Replay<T>
    where
        F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T>,
    {
        let tape = Tape::new();
        tape.set_program();
        let (output, constant, tensor_inputs) = {
            let xs: Vec<_> = x
                .iter()
                .map(|t| tape.tensor(t.shape().clone(), t.data().to_vec()))
                .collect();
            let ids = xs.iter().map(|v| v.id().index() as u32).collect();
            let y = f(&tape, &xs);
            let constant = if y.is_tensor() { T::zero() } else { y.value() };
            (y.id(), constant, ids)
        };
        let n = tape.scalar_len();
        Replay {
            tape,
            scalar_inputs: 0,
            tensor_inputs,
            output,
            constant,
            vals: vec![T::zero(); n],
            folded: None,
        }
    }

    /// The number of scalar inputs.
    pub fn inputs(&self) -> usize {
        self.scalar_inputs
    }

    /// The value at new scalar inputs (forward replay only).
    ///
    /// # Panics
    /// If `x` has the wrong length.
    #[track_caller]
    pub fn value(&mut self, x: &[T]) -> T {
        self.set_scalars(x);
        if let Some(f) = &mut self.folded {
            f.forward(&self.vals[..self.scalar_inputs]);
            return if self.output.is_const() {
                self.constant
            } else {
                f.value(self.output.index())
            };
        }
        self.forward();
        self.output_value()
    }

    /// The value and gradient at new scalar inputs; the gradient is written into `grad`.
    ///
    /// # Panics
    /// If `x` or `grad` has the wrong length.
    #[track_caller]
    pub fn value_and_grad(&mut self, x: &[T], grad: &mut [T]) -> T {
        assert!(
            grad.len() == self.scalar_inputs,
            "wengert: replay: grad has length {}, expected {}",
            grad.len(),
            self.scalar_inputs
        );
        let v = self.value(x);
        if let Some(f) = &mut self.folded {
            let out = (!self.output.is_const()).then(|| self.output.index());
            f.grad(out, grad);
            return v;
        }
        let y = Var::from_parts(&self.tape, self.output, v);
        let g = self.tape.backward(y);
        for (i, gi) in grad.iter_mut().enumerate() {
            *gi = g.wrt(Var::from_parts(&self.tape, NodeId::scalar(i), T::zero()))[0];
        }
        v
    }

    /// The value and the gradient with respect to each tensor input, at new tensor inputs.
    ///
    /// # Panics
    /// If the inputs' number or shapes differ from the recording's.
    #[track_caller]
    pub fn tensor_grad(&mut self, x: &[Tensor<T>]) -> (T, Vec<Tensor<T>>) {
        assert!(
            x.len() == self.tensor_inputs.len(),
            "wengert: replay: {} inputs given, {} recorded",
            x.len(),
            self.tensor_inputs.len()
        );
        {
            let s = self.tape.inner.get_mut();
            for (t, &k) in x.iter().zip(&self.tensor_inputs) {
                let n = &s.tnodes[k as usize];
                assert!(
                    t.shape() == &n.shape,
                    "wengert: replay: input shape {} differs from the recorded {}",
                    t.shape(),
                    n.shape
                );
                let off = n.off;
                s.tvals[off..off + t.data().len()].copy_from_slice(t.data());
            }
        }
        self.forward();
        let v = self.output_value();
        let y = Var::from_parts(&self.tape, self.output, v);
        let g = self.tape.backward(y);
        let grads = self
            .tensor_inputs
            .iter()
            .zip(x)
            .map(|(&k, t)| {
                let var = Var::from_parts(&self.tape, NodeId::tensor(k as usize), T::zero());
                Tensor::new(t.shape().clone(), g.to_vec(var))
            })
            .collect();
        (v, grads)
    }

    #[track_caller]
    fn set_scalars(&mut self, x: &[T]) {
        assert!(
            x.len() == self.scalar_inputs,
            "wengert: replay: {} inputs given, {} recorded",
            x.len(),
            self.scalar_inputs
        );
        self.vals[..x.len()].copy_from_slice(x);
    }

    fn output_value(&self) -> T {
        let id = self.output;
        if id.is_tensor() {
            Var::from_parts(&self.tape, id, T::zero()).value()
        } else if id.is_const() {
            self.constant
        } else {
            self.vals[id.index()]
        }
    }

    /// Re-runs every node in recording order, rewriting values and partials in place.
    fn forward(&mut self) {
        let s = self.tape.inner.get_mut();
        let vals = &mut self.vals;
        let mut cur = 0;
        for k in 0..s.tnodes.len() {
            let mark = s.tnodes[k].mark as usize;
            run_scalars(s, vals, cur, mark, self.scalar_inputs);
            cur = mark;
            let (before, rest) = s.tnodes.split_at_mut(k);
            let node = &mut rest[0];
            match &mut node.kind {
                TKind::Leaf | TKind::ToScalar { .. } => {}
                TKind::FromScalar(i) => s.tvals[node.off] = vals[*i as usize],
                TKind::Op(op) => {
                    let (below, above) = s.tvals.split_at_mut(node.off);
                    let out = &mut above[..node.shape.numel()];
                    out.iter_mut().for_each(|o| *o = T::zero());
                    let refs: SmallVec<[TensorRef<'_, T>; 4]> = node
                        .inputs
                        .iter()
                        .map(|&i| {
                            let n = &before[i as usize];
                            TensorRef {
                                data: &below[n.off..n.off + n.len()],
                                shape: &n.shape,
                            }
                        })
                        .collect();
                    op.forward(&refs, out);
                }
            }
        }
        let n = s.nodes.len();
        run_scalars(s, vals, cur, n, self.scalar_inputs);
    }
}

/// Re-runs scalar nodes `lo..hi` (skipping the first `inputs`, whose values were just set).
fn run_scalars<T: Real>(s: &mut Inner<T>, vals: &mut [T], lo: usize, hi: usize, inputs: usize) {
    let prog = s.program.as_deref().unwrap_or(&[]);
    let (nodes, tvals, tnodes) = (&mut s.nodes, &s.tvals, &s.tnodes);
    for i in lo.max(inputs)..hi {
        let n = &mut nodes[i];
        vals[i] = match &prog[i] {
            &Instr::Leaf(x) => x,
            &Instr::Detach(a) => vals[a as usize],
            &Instr::Map { a, fns } => {
                let x = vals[a as usize];
                let y = (fns.rf)(x);
                n.wa = (fns.rdf)(x, y);
                y
            }
            Instr::MapParam(m) => {
                let MapParamInstr { a, p, f, df, .. } = **m;
                let x = vals[a as usize];
                let y = f(x, p);
                n.wa = df(x, p, y);
                y
            }
            Instr::Zip(z) => {
                let ZipInstr { a, b, fns } = **z;
                let (x, z) = (a.get(vals), b.get(vals));
                let y = (fns.rf)(x, z);
                let (da, db) = (fns.rd)(x, z, y);
                // A constant operand was left out when recording: the other is `a`.
                match (a, b) {
                    (Src::Node(_), Src::Node(_)) => (n.wa, n.wb) = (da, db),
                    (Src::Node(_), Src::Const(_)) => n.wa = da,
                    _ => n.wa = db,
                }
                y
            }
            &Instr::FromTensor { t, elem } => tvals[tnodes[t as usize].off + elem],
            &Instr::Arith1 { op, a, c } => {
                let (y, w) = op.one(vals[a as usize], c);
                n.wa = w;
                y
            }
            &Instr::Arith2 { op, a, b } => {
                let (y, wa, wb) = op.two(vals[a as usize], vals[b as usize]);
                (n.wa, n.wb) = (wa, wb);
                y
            }
            Instr::Select(sel) => {
                let (y, dt, df) = sel.eval(vals);
                // As in `Zip`: a constant branch was left out, the other is `a`.
                match (sel.t, sel.f) {
                    (Src::Node(_), Src::Node(_)) => (n.wa, n.wb) = (dt, df),
                    (Src::Node(_), Src::Const(_)) => n.wa = dt,
                    (Src::Const(_), Src::Node(_)) => n.wa = df,
                    _ => {}
                }
                y
            }
        };
    }
}
