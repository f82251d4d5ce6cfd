//! The `hello` eval: `square(x) = x * x` and `double(x) = d square / dx = 2x`.
use serde_json::Value;
use wengert::jit::{Compiled, GradFn};

use super::Prepared;

/// `x * x` on plain f64 (the primal, as the eval asks).
pub fn square(x: f64) -> f64 {
    x * x
}

/// The derivative of `square`, compiled once (`wengert::jit`): each call is the thin
/// `GradFn` call, ~2.5× a hand-written derivative, where a one-node tape built anew per
/// call allocated. The compiled function lives as long as the tool (leaked: one per
/// `double` evaluation prepared, a few hundred bytes).
fn double() -> Result<GradFn<'static>, String> {
    let c = Compiled::trace(&[0.0], |_, v| v[0] * v[0]).map_err(|e| e.to_string())?;
    let c: &'static Compiled<f64> = Box::leak(Box::new(c));
    c.grad_fn().map_err(|e| e.to_string())
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let x = input
        .as_f64()
        .ok_or_else(|| format!("hello expects a number, got {input}"))?;
    match function {
        "square" => Ok(Prepared::scalar(move || square(x))),
        "double" => {
            let df = double()?;
            Ok(Prepared::scalar(move || {
                let mut g = [0.0];
                df.call(&[x], &mut g).expect("square has no branch to flip");
                g[0]
            }))
        }
        _ => Err(super::unknown("hello", function)),
    }
}
