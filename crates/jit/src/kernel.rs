//! The executable form of a program, whatever runs it (the interpreter or native code).

/// A guard that failed: the call's inputs took another branch than the trace did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardFailed {
    /// The guard's `id` ([`Inst::Guard`](crate::ir::Inst::Guard)).
    pub id: u32,
}

/// A compiled program: `run` reads the inputs and writes every output.
///
/// `scratch` is caller-owned working memory of at least [`Kernel::scratch_len`] elements
/// (its contents on entry do not matter), so that one kernel serves many threads at once and
/// a call allocates nothing.
///
/// ```
/// use wengert_jit::kernel::{GuardFailed, Kernel};
/// // A kernel written by hand: y = 2x.
/// struct Double;
/// impl Kernel<f64> for Double {
///     fn scratch_len(&self) -> usize { 0 }
///     fn run(&self, x: &[f64], out: &mut [f64], _s: &mut [f64]) -> Result<(), GuardFailed> {
///         out[0] = 2.0 * x[0];
///         Ok(())
///     }
/// }
/// let mut out = [0.0];
/// Double.run(&[3.0], &mut out, &mut []).unwrap();
/// assert_eq!(out, [6.0]);
/// ```
pub trait Kernel<T>: Send + Sync {
    /// The number of scratch elements `run` needs.
    fn scratch_len(&self) -> usize;

    /// Runs the program. `x` holds the program's inputs and `out` receives its outputs
    /// (lengths as the program says; callers check them). Returns the first failed guard.
    fn run(&self, x: &[T], out: &mut [T], scratch: &mut [T]) -> Result<(), GuardFailed>;

    /// The kernel as [`Any`](std::any::Any), for a caller that calls a kernel type it knows
    /// without dynamic dispatch (the compiled path's [`GradFn`](crate::compiled::GradFn) does
    /// so for native code). `None`, the default, opts out.
    ///
    /// ```
    /// use wengert_jit::kernel::{GuardFailed, Kernel};
    /// struct Zero;
    /// impl Kernel<f64> for Zero {
    ///     fn scratch_len(&self) -> usize { 0 }
    ///     fn run(&self, _: &[f64], _: &mut [f64], _: &mut [f64]) -> Result<(), GuardFailed> { Ok(()) }
    /// }
    /// assert!(Zero.as_any().is_none());
    /// ```
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}
