//! `lse`: `log Σ exp xᵢ` of a vector, and its gradient (the softmax), with the tensor op
//! `logsumexp` (which shifts by the maximum, as the eval's C++ does).
use serde_json::Value;
use wengert::prelude::*;

use super::Prepared;

/// `logsumexp(x)` and, when `grad` is set, its gradient.
pub fn lse(tape: &mut Tape<f64>, x: &[f64], grad: bool) -> Vec<f64> {
    // One tape per run loop, cleared: a warm tape allocates nothing (docs/guide.md).
    tape.clear();
    let tape = &*tape;
    let v = tape.tensor([x.len()], x.to_vec());
    let y = v.logsumexp();
    if grad {
        tape.backward(y).wrt(v).to_vec()
    } else {
        vec![y.value()]
    }
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let x = super::floats(&input["x"], "lse x")?;
    if x.is_empty() {
        return Err("lse: x is empty".into());
    }
    match function {
        "primal" => {
            let mut tape = Tape::new();
            Ok(Prepared::scalar(move || lse(&mut tape, &x, false)[0]))
        }
        "gradient" => {
            let mut tape = Tape::new();
            Ok(Prepared::vector(move || lse(&mut tape, &x, true)))
        }
        _ => Err(super::unknown("lse", function)),
    }
}
