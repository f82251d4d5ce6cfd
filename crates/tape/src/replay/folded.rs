//! Replay of a program without tensor nodes, folding one-operand nodes as recording does.
//!
//! A replay program holds one instruction per operation (recording for replay keeps every
//! node, so that each operation can be re-run). Replaying it node for node would sweep all of
//! them; instead each node's gradient is routed, as in [`Var`](crate::Var), to a *base* node
//! scaled by `w`, and only two-operand nodes with distinct bases are written to a compact node
//! list that the sweep walks. Rosenbrock at n = 1000: 8 991 instructions, 3 996 swept nodes.
use super::{Instr, MapParamInstr, Src, ZipInstr};
use crate::backward::sweep_nodes;
use crate::tape::SNode;
use crate::Real;

/// No base: a constant, a detached value or a leaf other than an input.
const NONE: u32 = u32::MAX;

/// Where node `i`'s gradient goes: `d(node i) = w · d(compact node base)`.
#[derive(Clone, Copy)]
struct Reg<T> {
    base: u32,
    w: T,
}

impl<T: Real> Reg<T> {
    fn none() -> Self {
        Reg {
            base: NONE,
            w: T::zero(),
        }
    }

    #[inline(always)]
    fn scale(self, d: T) -> Self {
        Reg {
            base: self.base,
            w: d * self.w,
        }
    }
}

/// The registers and compact nodes of the last forward run; kept to reuse their memory.
pub(super) struct Folded<T> {
    regs: Vec<Reg<T>>,
    nodes: Vec<SNode<T>>,
    adj: Vec<T>,
}

impl<T: Real> Folded<T> {
    pub fn new() -> Self {
        Folded {
            regs: Vec::new(),
            nodes: Vec::new(),
            adj: Vec::new(),
        }
    }

    /// Runs `prog` from the input values in `vals[..inputs]`, writing every value into `vals`.
    pub fn forward(&mut self, prog: &[Instr<T>], vals: &mut [T], inputs: usize) {
        let (regs, nodes) = (&mut self.regs, &mut self.nodes);
        regs.clear();
        regs.resize(prog.len(), Reg::none());
        nodes.clear();
        for i in 0..inputs as u32 {
            nodes.push(SNode {
                a: i,
                b: i,
                wa: T::zero(),
                wb: T::zero(),
            });
            regs[i as usize] = Reg {
                base: i,
                w: T::one(),
            };
        }
        for (i, ins) in prog.iter().enumerate().skip(inputs) {
            let (y, r) = match ins {
                &Instr::Leaf(x) => (x, Reg::none()),
                &Instr::Detach(a) => (vals[a as usize], Reg::none()),
                &Instr::Map { a, f, df } => {
                    let x = vals[a as usize];
                    let y = f(x);
                    (y, regs[a as usize].scale(df(x, y)))
                }
                Instr::MapParam(m) => {
                    let MapParamInstr { a, p, f, df } = **m;
                    let x = vals[a as usize];
                    let y = f(x, p);
                    (y, regs[a as usize].scale(df(x, p, y)))
                }
                Instr::Zip(z) => {
                    let ZipInstr { a, b, f, d } = **z;
                    let (x, z) = (a.get(vals), b.get(vals));
                    let y = f(x, z);
                    let (da, db) = d(x, z, y);
                    let reg = |s: Src<T>| match s {
                        Src::Node(i) => regs[i as usize],
                        Src::Const(_) => Reg::none(),
                    };
                    (y, combine(nodes, reg(a), da, reg(b), db))
                }
                // Only programs without tensor nodes come here.
                Instr::FromTensor { .. } => unreachable!("folded replay of a tensor program"),
                &Instr::Arith1 { op, a, c } => {
                    let (y, d) = op.one(vals[a as usize], c);
                    (y, regs[a as usize].scale(d))
                }
                &Instr::Arith2 { op, a, b } => {
                    let (a, b) = (a as usize, b as usize);
                    let (y, da, db) = op.two(vals[a], vals[b]);
                    (y, combine(nodes, regs[a], da, regs[b], db))
                }
            };
            vals[i] = y;
            regs[i] = r;
        }
    }

    /// The gradient of node `out` (`None`: a constant output) with respect to the inputs.
    pub fn grad(&mut self, out: Option<usize>, grad: &mut [T]) {
        let seed = |adj: &mut Vec<T>| {
            adj.clear();
            adj.resize(self.nodes.len(), T::zero());
            if let Some(r) = out.map(|i| self.regs[i]).filter(|r| r.base != NONE) {
                adj[r.base as usize] += r.w;
            }
        };
        seed(&mut self.adj);
        sweep_nodes(&self.nodes, &mut self.adj, false);
        if self.adj.iter().any(|g| !g.is_finite()) {
            seed(&mut self.adj);
            sweep_nodes(&self.nodes, &mut self.adj, true);
        }
        grad.copy_from_slice(&self.adj[..grad.len()]);
    }
}

/// `y = f(a, b)` with partials `da`, `db`: folded when at most one base remains, else a node.
#[inline(always)]
fn combine<T: Real>(nodes: &mut Vec<SNode<T>>, a: Reg<T>, da: T, b: Reg<T>, db: T) -> Reg<T> {
    if a.base == NONE {
        b.scale(db)
    } else if b.base == NONE {
        a.scale(da)
    } else if a.base == b.base {
        Reg {
            base: a.base,
            w: da * a.w + db * b.w,
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
            base: k,
            w: T::one(),
        }
    }
}
