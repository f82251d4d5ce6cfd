//! The peer crates' versions of the two test functions (benches only: the
//! `forward_vs_reverse` example shares `common/` and must build without the peers).
//! The macros come from `common`, declared before this module with `#[macro_use]`.
#![allow(dead_code, clippy::assign_op_pattern, clippy::needless_range_loop)]

/// The `reverse` crate (0.2): scalar tape, two parents per node.
pub mod reverse_crate {
    use reverse::{Gradient, Tape, Var};

    /// The gradient of `f` at `x`: recorded on `tape` (cleared first); `grad()` allocates one
    /// adjoint per node and `wrt` the result vector (reverse 0.2 has no buffer reuse).
    pub fn grad(f: for<'a> fn(&[Var<'a>]) -> Var<'a>, tape: &Tape, x: &[f64]) -> Vec<f64> {
        tape.clear();
        let xs = tape.add_vars(x);
        f(&xs).grad().wrt(&xs)
    }

    pub fn rosen<'a>(x: &[Var<'a>]) -> Var<'a> {
        rosenbrock!(x)
    }
    pub fn softplus<'a>(x: &[Var<'a>]) -> Var<'a> {
        softplus_sin!(x)
    }
}

/// num-dual (0.15): `Dual64` and `DualSVec64<8>`.
pub mod num_dual_fwd {
    use num_dual::{Dual64, DualNum, DualSVec64};
    pub fn rosen(x: &[Dual64]) -> Dual64 {
        rosenbrock!(x)
    }
    pub fn softplus(x: &[Dual64]) -> Dual64 {
        softplus_sin!(x)
    }
    pub fn rosen8(x: &[DualSVec64<8>]) -> DualSVec64<8> {
        rosenbrock!(x)
    }
    pub fn softplus8(x: &[DualSVec64<8>]) -> DualSVec64<8> {
        softplus_sin!(x)
    }

    /// n forward passes, the input buffer reused (seed, evaluate, unseed).
    pub fn grad_dual64(f: fn(&[Dual64]) -> Dual64, xd: &mut [Dual64], g: &mut [f64]) {
        for k in 0..xd.len() {
            xd[k].eps = 1.0;
            g[k] = f(xd).eps;
            xd[k].eps = 0.0;
        }
    }

    /// ⌈n/8⌉ forward passes with 8 tangents each, the input buffer reused.
    pub fn grad_chunked8(
        f: fn(&[DualSVec64<8>]) -> DualSVec64<8>,
        x: &[f64],
        xd: &mut [DualSVec64<8>],
        g: &mut [f64],
    ) {
        let n = x.len();
        for start in (0..n).step_by(8) {
            let w = 8.min(n - start);
            for j in 0..w {
                xd[start + j] = DualSVec64::<8>::from_re(x[start + j]).derivative(j);
            }
            let eps = f(xd).eps.unwrap_generic(nalgebra::U8, nalgebra::U1);
            g[start..start + w].copy_from_slice(&eps.as_slice()[..w]);
            for j in 0..w {
                xd[start + j] = DualSVec64::<8>::from_re(x[start + j]);
            }
        }
    }

    /// The input buffers for the two functions above.
    pub fn inputs(x: &[f64]) -> (Vec<Dual64>, Vec<DualSVec64<8>>) {
        (
            x.iter().map(|&v| Dual64::from(v)).collect(),
            x.iter().map(|&v| DualSVec64::<8>::from_re(v)).collect(),
        )
    }
}

/// echidna (0.15): Adept-style reverse mode on a thread-local pooled tape.
pub mod echidna_rev {
    use echidna::Reverse;
    use num_traits::Float;
    pub fn rosen(x: &[Reverse<f64>]) -> Reverse<f64> {
        rosenbrock!(x)
    }
    pub fn softplus(x: &[Reverse<f64>]) -> Reverse<f64> {
        softplus_sin!(x)
    }
}
