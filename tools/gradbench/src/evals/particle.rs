//! `particle`: choose the charge offset `w` so that a particle, pushed by the field of charges
//! at `(10, 0)` and `(10, 10 − w)` (Euler steps of `0.1` from `(0, 8)` at velocity
//! `(0.75, 0)`, acceleration `−∇ₓ p`), crosses the x-axis at the origin: `argmin_w x(t_f)²` by
//! gradient descent. The inner derivative `∇ₓ p` and the outer `d/dw` are nested AD:
//!
//! - outer forward (`ff`, `fr`): the objective, written over any `Real`, runs on `Dual<f64>`;
//!   the inner gradient is `forward::gradient` over `Dual<Dual<f64>>` or `transforms::grad`
//!   on a `Tape<Dual<f64>>` (forward-over-reverse);
//! - outer reverse (`rf`, `rr`): the objective is recorded on a `Tape<f64>` with the inner
//!   gradient as an [`InnerGrad`] op (its VJP a Hessian-vector product), then one sweep.
use serde_json::Value;
use wengert::ops::structure::stack;
use wengert::prelude::*;
use wengert::tape::dual::Dual;
use wengert::tape::transforms::{forward, grad};

use super::inner_grad::{InnerGrad, Scalar};
use super::nested::{self, Mode};
use super::Prepared;

/// `p(x₁, x₂, w) = 1/‖x − (10, 0)‖ + 1/‖x − (10, 10 − w)‖`.
struct Potential;

impl Scalar for Potential {
    fn plain<U: Real>(z: &[U]) -> U {
        let ten = U::lit(10.0);
        let d = |a: U, b: U| {
            ((z[0] - a) * (z[0] - a) + (z[1] - b) * (z[1] - b))
                .sqrt()
                .recip()
        };
        d(ten, U::zero()) + d(ten, ten - z[2])
    }

    fn var<'t, R: Real>(z: &[Var<'t, R>]) -> Var<'t, R> {
        let ten = R::lit(10.0);
        let near = ((z[0] - ten).square() + z[1].square()).sqrt().recip();
        let far = ((z[0] - ten).square() + (z[1] + z[2] - ten).square())
            .sqrt()
            .recip();
        near + far
    }
}

/// `∇ₓ p(x; w)` on numbers (outer forward).
fn grad_potential<T: Real>(x: [T; 2], w: T, inner: Mode) -> [T; 2] {
    let g = match inner {
        Mode::Forward => forward::gradient(
            |v: &[Dual<T>]| Potential::plain(&[v[0], v[1], Dual::constant(w)]),
            &x,
        ),
        Mode::Reverse => grad(
            |v| Potential::var(&[v[0], v[1], v[0].tape().constant(w)]),
            &x,
        ),
    };
    [g[0], g[1]]
}

/// `x(t_f)²` for control `w`, on numbers.
pub fn objective<T: Real>(w: T, inner: Mode) -> T {
    let dt = T::lit(0.1);
    let (mut x1, mut x2, mut v1, mut v2) = (T::zero(), T::lit(8.0), T::lit(0.75), T::zero());
    for _ in 0..1_000_000 {
        let [g1, g2] = grad_potential([x1, x2], w, inner);
        let (nx1, nx2, nv1, nv2) = (x1 + dt * v1, x2 + dt * v2, v1 - dt * g1, v2 - dt * g2);
        if nx2 < T::zero() {
            break;
        }
        (x1, x2, v1, v2) = (nx1, nx2, nv1, nv2);
    }
    let xf = x1 + (-x2 / v2) * v1;
    xf * xf
}

/// `x(t_f)²` for control `w`, recorded on `w`'s tape (outer reverse).
pub fn objective_var<'t>(w: Var<'t, f64>, inner: Mode) -> Var<'t, f64> {
    let tape = w.tape();
    let dt = 0.1;
    let c = |v| tape.constant(v);
    let (mut x1, mut x2, mut v1, mut v2) = (c(0.0), c(8.0), c(0.75), c(0.0));
    for _ in 0..1_000_000 {
        let g = InnerGrad::<Potential>::record(stack(&[x1, x2, w], Axis(0)), 0..2, inner);
        let (nx1, nx2) = (x1 + v1 * dt, x2 + v2 * dt);
        if nx2.value() < 0.0 {
            break;
        }
        (x1, x2, v1, v2) = (nx1, nx2, v1 - g.elem(0) * dt, v2 - g.elem(1) * dt);
    }
    let xf = x1 + (-x2 / v2) * v1;
    xf * xf
}

/// The optimal `w` from `w0`.
pub fn particle(w0: f64, outer: Mode, inner: Mode) -> f64 {
    let obj = |w: &[f64]| objective(w[0], inner);
    let d = |w: &[f64]| match outer {
        Mode::Forward => vec![objective(Dual::variable(w[0]), inner).eps],
        Mode::Reverse => {
            let tape = Tape::<f64>::new();
            let wv = tape.var(w[0]);
            let y = objective_var(wv, inner);
            let g = tape.backward(y)[wv];
            vec![g]
        }
    };
    nested::argmin(&nested::real(), &obj, &d, &[w0])[0]
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let (outer, inner) = nested::modes("particle", function)?;
    let w0 = super::num(input, "w")?;
    Ok(Prepared::scalar(move || particle(w0, outer, inner)))
}
