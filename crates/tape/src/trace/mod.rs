//! Tracing: a recorded scalar function exported as a flat list of nodes, for a compiler
//! (the `wengert-jit` crate) to turn into its own program. The tape does not depend on the
//! compiler; this module is the whole interface between them.
//!
//! A trace records with folding off (one node per operation), so node `i`
//! is scalar node `i` of the recording and the first `inputs` nodes are the inputs. Each
//! node names its operation: the tape's arithmetic, a [`Unary`](crate::op::Unary) or
//! [`Binary`](crate::op::Binary) op through its [table of functions](UnaryFns) (with its
//! [`Prim`] when it has a primitive meaning, and `extern "C"` trampolines when not), a
//! parameterised map with its constant, or a branch-free [`Var::select_cmp`](crate::Var::select_cmp).
//!
//! **Control flow.** Rust branches on values are frozen in a trace. Every comparison of
//! `Var`s (`a < b`, `x > 0.0`, `partial_cmp`, `==`) made while tracing is kept as a
//! [`Guard`]: the comparison, its outcome and the source line, so that a compiled function
//! can refuse inputs that take another branch.
//!
//! ```
//! use wengert_tape::trace::{self, Node, Prim, Src};
//! // f(x, y) = x·y + 2
//! let t = trace::trace(&[3.0, 4.0], |_, v| v[0] * v[1] + 2.0).unwrap();
//! assert_eq!(t.inputs, 2);
//! assert!(matches!(t.nodes[2], Node::Arith { op: Prim::Mul, a: Src::Node(0), b: Src::Node(1) }));
//! assert!(matches!(t.nodes[3], Node::Arith { op: Prim::Add, b: Src::Const(2.0), .. }));
//! assert!(matches!(t.outputs[..], [Src::Node(3)]));
//! ```
use crate::{Error, Real, Tape, Var};
use std::panic::Location;

mod compare;
mod export;
mod fns;
mod recording;
mod tensor;
pub use recording::{record, record_many, Recording};
pub use tensor::{TensorKind, TensorNode};
pub(crate) mod instr;

pub(crate) use fns::{binary, unary};
pub use fns::{BinaryFns, UnaryFns};

/// The primitive meaning of an op, for a compiler to emit inline (instead of calling the
/// op's functions by address) and to differentiate symbolically. Set through
/// [`Unary::PRIM`](crate::op::Unary::PRIM), [`Binary::PRIM`](crate::op::Binary::PRIM) or
/// [`Var::map_param_prim`](crate::Var::map_param_prim); the op's own functions must compute
/// exactly what the name says.
///
/// ```
/// use wengert_tape::{op::Unary, trace::Prim};
/// struct Twice;
/// impl Unary<f64> for Twice {
///     const NAME: &'static str = "twice";
///     const PRIM: Option<Prim> = None; // no primitive: compiled code calls `f` and `df`
///     fn f(x: f64) -> f64 { 2.0 * x }
///     fn df(_: f64, _: f64) -> f64 { 2.0 }
/// }
/// assert_eq!(<Twice as Unary<f64>>::PRIM, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Prim {
    /// `-x`
    Neg,
    /// `1/x`
    Recip,
    /// `x²`
    Square,
    /// `|x|`, derivative `sign x` (0 at 0)
    Abs,
    /// `√x`
    Sqrt,
    /// `eˣ`
    Exp,
    /// `eˣ − 1`
    ExpM1,
    /// `ln x`
    Ln,
    /// `ln(1 + x)`
    Ln1p,
    /// `sin x`
    Sin,
    /// `cos x`
    Cos,
    /// `tan x`
    Tan,
    /// `tanh x`
    Tanh,
    /// `1/(1 + e⁻ˣ)`, computed without overflow
    Sigmoid,
    /// `ln(1 + eˣ)`, computed without overflow
    Softplus,
    /// `ln σ(x) = −softplus(−x)`
    LogSigmoid,
    /// `if x < 0 { 0 } else { x }`, derivative 1 for `x > 0`
    Relu,
    /// `xⁿ` with the integer `n` as the parameter of a parameterised map
    Powi,
    /// `xᵖ` with the parameter `p`
    Powf,
    /// `if x < lo { lo } else { x }` with the parameter `lo`
    ClampMin,
    /// `if x > hi { hi } else { x }` with the parameter `hi`
    ClampMax,
    /// `a + b`
    Add,
    /// `a − b`
    Sub,
    /// `a · b`
    Mul,
    /// `a / b`
    Div,
    /// `max(a, b)`, the gradient to `a` unless `a < b`
    Max,
    /// `min(a, b)`, the gradient to `a` unless `a > b`
    Min,
    /// `aᵇ`, both variable (`∂/∂a` is 0 where `b = 0`, `∂/∂b` is 0 where `a = 0`)
    Pow,
}

/// A comparison, for guards and [`Var::select_cmp`](crate::Var::select_cmp). With NaN every
/// comparison but `Ne` is false.
///
/// ```
/// use wengert_tape::trace::Cmp;
/// assert!(Cmp::Le.eval(1.0, 1.0));
/// assert!(!Cmp::Lt.eval(f64::NAN, 1.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
}

impl Cmp {
    /// Evaluates the comparison.
    pub fn eval<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// An operand: an earlier node or a constant baked in at tracing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Src<T> {
    /// Node `i`.
    Node(u32),
    /// A constant.
    Const(T),
}

/// One traced operation. Operands are earlier nodes.
#[derive(Clone, Copy, Debug)]
pub enum Node<T: 'static> {
    /// Input `k`.
    Input(u32),
    /// A leaf created inside the traced function: a constant at its traced value.
    Leaf(T),
    /// A detached copy of node `a`: the value flows, the gradient does not.
    Detach(u32),
    /// `-a`, the tape's negation.
    Neg(u32),
    /// The tape's arithmetic: `op` is [`Prim::Add`], [`Prim::Sub`], [`Prim::Mul`] or
    /// [`Prim::Div`].
    Arith {
        /// The operation.
        op: Prim,
        /// Left operand.
        a: Src<T>,
        /// Right operand.
        b: Src<T>,
    },
    /// A [`Unary`](crate::op::Unary) op of node `a`.
    Unary {
        /// The operand.
        a: u32,
        /// The op's functions.
        op: &'static UnaryFns<T>,
    },
    /// `f(a, p)`, a parameterised map ([`Var::map_param`](crate::Var::map_param)); only
    /// those with a primitive can be compiled.
    Param {
        /// The operand.
        a: u32,
        /// The parameter.
        p: T,
        /// The primitive ([`Prim::Powi`], [`Prim::Powf`], [`Prim::ClampMin`], [`Prim::ClampMax`]).
        prim: Option<Prim>,
        /// The op's name.
        name: &'static str,
    },
    /// A [`Binary`](crate::op::Binary) op.
    Binary {
        /// Left operand.
        a: Src<T>,
        /// Right operand.
        b: Src<T>,
        /// The op's functions.
        op: &'static BinaryFns<T>,
    },
    /// Element `elem` (row-major) of tensor node `tensor` ([`Recording::tensors`]).
    Element {
        /// The tensor node.
        tensor: u32,
        /// The element.
        elem: u32,
    },
    /// `if a <cmp> b { t } else { f }`, decided anew on every evaluation.
    Select {
        /// The comparison.
        cmp: Cmp,
        /// Left side.
        a: Src<T>,
        /// Right side.
        b: Src<T>,
        /// The value when it holds.
        t: Src<T>,
        /// The value otherwise.
        f: Src<T>,
    },
}

/// A comparison that decided a branch while tracing.
#[derive(Clone, Copy, Debug)]
pub struct Guard<T> {
    /// The comparison.
    pub cmp: Cmp,
    /// Left side.
    pub a: Src<T>,
    /// Right side.
    pub b: Src<T>,
    /// Its outcome when traced.
    pub expect: bool,
    /// The number of nodes recorded before it (its place in the node order).
    pub at: u32,
    /// The source line of the comparison.
    pub loc: &'static Location<'static>,
}

/// A traced scalar function: its nodes, guards, inputs and outputs.
#[derive(Clone, Debug)]
pub struct Trace<T: 'static> {
    /// The nodes; the first `inputs` are [`Node::Input`].
    pub nodes: Vec<Node<T>>,
    /// The guards, in order of `at`.
    pub guards: Vec<Guard<T>>,
    /// The number of inputs.
    pub inputs: usize,
    /// The outputs.
    pub outputs: Vec<Src<T>>,
}

/// Traces the scalar function `f` at `x`: `f` receives the tape and one `Var` per input.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) if the function records
/// a tensor op (a [`Trace`] holds scalar nodes; [`record`] keeps tensor nodes too) or
/// returns a tensor of more than one element.
///
/// ```
/// let t = wengert_tape::trace::trace(&[1.0], |_, x| x[0] * 2.0).unwrap();
/// assert_eq!((t.inputs, t.nodes.len(), t.outputs.len()), (1, 2, 1));
/// ```
#[track_caller]
pub fn trace<T: Real, F>(x: &[T], f: F) -> Result<Trace<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T>,
{
    trace_many(x, |t, v| vec![f(t, v)])
}

/// [`trace`] for a function of several outputs.
///
/// # Errors
/// As [`trace`].
///
/// ```
/// let t = wengert_tape::trace::trace_many(&[1.0, 2.0], |_, x| vec![x[0] * x[1], x[1]]).unwrap();
/// assert_eq!(t.outputs.len(), 2);
/// ```
#[track_caller]
pub fn trace_many<T: Real, F>(x: &[T], f: F) -> Result<Trace<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let loc = Location::caller();
    let r = record_many(x, f)?;
    if let Some(n) = r
        .tensors
        .iter()
        .find(|n| matches!(n.kind, TensorKind::Op(_)))
    {
        let what = format!(
            "a tensor op (at {}:{}): a Trace holds scalar nodes only (`record` keeps tensor \
             nodes)",
            n.loc.file(),
            n.loc.line()
        );
        return Err(export::unsupported(&what, loc));
    }
    Ok(r.into_trace())
}
