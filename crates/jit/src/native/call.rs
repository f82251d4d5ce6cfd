//! The one module with `unsafe`: calling the finalized machine code, and the C library's
//! `sincos` that machine code calls.
#![allow(unsafe_code)]
use crate::kernel::{GuardFailed, Kernel};
use crate::tensor::{Pieces, Plan, Tensors};
use cranelift_jit::JITModule;
use std::sync::Arc;

/// The machine code of one region: `fn(x, out, scratch) -> u32`.
type Entry = extern "C" fn(*const f64, *mut f64, *mut f64) -> u32;

/// Compiled functions, run in order, with the module that owns their memory.
pub(crate) struct Native {
    /// Kept (never used again) so that the code memory lives as long as `fns`; freed on drop.
    module: Option<JITModule>,
    fns: Vec<*const u8>,
    scratch: usize,
    inputs: usize,
    outputs: usize,
    /// With tensor ops: their runtime, the plan, and the number of functions before each
    /// tensor run.
    tensors: Option<(Arc<Tensors<f64>>, Plan, Vec<usize>)>,
}

impl Native {
    pub(crate) fn new(
        module: JITModule,
        fns: Vec<*const u8>,
        scratch: usize,
        inputs: usize,
        outputs: usize,
    ) -> Native {
        Native {
            module: Some(module),
            fns,
            scratch,
            inputs,
            outputs,
            tensors: None,
        }
    }

    /// Runs tensor steps between the functions: before function `cuts[k]` comes run `k`.
    pub(crate) fn set_tensors(&mut self, ts: Arc<Tensors<f64>>, plan: Plan, cuts: Vec<usize>) {
        self.tensors = Some((ts, plan, cuts));
    }

    /// Runs functions `fns` in order.
    fn run_fns(
        fns: &[*const u8],
        x: &[f64],
        out: &mut [f64],
        scratch: &mut [f64],
    ) -> Result<(), GuardFailed> {
        for f in fns {
            // SAFETY: `f` was returned by `get_finalized_function` for a function of
            // signature `Entry` (three pointers, an i32 result, the platform's C calling
            // convention) and its memory is alive (the `Native` owning `fns` holds the
            // module). Its loads and stores stay within the lengths its caller asserted
            // (`Kernel::run`): input, output and slot indices come from a validated program
            // (and its loops' ranges lie within the program).
            let code = unsafe { std::mem::transmute::<*const u8, Entry>(*f) };
            let failed = code(x.as_ptr(), out.as_mut_ptr(), scratch.as_mut_ptr());
            if failed != 0 {
                return Err(GuardFailed { id: failed - 1 });
            }
        }
        Ok(())
    }
}

impl Pieces<f64> for Native {
    fn piece(
        &self,
        k: usize,
        x: &[f64],
        out: &mut [f64],
        s: &mut [f64],
    ) -> Result<(), GuardFailed> {
        let cuts = &self.tensors.as_ref().expect("pieces of a tensor program").2;
        let start = if k == 0 { 0 } else { cuts[k - 1] };
        let end = cuts.get(k).copied().unwrap_or(self.fns.len());
        Self::run_fns(&self.fns[start..end], x, out, s)
    }
}

impl Native {
    /// The program's one function, if it is one, as a [`Single`].
    pub(crate) fn single(&self) -> Option<Single<'_>> {
        match self.fns[..] {
            [f] if self.tensors.is_none() => Some(Single {
                f,
                inputs: self.inputs,
                outputs: self.outputs,
                len: self.outputs + self.scratch,
                _native: std::marker::PhantomData,
            }),
            _ => None,
        }
    }
}

/// A program lowered to one function, with what a call must check copied out of the
/// [`Native`]: a call reads no field of it (the thin path of `GradFn`).
#[derive(Clone, Copy)]
pub(crate) struct Single<'a> {
    f: *const u8,
    inputs: usize,
    outputs: usize,
    /// Outputs and scratch: the buffer's least length.
    pub len: usize,
    _native: std::marker::PhantomData<&'a Native>,
}

// SAFETY: a `Single` is the address of immutable code owned by the `Native` it borrows
// (alive for `'a`) and two numbers; calling it touches only the buffers of each call, so
// sharing it between threads shares only read-only code, as for `Native`.
unsafe impl Send for Single<'_> {}
// SAFETY: as for `Send`.
unsafe impl Sync for Single<'_> {}

impl Single<'_> {
    /// Runs the function at `x` with `buf` holding the outputs, then the scratch.
    ///
    /// # Panics
    /// If `x` has fewer elements than the program's inputs, or `N` is less than
    /// [`Single::len`].
    #[inline]
    pub(crate) fn run<const N: usize>(
        &self,
        x: &[f64],
        buf: &mut [f64; N],
    ) -> Result<(), GuardFailed> {
        assert!(
            x.len() >= self.inputs && N >= self.len,
            "wengert-jit: native call with {} inputs, a buffer of {N} (needs {}, {})",
            x.len(),
            self.inputs,
            self.len
        );
        // SAFETY: as in `Native::run`: `f` is a finalized function of signature `Entry`
        // whose memory lives as long as the borrowed `Native`; it reads `x[..inputs]` and
        // writes `buf[..outputs + scratch]`, both within the lengths checked.
        let code = unsafe { std::mem::transmute::<*const u8, Entry>(self.f) };
        let (out, scratch) = buf.split_at_mut(self.outputs);
        match code(x.as_ptr(), out.as_mut_ptr(), scratch.as_mut_ptr()) {
            0 => Ok(()),
            k => Err(GuardFailed { id: k - 1 }),
        }
    }
}

// SAFETY: after `finalize_definitions` the module is never touched again (no method is called
// on it until drop, which has `&mut self`, so no other thread is using it); the code it owns
// is immutable, executable memory, and the functions read and write only the buffers passed
// to each call, which belong to the caller: sharing `Native` between threads shares only
// read-only code. The raw pointers are addresses of that code, valid as long as `module`.
// The tensor runtime (`tensors`) is `Send + Sync` by its own types (its mutable state is
// behind mutexes).
unsafe impl Send for Native {}
// SAFETY: as for `Send`: `&Native` gives access to immutable code only.
unsafe impl Sync for Native {}

impl Drop for Native {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the function pointers into this memory die with `self`; no call is
            // running, since a call borrows `self`.
            unsafe { m.free_memory() };
        }
    }
}

impl Kernel<f64> for Native {
    fn scratch_len(&self) -> usize {
        self.scratch
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }

    fn run(&self, x: &[f64], out: &mut [f64], scratch: &mut [f64]) -> Result<(), GuardFailed> {
        // The generated code reads `x[..inputs]` and `scratch[..scratch_len]` and writes
        // `out[..outputs]`, `scratch[..scratch_len]`, with no bounds checks: these are the
        // bounds, checked here in every build.
        assert!(
            x.len() >= self.inputs && out.len() >= self.outputs && scratch.len() >= self.scratch,
            "wengert-jit: native call with {} inputs, {} outputs, {} scratch (needs {}, {}, {})",
            x.len(),
            out.len(),
            scratch.len(),
            self.inputs,
            self.outputs,
            self.scratch
        );
        if let Some((ts, plan, _)) = &self.tensors {
            return plan.run(ts, self, x, out, scratch);
        }
        // One function (every program of at most `CHUNK` straight instructions) is most
        // calls: its slice pattern is the same loop without the iterator.
        if let [f] = self.fns[..] {
            // SAFETY: as in `Native::run_fns`.
            let code = unsafe { std::mem::transmute::<*const u8, Entry>(f) };
            let failed = code(x.as_ptr(), out.as_mut_ptr(), scratch.as_mut_ptr());
            return match failed {
                0 => Ok(()),
                k => Err(GuardFailed { id: k - 1 }),
            };
        }
        Self::run_fns(&self.fns, x, out, scratch)
    }
}

/// `sin x` and `cos x` from one call, returned in two registers (`xmm0`, `xmm1` on x86-64;
/// `d0`, `d1` on aarch64: a struct of two doubles in the platform's C ABI, which is what a
/// Cranelift function with two `f64` results expects).
#[repr(C)]
pub(crate) struct SinCos {
    sin: f64,
    cos: f64,
}

/// Whether native code computes a `sin`/`cos` pair of one operand with one call
/// ([`wengert_sincos`]): on glibc, whose `sincos` shares the argument reduction (14 ns
/// against 21 ns for the two calls on this machine) and returns exactly `sin` and `cos`
/// (checked bit for bit on 2·10⁷ arguments, and against the interpreter by
/// tests/native.rs). Elsewhere the two calls stay.
pub(crate) const PAIRED: bool = cfg!(all(
    target_os = "linux",
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "aarch64")
));

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" {
    fn sincos(x: f64, sin: *mut f64, cos: *mut f64);
}

/// `(x.sin(), x.cos())` with one call to the C library where [`PAIRED`].
pub(crate) extern "C" fn wengert_sincos(x: f64) -> SinCos {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let (mut s, mut c) = (0.0, 0.0);
        // SAFETY: glibc's `sincos` writes one `f64` through each pointer and keeps neither;
        // both point to live locals of this frame.
        unsafe { sincos(x, &mut s, &mut c) };
        SinCos { sin: s, cos: c }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    SinCos {
        sin: x.sin(),
        cos: x.cos(),
    }
}
