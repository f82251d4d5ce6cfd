//! `ode`: `s` steps of classical Runge–Kutta on `y′₀ = x₀`, `y′ᵢ = xᵢ yᵢ₋₁` from `y = 0` to
//! `t = 2`; `primal` is the final `y`, `gradient` the gradient of its last entry with respect
//! to `x`. Scalar code, so scalar `Var`s, written generically so the primal runs on `f64`.
use serde_json::Value;
use std::ops::{Add, Mul};
use wengert::prelude::*;

use super::Prepared;

/// The right-hand side `z = f(x, y)`.
fn rhs<T: Copy + Mul<Output = T>>(x: &[T], y: &[T], z: &mut [T]) {
    z[0] = x[0];
    for i in 1..x.len() {
        z[i] = x[i] * y[i - 1];
    }
}

/// The final state after `s` RK4 steps; `zero` is the element type's 0.
pub fn solve<T>(x: &[T], s: usize, zero: T) -> Vec<T>
where
    T: Copy + Add<Output = T> + Mul<Output = T> + Mul<f64, Output = T>,
{
    let n = x.len();
    let h = 2.0 / s as f64;
    let mut y = vec![zero; n];
    let (mut k1, mut k2, mut k3, mut k4, mut tmp) =
        (y.clone(), y.clone(), y.clone(), y.clone(), y.clone());
    for _ in 0..s {
        rhs(x, &y, &mut k1);
        for i in 0..n {
            tmp[i] = y[i] + k1[i] * (h / 2.0);
        }
        rhs(x, &tmp, &mut k2);
        for i in 0..n {
            tmp[i] = y[i] + k2[i] * (h / 2.0);
        }
        rhs(x, &tmp, &mut k3);
        for i in 0..n {
            tmp[i] = y[i] + k3[i] * h;
        }
        rhs(x, &tmp, &mut k4);
        for i in 0..n {
            y[i] = y[i] + (k1[i] + k2[i] * 2.0 + k3[i] * 2.0 + k4[i]) * (h / 6.0);
        }
    }
    y
}

/// The gradient of the last entry of the final state with respect to `x`.
pub fn gradient(x: &[f64], s: usize) -> Vec<f64> {
    let tape = Tape::<f64>::new();
    let xv = tape.vars(x);
    let y = solve(&xv, s, tape.constant(0.0));
    let g = tape.backward(y[x.len() - 1]);
    xv.iter().map(|&v| g[v]).collect()
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let x = super::floats(&input["x"], "ode x")?;
    let s = super::int(input, "s")?;
    if x.is_empty() || s == 0 {
        return Err(format!(
            "ode needs a non-empty x and s >= 1 (n = {}, s = {s})",
            x.len()
        ));
    }
    match function {
        "primal" => Ok(Prepared::vector(move || solve(&x, s, 0.0))),
        "gradient" => Ok(Prepared::vector(move || gradient(&x, s))),
        _ => Err(super::unknown("ode", function)),
    }
}
