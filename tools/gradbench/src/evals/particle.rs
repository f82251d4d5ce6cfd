//! `particle`: choose the charge offset `w` so that a particle, pushed by the field of charges
//! at `(10, 0)` and `(10, 10 − w)` (Euler steps of `0.1` from `(0, 8)` at velocity
//! `(0.75, 0)`, acceleration `−∇ₓ p`), crosses the x-axis at the origin: `argmin_w x(t_f)²` by
//! gradient descent. The inner derivative `∇ₓ p` and the outer `d/dw` are nested AD: the
//! objective is written over any `Real`, the outer derivative runs it on `Dual<f64>`, and the
//! inner gradient is forward mode (`forward::gradient` over `Dual<Dual<f64>>`) or reverse mode
//! (`transforms::grad` on a `Tape<Dual<f64>>`: forward-over-reverse).
use serde_json::Value;
use wengert::prelude::*;
use wengert::tape::dual::Dual;
use wengert::tape::transforms::{forward, grad};

use super::nested::{self, Mode};
use super::Prepared;

/// `1 / ‖(x₀, x₁) − (a, b)‖` on plain numbers (dual numbers included).
fn inv_dist<U: Real>(x0: U, x1: U, a: U, b: U) -> U {
    ((x0 - a) * (x0 - a) + (x1 - b) * (x1 - b)).sqrt().recip()
}

/// `∇ₓ p(x; w)` with `p = 1/‖x − (10, 0)‖ + 1/‖x − (10, 10 − w)‖`.
fn grad_potential<T: Real>(x: [T; 2], w: T, inner: Mode) -> [T; 2] {
    let (ten, zero) = (T::lit(10.0), T::zero());
    let g = match inner {
        Mode::Forward => forward::gradient(
            |v: &[Dual<T>]| {
                let d = |a: T, b: T| inv_dist(v[0], v[1], Dual::constant(a), Dual::constant(b));
                d(ten, zero) + d(ten, ten - w)
            },
            &x,
        ),
        Mode::Reverse => grad(
            |v| {
                let d = |a: T, b: T| ((v[0] - a).square() + (v[1] - b).square()).sqrt().recip();
                d(ten, zero) + d(ten, ten - w)
            },
            &x,
        ),
    };
    [g[0], g[1]]
}

/// `x(t_f)²` for control `w`.
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
    let dt_final = -x2 / v2;
    let xf = x1 + dt_final * v1;
    xf * xf
}

/// The optimal `w` from `w0`.
pub fn particle(w0: f64, outer: Mode, inner: Mode) -> f64 {
    debug_assert_eq!(outer, Mode::Forward);
    let obj = |w: &[f64]| objective(w[0], inner);
    let d = |w: &[f64]| vec![objective(Dual::variable(w[0]), inner).eps];
    nested::argmin(&obj, &d, &[w0])[0]
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let (outer, inner) = nested::modes("particle", function)?;
    let w0 = super::num(input, "w")?;
    Ok(Prepared::scalar(move || particle(w0, outer, inner)))
}
