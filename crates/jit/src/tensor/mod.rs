//! Tensor ops inside a compiled function: each runs as itself (a matmul stays one call of
//! its `forward`, which is matrixmultiply, and its `vjp`), between the scalar instructions.
//!
//! The program sees tensors through one flat *tensor memory*: the values of the trace's
//! tensor nodes, then their adjoints (element `len() + s` is the adjoint of element `s`).
//! [`Inst::TWrite`](crate::ir::Inst::TWrite) puts a scalar into it (a scalar promoted to a
//! tensor, an adjoint's seed), [`Inst::TRun`](crate::ir::Inst::TRun) runs a [`TStep`] of
//! tensor ops, [`Inst::TRead`](crate::ir::Inst::TRead) takes an element out (`Var::elem`,
//! a tensor's adjoint). Tensor-to-tensor edges never pass through scalar instructions.
//! Nodes that do not depend on the inputs are constants of the memory, set once.
//!
//! The reverse transform turns a read into an adjoint seed, a forward step into its
//! backward step (the ops' `vjp`s in reverse), and a write into a read of the adjoint.
//! Forward mode (`jvp`, `hvp`) has no tensor rule: the `Op` trait has no JVP.
//!
//! Each call runs with its own tensor memory and its own copies of the ops
//! ([`Op::boxed_clone`](wengert_tape::Op::boxed_clone)), taken from a pool, so concurrent
//! calls never share an op's state; ops that cannot be copied make calls take turns.
use crate::error::{Error, ErrorKind};
use crate::kernel::GuardFailed;

mod build;
mod kernel;
mod runtime;
pub(crate) use build::Build;
pub(crate) use kernel::{Pieces, Plan};

/// What an [`Inst::TRun`](crate::ir::Inst::TRun) runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TStep {
    /// Forward step `k`: its ops' `forward`, in order.
    Forward(u32),
    /// The reverse of forward step `k`: its ops' `vjp`s, in reverse order, adding into the
    /// adjoints.
    Backward(u32),
    /// Sets every adjoint to zero (the start of a reverse sweep).
    ZeroAdjoints,
}

/// The tensor ops of a traced function and the memory they run in.
///
/// ```
/// use wengert_jit::trace;
/// let t = trace::trace(&[1.0, 2.0], |tape, x| {
///     let w = tape.constant_tensor([2], vec![3.0, 4.0]);
///     (w * x[0]).sum_all() // a tensor op of an input
/// })
/// .unwrap();
/// let tensors = t.program.tensors.as_ref().unwrap();
/// assert_eq!(tensors.steps(), 1);
/// assert!(tensors.len() >= 2);
/// ```
pub struct Tensors<T> {
    exec: Box<dyn Exec<T>>,
    /// Elements of the values' half.
    len: usize,
    steps: usize,
    names: Vec<&'static str>,
}

impl<T> Tensors<T> {
    /// The number of elements of the values (the adjoints follow).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the values are empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of forward steps.
    pub fn steps(&self) -> usize {
        self.steps
    }

    pub(crate) fn call(&self, f: Body<'_, T>) -> Result<(), GuardFailed> {
        self.exec.call(f)
    }
}

impl<T> std::fmt::Debug for Tensors<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tensors")
            .field("len", &self.len)
            .field("steps", &self.steps)
            .field("ops", &self.names)
            .finish()
    }
}

/// The error of a forward-mode transform met by tensor ops.
pub(crate) fn no_forward_mode(transform: &'static str) -> Error {
    Error::new(ErrorKind::Unsupported {
        op: transform,
        reason:
            "the function has tensor ops, which have a reverse-mode rule only (the tape's \
                 `Op::vjp`): value, gradient, vjp and jacobian compile; jvp, hvp and hessian do not"
                .into(),
    })
}

/// What a call does with its tensor context.
pub(crate) type Body<'a, T> = &'a mut dyn FnMut(&mut dyn Ctx<T>) -> Result<(), GuardFailed>;

/// The tensor runtime with its element type's bounds hidden (the program type has none).
pub(crate) trait Exec<T>: Send + Sync {
    /// Runs `f` with a context of its own (memory and ops), taken from the pool.
    fn call(&self, f: Body<'_, T>) -> Result<(), GuardFailed>;
}

/// One call's tensor memory and ops.
pub(crate) trait Ctx<T> {
    /// The memory: values, then adjoints.
    fn mem(&mut self) -> &mut [T];
    /// Runs a step.
    fn step(&mut self, s: TStep);
}
