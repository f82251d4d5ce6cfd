//! `llsq`: the linear least-squares objective `½ Σᵢ (s(tᵢ) − Σⱼ xⱼ tᵢʲ)²` with
//! `tᵢ = −1 + 2i/(n − 1)` and `s` the sign function, as a matrix-vector product on tensors
//! (the Vandermonde matrix `tᵢʲ`, transposed, is a constant built in the run, as the C++
//! reference builds its powers in the loop).
use serde_json::Value;
use wengert::prelude::*;

use super::Prepared;

/// The objective and, when `grad` is set, its gradient with respect to `x` (length `m`).
pub fn llsq(tape: &mut Tape<f64>, x: &[f64], n: usize, grad: bool) -> Vec<f64> {
    // One tape per run loop, cleared: a warm tape allocates nothing (docs/guide.md).
    tape.clear();
    let tape = &*tape;
    let m = x.len();
    let t: Vec<f64> = (0..n)
        .map(|i| -1.0 + i as f64 * 2.0 / (n as f64 - 1.0))
        .collect();
    let signs: Vec<f64> = t
        .iter()
        .map(|&ti| {
            if ti > 0.0 {
                1.0
            } else if ti < 0.0 {
                -1.0
            } else {
                0.0
            }
        })
        .collect();
    // Row j of the transposed Vandermonde matrix is tʲ: each row is the previous one times t,
    // elementwise (vectorises, unlike a power chain along each row).
    let mut powers = vec![1.0; m * n];
    for j in 1..m {
        let (done, rest) = powers.split_at_mut(j * n);
        for ((p, &q), &ti) in rest[..n].iter_mut().zip(&done[(j - 1) * n..]).zip(&t) {
            *p = q * ti;
        }
    }
    let xv = tape.tensor([m], x.to_vec());
    let vander_t = tape.constant_tensor([m, n], powers);
    let s = tape.constant_tensor([n], signs);
    let r = s - xv.matmul(vander_t);
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
        "primal" => {
            let mut tape = Tape::new();
            Ok(Prepared::scalar(move || llsq(&mut tape, &x, n, false)[0]))
        }
        "gradient" => {
            let mut tape = Tape::new();
            Ok(Prepared::vector(move || llsq(&mut tape, &x, n, true)))
        }
        _ => Err(super::unknown("llsq", function)),
    }
}
