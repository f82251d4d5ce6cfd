//! The hand model and its objective, generic over the element type (`f64`, dual numbers).
use serde_json::Value;
use wengert::tape::Real;

type M4 = [[f64; 4]; 4];

/// The hand model.
pub struct Model {
    parents: Vec<Option<usize>>,
    base_relatives: Vec<M4>,
    inverse_base_absolutes: Vec<M4>,
    /// Homogeneous rest positions, one per vertex.
    base_positions: Vec<[f64; 4]>,
    /// `weights[vertex][bone]`.
    weights: Vec<Vec<f64>>,
    triangles: Vec<[usize; 3]>,
    is_mirrored: bool,
}

/// The model with the observed points.
pub struct Data {
    model: Model,
    pub(super) correspondences: Vec<usize>,
    points: Vec<[f64; 3]>,
}

fn mul<T: Real>(a: &[[T; 4]; 4], b: &[[T; 4]; 4]) -> [[T; 4]; 4] {
    std::array::from_fn(|i| std::array::from_fn(|j| (0..4).map(|k| a[i][k] * b[k][j]).sum()))
}

fn lift<T: Real>(a: &M4) -> [[T; 4]; 4] {
    a.map(|r| r.map(T::lit))
}

fn euler_to_rotation<T: Real>(xzy: [T; 3]) -> [[T; 3]; 3] {
    let (tx, ty, tz) = (xzy[0], xzy[2], xzy[1]);
    let (o, z) = (T::one(), T::zero());
    let rx = [[o, z, z], [z, tx.cos(), -tx.sin()], [z, tx.sin(), tx.cos()]];
    let ry = [[ty.cos(), z, ty.sin()], [z, o, z], [-ty.sin(), z, ty.cos()]];
    let rz = [[tz.cos(), -tz.sin(), z], [tz.sin(), tz.cos(), z], [z, z, o]];
    let m3 = |a: &[[T; 3]; 3], b: &[[T; 3]; 3]| -> [[T; 3]; 3] {
        std::array::from_fn(|i| std::array::from_fn(|j| (0..3).map(|k| a[i][k] * b[k][j]).sum()))
    };
    m3(&m3(&rz, &ry), &rx)
}

fn angle_axis_to_rotation<T: Real>(aa: [T; 3]) -> [[T; 3]; 3] {
    let (o, z) = (T::one(), T::zero());
    let norm = (aa[0] * aa[0] + aa[1] * aa[1] + aa[2] * aa[2]).sqrt();
    if norm < T::lit(1e-4) {
        return [[o, z, z], [z, o, z], [z, z, o]];
    }
    let (x, y, w) = (aa[0] / norm, aa[1] / norm, aa[2] / norm);
    let (s, c) = (norm.sin(), norm.cos());
    [
        [
            x * x + (o - x * x) * c,
            x * y * (o - c) - w * s,
            x * w * (o - c) + y * s,
        ],
        [
            x * y * (o - c) + w * s,
            y * y + (o - y * y) * c,
            y * w * (o - c) - x * s,
        ],
        [
            x * w * (o - c) - y * s,
            w * y * (o - c) + x * s,
            w * w + (o - w * w) * c,
        ],
    ]
}

/// The pose parameters, 3 per column: global rotation, scale (ones), translation, then one
/// column of Euler angles per bone (the eval's `to_pose_params`).
fn pose_params<T: Real>(theta: &[T], nbones: usize) -> Vec<[T; 3]> {
    let mut p = vec![[T::zero(); 3]; nbones + 3];
    p[0] = [theta[0], theta[1], theta[2]];
    p[1] = [T::one(); 3];
    p[2] = [theta[3], theta[4], theta[5]];
    let (mut it, mut ip) = (6, 5);
    for _finger in 0..5 {
        for i in 2..=4 {
            p[ip][0] = theta[it];
            it += 1;
            if i == 2 {
                p[ip][1] = theta[it];
                it += 1;
            }
            ip += 1;
        }
        ip += 1;
    }
    p
}

/// Vertex positions of the posed, skinned hand (with the global transform).
fn skinned<T: Real>(m: &Model, theta: &[T]) -> Vec<[T; 3]> {
    let nb = m.parents.len();
    let pose = pose_params(theta, nb);
    let mut absolutes: Vec<[[T; 4]; 4]> = Vec::with_capacity(nb);
    for b in 0..nb {
        let r = euler_to_rotation(pose[b + 3]);
        let mut tr = lift::<T>(&[
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]);
        for i in 0..3 {
            tr[i][..3].copy_from_slice(&r[i]);
        }
        let rel = mul(&lift(&m.base_relatives[b]), &tr);
        absolutes.push(match m.parents[b] {
            None => rel,
            Some(p) => mul(&absolutes[p], &rel),
        });
    }
    let transforms: Vec<[[T; 4]; 4]> = (0..nb)
        .map(|b| mul(&absolutes[b], &lift(&m.inverse_base_absolutes[b])))
        .collect();
    let rot = angle_axis_to_rotation(pose[0]);
    let mirror = if m.is_mirrored { -T::one() } else { T::one() };
    m.base_positions
        .iter()
        .zip(&m.weights)
        .map(|(bp, w)| {
            let mut pos = [T::zero(); 3];
            for (t, &wb) in transforms.iter().zip(w) {
                if wb == 0.0 {
                    continue;
                }
                for (i, p) in pos.iter_mut().enumerate() {
                    let c: T = (0..4).map(|k| t[i][k] * T::lit(bp[k])).sum();
                    *p += c * T::lit(wb);
                }
            }
            pos[0] *= mirror;
            std::array::from_fn(|i| {
                (0..3).map(|k| rot[i][k] * pos[k] * pose[1][k]).sum::<T>() + pose[2][i]
            })
        })
        .collect()
}

/// The `3·npts` residuals; `us` empty for the simple variant.
pub fn objective<T: Real>(d: &Data, theta: &[T], us: &[T]) -> Vec<T> {
    let pos = skinned(&d.model, theta);
    let mut err = Vec::with_capacity(3 * d.points.len());
    for (i, (&c, pt)) in d.correspondences.iter().zip(&d.points).enumerate() {
        for j in 0..3 {
            let model_pt = if us.is_empty() {
                pos[c][j]
            } else {
                let v = d.model.triangles[c];
                let (u0, u1) = (us[2 * i], us[2 * i + 1]);
                u0 * pos[v[0]][j] + u1 * pos[v[1]][j] + (T::one() - u0 - u1) * pos[v[2]][j]
            };
            err.push(T::lit(pt[j]) - model_pt);
        }
    }
    err
}

fn mat4s(v: &Value, what: &str) -> Result<Vec<M4>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("ht {what} is not an array"))?;
    arr.iter()
        .map(|m| {
            let (flat, r, c) = super::super::matrix(m, what)?;
            if (r, c) != (4, 4) {
                return Err(format!("ht {what}: a {r}x{c} matrix, not 4x4"));
            }
            Ok(std::array::from_fn(|i| {
                std::array::from_fn(|j| flat[i * 4 + j])
            }))
        })
        .collect()
}

fn ints(v: &Value, what: &str) -> Result<Vec<i64>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("ht {what} is not an array"))?;
    arr.iter()
        .map(|x| {
            x.as_i64()
                .ok_or_else(|| format!("ht {what} holds a non-integer {x}"))
        })
        .collect()
}

/// Reads the eval's `data` object (`to_light_matrix` in the eval's C++ says which way round
/// each matrix is: `points`, `base_positions` and `weights` have one row per point or vertex;
/// the 4×4 matrices are row-major).
pub fn read(v: &Value, complicated: bool) -> Result<Data, String> {
    let m = &v["model"];
    let nb = m["bone_names"].as_array().map_or(0, Vec::len);
    let parents = ints(&m["parents"], "parents")?
        .into_iter()
        .enumerate()
        .map(|(b, p)| match p {
            -1 => Ok(None),
            p if p >= 0 && (p as usize) < b => Ok(Some(p as usize)),
            p => Err(format!("ht: bone {b} has parent {p}, not an earlier bone")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (bp, nv, bw) = super::super::matrix(&m["base_positions"], "base_positions")?;
    let (w, wn, ww) = super::super::matrix(&m["weights"], "weights")?;
    let mut tri = Vec::new();
    for t in m["triangles"]
        .as_array()
        .ok_or("ht triangles is not an array")?
    {
        tri.extend(ints(t, "triangles")?);
    }
    let (pts, np, pw) = super::super::matrix(&v["points"], "points")?;
    let corr = ints(&v["correspondences"], "correspondences")?;
    let model = Model {
        parents,
        base_relatives: mat4s(&m["base_relatives"], "base_relatives")?,
        inverse_base_absolutes: mat4s(&m["inverse_base_absolutes"], "inverse_base_absolutes")?,
        base_positions: bp.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect(),
        weights: w.chunks(ww.max(1)).map(<[f64]>::to_vec).collect(),
        triangles: tri
            .chunks(3)
            .map(|t| [t[0] as usize, t[1] as usize, t[2] as usize])
            .collect(),
        is_mirrored: m["is_mirrored"].as_bool().unwrap_or(false),
    };
    let nt = model.triangles.len();
    let ok = bw == 4
        && wn == nv
        && ww == nb
        && model.parents.len() == nb
        && model.base_relatives.len() == nb
        && model.inverse_base_absolutes.len() == nb
        && pw == 3
        && np == corr.len()
        && tri.len() == 3 * nt
        && tri.iter().all(|&t| t >= 0 && (t as usize) < nv);
    if !ok {
        return Err(format!(
            "ht: {nb} bones, base_positions {nv}x{bw}, weights {wn}x{ww}, points {np}x{pw}, {} correspondences, {nt} triangles do not fit",
            corr.len()
        ));
    }
    // A correspondence indexes a triangle (complicated) or a vertex (simple).
    let limit = if complicated { nt } else { nv };
    if let Some(c) = corr.iter().find(|&&c| c < 0 || c as usize >= limit) {
        return Err(format!("ht: correspondence {c} out of range"));
    }
    Ok(Data {
        model,
        correspondences: corr.into_iter().map(|c| c as usize).collect(),
        points: pts.chunks(3).map(|c| [c[0], c[1], c[2]]).collect(),
    })
}
