//! `llsq`: the linear least-squares objective `½ Σᵢ (s(tᵢ) − Σⱼ xⱼ tᵢʲ)²` with
//! `tᵢ = −1 + 2i/(n − 1)` and `s` the sign function, as a matrix-vector product on tensors
//! (the Vandermonde matrix `tᵢʲ` is a constant built in the run, as the C++ reference builds
//! its powers in the loop).
use serde_json::Value;
use wengert::prelude::*;

use super::Prepared;

/// The objective and, when `grad` is set, its gradient with respect to `x` (length `m`).
pub fn llsq(x: &[f64], n: usize, grad: bool) -> Vec<f64> {
    let m = x.len();
    let mut powers = Vec::with_capacity(n * m);
    let mut signs = Vec::with_capacity(n);
    for i in 0..n {
        let t = -1.0 + i as f64 * 2.0 / (n as f64 - 1.0);
        signs.push(if t > 0.0 {
            1.0
        } else if t < 0.0 {
            -1.0
        } else {
            0.0
        });
        let mut p = 1.0;
        for _ in 0..m {
            powers.push(p);
            p *= t;
        }
    }
    let tape = Tape::<f64>::new();
    let xv = tape.tensor([m], x.to_vec());
    let vander = tape.constant_tensor([n, m], powers);
    let s = tape.constant_tensor([n], signs);
    let r = s - vander.matmul(xv);
    let y = r.square().sum() * 0.5;
    if grad {
        tape.backward(y).wrt(xv).to_vec()
    } else {
        vec![y.value()]
    }
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let x = super::floats(&input["x"], "llsq x")?;
    let n = super::int(input, "n")?;
    if n < 2 || x.is_empty() {
        return Err(format!(
            "llsq needs n >= 2 and a non-empty x (n = {n}, m = {})",
            x.len()
        ));
    }
    match function {
        "primal" => Ok(Prepared::scalar(move || llsq(&x, n, false)[0])),
        "gradient" => Ok(Prepared::vector(move || llsq(&x, n, true))),
        _ => Err(super::unknown("llsq", function)),
    }
}
