//! The reverse-mode source transform: a program in, a program computing its value and its
//! gradient (or a vector-Jacobian product, or the Jacobian) out. The sweep is unrolled into
//! instructions appended after the forward ones, so every later stage treats both alike.
//!
//! **Order, for the loop roller.** The sweep visits the forward instructions in reverse and,
//! for each, emits its partials and then the accumulation into each operand's adjoint in
//! operand order; the gradient outputs come last, in input order. A forward program that
//! repeats a pattern (a plain Rust loop) therefore gets a reverse part that repeats one
//! too, with the same period.
//!
//! ```
//! use wengert_jit::{grad, interp::Interp, kernel::Kernel, trace};
//! // f(x, y) = x² y: ∇f = (2xy, x²)
//! let f = trace::trace(&[1.0, 1.0], |_, v| v[0] * v[0] * v[1]).unwrap();
//! let g = grad::grad(&f).unwrap();
//! let k = Interp::new(g.program);
//! let (mut out, mut s) = ([0.0; 3], vec![0.0; k.scratch_len()]);
//! k.run(&[3.0, 2.0], &mut out, &mut s).unwrap();
//! assert_eq!(out, [18.0, 12.0, 9.0]); // value, then the gradient
//! ```
use crate::deriv::{apply, partials, Consts};
use crate::error::Error;
use crate::ir::{BinOp, Inst, Program, TStep, Val};
use crate::trace::Traced;
use wengert_tape::Real;

/// A copy of the forward program with room for `extra` more outputs.
fn forward<T: Real>(t: &Traced<T>, extra: usize) -> Program<T> {
    let p = &t.program;
    let mut q = Program::derived(p, (p.outputs() + extra) as u32);
    q.insts = p.insts.clone();
    q.set_inputs(p.inputs() as u32);
    q
}

/// One reverse sweep over the forward part of `q` (the first `t.program.len()`
/// instructions) with the adjoint `seeds[k]` of output `k`: the adjoint of each input.
fn sweep<T: Real>(
    q: &mut Program<T>,
    t: &Traced<T>,
    seeds: &[Option<Val>],
    transform: &'static str,
) -> Result<Vec<Val>, Error> {
    let p = &t.program;
    let c = Consts::push(q);
    let mut adj: Vec<Option<Val>> = vec![None; p.len()];
    let mut inputs: Vec<Option<Val>> = vec![None; p.inputs()];
    let mut tensors = p.tensors.as_ref().map(|ts| TensorSweep::new(q, ts));
    for i in (0..p.len()).rev() {
        if let Some(ts) = &mut tensors {
            if ts.visit(q, p.insts[i], &mut adj, Val(i as u32), transform)? {
                continue;
            }
        }
        match p.insts[i] {
            Inst::Output(k, v) => {
                if let Some(s) = seeds[k as usize] {
                    accumulate(q, &mut adj, v, s);
                }
                continue;
            }
            Inst::Input(k) => {
                if let Some(g) = adj[i] {
                    let slot = &mut inputs[k as usize];
                    *slot = Some(match *slot {
                        None => g,
                        Some(s) => q.push(Inst::Bin(BinOp::Add, s, g)),
                    });
                }
                continue;
            }
            _ => {}
        }
        let Some(g) = adj[i] else { continue };
        for (v, d) in partials(q, t, &c, Val(i as u32), transform)?
            .into_iter()
            .flatten()
        {
            let contrib = apply(q, c.zero, d, g);
            accumulate(q, &mut adj, v, contrib);
        }
    }
    Ok(inputs.into_iter().map(|g| g.unwrap_or(c.zero)).collect())
}

/// The reverse sweep's part for tensor instructions (see [`crate::tensor`]).
struct TensorSweep {
    /// The values' length (an element's adjoint is this much further).
    len: u32,
    /// Runs emitted so far (the epoch of a read).
    runs: u32,
}

impl TensorSweep {
    /// Starts a sweep: the adjoints of the tensor memory are zeroed (an earlier sweep of the
    /// same program may have left some).
    fn new<T: Real>(q: &mut Program<T>, ts: &crate::ir::Tensors<T>) -> TensorSweep {
        let runs = q
            .insts
            .iter()
            .filter(|i| matches!(i, Inst::TRun(_)))
            .count() as u32;
        q.push(Inst::TRun(TStep::ZeroAdjoints));
        TensorSweep {
            len: ts.len() as u32,
            runs: runs + 1,
        }
    }

    /// The reverse of tensor instruction `inst` (whose value is `y`), if it is one: a read's
    /// adjoint seeds its element's, a forward step runs backward, a write's adjoint is read.
    fn visit<T: Real>(
        &mut self,
        q: &mut Program<T>,
        inst: Inst<T>,
        adj: &mut [Option<Val>],
        y: Val,
        transform: &'static str,
    ) -> Result<bool, Error> {
        match inst {
            Inst::TRead { slot, .. } if slot < self.len => {
                if let Some(g) = adj[y.index()] {
                    q.push(Inst::TWrite {
                        slot: slot + self.len,
                        v: g,
                        add: true,
                    });
                }
            }
            Inst::TRun(TStep::Forward(k)) => {
                q.push(Inst::TRun(TStep::Backward(k)));
                self.runs += 1;
            }
            Inst::TWrite {
                slot,
                v,
                add: false,
            } if slot < self.len => {
                let g = q.push(Inst::TRead {
                    slot: slot + self.len,
                    epoch: self.runs,
                });
                accumulate(q, adj, v, g);
            }
            // An adjoint's read, seed or sweep: a gradient program differentiated again.
            i if i.is_tensor() => return Err(crate::tensor::no_forward_mode(transform)),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

fn accumulate<T: Real>(q: &mut Program<T>, adj: &mut [Option<Val>], v: Val, g: Val) {
    let slot = &mut adj[v.index()];
    *slot = Some(match *slot {
        None => g,
        Some(s) => q.push(Inst::Bin(BinOp::Add, s, g)),
    });
}

/// The value and the gradient of output 0: outputs `[values..., ∂y₀/∂x...]` (the other
/// outputs' values are kept, their adjoints are not seeded).
///
/// # Errors
/// [`ErrorKind::NotDifferentiable`](crate::ErrorKind::NotDifferentiable) for a call without a
/// derivative.
pub fn grad<T: Real>(t: &Traced<T>) -> Result<Traced<T>, Error> {
    let (m, n) = (t.program.outputs(), t.program.inputs());
    let mut q = forward(t, n);
    let one = q.push(Inst::Const(T::one()));
    let mut seeds = vec![None; m];
    if let Some(s) = seeds.first_mut() {
        *s = Some(one);
    }
    let g = sweep(&mut q, t, &seeds, "grad")?;
    finish(q, t, &g, m)
}

/// The vector-Jacobian product: inputs `[x..., w...]` (one `w` per output), outputs
/// `[values..., wᵀ J...]`.
///
/// # Errors
/// As [`grad`].
///
/// ```
/// use wengert_jit::{grad, interp::Interp, kernel::Kernel, trace};
/// // f(x, y) = (xy, x + y), w = (1, 10): wᵀJ = (y + 10, x + 10)
/// let f = trace::trace_many(&[1.0, 1.0], |_, v| vec![v[0] * v[1], v[0] + v[1]]).unwrap();
/// let k = Interp::new(grad::vjp(&f).unwrap().program);
/// let (mut out, mut s) = ([0.0; 4], vec![0.0; k.scratch_len()]);
/// k.run(&[2.0, 3.0, 1.0, 10.0], &mut out, &mut s).unwrap();
/// assert_eq!(out, [6.0, 5.0, 13.0, 12.0]);
/// ```
pub fn vjp<T: Real>(t: &Traced<T>) -> Result<Traced<T>, Error> {
    let (m, n) = (t.program.outputs(), t.program.inputs());
    let mut q = forward(t, n);
    let seeds: Vec<_> = (0..m)
        .map(|k| Some(q.push(Inst::Input((n + k) as u32))))
        .collect();
    let g = sweep(&mut q, t, &seeds, "vjp")?;
    q.set_inputs((n + m) as u32);
    finish(q, t, &g, m)
}

/// The Jacobian by one reverse sweep per output: outputs `[values..., J]` with `J` row-major
/// (`m` rows of `n`).
///
/// # Errors
/// As [`grad`].
pub fn jacobian<T: Real>(t: &Traced<T>) -> Result<Traced<T>, Error> {
    let (m, n) = (t.program.outputs(), t.program.inputs());
    let mut q = forward(t, m * n);
    let mut rows = Vec::with_capacity(m * n);
    for k in 0..m {
        let one = q.push(Inst::Const(T::one()));
        let mut seeds = vec![None; m];
        seeds[k] = Some(one);
        rows.extend(sweep(&mut q, t, &seeds, "jacobian")?);
    }
    finish(q, t, &rows, m)
}

/// Writes `vals` as outputs `first..` and keeps the derivatives of the calls.
fn finish<T: Real>(
    mut q: Program<T>,
    t: &Traced<T>,
    vals: &[Val],
    first: usize,
) -> Result<Traced<T>, Error> {
    for (k, &v) in vals.iter().enumerate() {
        q.push(Inst::Output((first + k) as u32, v));
    }
    debug_assert_eq!(q.validate(), Ok(()));
    Ok(Traced {
        program: q,
        derivs: t.derivs.clone(),
    })
}
