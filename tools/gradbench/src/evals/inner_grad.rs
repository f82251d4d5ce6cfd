//! The inner gradient of a nested derivative as a tensor op on an outer `Tape<f64>`, so that
//! the outer derivative can be reverse mode (`rf`, `rr`).
//!
//! A tape records values, not another tape's backward sweep, so reverse mode cannot run
//! *through* an inner `grad` directly. But the inner gradient `g(z) = ∇_S p(z)` (the partials
//! of a scalar `p` along the coordinates `S` of its input `z`) is a function of `z` with a
//! known VJP: `ḡᵀ ∂g/∂z = H v` with `H` the Hessian of `p` and `v` the cotangent `ḡ` placed
//! at `S` (zero elsewhere), because `H` is symmetric. So [`InnerGrad`] computes `g` with the
//! inner mode (`forward::gradient` or `transforms::grad`) and its VJP as a Hessian-vector
//! product in the matching second-order mode (forward-over-forward on `Dual<Dual<f64>>`, or
//! forward-over-reverse with `transforms::hvp`).
use std::marker::PhantomData;
use std::ops::Range;

use wengert::prelude::*;
use wengert::tape::dual::Dual;
use wengert::tape::transforms::{forward, grad, hvp};
use wengert::tape::{Op, TensorRef};

use super::nested::Mode;

/// A scalar function written twice: on plain numbers (dual numbers included) and on `Var`s.
pub trait Scalar: 'static {
    /// `p(z)` on numbers.
    fn plain<U: Real>(z: &[U]) -> U;
    /// `p(z)` on the `Var`s of a tape.
    fn var<'t, R: Real>(z: &[Var<'t, R>]) -> Var<'t, R>;
}

/// `∇_S p(z)` as an op; its input is `z` as one vector.
pub struct InnerGrad<P> {
    sel: Range<usize>,
    inner: Mode,
    _p: PhantomData<fn() -> P>,
}

impl<P: Scalar> InnerGrad<P> {
    /// Records `∇_S p(z)` for the vector `z` on its tape.
    pub fn record<'t>(z: Var<'t, f64>, sel: Range<usize>, inner: Mode) -> Var<'t, f64> {
        let n = sel.len();
        let op = InnerGrad::<P> {
            sel,
            inner,
            _p: PhantomData,
        };
        z.tape().record_op(op, &[z], [n])
    }

    fn gradient(&self, z: &[f64]) -> Vec<f64> {
        match self.inner {
            Mode::Forward => forward::gradient(|v: &[Dual<f64>]| P::plain(v), z),
            Mode::Reverse => grad(|v| P::var(v), z),
        }
    }

    fn hessian_times(&self, z: &[f64], v: &[f64]) -> Vec<f64> {
        match self.inner {
            Mode::Forward => {
                let zd: Vec<Dual<f64>> = z.iter().zip(v).map(|(&a, &b)| Dual::new(a, b)).collect();
                forward::gradient(|w: &[Dual<Dual<f64>>]| P::plain(w), &zd)
                    .into_iter()
                    .map(|d| d.eps)
                    .collect()
            }
            Mode::Reverse => hvp(|w| P::var(w), z, v),
        }
    }
}

impl<P: Scalar> Op<f64> for InnerGrad<P> {
    fn name(&self) -> &'static str {
        "inner_grad"
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, f64>], out: &mut [f64]) {
        out.copy_from_slice(&self.gradient(inputs[0].data)[self.sel.clone()]);
    }

    fn vjp(
        &self,
        _input: usize,
        inputs: &[TensorRef<'_, f64>],
        _out: TensorRef<'_, f64>,
        grad_out: &[f64],
        grad_in: &mut [f64],
    ) {
        let z = inputs[0].data;
        let mut v = vec![0.0; z.len()];
        v[self.sel.clone()].copy_from_slice(grad_out);
        for (gi, h) in grad_in.iter_mut().zip(self.hessian_times(z, &v)) {
            *gi += h;
        }
    }
}
