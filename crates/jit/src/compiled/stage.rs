//! One compiled program with its working buffers: pooled, or the caller's [`Workspace`].
use super::lower;
use crate::error::{Error, ErrorKind};
use crate::ir::{Cmp, GuardSite, Inst, Program};
use crate::kernel::Kernel;
use crate::opt;
use crate::trace::Traced;
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
    /// `inputs + outputs + scratch`: what a call needs (kept, not asked of the kernel per call).
    len: usize,
    /// Buffers of `inputs + outputs + scratch` elements: taken by a call, given back after,
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
            len: inputs + outputs + kernel.scratch_len(),
            kernel,
            program,
            guard_sites,
            inputs,
            outputs,
            pool: Mutex::new(Vec::new()),
        }
    }

    /// Runs with the inputs written by `fill`, then hands the outputs to `read`, in a
    /// buffer taken from the pool (and given back).
    #[track_caller]
    pub fn call<R>(
        &self,
        fill: impl FnOnce(&mut [T]),
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        // A small program runs in a buffer on the stack: no lock, no pool. Taking and giving
        // back a pooled buffer is two lock round trips, 25 of the 29 ns of a call of
        // GradBench `hello` (x²); zeroing a stack buffer of 16 or 64 elements is a few
        // stores.
        let len = self.len();
        if len <= 16 {
            return self.call_on_stack::<16, R>(fill, read);
        }
        if len <= 64 {
            return self.call_on_stack::<64, R>(fill, read);
        }
        let popped = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut buf = popped.unwrap_or_default();
        let r = self.call_in(&mut buf, fill, read);
        self.pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buf);
        r
    }

    /// The elements a call needs: inputs, outputs, scratch.
    fn len(&self) -> usize {
        self.len
    }

    /// [`Stage::call`] in a buffer of `N >= self.len()` elements on the stack.
    #[track_caller]
    fn call_on_stack<const N: usize, R>(
        &self,
        fill: impl FnOnce(&mut [T]),
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        let mut buf = [T::zero(); N];
        self.run(&mut buf, fill, read)
    }

    /// [`Stage::call`] in the caller's buffer (grown on first use, then reused).
    #[track_caller]
    pub fn call_in<R>(
        &self,
        buf: &mut Vec<T>,
        fill: impl FnOnce(&mut [T]),
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        let len = self.len();
        if buf.len() < len {
            buf.resize(len, T::zero());
        }
        self.run(buf, fill, read)
    }

    /// Runs in `buf` (at least [`Stage::len`] elements).
    #[track_caller]
    fn run<R>(
        &self,
        buf: &mut [T],
        fill: impl FnOnce(&mut [T]),
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        let (x, rest) = buf.split_at_mut(self.inputs);
        let (out, scratch) = rest.split_at_mut(self.outputs);
        fill(x);
        match self.kernel.run(x, out, scratch) {
            Ok(()) => Ok(read(out)),
            Err(g) => Err(self.guard_error(g.id)),
        }
    }

    /// The error of guard `id`: its comparison, its traced outcome and its line.
    #[cold]
    #[track_caller]
    fn guard_error(&self, id: u32) -> Error {
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
        Error::here(ErrorKind::Guard {
            id,
            loc: self.guard_sites[id as usize].loc,
            cmp,
            expect,
        })
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
