//! `ba`: bundle adjustment (ADBench): the reprojection residuals of `p` observations of `m`
//! points by `n` cameras (11 parameters each: Rodrigues rotation, centre, focal length,
//! principal point, two radial distortion terms), each weighted by `wᵢ`, plus the weight
//! residuals `1 − wᵢ²`; and the sparse Jacobian in CSR form.
//!
//! **Sparse Jacobian: one residual block at a time.** Observation `i`'s two residuals depend
//! only on its camera's 11 parameters, its point's 3 and its weight: 15 columns, so each
//! block's 2 × 15 entries are computed on their own, in `O(p)` total, with no colouring to
//! compute and nothing to decompress (column compression would need about as many colours as a
//! point has observations, plus 11, since one camera's columns touch thousands of rows). The
//! block function is the same for every observation, so it is traced once and compiled
//! (`wengert::jit::Compiled::trace_many`; its Jacobian program runs at each block's inputs). A
//! block whose Rodrigues branch (a Rust `if` on a value, which the trace froze) differs from
//! the traced one is recorded on a reused tape and swept once per residual instead. Compiled
//! blocks took 180 ms for ba3's 182 072 observations where the tape took 320 ms (the JIT's
//! interpreter: its native back end was not merged yet).
use serde_json::{json, Value};
use wengert::jit::Compiled;
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

/// Which branch of the Rodrigues rotation a block takes (a Rust `if` on a value, which a trace
/// follows as it was taken).
fn rotation_is_zero(b: &[f64]) -> bool {
    b[0] * b[0] + b[1] * b[1] + b[2] * b[2] == 0.0
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

/// One block's 2 × 15 Jacobian (row-major) on the tape: one recording, a sweep per residual.
fn tape_block(tape: &mut Tape<f64>, b: &[f64], feat: [f64; 2]) -> [f64; 30] {
    let mut jac = [0.0; 30];
    {
        let v = tape.vars(b);
        for (row, res) in reproj(&v, feat).into_iter().enumerate() {
            let g = tape.backward(res);
            for (j, &vj) in v.iter().enumerate() {
                jac[row * 15 + j] = g[vj];
            }
        }
    }
    tape.clear();
    jac
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
    let feat = inp.feat;
    let compiled = Compiled::trace_many(&block(inp, 0), |_, v| reproj(v, feat).to_vec()).ok();
    let traced_branch = rotation_is_zero(&block(inp, 0));
    let mut jac = [0.0; 30];
    for i in 0..p {
        let (cam, pt) = obs(inp, i);
        let b = block(inp, i);
        match &compiled {
            Some(c) if rotation_is_zero(&b) == traced_branch => {
                c.jacobian(&b, &mut jac)
                    .expect("the traced block at a new point");
            }
            _ => jac = tape_block(&mut tape, &b, feat),
        }
        for row in jac.chunks_exact(15) {
            rows.push(rows.last().unwrap() + 15);
            for (j, &d) in row.iter().enumerate() {
                cols.push(match j {
                    0..NCAM => NCAM * cam + j,
                    NCAM..14 => NCAM * n + 3 * pt + j - NCAM,
                    _ => NCAM * n + 3 * m + i,
                });
                vals.push(d);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled block agrees with the tape on both Rodrigues branches (traced on each).
    #[test]
    fn compiled_block_matches_the_tape() {
        let feat = [0.3, -0.2];
        let mut tape = Tape::new();
        let moving: Vec<f64> = (0..15).map(|i| 0.1 + 0.05 * i as f64).collect();
        let mut still = moving.clone();
        still[..3].fill(0.0);
        for b in [moving, still] {
            let c = Compiled::trace_many(&b, |_, v| reproj(v, feat).to_vec()).unwrap();
            let mut jac = [0.0; 30];
            c.jacobian(&b, &mut jac).unwrap();
            let want = tape_block(&mut tape, &b, feat);
            for (a, w) in jac.iter().zip(want) {
                assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "{a} vs {w}");
            }
            // Not all zero: the focal length, centre and weight always matter.
            assert!(want.iter().filter(|d| d.abs() > 1e-9).count() > 10);
        }
    }
}
