//! One compiled program with its working buffers: pooled, or the caller's [`Workspace`].
use super::lower;
use crate::error::{Error, ErrorKind};
use crate::ir::{GuardSite, Program};
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
    /// Buffers of `inputs + outputs + scratch` elements: taken by a call, given back after,
    /// so that warm calls allocate nothing and concurrent calls each have their own.
    pool: Mutex<Vec<Vec<T>>>,
}

impl<T: Real> Stage<T> {
    pub fn new(t: Traced<T>) -> Stage<T> {
        let program = opt::optimize(&t.program);
        let (inputs, outputs) = (program.inputs(), program.outputs());
        let guard_sites = program.guard_sites.clone();
        Stage {
            kernel: lower(program.clone()),
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
        let popped = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut buf = popped.unwrap_or_default();
        let r = self.call_in(&mut buf, fill, read);
        self.pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buf);
        r
    }

    /// [`Stage::call`] in the caller's buffer (grown on first use, then reused).
    #[track_caller]
    pub fn call_in<R>(
        &self,
        buf: &mut Vec<T>,
        fill: impl FnOnce(&mut [T]),
        read: impl FnOnce(&[T]) -> R,
    ) -> Result<R, Error> {
        let len = self.inputs + self.outputs + self.kernel.scratch_len();
        if buf.len() < len {
            buf.resize(len, T::zero());
        }
        let (x, rest) = buf.split_at_mut(self.inputs);
        let (out, scratch) = rest.split_at_mut(self.outputs);
        fill(x);
        self.kernel
            .run(x, out, scratch)
            .map(|()| read(out))
            .map_err(|g| {
                Error::here(ErrorKind::Guard {
                    id: g.id,
                    loc: self.guard_sites[g.id as usize].loc,
                })
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
