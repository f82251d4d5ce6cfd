//! Replay of a program without tensor nodes, folding one-operand nodes as recording does.
//!
//! A replay program holds one instruction per operation (recording for replay keeps every
//! node, so that each operation can be re-run). Replaying it node for node would sweep all of
//! them; instead each operation's gradient is routed, as in [`Var`](crate::Var), to a *base*
//! node scaled by `w`, and only two-operand operations with distinct bases write to a compact
//! node list that the sweep walks. Rosenbrock at n = 1000: 8 991 instructions, 3 996 swept
//! nodes.
//!
//! The instructions are first compiled into [`Step`]s: one flat `match` per operation (the
//! tape's arithmetic, with its constant, is its own variant) over registers that keep value,
//! weight and base together.
use super::{Arith, Instr, MapParamInstr, SelectInstr, Src, ZipInstr};
use crate::backward::sweep_nodes;
use crate::tape::SNode;
use crate::Real;

/// No base: a constant, a detached value or a leaf other than an input.
const NONE: u32 = u32::MAX;

/// Operation `i`'s value, and where its gradient goes: `d(op i) = w · d(compact node base)`.
#[derive(Clone, Copy)]
struct Reg<T> {
    val: T,
    w: T,
    base: u32,
}

impl<T: Real> Reg<T> {
    fn constant(val: T) -> Self {
        Reg {
            val,
            w: T::zero(),
            base: NONE,
        }
    }

    /// `y = f(self)` with local derivative `d`.
    #[inline(always)]
    fn then(self, val: T, d: T) -> Self {
        Reg {
            val,
            w: d * self.w,
            base: self.base,
        }
    }
}

/// One compiled operation; operands are register (operation) indices.
enum Step<T: 'static> {
    /// A value fixed at recording: a leaf other than an input.
    Const(T),
    /// A detached copy: the value flows, the gradient does not.
    Detach(u32),
    AddC(u32, T),
    SubC(u32, T),
    MulC(u32, T),
    /// `x / c`, stored as `x · (1/c)`'s partial `1/c` beside `c`.
    DivC(u32, T),
    RSubC(u32, T),
    Neg(u32),
    RDivC(u32, T),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Div(u32, u32),
    Map(u32, fn(T) -> T, fn(T, T) -> T),
    MapParam(Box<MapParamInstr<T>>),
    Zip(Box<ZipInstr<T>>),
    Select(Box<SelectInstr<T>>),
    /// The rare reversed two-operand arithmetic.
    Arith2(Arith, u32, u32),
}

fn compile<T: Real>(prog: &[Instr<T>]) -> Vec<Step<T>> {
    prog.iter()
        .map(|ins| match ins {
            &Instr::Leaf(x) => Step::Const(x),
            &Instr::Detach(a) => Step::Detach(a),
            &Instr::Map { a, fns } => Step::Map(a, fns.rf, fns.rdf),
            Instr::MapParam(m) => Step::MapParam(m.clone()),
            Instr::Zip(z) => Step::Zip(z.clone()),
            Instr::Select(z) => Step::Select(z.clone()),
            // Only programs without tensor nodes are compiled.
            Instr::FromTensor { .. } => unreachable!("folded replay of a tensor program"),
            &Instr::Arith1 { op, a, c } => match op {
                Arith::Add => Step::AddC(a, c),
                Arith::Sub => Step::SubC(a, c),
                Arith::Mul => Step::MulC(a, c),
                Arith::Div => Step::DivC(a, c),
                Arith::RSub => Step::RSubC(a, c),
                Arith::Neg => Step::Neg(a),
                Arith::RDiv => Step::RDivC(a, c),
            },
            &Instr::Arith2 { op, a, b } => match op {
                Arith::Add => Step::Add(a, b),
                Arith::Sub => Step::Sub(a, b),
                Arith::Mul => Step::Mul(a, b),
                Arith::Div => Step::Div(a, b),
                _ => Step::Arith2(op, a, b),
            },
        })
        .collect()
}

/// The compiled program, its registers and compact nodes; kept to reuse their memory.
pub(super) struct Folded<T: 'static> {
    steps: Vec<Step<T>>,
    regs: Vec<Reg<T>>,
    nodes: Vec<SNode<T>>,
    adj: Vec<T>,
}

impl<T: Real> Folded<T> {
    pub fn new(prog: &[Instr<T>]) -> Self {
        Folded {
            steps: compile(prog),
            regs: Vec::new(),
            nodes: Vec::new(),
            adj: Vec::new(),
        }
    }

    /// The value of operation `i` after [`Folded::forward`].
    pub fn value(&self, i: usize) -> T {
        self.regs[i].val
    }

    /// Runs the program from the inputs `x` (the first `x.len()` operations).
    pub fn forward(&mut self, x: &[T]) {
        let (regs, nodes) = (&mut self.regs, &mut self.nodes);
        regs.clear();
        nodes.clear();
        for (i, &v) in x.iter().enumerate() {
            let i = i as u32;
            nodes.push(SNode {
                a: i,
                b: i,
                wa: T::zero(),
                wb: T::zero(),
            });
            regs.push(Reg {
                val: v,
                w: T::one(),
                base: i,
            });
        }
        for step in &self.steps[x.len()..] {
            let r = |i: u32| regs[i as usize];
            let src = |s: Src<T>| match s {
                Src::Node(i) => r(i),
                Src::Const(c) => Reg::constant(c),
            };
            let reg = match *step {
                Step::Const(x) => Reg::constant(x),
                Step::Detach(a) => Reg::constant(r(a).val),
                Step::AddC(a, c) => {
                    let x = r(a);
                    x.then(x.val + c, T::one())
                }
                Step::SubC(a, c) => {
                    let x = r(a);
                    x.then(x.val - c, T::one())
                }
                Step::MulC(a, c) => {
                    let x = r(a);
                    x.then(x.val * c, c)
                }
                Step::DivC(a, c) => {
                    let x = r(a);
                    x.then(x.val / c, c.recip())
                }
                Step::Neg(a) => {
                    let x = r(a);
                    x.then(-x.val, -T::one())
                }
                Step::RSubC(a, c) => {
                    let x = r(a);
                    x.then(c - x.val, -T::one())
                }
                Step::RDivC(a, c) => {
                    let x = r(a);
                    let y = c / x.val;
                    x.then(y, -y / x.val)
                }
                Step::Add(a, b) => {
                    let (x, z) = (r(a), r(b));
                    combine(nodes, x.val + z.val, x, T::one(), z, T::one())
                }
                Step::Sub(a, b) => {
                    let (x, z) = (r(a), r(b));
                    combine(nodes, x.val - z.val, x, T::one(), z, -T::one())
                }
                Step::Mul(a, b) => {
                    let (x, z) = (r(a), r(b));
                    combine(nodes, x.val * z.val, x, z.val, z, x.val)
                }
                Step::Div(a, b) => {
                    let (x, z) = (r(a), r(b));
                    let (y, q) = (x.val / z.val, z.val.recip());
                    combine(nodes, y, x, q, z, -y * q)
                }
                Step::Arith2(op, a, b) => {
                    let (x, z) = (r(a), r(b));
                    let (y, da, db) = op.two(x.val, z.val);
                    combine(nodes, y, x, da, z, db)
                }
                Step::Map(a, f, df) => {
                    let x = r(a);
                    let y = f(x.val);
                    x.then(y, df(x.val, y))
                }
                Step::MapParam(ref m) => {
                    let MapParamInstr { a, p, f, df, .. } = **m;
                    let x = r(a);
                    let y = f(x.val, p);
                    x.then(y, df(x.val, p, y))
                }
                Step::Zip(ref z) => {
                    let ZipInstr { a, b, fns } = **z;
                    let (x, z) = (src(a), src(b));
                    let y = (fns.rf)(x.val, z.val);
                    let (da, db) = (fns.rd)(x.val, z.val, y);
                    combine(nodes, y, x, da, z, db)
                }
                Step::Select(ref sel) => {
                    let (t, f) = (src(sel.t), src(sel.f));
                    let (o, z) = (T::one(), T::zero());
                    if sel.cmp.eval(src(sel.a).val, src(sel.b).val) {
                        combine(nodes, t.val, t, o, f, z)
                    } else {
                        combine(nodes, f.val, t, z, f, o)
                    }
                }
            };
            regs.push(reg);
        }
    }

    /// The gradient of operation `out` (`None`: a constant output) with respect to the inputs.
    pub fn grad(&mut self, out: Option<usize>, grad: &mut [T]) {
        let seed = |adj: &mut Vec<T>| {
            adj.clear();
            adj.resize(self.nodes.len(), T::zero());
            if let Some(r) = out.map(|i| self.regs[i]).filter(|r| r.base != NONE) {
                adj[r.base as usize] += r.w;
            }
        };
        seed(&mut self.adj);
        if !sweep_nodes(&self.nodes, &mut self.adj, false) {
            seed(&mut self.adj);
            sweep_nodes(&self.nodes, &mut self.adj, true);
        }
        grad.copy_from_slice(&self.adj[..grad.len()]);
    }
}

/// `y = f(a, b)` with partials `da`, `db`: folded when at most one base remains, else a node.
#[inline(always)]
fn combine<T: Real>(nodes: &mut Vec<SNode<T>>, y: T, a: Reg<T>, da: T, b: Reg<T>, db: T) -> Reg<T> {
    if a.base == NONE {
        b.then(y, db)
    } else if b.base == NONE {
        a.then(y, da)
    } else if a.base == b.base {
        Reg {
            val: y,
            w: da * a.w + db * b.w,
            base: a.base,
        }
    } else {
        let k = nodes.len() as u32;
        nodes.push(SNode {
            a: a.base,
            b: b.base,
            wa: da * a.w,
            wb: db * b.w,
        });
        Reg {
            val: y,
            w: T::one(),
            base: k,
        }
    }
}
