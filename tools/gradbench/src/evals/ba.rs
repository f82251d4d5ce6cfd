//! `ba`: bundle adjustment (ADBench): the reprojection residuals of `p` observations of `m`
//! points by `n` cameras (11 parameters each: Rodrigues rotation, centre, focal length,
//! principal point, two radial distortion terms), each weighted by `wᵢ`, plus the weight
//! residuals `1 − wᵢ²`; and the sparse Jacobian in CSR form.
//!
//! **Sparse Jacobian: one recording and two sweeps per residual block.** Observation `i`'s two
//! residuals depend only on its camera's 11 parameters, its point's 3 and its weight: 15
//! columns. Recording that block alone on a reused tape (cleared between blocks) and sweeping
//! once per residual gives the block's 2 × 15 entries directly, in `O(p)` total, with no
//! colouring to compute and nothing to decompress. Column compression would need a colouring
//! of a Jacobian whose columns for one camera touch thousands of rows, so it would need about as
//! many colours as a point has observations plus 11; per-block recording is both simpler and
//! cheaper here.
use serde_json::{json, Value};
use wengert::prelude::*;

use super::Prepared;

const NCAM: usize = 11;

/// The eval's input; every camera, point, weight and feature repeats the one given.
pub struct Input {
    n: usize,
    m: usize,
    p: usize,
    cam: Vec<f64>,
    x: Vec<f64>,
    w: f64,
    feat: [f64; 2],
}

fn cross<'t>(a: &[Var<'t, f64>; 3], b: &[Var<'t, f64>; 3]) -> [Var<'t, f64>; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// The two weighted reprojection residuals of one observation; `v` is camera (11), point (3),
/// weight (1).
fn reproj<'t>(v: &[Var<'t, f64>], feat: [f64; 2]) -> [Var<'t, f64>; 2] {
    let (cam, pt, w) = (&v[..NCAM], &v[NCAM..NCAM + 3], v[NCAM + 3]);
    let xo = [pt[0] - cam[3], pt[1] - cam[4], pt[2] - cam[5]];
    let rot = [cam[0], cam[1], cam[2]];
    let sqtheta = rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2];
    let xcam = if sqtheta.value() != 0.0 {
        let theta = sqtheta.sqrt();
        let (c, s) = (theta.cos(), theta.sin());
        let inv = theta.recip();
        let axis = [rot[0] * inv, rot[1] * inv, rot[2] * inv];
        let wx = cross(&axis, &xo);
        let tmp = (axis[0] * xo[0] + axis[1] * xo[1] + axis[2] * xo[2]) * (1.0 - c);
        [0, 1, 2].map(|i| xo[i] * c + wx[i] * s + axis[i] * tmp)
    } else {
        let rx = cross(&rot, &xo);
        [0, 1, 2].map(|i| xo[i] + rx[i])
    };
    let proj = [xcam[0] / xcam[2], xcam[1] / xcam[2]];
    let rsq = proj[0] * proj[0] + proj[1] * proj[1];
    let distort = rsq * cam[9] + rsq * rsq * cam[10] + 1.0;
    let px = proj[0] * distort * cam[6] + cam[7];
    let py = proj[1] * distort * cam[6] + cam[8];
    [(px - feat[0]) * w, (py - feat[1]) * w]
}

/// Observation `i`'s camera and point, as the eval assigns them.
fn obs(inp: &Input, i: usize) -> (usize, usize) {
    (i % inp.n, i % inp.m)
}

/// Observation `i`'s 15 block inputs.
fn block(inp: &Input, _i: usize) -> Vec<f64> {
    let mut b = Vec::with_capacity(NCAM + 4);
    b.extend_from_slice(&inp.cam);
    b.extend_from_slice(&inp.x);
    b.push(inp.w);
    b
}

/// All residuals: `2p` reprojection, then `p` weight.
pub fn objective(inp: &Input) -> Vec<f64> {
    let mut tape = Tape::<f64>::new();
    let mut out = vec![0.0; 3 * inp.p];
    for i in 0..inp.p {
        {
            let v = tape.vars(&block(inp, i));
            let r = reproj(&v, inp.feat);
            out[2 * i] = r[0].value();
            out[2 * i + 1] = r[1].value();
            out[2 * inp.p + i] = (1.0 - v[NCAM + 3] * v[NCAM + 3]).value();
        }
        tape.clear();
    }
    out
}

/// The Jacobian in CSR: `(rows, cols, vals)`, rows `0..2p` the reprojection residuals (15
/// entries each: camera, point, weight), then `p` weight residuals (1 entry each).
pub fn jacobian(inp: &Input) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    let (n, m, p) = (inp.n, inp.m, inp.p);
    let nnz = 30 * p + p;
    let (mut rows, mut cols, mut vals) = (
        Vec::with_capacity(3 * p + 1),
        Vec::with_capacity(nnz),
        Vec::with_capacity(nnz),
    );
    rows.push(0);
    let mut tape = Tape::<f64>::new();
    for i in 0..p {
        let (cam, pt) = obs(inp, i);
        {
            let v = tape.vars(&block(inp, i));
            let r = reproj(&v, inp.feat);
            for res in r {
                let g = tape.backward(res);
                rows.push(rows.last().unwrap() + 15);
                for (j, &vj) in v.iter().enumerate() {
                    cols.push(match j {
                        0..NCAM => NCAM * cam + j,
                        NCAM..14 => NCAM * n + 3 * pt + j - NCAM,
                        _ => NCAM * n + 3 * m + i,
                    });
                    vals.push(g[vj]);
                }
            }
        }
        tape.clear();
    }
    for i in 0..p {
        let w = tape.var(inp.w);
        let g = tape.backward(1.0 - w * w);
        rows.push(rows.last().unwrap() + 1);
        cols.push(NCAM * n + 3 * m + i);
        vals.push(g[w]);
        drop(g);
        tape.clear();
    }
    (rows, cols, vals)
}

fn read(input: &Value) -> Result<Input, String> {
    let (n, m, p) = (
        super::int(input, "n")?,
        super::int(input, "m")?,
        super::int(input, "p")?,
    );
    let cam = super::floats(&input["cam"], "ba cam")?;
    let x = super::floats(&input["x"], "ba x")?;
    let feat = super::floats(&input["feat"], "ba feat")?;
    if n == 0 || m == 0 || p == 0 || cam.len() != NCAM || x.len() != 3 || feat.len() != 2 {
        return Err(format!(
            "ba: n = {n}, m = {m}, p = {p} (all > 0), cam {}, x {}, feat {} entries (11, 3, 2)",
            cam.len(),
            x.len(),
            feat.len()
        ));
    }
    Ok(Input {
        n,
        m,
        p,
        cam,
        x,
        w: super::num(input, "w")?,
        feat: [feat[0], feat[1]],
    })
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let inp = read(input)?;
    let p = inp.p;
    match function {
        "objective" => Ok(Prepared {
            run: Box::new(move || objective(&inp)),
            format: Box::new(move |v| {
                json!({
                    "reproj_error": { "elements": [v[0], v[1]], "repeated": p },
                    "w_err": { "element": v[2 * p], "repeated": p },
                })
            }),
        }),
        "jacobian" => Ok(Prepared {
            // The eval's output is the first block (30 entries) and the last entry of each
            // array; the run computes all of it, as the reference does.
            run: Box::new(move || {
                let (rows, cols, vals) = jacobian(&inp);
                let ends = |v: &mut dyn Iterator<Item = f64>, last: f64| {
                    v.take(30).chain([last]).collect::<Vec<_>>()
                };
                let mut out = ends(
                    &mut rows.iter().map(|&x| x as f64),
                    rows[rows.len() - 1] as f64,
                );
                out.extend(ends(
                    &mut cols.iter().map(|&x| x as f64),
                    cols[cols.len() - 1] as f64,
                ));
                out.extend(ends(&mut vals.iter().copied(), vals[vals.len() - 1]));
                out
            }),
            format: Box::new(|v| {
                let ints = |s: &[f64]| s.iter().map(|&x| x as u64).collect::<Vec<_>>();
                json!({ "rows": ints(&v[..31]), "cols": ints(&v[31..62]), "vals": v[62..].to_vec() })
            }),
        }),
        _ => Err(super::unknown("ba", function)),
    }
}
