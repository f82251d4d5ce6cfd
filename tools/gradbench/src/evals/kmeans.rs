//! `kmeans`: the k-means cost `Σᵢ minⱼ ‖pᵢ − cⱼ‖²` on tensors (the squared distances through
//! one matmul `P Cᵀ`, a row minimum and a sum), and `dir`, the Newton direction
//! `∇cost ⊘ diag(H)`. The Hessian is diagonal, so `H·1` is its diagonal: one forward-over-
//! reverse pass (the cost recorded on a `Tape<Dual<f64>>` with the centroids' tangents all 1)
//! gives the gradient in the adjoints' real parts and `H·1` in their tangents, as JAX's tool
//! does with `jvp` of `grad`.
use serde_json::Value;
use wengert::prelude::*;
use wengert::tape::dual::Dual;

use super::Prepared;

/// The cost of centroids `c` (a `[k, d]` tensor on the tape) for points `p` (`[n, d]`):
/// `‖pᵢ − cⱼ‖² = ‖pᵢ‖² + (‖cⱼ‖² − 2 pᵢ·cⱼ)`, and the first term does not depend on `j`, so
/// the row minimum is taken over the second alone (two `[n, k]` tensors instead of four).
fn cost<'t, R: Real>(p: Var<'t, R>, c: Var<'t, R>, p2_sum: R) -> Var<'t, R> {
    let k = c.shape()[0];
    let c2 = c.square().sum_axis(Axis(1)).reshape([1, k]);
    let cross = p.matmul((c * R::lit(-2.0)).t()); // [n, k]
    (cross + c2).min_axis(Axis(1)).sum() + p2_sum
}

/// `Σ ‖pᵢ‖²`, a constant of the cost.
fn sq_sum(points: &[f64]) -> f64 {
    points.iter().map(|v| v * v).sum()
}

/// The cost on plain f64.
pub fn objective(points: &[f64], centroids: &[f64], d: usize) -> f64 {
    let tape = Tape::<f64>::new();
    let p = tape.constant_tensor([points.len() / d, d], points.to_vec());
    let c = tape.tensor([centroids.len() / d, d], centroids.to_vec());
    cost(p, c, sq_sum(points)).value()
}

/// The Newton direction `∇cost / diag H`, row-major `[k, d]`.
pub fn direction(
    tape: &mut Tape<Dual<f64>>,
    points: &[f64],
    centroids: &[f64],
    d: usize,
) -> Vec<f64> {
    // One tape per run loop, cleared: a warm tape allocates nothing (docs/guide.md).
    tape.clear();
    let tape = &*tape;
    let p = tape.constant_tensor(
        [points.len() / d, d],
        points.iter().map(|&v| Dual::constant(v)).collect(),
    );
    let c = tape.tensor(
        [centroids.len() / d, d],
        centroids.iter().map(|&v| Dual::variable(v)).collect(),
    );
    let y = cost(p, c, Dual::constant(sq_sum(points)));
    let g = tape.backward(y);
    g.wrt(c).iter().map(|gi| gi.re / gi.eps).collect()
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let (points, _, d) = super::matrix(&input["points"], "kmeans points")?;
    let (centroids, _, dc) = super::matrix(&input["centroids"], "kmeans centroids")?;
    if d == 0 || d != dc {
        return Err(format!("kmeans: points have {d} columns, centroids {dc}"));
    }
    match function {
        "cost" => Ok(Prepared::scalar(move || objective(&points, &centroids, d))),
        "dir" => Ok(Prepared {
            run: {
                let mut tape = Tape::new();
                Box::new(move || direction(&mut tape, &points, &centroids, d))
            },
            format: Box::new(move |v| super::rows(&v, d)),
        }),
        _ => Err(super::unknown("kmeans", function)),
    }
}
