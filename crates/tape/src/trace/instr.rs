//! The instruction kept per scalar node while tracing: what the recording hook builds (on
//! after `Tape::set_program`) and `export` turns into the public `Node`s. It holds only what
//! a trace exports; the rare wide forms are boxed so that the common ones (the tape's
//! arithmetic, unary maps) stay small and the hook stays cheap.
use super::{BinaryFns, Cmp, Prim, UnaryFns};
use crate::id::NodeId;

/// How one scalar node was computed from its operands.
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
    /// Element `elem` (row-major) of tensor node `t`.
    FromTensor {
        t: u32,
        elem: u32,
    },
    /// `x ∘ c` (or `c ∘ x` for the reversed ops) with the tape's own arithmetic.
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
    /// The branch-free select, decided anew on every evaluation of the compiled program.
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

/// `f(x, p)` with a constant parameter: the trace keeps its primitive and name.
#[derive(Clone)]
pub(crate) struct MapParamInstr<T> {
    pub a: u32,
    pub p: T,
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

/// The tape's own arithmetic. `RSub`, `RDiv` put the constant on the left.
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
}

/// An operand: a recorded node, or a constant baked in at recording.
#[derive(Clone, Copy)]
pub(crate) enum Src<T> {
    Node(u32),
    Const(T),
}

impl<T> Src<T> {
    pub fn of(id: NodeId, v: T) -> Src<T> {
        if id.is_const() {
            Src::Const(v)
        } else {
            Src::Node(id.raw())
        }
    }
}
