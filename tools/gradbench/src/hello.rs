//! The `hello` eval: `square(x) = x * x` and `double(x) = d square / dx = 2x`.
use wengert::prelude::*;

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
