//! The thinnest call of a compiled gradient: [`GradFn`], a handle that calls native code
//! without the layers of [`Compiled::value_and_grad`] (the lazily built stage, dynamic
//! dispatch on the kernel, the buffer pool).
use super::stage::Stage;
use super::{copy, Compiled};
use crate::error::Error;
#[cfg(feature = "cranelift")]
use std::panic::Location;

/// The value-and-gradient of a compiled `f64` function, ready to call: what
/// [`Compiled::value_and_grad`] computes, with the stage built once and, for a program
/// lowered to one native function whose outputs and scratch fit on the stack (GradBench
/// `hello`, any function of a few operations), a call that is the length checks, a stack
/// buffer and the call of the machine code, all inlined into the caller. Anything else
/// (a larger program, the interpreter) runs as `value_and_grad` does.
///
/// A `GradFn` borrows its [`Compiled`], is `Copy`, `Send` and `Sync`; guards are checked as
/// in every call (a flipped branch is [`ErrorKind::Guard`](crate::ErrorKind::Guard)).
///
/// ```
/// let f = wengert_jit::Compiled::trace(&[1.0], |_, x| x[0] * x[0]).unwrap();
/// let df = f.grad_fn().unwrap();
/// let mut g = [0.0];
/// assert_eq!(df.call(&[3.0], &mut g).unwrap(), 9.0);
/// assert_eq!(g, [6.0]);
/// ```
#[derive(Clone, Copy)]
pub struct GradFn<'c> {
    compiled: &'c Compiled<f64>,
    stage: &'c Stage<f64>,
    #[cfg(feature = "cranelift")]
    native: Option<crate::native::Single<'c>>,
    /// The program's outputs: the function's values, then the gradient.
    outputs: usize,
    /// The function's inputs (kept here: a call reads nothing behind a pointer to check them).
    inputs: usize,
}

/// Outputs and scratch of a program called on a stack buffer by [`GradFn::call`].
#[cfg(feature = "cranelift")]
const STACK: usize = 16;

impl Compiled<f64> {
    /// The handle of the fastest gradient call (see [`GradFn`]), building the gradient
    /// program now if it is not built yet.
    ///
    /// # Errors
    /// As [`Compiled::value_and_grad`], for a function without outputs or without a
    /// derivative.
    ///
    /// ```
    /// let f = wengert_jit::Compiled::trace(&[1.0, 2.0], |_, x| x[0] * x[1]).unwrap();
    /// let mut g = [0.0; 2];
    /// assert_eq!(f.grad_fn().unwrap().call(&[3.0, 4.0], &mut g).unwrap(), 12.0);
    /// assert_eq!(g, [4.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn grad_fn(&self) -> Result<GradFn<'_>, Error> {
        self.scalar("grad_fn")?;
        let stage = self.grad_stage()?;
        #[cfg_attr(not(feature = "cranelift"), allow(unused_variables))]
        let (kernel, outputs) = stage.parts();
        Ok(GradFn {
            compiled: self,
            stage,
            #[cfg(feature = "cranelift")]
            native: kernel
                .as_any()
                .and_then(|k| k.downcast_ref::<crate::native::Native>())
                .and_then(|k| k.single())
                .filter(|k| k.len <= STACK),
            outputs,
            inputs: self.inputs(),
        })
    }
}

impl GradFn<'_> {
    /// The value of output 0 at `x` and its gradient (into `grad`).
    ///
    /// # Errors
    /// As [`Compiled::value_and_grad`]: [`ErrorKind::Length`](crate::ErrorKind::Length) for
    /// an `x` or `grad` of the wrong length, [`ErrorKind::Guard`](crate::ErrorKind::Guard)
    /// when `x` takes another branch than the trace.
    ///
    /// ```
    /// let f = wengert_jit::Compiled::trace(&[1.0], |_, x| x[0] * 2.0).unwrap();
    /// let mut g = [0.0];
    /// assert!(f.grad_fn().unwrap().call(&[1.0, 2.0], &mut g).is_err()); // two inputs
    /// ```
    #[inline]
    #[track_caller]
    pub fn call(&self, x: &[f64], grad: &mut [f64]) -> Result<f64, Error> {
        let n = self.inputs;
        if x.len() != n || grad.len() != n {
            return Err(self.compiled.grad_error(x, grad));
        }
        let m = self.outputs - n;
        #[cfg(feature = "cranelift")]
        if let Some(k) = self.native {
            // The smallest buffer that fits: zeroing 16 elements was a tenth of `hello`.
            return if k.len <= 4 {
                self.on_stack::<4>(k, x, grad, m)
            } else if k.len <= 8 {
                self.on_stack::<8>(k, x, grad, m)
            } else {
                self.on_stack::<STACK>(k, x, grad, m)
            };
        }
        self.stage.call(x, |o| {
            copy(grad, &o[m..]);
            o[0]
        })
    }

    /// The call of one native function on a stack buffer of `N` elements (outputs, then
    /// scratch).
    #[cfg(feature = "cranelift")]
    #[inline]
    #[track_caller]
    fn on_stack<const N: usize>(
        &self,
        k: crate::native::Single<'_>,
        x: &[f64],
        grad: &mut [f64],
        m: usize,
    ) -> Result<f64, Error> {
        let mut buf = [0.0; N];
        match k.run(x, &mut buf) {
            Ok(()) => {
                copy(grad, &buf[m..self.outputs]);
                Ok(buf[0])
            }
            Err(g) => Err(self.stage.guard_error(g.id, Location::caller())),
        }
    }
}
