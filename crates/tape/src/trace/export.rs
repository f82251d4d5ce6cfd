//! Converting the recording's trace instructions into the public trace nodes.
use super::instr::{self, Arith, Instr};
use super::{Node, Prim, Src};
use crate::{Error, ErrorKind, Real};
use std::panic::Location;

pub(super) fn unsupported(what: &str, loc: &'static Location<'static>) -> Error {
    Error::new(ErrorKind::InvalidArgument {
        op: "trace",
        reason: what.to_string(),
    })
    .at(loc)
}

fn src<T: Real>(s: instr::Src<T>) -> Src<T> {
    match s {
        instr::Src::Node(i) => Src::Node(i),
        instr::Src::Const(c) => Src::Const(c),
    }
}

fn arith(op: Arith) -> Prim {
    match op {
        Arith::Add => Prim::Add,
        Arith::Sub | Arith::RSub => Prim::Sub,
        Arith::Mul => Prim::Mul,
        Arith::Div | Arith::RDiv => Prim::Div,
        Arith::Neg => Prim::Neg,
    }
}

#[inline(always)]
pub(super) fn node<T: Real>(i: usize, inputs: usize, ins: &Instr<T>) -> Node<T> {
    match *ins {
        Instr::Leaf(_) if i < inputs => Node::Input(i as u32),
        Instr::Leaf(x) => Node::Leaf(x),
        Instr::Detach(a) => Node::Detach(a),
        Instr::Map { a, fns } => Node::Unary { a, op: fns },
        Instr::MapParam(ref m) => Node::Param {
            a: m.a,
            p: m.p,
            prim: m.prim,
            name: m.name,
        },
        Instr::Zip(ref z) => Node::Binary {
            a: src(z.a),
            b: src(z.b),
            op: z.fns,
        },
        Instr::Select(ref s) => Node::Select {
            cmp: s.cmp,
            a: src(s.a),
            b: src(s.b),
            t: src(s.t),
            f: src(s.f),
        },
        Instr::FromTensor { t, elem } => Node::Element { tensor: t, elem },
        Instr::Arith1 {
            op: Arith::Neg, a, ..
        } => Node::Neg(a),
        Instr::Arith1 { op, a, c } => {
            let (x, c) = (Src::Node(a), Src::Const(c));
            let (a, b) = match op {
                Arith::RSub | Arith::RDiv => (c, x),
                _ => (x, c),
            };
            Node::Arith {
                op: arith(op),
                a,
                b,
            }
        }
        Instr::Arith2 { op, a, b } => {
            let (x, z) = (Src::Node(a), Src::Node(b));
            let (a, b) = match op {
                Arith::RSub | Arith::RDiv => (z, x),
                _ => (x, z),
            };
            Node::Arith {
                op: arith(op),
                a,
                b,
            }
        }
    }
}
