//! `gmm`: the log-posterior of a Gaussian mixture (ADBench's objective: data term, `n` times
//! the log-normaliser of the weights, Wishart prior), on tensors, and its gradient with
//! respect to `alpha`, `mu`, `q` and `l`.
//!
//! Component `k`'s inverse-covariance factor `Qₖ` has diagonal `exp qₖ` and, below it, `lₖ`
//! filled column by column. The factors are built as one `[k, d, d]` tensor by an
//! `index_select` from `[exp q, l, 0]`; then `Qₖ (xᵢ − μₖ)` for all `i, k` is one batched
//! matmul.
use serde_json::{json, Value};
use wengert::prelude::*;

use super::Prepared;

/// The eval's input, flattened row-major.
pub struct Input {
    d: usize,
    k: usize,
    n: usize,
    alpha: Vec<f64>,
    mu: Vec<f64>,
    q: Vec<f64>,
    l: Vec<f64>,
    x: Vec<f64>,
    gamma: f64,
    m: usize,
}

/// `ln Γ_d(a)`, the multivariate log-gamma function.
fn log_gamma_distrib(a: f64, d: usize) -> f64 {
    let mut out = 0.25 * (d * (d - 1)) as f64 * std::f64::consts::PI.ln();
    for j in 1..=d {
        out += libm::lgamma(a + 0.5 * (1.0 - j as f64));
    }
    out
}

/// Where each entry of the `[k, d, d]` factor comes from in `[exp q (k·d), l (k·d(d−1)/2), 0]`.
fn factor_index(d: usize, k: usize) -> Vec<usize> {
    let lsz = d * (d - 1) / 2;
    let zero = k * d + k * lsz;
    let mut idx = vec![zero; k * d * d];
    for c in 0..k {
        let base = c * d * d;
        for i in 0..d {
            idx[base + i * d + i] = c * d + i;
        }
        // Column-major below the diagonal, as the reference's `Qtimesx` reads `l`.
        let mut li = 0;
        for col in 0..d {
            for row in col + 1..d {
                idx[base + row * d + col] = k * d + c * lsz + li;
                li += 1;
            }
        }
    }
    idx
}

/// The objective; with `grad`, the gradient as `[alpha, mu, q, l]` concatenated.
pub fn gmm(tape: &mut Tape<f64>, inp: &Input, grad: bool) -> Vec<f64> {
    let (d, k, n) = (inp.d, inp.k, inp.n);
    let lsz = d * (d - 1) / 2;
    // One tape per run loop, cleared: a warm tape allocates nothing (docs/guide.md).
    tape.clear();
    let tape = &*tape;
    let alpha = tape.tensor([k], inp.alpha.clone());
    let mu = tape.tensor([k, d], inp.mu.clone());
    let q = tape.tensor([k, d], inp.q.clone());
    let l = tape.tensor([k, lsz], inp.l.clone());
    let x = tape.constant_tensor([1, n, d], inp.x.clone());

    let qdiag = q.exp();
    let zero = tape.constant_tensor([1], vec![0.0]);
    let l_used = l.flatten();
    let parts = wengert::ops::structure::concat(&[qdiag.flatten(), l_used, zero], Axis(0));
    let factors = parts
        .index_select(Axis(0), &factor_index(d, k))
        .reshape([k, d, d]);
    let centered = x - mu.reshape([k, 1, d]); // [k, n, d]
    let qx = centered.matmul(factors.transpose(Axis(1), Axis(2))); // [k, n, d]
    let sum_q = q.sum_axis(Axis(1)); // [k]
    let main = (alpha + sum_q).reshape([k, 1]) - qx.square().sum_axis(Axis(2)) * 0.5; // [k, n]
    let slse = main.logsumexp_axis(Axis(0)).sum();

    let constant = -(n as f64) * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln();
    let wn = d + inp.m + 1;
    let c = wn as f64 * d as f64 * (inp.gamma.ln() - 0.5 * 2f64.ln())
        - log_gamma_distrib(0.5 * wn as f64, d);
    let frobenius = qdiag.square().sum() + l_used.square().sum();
    let prior =
        -(frobenius * (0.5 * inp.gamma * inp.gamma) - q.sum() * inp.m as f64) + k as f64 * c;
    let y = slse - alpha.logsumexp() * n as f64 + prior + constant;
    if !grad {
        return vec![y.value()];
    }
    let g = tape.backward(y);
    let mut out = g.wrt(alpha).to_vec();
    out.extend_from_slice(g.wrt(mu));
    out.extend_from_slice(g.wrt(q));
    out.extend_from_slice(g.wrt(l));
    out
}

fn read(input: &Value) -> Result<Input, String> {
    let (d, k, n) = (
        super::int(input, "d")?,
        super::int(input, "k")?,
        super::int(input, "n")?,
    );
    let lsz = d * (d - 1) / 2;
    let inp = Input {
        d,
        k,
        n,
        alpha: super::floats(&input["alpha"], "gmm alpha")?,
        mu: super::matrix(&input["mu"], "gmm mu")?.0,
        q: super::matrix(&input["q"], "gmm q")?.0,
        l: super::matrix(&input["l"], "gmm l")?.0,
        x: super::matrix(&input["x"], "gmm x")?.0,
        gamma: super::num(input, "gamma")?,
        m: super::int(input, "m")?,
    };
    let sizes = [
        inp.alpha.len(),
        inp.mu.len(),
        inp.q.len(),
        inp.l.len(),
        inp.x.len(),
    ];
    if d < 2 || k == 0 || sizes != [k, k * d, k * d, k * lsz, n * d] {
        return Err(format!(
            "gmm: sizes {sizes:?} do not fit d = {d} (>= 2), k = {k}, n = {n}"
        ));
    }
    Ok(inp)
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let inp = read(input)?;
    let (d, k) = (inp.d, inp.k);
    let lsz = d * (d - 1) / 2;
    match function {
        "objective" => {
            let mut tape = Tape::new();
            Ok(Prepared::scalar(move || gmm(&mut tape, &inp, false)[0]))
        }
        "jacobian" => Ok(Prepared {
            run: {
                let mut tape = Tape::new();
                Box::new(move || gmm(&mut tape, &inp, true))
            },
            format: Box::new(move |v| {
                let (alpha, rest) = v.split_at(k);
                let (mu, rest) = rest.split_at(k * d);
                let (q, l) = rest.split_at(k * d);
                json!({ "alpha": alpha, "mu": super::rows(mu, d), "q": super::rows(q, d), "l": super::rows(l, lsz) })
            }),
        }),
        _ => Err(super::unknown("gmm", function)),
    }
}
