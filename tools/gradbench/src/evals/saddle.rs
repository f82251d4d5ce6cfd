//! `saddle`: the saddle point of `f(p₁, p₂) = ‖p₁‖² − ‖p₂‖²` as `argmin_{p₁} max_{p₂} f`, both
//! by gradient descent from `start`; the output is `(p₁*, p₂*)`. The outer gradient
//! `∇_{p₁} max_{p₂} f` differentiates through the inner ascent, whose own gradient is
//! `∇_{p₂} f`:
//!
//! - outer forward (`ff`, `fr`): the inner ascent runs on `Dual<f64>` (two passes), its
//!   gradient by `forward::gradient` or `transforms::grad` on a `Tape<Dual<f64>>`;
//! - outer reverse (`rf`, `rr`): the inner ascent is recorded on a `Tape<f64>` with its
//!   gradient as an [`InnerGrad`] op, then one sweep.
use serde_json::Value;
use wengert::ops::structure::stack;
use wengert::prelude::*;
use wengert::tape::dual::Dual;
use wengert::tape::transforms::{forward, grad};

use super::inner_grad::{InnerGrad, Scalar};
use super::nested::{self, Mode};
use super::Prepared;

/// `f(z) = z₀² + z₁² − (z₂² + z₃²)`, `z = (p₁, p₂)`.
struct F;

impl Scalar for F {
    fn plain<U: Real>(z: &[U]) -> U {
        (z[0] * z[0] + z[1] * z[1]) - (z[2] * z[2] + z[3] * z[3])
    }

    fn var<'t, R: Real>(z: &[Var<'t, R>]) -> Var<'t, R> {
        (z[0] * z[0] + z[1] * z[1]) - (z[2] * z[2] + z[3] * z[3])
    }
}

/// `∇_{p₂} f(p₁, p₂)` on numbers.
fn grad_p2<T: Real>(p1: &[T], p2: &[T], inner: Mode) -> Vec<T> {
    let (a, b) = (p1[0], p1[1]);
    match inner {
        Mode::Forward => forward::gradient(
            |v: &[Dual<T>]| F::plain(&[Dual::constant(a), Dual::constant(b), v[0], v[1]]),
            p2,
        ),
        Mode::Reverse => grad(
            |v| {
                let t = v[0].tape();
                F::var(&[t.constant(a), t.constant(b), v[0], v[1]])
            },
            p2,
        ),
    }
}

/// `max_{p₂} f(p₁, p₂)` from `start`, and the maximiser, on numbers.
fn inner_max<T: Real>(p1: &[T], start: &[f64], inner: Mode) -> (T, Vec<T>) {
    let s: Vec<T> = start.iter().map(|&v| T::lit(v)).collect();
    let obj = |p2: &[T]| F::plain(&[p1[0], p1[1], p2[0], p2[1]]);
    let p2 = nested::argmax(&nested::real(), &obj, &|p2| grad_p2(p1, p2, inner), &s);
    (obj(&p2), p2)
}

/// `max_{p₂} f(p₁, p₂)` recorded on `p₁`'s tape.
fn inner_max_var<'t>(p1: &[Var<'t, f64>], start: &[f64], inner: Mode) -> Var<'t, f64> {
    let tape = p1[0].tape();
    let s: Vec<_> = start.iter().map(|&v| tape.constant(v)).collect();
    let obj = |p2: &[Var<'t, f64>]| F::var(&[p1[0], p1[1], p2[0], p2[1]]);
    let grad = |p2: &[Var<'t, f64>]| {
        let z = stack(&[p1[0], p1[1], p2[0], p2[1]], Axis(0));
        let g = InnerGrad::<F>::record(z, 2..4, inner);
        vec![g.elem(0), g.elem(1)]
    };
    obj(&nested::argmax(&nested::var(), &obj, &grad, &s))
}

/// `(p₁*, p₂*)` from `start`.
pub fn saddle(start: [f64; 2], outer: Mode, inner: Mode) -> Vec<f64> {
    let obj = |p1: &[f64]| inner_max(p1, &start, inner).0;
    let d = |p1: &[f64]| match outer {
        Mode::Forward => forward::gradient(|v: &[Dual<f64>]| inner_max(v, &start, inner).0, p1),
        Mode::Reverse => {
            let tape = Tape::<f64>::new();
            let v = tape.vars(p1);
            let g = tape.backward(inner_max_var(&v, &start, inner));
            vec![g[v[0]], g[v[1]]]
        }
    };
    let r1 = nested::argmin(&nested::real(), &obj, &d, &start);
    let (_, r2) = inner_max(&r1, &start, inner);
    vec![r1[0], r1[1], r2[0], r2[1]]
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let (outer, inner) = nested::modes("saddle", function)?;
    let start = super::floats(&input["start"], "saddle start")?;
    if start.len() != 2 {
        return Err(format!("saddle: start has {} entries, not 2", start.len()));
    }
    Ok(Prepared::vector(move || {
        saddle([start[0], start[1]], outer, inner)
    }))
}
