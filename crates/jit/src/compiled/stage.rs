//! One compiled program with its working buffers: pooled, or the caller's [`Workspace`].
use super::lower;
use crate::error::{Error, ErrorKind};
use crate::ir::{Cmp, GuardSite, Inst, Program};
use crate::kernel::{GuardFailed, Kernel};
use crate::opt;
use crate::trace::Traced;
use std::panic::Location;
use std::sync::Mutex;
use wengert_tape::Real;

/// One compiled program with its pool of working buffers.
pub(super) struct Stage<T: Real> {
    kernel: Box<dyn Kernel<T>>,
    /// The optimized program (what was lowered), for inspection.
    pub program: Program<T>,
    guard_sites: Vec<GuardSite>,
    inputs: usize,
    outputs: usize,
    /// The kernel's scratch length (kept, not asked of the kernel per call).
    scratch: usize,
    /// Working buffers: taken by a call, given back after,
    /// so that warm calls allocate nothing and concurrent calls each have their own.
    pool: Mutex<Vec<Vec<T>>>,
}

impl<T: Real> Stage<T> {
    pub fn new(t: Traced<T>) -> Stage<T> {
        let program = opt::optimize(&t.program);
        let (inputs, outputs) = (program.inputs(), program.outputs());
        let guard_sites = program.guard_sites.clone();
        let kernel = lower(program.clone());
        Stage {
            scratch: kernel.scratch_len(),
            kernel,
            program,
            guard_sites,
            inputs,
            outputs,
            pool: Mutex::new(Vec::new()),
        }
    }

    /// A stage of a kernel lowered by other means than `program` (which is kept for
    /// inspection and for its guards), with `inputs` inputs and `outputs` outputs.
    pub fn from_kernel(
        program: Program<T>,
        kernel: Box<dyn Kernel<T>>,
        inputs: usize,
        outputs: usize,
    ) -> Stage<T> {
        Stage {
            scratch: kernel.scratch_len(),
            guard_sites: program.guard_sites.clone(),
            kernel,
            program,
            inputs,
            outputs,
            pool: Mutex::new(Vec::new()),
        }
    }

    /// The kernel and its number of outputs.
    pub fn parts(&self) -> (&dyn Kernel<T>, usize) {
        (&*self.kernel, self.outputs)
    }

    /// Runs at the caller's inputs `x` (read in place: no copy), then hands the outputs to
    /// `read`.
    #[track_caller]
    #[inline]
    pub fn call<R>(&self, x: &[T], read: impl FnOnce(&[T]) -> R) -> Result<R, Error> {
        let at = Location::caller();
        let r = self.with_buf(self.outputs + self.scratch, |buf| self.run(x, buf, read));
        // The error is made here, not in the closure: a closure cannot track its caller.
        r.map_err(|g| self.guard_error(g.id, at))
    }

    /// Runs at the inputs `a` followed by `b` (a vector-Jacobian product's `x` and `w`).
    #[track_caller]
    pub fn call_joined<R>(
        &self,
        a: &[T],
        b: &[T],
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        let at = Location::caller();
        let r = self.with_buf(self.inputs + self.outputs + self.scratch, |buf| {
            let (x, rest) = buf.split_at_mut(self.inputs);
            x[..a.len()].copy_from_slice(a);
            x[a.len()..].copy_from_slice(b);
            self.run(x, rest, read)
        });
        r.map_err(|g| self.guard_error(g.id, at))
    }

    /// [`Stage::call`] in the caller's buffer (grown on first use, then reused).
    #[track_caller]
    pub fn call_in<R>(
        &self,
        buf: &mut Vec<T>,
        x: &[T],
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        let at = Location::caller();
        let len = self.outputs + self.scratch;
        if buf.len() < len {
            buf.resize(len, T::zero());
        }
        let r = self.run(x, buf, read);
        r.map_err(|g| self.guard_error(g.id, at))
    }

    /// Lends `f` a buffer of at least `len` elements. A small one lives on the stack: no
    /// lock, no pool. Taking and giving back a pooled buffer is two lock round trips, most of
    /// a call of GradBench `hello` (x²); zeroing 16 or 64 elements is a few stores.
    #[inline]
    fn with_buf<R>(&self, len: usize, f: impl FnOnce(&mut [T]) -> R) -> R {
        if len <= 4 {
            // Zeroing 16 elements was a sixth of GradBench `hello`'s call.
            f(&mut [T::zero(); 4])
        } else if len <= 16 {
            f(&mut [T::zero(); 16])
        } else {
            self.with_larger_buf(len, f)
        }
    }

    /// [`Stage::with_buf`] above 16 elements, kept out of line so that the smallest calls
    /// have a small stack frame.
    #[inline(never)]
    fn with_larger_buf<R>(&self, len: usize, f: impl FnOnce(&mut [T]) -> R) -> R {
        if len <= 64 {
            return f(&mut [T::zero(); 64]);
        }
        let popped = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut buf = popped.unwrap_or_default();
        if buf.len() < len {
            buf.resize(len, T::zero());
        }
        let r = f(&mut buf);
        self.pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buf);
        r
    }

    /// Runs at `x`, with `buf` (at least `outputs + scratch` elements) for the outputs and
    /// the scratch.
    #[inline]
    fn run<R>(
        &self,
        x: &[T],
        buf: &mut [T],
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, GuardFailed> {
        let (out, scratch) = buf.split_at_mut(self.outputs);
        self.kernel.run(x, out, scratch).map(|()| read(out))
    }

    /// The error of guard `id`: its comparison, its traced outcome and its line.
    #[cold]
    pub fn guard_error(&self, id: u32, at: &'static Location<'static>) -> Error {
        let (cmp, expect) = self
            .program
            .insts
            .iter()
            .find_map(|i| match *i {
                Inst::Guard {
                    cmp, expect, id: k, ..
                } if k == id => Some((cmp, expect)),
                _ => None,
            })
            .unwrap_or((Cmp::Eq, true));
        Error::new(ErrorKind::Guard {
            id,
            loc: self.guard_sites[id as usize].loc,
            cmp,
            expect,
        })
        .at(at)
    }
}

/// Working memory owned by the caller, for the calls that take one
/// ([`Compiled::value_in`](super::Compiled::value_in),
/// [`Compiled::value_and_grad_in`](super::Compiled::value_and_grad_in)): no lock and no
/// pool, the cheapest call (one per thread).
///
/// ```
/// let f = wengert_jit::Compiled::trace(&[1.0], |_, x| x[0] * x[0]).unwrap();
/// let mut ws = wengert_jit::compiled::Workspace::new();
/// let mut g = [0.0];
/// assert_eq!(f.value_and_grad_in(&mut ws, &[3.0], &mut g).unwrap(), 9.0);
/// assert_eq!(g, [6.0]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Workspace<T> {
    pub(super) buf: Vec<T>,
}

impl<T> Workspace<T> {
    /// An empty workspace (it grows on its first call).
    pub fn new() -> Workspace<T> {
        Workspace { buf: Vec::new() }
    }
}
