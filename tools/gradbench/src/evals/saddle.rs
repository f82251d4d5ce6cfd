//! `saddle`: the saddle point of `f(p₁, p₂) = ‖p₁‖² − ‖p₂‖²` as `argmin_{p₁} max_{p₂} f`, both
//! by gradient descent from `start`; the output is `(p₁*, p₂*)`. The outer gradient
//! `∇_{p₁} max_{p₂} f` differentiates through the inner ascent, whose own gradient `∇_{p₂} f`
//! is forward mode (`forward::gradient`) or reverse mode (`transforms::grad`); the outer one is
//! forward mode over `Dual<f64>` (two passes), so `fr` is forward-over-reverse.
use serde_json::Value;
use wengert::prelude::*;
use wengert::tape::dual::Dual;
use wengert::tape::transforms::{forward, grad};

use super::nested::{self, Mode};
use super::Prepared;

fn f<T: Real>(p1: &[T], p2: &[T]) -> T {
    (p1[0] * p1[0] + p1[1] * p1[1]) - (p2[0] * p2[0] + p2[1] * p2[1])
}

/// `∇_{p₂} f(p₁, p₂)`.
fn grad_p2<T: Real>(p1: &[T], p2: &[T], inner: Mode) -> Vec<T> {
    let (a, b) = (p1[0], p1[1]);
    match inner {
        Mode::Forward => forward::gradient(
            |v: &[Dual<T>]| f(&[Dual::constant(a), Dual::constant(b)], v),
            p2,
        ),
        Mode::Reverse => grad(
            |v| (v[0] * v[0] + v[1] * v[1]) * T::lit(-1.0) + (a * a + b * b),
            p2,
        ),
    }
}

/// `max_{p₂} f(p₁, p₂)` from `start`, and the maximiser.
fn inner_max<T: Real>(p1: &[T], start: &[f64], inner: Mode) -> (T, Vec<T>) {
    let s: Vec<T> = start.iter().map(|&v| T::lit(v)).collect();
    let p2 = nested::argmax(&|p2| f(p1, p2), &|p2| grad_p2(p1, p2, inner), &s);
    (f(p1, &p2), p2)
}

/// `(p₁*, p₂*)` from `start`.
pub fn saddle(start: [f64; 2], inner: Mode) -> Vec<f64> {
    let obj = |p1: &[f64]| inner_max(p1, &start, inner).0;
    let d = |p1: &[f64]| forward::gradient(|v: &[Dual<f64>]| inner_max(v, &start, inner).0, p1);
    let r1 = nested::argmin(&obj, &d, &start);
    let (_, r2) = inner_max(&r1, &start, inner);
    vec![r1[0], r1[1], r2[0], r2[1]]
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let (_outer, inner) = nested::modes("saddle", function)?;
    let start = super::floats(&input["start"], "saddle start")?;
    if start.len() != 2 {
        return Err(format!("saddle: start has {} entries, not 2", start.len()));
    }
    Ok(Prepared::vector(move || {
        saddle([start[0], start[1]], inner)
    }))
}
