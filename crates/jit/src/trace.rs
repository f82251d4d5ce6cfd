//! Tracing: a user function recorded once by the tape ([`wengert_tape::trace`]) and turned
//! into a forward [`Program`] with the derivative of every called function beside it.
//!
//! Ops with a [`Prim`] become instructions; the few primitives without an instruction of
//! their own are written with others, exactly (`log_sigmoid x = −softplus(−x)`, `relu`
//! and `clamp` as selects). Ops without one become calls of their `extern "C"` trampolines.
use crate::error::{Error, ErrorKind};
use crate::ir::{BinOp, Cmp, Func, GuardSite, Inst, Program, UnOp, Val};
use crate::tensor::Build;
use rustc_hash::FxHashMap as HashMap;
use wengert_tape::trace::{self as tt, Node, Prim, Src};
use wengert_tape::{Real, Tape, Var};

/// How the source transforms differentiate `funcs[k]` of a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuncDeriv {
    /// No derivative known: differentiating through the call is an error.
    None,
    /// An [`Func::F1`] `f` whose derivative is the [`Func::F2`] `funcs[df](x, f(x))`.
    Unary(u32),
    /// An [`Func::F2`] whose partials are `funcs[da](a, b)` and `funcs[db](a, b)`.
    Binary(u32, u32),
    /// A detached value: the derivative is zero.
    Zero,
}

/// A program with what the transforms need to differentiate its calls.
#[derive(Clone, Debug)]
pub struct Traced<T> {
    /// The program.
    pub program: Program<T>,
    /// `derivs[k]` differentiates `program.funcs[k]` (missing entries are [`FuncDeriv::None`]).
    pub derivs: Vec<FuncDeriv>,
}

impl<T> Traced<T> {
    /// A program whose calls have no known derivatives.
    pub fn new(program: Program<T>) -> Traced<T> {
        Traced {
            program,
            derivs: Vec::new(),
        }
    }

    /// The derivative of function `f`.
    pub fn deriv(&self, f: u32) -> FuncDeriv {
        self.derivs
            .get(f as usize)
            .copied()
            .unwrap_or(FuncDeriv::None)
    }
}

/// Traces `f` at `x` into a forward program with one output.
///
/// # Errors
/// [`ErrorKind::Trace`] for what the tape cannot trace (a tensor output), [`ErrorKind::Unsupported`]
/// for a parameterised map without a primitive.
///
/// ```
/// use wengert_jit::ir::{Inst, UnOp};
/// let t = wengert_jit::trace::trace(&[1.0], |_, x| x[0] * 3.0 + 1.0).unwrap();
/// assert_eq!(t.program.inputs(), 1);
/// assert!(t.program.validate().is_ok());
/// ```
#[track_caller]
pub fn trace<T: Real, F>(x: &[T], f: F) -> Result<Traced<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T>,
{
    from_recording(tt::record(x, f)?)
}

/// [`trace`] for several outputs.
///
/// # Errors
/// As [`trace`].
///
/// ```
/// let t = wengert_jit::trace::trace_many(&[1.0, 2.0], |_, x| vec![x[0], x[0] * x[1]]).unwrap();
/// assert_eq!(t.program.outputs(), 2);
/// ```
#[track_caller]
pub fn trace_many<T: Real, F>(x: &[T], f: F) -> Result<Traced<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    from_recording(tt::record_many(x, f)?)
}

/// The identity, called for a detached value (whose derivative is zero).
extern "C" fn detached<T>(x: T) -> T {
    x
}

struct Builder<T: Real> {
    p: Program<T>,
    derivs: Vec<FuncDeriv>,
    /// Node `i` of the trace is `map[i]`.
    map: Vec<Val>,
    /// Functions already in the program, by the address of their table.
    known: HashMap<usize, u32>,
    /// The tensor nodes, if the function has any.
    tensors: Option<Build<T>>,
}

/// Converts a tape trace into a program.
///
/// # Errors
/// As [`trace`].
pub fn from_trace<T: Real>(t: &tt::Trace<T>) -> Result<Traced<T>, Error> {
    let parts = (&t.guards[..], t.inputs, &t.outputs[..]);
    convert(t.nodes.iter().copied(), parts, Vec::new())
}

/// Converts a tape recording into a program, each node converted as it is read.
///
/// # Errors
/// As [`trace`].
///
/// ```
/// let r = wengert_tape::trace::record(&[2.0], |_, x| x[0] * x[0]).unwrap();
/// let t = wengert_jit::trace::from_recording(r).unwrap();
/// assert_eq!(t.program.len(), 3); // input, product, output
/// ```
pub fn from_recording<T: Real>(mut r: tt::Recording<T>) -> Result<Traced<T>, Error> {
    let tensors = std::mem::take(&mut r.tensors);
    convert(
        r.nodes(),
        (&r.guards[..], r.inputs, &r.outputs[..]),
        tensors,
    )
}

/// A trace's guards, number of inputs and outputs.
type Parts<'a, T> = (&'a [tt::Guard<T>], usize, &'a [Src<T>]);

fn convert<T: Real>(
    nodes: impl ExactSizeIterator<Item = Node<T>>,
    (guards, inputs, outputs): Parts<'_, T>,
    tensors: Vec<tt::TensorNode<T>>,
) -> Result<Traced<T>, Error> {
    let mut b = Builder {
        p: Program::new(outputs.len() as u32),
        derivs: Vec::new(),
        map: Vec::with_capacity(nodes.len()),
        known: HashMap::default(),
        tensors: (!tensors.is_empty()).then(|| Build::new(tensors)),
    };
    // At least one instruction per node, output and guard: grown once, not by doubling.
    b.p.insts
        .reserve(nodes.len() + outputs.len() + guards.len());
    let mut guards = guards.iter().peekable();
    for (i, node) in nodes.enumerate() {
        while let Some(g) = guards.next_if(|g| g.at as usize <= i) {
            b.guard(g);
        }
        if let Some(t) = &mut b.tensors {
            t.before(i, &mut b.p, &b.map);
        }
        let v = b.node(node)?;
        b.map.push(v);
    }
    guards.for_each(|g| b.guard(g));
    for (k, &o) in outputs.iter().enumerate() {
        let v = b.src(o);
        b.p.push(Inst::Output(k as u32, v));
    }
    b.p.set_inputs(inputs as u32);
    if let Some(t) = b.tensors.take() {
        t.finish(&mut b.p);
    }
    Ok(Traced {
        program: b.p,
        derivs: b.derivs,
    })
}

fn un_prim(p: Prim) -> Option<UnOp> {
    Some(match p {
        Prim::Neg => UnOp::Neg,
        Prim::Recip => UnOp::Recip,
        Prim::Square => UnOp::Square,
        Prim::Abs => UnOp::Abs,
        Prim::Sqrt => UnOp::Sqrt,
        Prim::Exp => UnOp::Exp,
        Prim::ExpM1 => UnOp::ExpM1,
        Prim::Ln => UnOp::Ln,
        Prim::Ln1p => UnOp::Ln1p,
        Prim::Sin => UnOp::Sin,
        Prim::Cos => UnOp::Cos,
        Prim::Tan => UnOp::Tan,
        Prim::Tanh => UnOp::Tanh,
        Prim::Sigmoid => UnOp::Sigmoid,
        Prim::Softplus => UnOp::Softplus,
        _ => return None,
    })
}

fn bin_prim(p: Prim) -> Option<BinOp> {
    Some(match p {
        Prim::Add => BinOp::Add,
        Prim::Sub => BinOp::Sub,
        Prim::Mul => BinOp::Mul,
        Prim::Div => BinOp::Div,
        Prim::Max => BinOp::Max,
        Prim::Min => BinOp::Min,
        Prim::Pow => BinOp::Powf,
        _ => return None,
    })
}

impl<T: Real> Builder<T> {
    fn src(&mut self, s: Src<T>) -> Val {
        match s {
            Src::Node(i) => self.map[i as usize],
            Src::Const(c) => self.p.push(Inst::Const(c)),
        }
    }

    fn konst(&mut self, c: T) -> Val {
        self.p.push(Inst::Const(c))
    }

    fn guard(&mut self, g: &tt::Guard<T>) {
        let (a, b) = (self.src(g.a), self.src(g.b));
        let id = self.p.guard_sites.len() as u32;
        self.p.guard_sites.push(GuardSite { loc: g.loc });
        self.p.push(Inst::Guard {
            cmp: g.cmp,
            a,
            b,
            expect: g.expect,
            id,
        });
    }

    /// The index of a function, added with its derivative on first use.
    fn func(&mut self, key: usize, f: Func<T>, deriv: impl FnOnce(&mut Self) -> FuncDeriv) -> u32 {
        if let Some(&k) = self.known.get(&key) {
            return k;
        }
        let k = self.p.funcs.len() as u32;
        self.p.funcs.push(f);
        self.derivs.push(FuncDeriv::None);
        let d = deriv(self);
        self.derivs[k as usize] = d;
        self.known.insert(key, k);
        k
    }

    /// A function that is only ever a derivative (no derivative of its own).
    fn leaf_func(&mut self, f: Func<T>) -> u32 {
        let k = self.p.funcs.len() as u32;
        self.p.funcs.push(f);
        self.derivs.push(FuncDeriv::None);
        k
    }

    fn un(&mut self, op: UnOp, a: Val) -> Val {
        self.p.push(Inst::Un(op, a))
    }

    fn select(&mut self, c: Cmp, a: Val, b: Val, t: Val, f: Val) -> Val {
        self.p.push(Inst::Select { cmp: c, a, b, t, f })
    }

    /// Inlined into the conversion loop with the tape's node conversion, so that a node
    /// never goes through memory (through the stack it was a store-forwarding stall at
    /// each dispatch).
    #[inline(always)]
    fn node(&mut self, n: Node<T>) -> Result<Val, Error> {
        Ok(match n {
            Node::Input(k) => self.p.push(Inst::Input(k)),
            Node::Leaf(x) => self.konst(x),
            Node::Neg(a) => self.un(UnOp::Neg, self.map[a as usize]),
            Node::Detach(a) => {
                let f = self.func(usize::MAX, Func::F1(detached::<T>), |_| FuncDeriv::Zero);
                self.p.push(Inst::Call1(f, self.map[a as usize]))
            }
            Node::Arith { op, a, b } => {
                let op = bin_prim(op).expect("the tape's arithmetic is + - * /");
                let (a, b) = (self.src(a), self.src(b));
                self.p.push(Inst::Bin(op, a, b))
            }
            Node::Binary { a, b, op } => {
                let (a, b) = (self.src(a), self.src(b));
                if let Some(prim) = op.prim.and_then(bin_prim) {
                    return Ok(self.p.push(Inst::Bin(prim, a, b)));
                }
                let key = op as *const _ as usize;
                let f = self.func(key, Func::F2(op.f), |s| {
                    FuncDeriv::Binary(s.leaf_func(Func::F2(op.da)), s.leaf_func(Func::F2(op.db)))
                });
                self.p.push(Inst::Call2(f, a, b))
            }
            Node::Unary { a, op } => {
                let x = self.map[a as usize];
                match op.prim {
                    Some(Prim::LogSigmoid) => {
                        let m = self.un(UnOp::Neg, x);
                        let s = self.un(UnOp::Softplus, m);
                        self.un(UnOp::Neg, s)
                    }
                    Some(Prim::Relu) => {
                        let z = self.konst(T::zero());
                        self.select(Cmp::Lt, x, z, z, x)
                    }
                    Some(p) if un_prim(p).is_some() => self.un(un_prim(p).expect("checked"), x),
                    _ => {
                        let key = op as *const _ as usize;
                        let f = self.func(key, Func::F1(op.f), |s| {
                            FuncDeriv::Unary(s.leaf_func(Func::F2(op.df)))
                        });
                        self.p.push(Inst::Call1(f, x))
                    }
                }
            }
            Node::Param { a, p, prim, name } => {
                let x = self.map[a as usize];
                match prim {
                    Some(Prim::Powi) => self.un(UnOp::Powi(p.to_i32().unwrap_or(0)), x),
                    Some(Prim::Powf) => {
                        let c = self.konst(p);
                        self.p.push(Inst::Bin(BinOp::Powf, x, c))
                    }
                    Some(Prim::ClampMin) => {
                        let c = self.konst(p);
                        self.select(Cmp::Lt, x, c, c, x)
                    }
                    Some(Prim::ClampMax) => {
                        let c = self.konst(p);
                        self.select(Cmp::Gt, x, c, c, x)
                    }
                    _ => {
                        return Err(Error::new(ErrorKind::Unsupported {
                            op: name,
                            reason: "a map_param without a primitive cannot be compiled (use \
                                     a Unary op, or map_param_prim)"
                                .into(),
                        }))
                    }
                }
            }
            Node::Element { tensor, elem } => match &mut self.tensors {
                Some(t) => t.element(tensor, elem, &mut self.p, &self.map),
                None => unreachable!("an element of a tensor implies tensor nodes"),
            },
            Node::Select { cmp: c, a, b, t, f } => {
                let (a, b, t, f) = (self.src(a), self.src(b), self.src(t), self.src(f));
                self.select(c, a, b, t, f)
            }
        })
    }
}
