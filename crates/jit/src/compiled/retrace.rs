//! A compiled function that retraces when a call's inputs take another branch.
use super::Compiled;
use crate::error::{Error, ErrorKind};
use std::sync::RwLock;
use wengert_tape::{Real, Tape, Var};

/// The function a [`Retracing`] keeps to trace it again.
pub trait TraceFn<T: Real>:
    for<'t> Fn(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T> + Send + Sync
{
}

impl<T: Real, F> TraceFn<T> for F where
    F: for<'t> Fn(&'t Tape<T>, &[Var<'t, T>]) -> Var<'t, T> + Send + Sync
{
}

/// A scalar function compiled once per branch path: a call whose inputs fail a guard of
/// every trace kept is traced again at those inputs (up to `max_traces` paths are kept, the
/// oldest dropped first), instead of returning [`ErrorKind::Guard`].
///
/// ```
/// use wengert_jit::compiled::Retracing;
/// let f = Retracing::new(&[2.0], 4, |_, x| if x[0] > 1.0 { x[0] * x[0] } else { x[0] * 3.0 }).unwrap();
/// let mut g = [0.0];
/// assert_eq!((f.value_and_grad(&[3.0], &mut g).unwrap(), g), (9.0, [6.0]));
/// assert_eq!((f.value_and_grad(&[0.5], &mut g).unwrap(), g), (1.5, [3.0])); // retraced
/// assert_eq!(f.traces(), 2);
/// ```
pub struct Retracing<T: Real, F> {
    f: F,
    max: usize,
    /// The traces, newest last.
    traces: RwLock<Vec<Compiled<T>>>,
}

impl<T: Real, F: TraceFn<T>> Retracing<T, F> {
    /// Traces `f` at `x`, keeping up to `max_traces` (at least 1) branch paths.
    ///
    /// # Errors
    /// As [`Compiled::trace`].
    #[track_caller]
    pub fn new(x: &[T], max_traces: usize, f: F) -> Result<Retracing<T, F>, Error> {
        let first = Compiled::trace(x, &f)?;
        Ok(Retracing {
            f,
            max: max_traces.max(1),
            traces: RwLock::new(vec![first]),
        })
    }

    /// The number of traces kept.
    pub fn traces(&self) -> usize {
        self.traces.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Runs `call` on the newest trace whose guards pass, tracing anew at `x` if none does.
    #[track_caller]
    fn with<R>(
        &self,
        x: &[T],
        call: impl Fn(&Compiled<T>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        {
            let traces = self.traces.read().unwrap_or_else(|e| e.into_inner());
            for c in traces.iter().rev() {
                match call(c) {
                    Err(e) if matches!(e.kind(), ErrorKind::Guard { .. }) => continue,
                    r => return r,
                }
            }
        }
        let c = Compiled::trace(x, &self.f)?;
        let r = call(&c);
        let mut traces = self.traces.write().unwrap_or_else(|e| e.into_inner());
        if traces.len() >= self.max {
            traces.remove(0);
        }
        traces.push(c);
        r
    }

    /// [`Compiled::value`], retracing on a new branch path.
    ///
    /// # Errors
    /// As [`Compiled::value`], except for guards.
    #[track_caller]
    pub fn value(&self, x: &[T]) -> Result<T, Error> {
        self.with(x, |c| c.value(x))
    }

    /// [`Compiled::value_and_grad`], retracing on a new branch path.
    ///
    /// # Errors
    /// As [`Compiled::value_and_grad`], except for guards.
    #[track_caller]
    pub fn value_and_grad(&self, x: &[T], grad: &mut [T]) -> Result<T, Error> {
        // A failed guard leaves `grad` partly written at most; the retried call rewrites it.
        let cell = std::cell::RefCell::new(grad);
        self.with(x, |c| c.value_and_grad(x, &mut cell.borrow_mut()))
    }

    /// [`Compiled::hvp`], retracing on a new branch path.
    ///
    /// # Errors
    /// As [`Compiled::hvp`], except for guards.
    #[track_caller]
    pub fn hvp(&self, x: &[T], v: &[T], out: &mut [T]) -> Result<(), Error> {
        let cell = std::cell::RefCell::new(out);
        self.with(x, |c| c.hvp(x, v, &mut cell.borrow_mut()))
    }
}
