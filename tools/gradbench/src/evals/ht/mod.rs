//! `ht`: hand tracking (ADBench): a skinned hand model posed by 26 parameters `theta`, and the
//! residuals between observed points and their corresponding model points (`simple`: a vertex;
//! `complicated`: a point inside a triangle at barycentric `us`), with their Jacobian.
//!
//! **Sparse Jacobian: column compression, forward mode.** There are 3 residuals per point
//! (up to 153 600) and 26 parameters plus, in the complicated variant, 2 `us` per point. Point
//! `i`'s `us` touch only its own 3 rows, so all first coordinates share one colour and all
//! second coordinates another: the Jacobian compresses to `26 + 2` columns (the layout the
//! eval asks for). The objective is written once over any `Real` element type and evaluated
//! on `DualVec<f64, 28>` with one seed per compressed column: one pass, no tape; reverse mode
//! would need a sweep per residual, as the skinning is shared by all of them.
use serde_json::Value;
use wengert::tape::dual::DualVec;

use super::Prepared;

mod model;

pub use model::Data;

/// Compressed columns: the two `us` colours, then the 26 parameters.
const LANES: usize = 28;

/// The residuals; with `jac`, the compressed Jacobian row-major (`3·npts` rows of
/// `2 + 26` columns, complicated, or 26, simple) instead.
pub fn ht(data: &Data, theta: &[f64], us: &[f64], jac: bool) -> Vec<f64> {
    let complicated = !us.is_empty();
    if !jac {
        return model::objective(data, theta, us);
    }
    type D = DualVec<f64, LANES>;
    let th: Vec<D> = theta
        .iter()
        .enumerate()
        .map(|(k, &t)| D::variable(t, k + 2))
        .collect();
    let u: Vec<D> = us
        .iter()
        .enumerate()
        .map(|(k, &v)| D::variable(v, k % 2))
        .collect();
    let err = model::objective(data, &th, &u);
    let skip = if complicated { 0 } else { 2 };
    let mut out = Vec::with_capacity(err.len() * (LANES - skip));
    for e in err {
        out.extend_from_slice(&e.eps[skip..]);
    }
    out
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let theta = super::floats(&input["theta"], "ht theta")?;
    let (us, _, uw) = match &input["us"] {
        Value::Null => (Vec::new(), 0, 2),
        v => super::matrix(v, "ht us")?,
    };
    let data = model::read(&input["data"], !us.is_empty())?;
    let npts = data.correspondences.len();
    if theta.len() != 26 || !(us.is_empty() || (uw == 2 && us.len() == 2 * npts)) {
        return Err(format!(
            "ht: theta has {} entries (26), us {} ({} points, 2 each or none)",
            theta.len(),
            us.len(),
            npts
        ));
    }
    let ncols = if us.is_empty() { 26 } else { 28 };
    match function {
        "objective" => Ok(Prepared::vector(move || ht(&data, &theta, &us, false))),
        "jacobian" => Ok(Prepared {
            run: Box::new(move || ht(&data, &theta, &us, true)),
            format: Box::new(move |v| super::rows(&v, ncols)),
        }),
        _ => Err(super::unknown("ht", function)),
    }
}
