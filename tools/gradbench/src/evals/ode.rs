//! `ode`: `s` steps of classical Runge–Kutta on `y′₀ = x₀`, `y′ᵢ = xᵢ yᵢ₋₁` from `y = 0` to
//! `t = 2`; `primal` is the final `y`, `gradient` the gradient of its last entry with respect
//! to `x`. Scalar code, so scalar `Var`s, written generically so the primal runs on `f64`.
use serde_json::Value;
use std::ops::{Add, Mul};
use wengert::jit::Compiled;
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
pub fn gradient(tape: &mut Tape<f64>, x: &[f64], s: usize) -> Vec<f64> {
    // One tape per run loop, cleared: a warm tape allocates nothing (docs/guide.md).
    tape.clear();
    let tape = &*tape;
    let xv = tape.vars(x);
    let y = solve(&xv, s, tape.constant(0.0));
    let g = tape.backward(y[x.len() - 1]);
    xv.iter().map(|&v| g[v]).collect()
}

/// Above this many `n · s`, the gradient runs on the tape: the trace is ~23 instructions per
/// entry and step, and at n = 10⁴, s = 100 (23 million) tracing and compiling take ~3.5 s
/// and 1.3 GB (most of it the kernel zeroing the trace's fresh pages).
pub const COMPILED_MAX: usize = 1_000_000;

/// The RK4 solve traced once and compiled (`wengert::jit`): every run is then one native
/// call, with no recording. Only the last state entry is differentiated, so the compiled
/// program keeps only what it depends on (dead-code elimination: after one step the last
/// entry depends on four entries of `x`), which is what lets a compiler beat the tape here
/// by far more than its per-operation cost.
pub fn compiled(x: &[f64], s: usize) -> Result<Compiled<f64>, String> {
    let n = x.len();
    Compiled::trace(x, |t, v| solve(v, s, t.constant(0.0))[n - 1]).map_err(|e| e.to_string())
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
        "gradient" if x.len().saturating_mul(s) <= COMPILED_MAX => {
            let c = compiled(&x, s)?;
            let mut g = vec![0.0; x.len()];
            Ok(Prepared::vector(move || {
                c.value_and_grad(&x, &mut g)
                    .expect("the solve has no branch");
                g.clone()
            }))
        }
        "gradient" => {
            let mut tape = Tape::new();
            Ok(Prepared::vector(move || gradient(&mut tape, &x, s)))
        }
        _ => Err(super::unknown("ode", function)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled gradient equals the tape's (the same operations in the same order, so to
    /// the bit). From y = 0, one RK4 step reaches y₃ = h⁴x₀x₁x₂x₃/24 and no further (each of
    /// the four stages moves the front one index), so after s = 1 the last of n = 4 entries
    /// depends on all of `x`, and the last of n = 6 on none of it.
    #[test]
    fn compiled_gradient_matches_the_tape() {
        let mut tape = Tape::new();
        for (n, s) in [(1, 1), (6, 1), (9, 4), (40, 25)] {
            let x: Vec<f64> = (0..n).map(|i| 0.4 + 0.13 * (i % 5) as f64).collect();
            let c = compiled(&x, s).unwrap();
            let mut g = vec![0.0; n];
            let y = c.value_and_grad(&x, &mut g).unwrap();
            assert_eq!(y, solve(&x, s, 0.0)[n - 1]);
            assert_eq!(g, gradient(&mut tape, &x, s), "n = {n}, s = {s}");
        }
        let x = [0.5; 6];
        let mut g = [1.0; 6];
        let y = compiled(&x, 1).unwrap().value_and_grad(&x, &mut g).unwrap();
        assert_eq!((y, g), (0.0, [0.0; 6]));
        let mut g = [0.0; 4];
        let y = compiled(&x[..4], 1)
            .unwrap()
            .value_and_grad(&x[..4], &mut g)
            .unwrap();
        // h = 2: y₃ = 2⁴ · 0.5⁴ / 24 = 1/24, and ∂y₃/∂xᵢ = y₃ / xᵢ = 1/12.
        assert!((y - 1.0 / 24.0).abs() < 1e-15, "{y}");
        assert!(g.iter().all(|&d| (d - 1.0 / 12.0).abs() < 1e-15), "{g:?}");
    }
}
