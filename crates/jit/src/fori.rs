//! A structured loop, as JAX's `fori_loop`: the body is traced **once**, on a carried state
//! and on reads of the inputs at positions affine in the iteration `i`, and expanded into
//! the flat program with its [`Loop`] region known, so nothing has to rediscover it; or,
//! through [`Compiled::from`](crate::Compiled#impl-From<Fori<T>>-for-Compiled<T>), its
//! gradient is compiled from the body alone.
//!
//! Iteration `i` reads input `base + stride * i` for each [`Read`], and maps the carry
//! `c_i` to `c_{i+1} = body(c_i, reads_i)`; the program's outputs are the final carry.
//! Iteration 0 reads the initial carry (constants), later ones the previous iteration's
//! results, so the region starts at iteration 1; every iteration's instructions are one
//! contiguous block at a fixed stride, which is how the reverse sweep of the gradient
//! program (see [`grad`](crate::grad)) finds the values it needs: at stride `-period`.
//!
//! The body is traced at iteration 0's values. A comparison of `Var`s in it becomes a guard
//! of the same number in every iteration: a call fails if any iteration takes another branch.
//!
//! ```
//! use wengert_jit::fori::{fori_loop, Read};
//! use wengert_jit::Compiled;
//! // Rosenbrock: s += (x_i - 1)² + 100 (x_{i+1} - x_i²)² for i < 3.
//! let x = [0.5, 1.0, 1.5, 2.0];
//! let reads = [Read { base: 0, stride: 1 }, Read { base: 1, stride: 1 }];
//! let f = fori_loop(&x, 3, &[0.0], &reads, |_, c, r| {
//!     let (a, b) = (r[0] - 1.0, r[1] - r[0] * r[0]);
//!     vec![c[0] + (a * a + b * b * 100.0)]
//! })
//! .unwrap();
//! let l = f.region().unwrap();
//! assert_eq!(l.count, 2); // iterations 1 and 2
//! let c = Compiled::from(f);
//! let mut g = [0.0; 4];
//! // Terms 56.5, 25 and 6.5; ∂/∂x₀ = 2(x₀ − 1) − 400 x₀ (x₁ − x₀²) = −1 − 150.
//! assert_eq!(c.value_and_grad(&x, &mut g).unwrap(), 88.0);
//! assert_eq!(g[0], -151.0);
//! ```

use crate::error::{Error, ErrorKind};
use crate::ir::{Inst, Loop, Program, Region, Rolled, Val};
use crate::opt::remap;
use crate::roll::shape;
use crate::trace::{trace_many, Traced};
use std::sync::OnceLock;
use wengert_tape::{Real, Tape, Var};

/// A read of the loop's inputs: iteration `i` reads input `base + stride * i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    /// The input iteration 0 reads.
    pub base: u32,
    /// How far the read moves per iteration (negative: backwards; 0: the same input).
    pub stride: i32,
}

/// A traced loop: its body, traced once, and (built on first use) the flat program with
/// every iteration written out and its loop region.
/// [`Compiled::from`](crate::Compiled#impl-From<Fori<T>>-for-Compiled<T>) compiles the
/// gradient from the body alone, without the flat program.
#[derive(Clone, Debug)]
pub struct Fori<T> {
    pub(crate) body: Body<T>,
    flat: OnceLock<(Traced<T>, Option<Loop>)>,
}

/// The loop as traced: its body (inputs: the carry, then the reads; outputs: the new
/// carry), the carry's initial value, the reads, the number of iterations.
#[derive(Clone, Debug)]
pub(crate) struct Body<T> {
    pub traced: Traced<T>,
    pub init: Vec<T>,
    pub reads: Vec<Read>,
    pub count: u32,
    /// The whole function's inputs.
    pub inputs: usize,
}

impl<T: Real> Body<T> {
    /// The flat program (every iteration written out) and its loop region.
    pub fn expand(&self) -> (Traced<T>, Option<Loop>) {
        let (program, starts) = expand(
            &self.traced.program,
            self.inputs,
            self.count,
            &self.init,
            &self.reads,
        );
        let region = known_region(&program, &starts, self.count);
        let t = Traced {
            program,
            derivs: self.traced.derivs.clone(),
        };
        (t, region)
    }
}

impl<T: Real> Fori<T> {
    /// The flat program: inputs `x`, outputs the final carry (built on first use).
    ///
    /// ```
    /// use wengert_jit::fori::{fori_loop, Read};
    /// let r = [Read { base: 0, stride: 1 }];
    /// let f = fori_loop(&[1.0; 4], 4, &[0.0], &r, |_, c, r| vec![c[0] + r[0]]).unwrap();
    /// assert_eq!(f.traced().program.outputs(), 1);
    /// ```
    pub fn traced(&self) -> &Traced<T> {
        &self.flat().0
    }

    /// Iterations `1..count` as a [`Loop`] of [`Fori::traced`] (`None` below 3 iterations).
    ///
    /// ```
    /// use wengert_jit::fori::{fori_loop, Read};
    /// let r = [Read { base: 0, stride: 1 }];
    /// let f = fori_loop(&[1.0; 4], 4, &[0.0], &r, |_, c, r| vec![c[0] + r[0]]).unwrap();
    /// assert_eq!(f.region().unwrap().count, 3);
    /// ```
    pub fn region(&self) -> Option<&Loop> {
        self.flat().1.as_ref()
    }

    /// The flat program, by value.
    ///
    /// ```
    /// use wengert_jit::fori::{fori_loop, Read};
    /// let r = [Read { base: 0, stride: 1 }];
    /// let f = fori_loop(&[1.0; 4], 4, &[0.0], &r, |_, c, r| vec![c[0] + r[0]]).unwrap();
    /// let c = wengert_jit::Compiled::new(f.into_traced());
    /// assert_eq!(c.value(&[1.0, 2.0, 3.0, 4.0]).unwrap(), 10.0);
    /// ```
    pub fn into_traced(self) -> Traced<T> {
        match self.flat.into_inner() {
            Some((t, _)) => t,
            None => self.body.expand().0,
        }
    }

    fn flat(&self) -> &(Traced<T>, Option<Loop>) {
        self.flat.get_or_init(|| self.body.expand())
    }

    /// The program with its regions: the straight prologue (initial carry, iteration 0),
    /// the loop, the outputs.
    ///
    /// ```
    /// use wengert_jit::fori::{fori_loop, Read};
    /// let r = [Read { base: 0, stride: 1 }];
    /// let f = fori_loop(&[1.0; 10], 10, &[0.0], &r, |_, c, r| vec![c[0] + r[0] * r[0]]).unwrap();
    /// let rolled = f.rolled();
    /// assert_eq!(rolled.validate(), Ok(()));
    /// assert_eq!(rolled.loops().next().unwrap().count, 9);
    /// ```
    pub fn rolled(&self) -> Rolled<T> {
        let p = self.traced().program.clone();
        let n = p.len() as u32;
        let regions = match self.region() {
            None => vec![Region::Straight { start: 0, end: n }],
            Some(l) => {
                let end = l.span().end as u32;
                let mut v = vec![Region::Straight {
                    start: 0,
                    end: l.start,
                }];
                v.push(Region::Loop(l.clone()));
                if end < n {
                    v.push(Region::Straight { start: end, end: n });
                }
                v.retain(|r| !matches!(r, Region::Straight { start, end } if start == end));
                v
            }
        };
        Rolled {
            program: p,
            regions,
        }
    }
}

/// Traces `body(tape, carry, reads)` once at iteration 0 (`carry = init`, `reads` the
/// values of `x` it reads) and expands it into `count` iterations over the inputs `x`.
///
/// # Errors
/// [`ErrorKind::Length`] if the body returns another number of values than `init` has;
/// [`ErrorKind::Unsupported`] if a read leaves `0..x.len()` in some iteration; what
/// [`trace_many`] returns for a body it cannot trace.
///
/// ```
/// use wengert_jit::fori::{fori_loop, Read};
/// use wengert_jit::ErrorKind;
/// // Iteration 3 would read input 3 of 3.
/// let r = [Read { base: 0, stride: 1 }];
/// let e = fori_loop(&[1.0; 3], 4, &[0.0], &r, |_, c, r| vec![c[0] + r[0]]).unwrap_err();
/// assert!(matches!(e.kind(), ErrorKind::Unsupported { op: "fori_loop", .. }));
/// ```
#[track_caller]
pub fn fori_loop<T: Real, F>(
    x: &[T],
    count: u32,
    init: &[T],
    reads: &[Read],
    body: F,
) -> Result<Fori<T>, Error>
where
    F: for<'t> FnOnce(&'t Tape<T>, &[Var<'t, T>], &[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let at = |r: &Read, i: u32| i64::from(r.base) + i64::from(r.stride) * i64::from(i);
    for (k, r) in reads.iter().enumerate() {
        // Affine, so the first and the last iteration bound every other.
        for i in [0, count.saturating_sub(1)] {
            if !(0..x.len() as i64).contains(&at(r, i)) {
                return Err(Error::here(ErrorKind::Unsupported {
                    op: "fori_loop",
                    reason: format!(
                        "read {k} ({} + {} i) is input {} at iteration {i}, outside 0..{}",
                        r.base,
                        r.stride,
                        at(r, i),
                        x.len()
                    ),
                }));
            }
        }
    }
    let c = init.len();
    let mut point = init.to_vec();
    point.extend(reads.iter().map(|r| x[at(r, 0) as usize]));
    let b = trace_many(&point, |t, v| body(t, &v[..c], &v[c..]))?;
    if b.program.tensors.is_some() {
        // Every iteration would share the body's tensor memory, and a reverse step would
        // see the last iteration's values.
        return Err(Error::here(ErrorKind::Unsupported {
            op: "fori_loop",
            reason: "the body records tensor ops; a loop body is scalar (a plain Rust loop \
                     traces its tensor ops once per iteration)"
                .into(),
        }));
    }
    if b.program.outputs() != c {
        return Err(Error::here(ErrorKind::Length {
            op: "fori_loop",
            what: "the body's new carry",
            got: b.program.outputs(),
            expected: c,
        }));
    }
    Ok(Fori {
        body: Body {
            traced: b,
            init: init.to_vec(),
            reads: reads.to_vec(),
            count,
            inputs: x.len(),
        },
        flat: OnceLock::new(),
    })
}

/// The flat program, and where each iteration starts.
fn expand<T: Real>(
    body: &Program<T>,
    inputs: usize,
    count: u32,
    init: &[T],
    reads: &[Read],
) -> (Program<T>, Vec<usize>) {
    let c = init.len();
    let mut p = Program::new(c as u32);
    p.funcs = body.funcs.clone();
    p.guard_sites = body.guard_sites.clone();
    let mut carry: Vec<Val> = init.iter().map(|&v| p.push(Inst::Const(v))).collect();
    let mut starts = Vec::with_capacity(count as usize);
    let mut map = vec![Val(0); body.len()];
    for i in 0..count {
        starts.push(p.len());
        let mut next = carry.clone();
        for (j, inst) in body.insts.iter().enumerate() {
            map[j] = match *inst {
                Inst::Input(k) if (k as usize) < c => carry[k as usize],
                Inst::Input(k) => {
                    let r = reads[k as usize - c];
                    let at = i64::from(r.base) + i64::from(r.stride) * i64::from(i);
                    p.push(Inst::Input(at as u32))
                }
                Inst::Output(k, v) => {
                    next[k as usize] = map[v.index()];
                    continue;
                }
                ref other => p.push(remap(other, |v| map[v.index()])),
            };
        }
        carry = next;
    }
    for (k, &v) in carry.iter().enumerate() {
        p.push(Inst::Output(k as u32, v));
    }
    p.set_inputs(inputs as u32);
    (p, starts)
}

/// Iterations `1..count` as a loop, strides read off iterations 1 and 2 and checked on all
/// (linear in the program):
/// by construction they hold unless a carry passes through unchanged in some iterations
/// only; then there is no region (and the roller may still find one).
fn known_region<T: Real>(p: &Program<T>, starts: &[usize], count: u32) -> Option<Loop> {
    if count < 3 {
        return None;
    }
    let (s1, s2) = (starts[1], starts[2]);
    let period = s2 - s1;
    let strides = (0..period)
        .map(|j| shape::strides(&p.insts[s1 + j], &p.insts[s2 + j]))
        .collect::<Option<Vec<_>>>()?;
    let l = Loop {
        start: s1 as u32,
        period: period as u32,
        count: count - 1,
        strides,
    };
    let body = &p.insts[l.span()][..period];
    let ok = (1..l.count).all(|r| {
        let rep = &p.insts[s1 + r as usize * period..][..period];
        body.iter()
            .zip(rep)
            .enumerate()
            .all(|(j, (a, b))| l.instance(a, j, r).as_ref() == Some(b))
    });
    ok.then_some(l)
}
