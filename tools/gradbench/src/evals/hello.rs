//! The `hello` eval: `square(x) = x * x` and `double(x) = d square / dx = 2x`.
use serde_json::Value;
use wengert::prelude::*;

use super::Prepared;

/// `x * x` on plain f64 (the primal, as the eval asks).
pub fn square(x: f64) -> f64 {
    x * x
}

/// The derivative of `square` at `x`, by one reverse sweep over a one-node tape.
pub fn double(x: f64) -> f64 {
    let tape = Tape::<f64>::new();
    let v = tape.var(x);
    let y = v * v;
    let grad = tape.backward(y);
    grad[v]
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let x = input
        .as_f64()
        .ok_or_else(|| format!("hello expects a number, got {input}"))?;
    match function {
        "square" => Ok(Prepared::scalar(move || square(x))),
        "double" => Ok(Prepared::scalar(move || double(x))),
        _ => Err(super::unknown("hello", function)),
    }
}
