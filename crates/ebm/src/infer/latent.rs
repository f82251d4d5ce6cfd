//! Minimisation over a latent variable: enumeration for discrete `Z`, gradient descent for
//! continuous `Z`.
use super::constant;
use super::gd::{gd_loop, value_grad_at, Descent, GdOptions};
use crate::energy::LatentEnergy;
use wengert_ops::prelude::*;
use wengert_ops::structure::stack;
use wengert_tape::{Bound, Error, ErrorKind, ParamStore, Real, Tape, Tensor, Var};

/// `min_z E(W, Y, z, X)` over a discrete set: the index of the minimising `z` and the
/// recorded minimum (its gradient flows through that `z`'s energy only).
///
/// # Panics
/// If `zs` is empty (see [`try_min_over_z`]).
///
/// ```
/// use wengert_ebm::{energy::latent_from_fn, infer};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let e = latent_from_fn(|_p, _x, y, z| { let d = y - z; (d * d).sum_all() });
/// let zs: Vec<_> = [0.0, 2.0, 5.0].iter().map(|&z| Tensor::scalar(z)).collect();
/// let store = ParamStore::<f64>::new();
/// let tape = Tape::new();
/// let (k, m) = infer::min_over_z(&e, &store.bind(&tape), tape.constant(0.0), tape.constant(1.5), &zs);
/// assert_eq!((k, m.value()), (1, 0.25));
/// ```
#[track_caller]
pub fn min_over_z<'t, T: Real>(
    model: &impl LatentEnergy<T>,
    p: &Bound<'t, '_, T>,
    x: Var<'t, T>,
    y: Var<'t, T>,
    zs: &[Tensor<T>],
) -> (usize, Var<'t, T>) {
    try_min_over_z(model, p, x, y, zs).unwrap_or_else(|e| panic!("{e}"))
}

/// [`min_over_z`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for an empty set; [`ErrorKind::NonFinite`] for a NaN energy.
#[track_caller]
pub fn try_min_over_z<'t, T: Real>(
    model: &impl LatentEnergy<T>,
    p: &Bound<'t, '_, T>,
    x: Var<'t, T>,
    y: Var<'t, T>,
    zs: &[Tensor<T>],
) -> Result<(usize, Var<'t, T>), Error> {
    if zs.is_empty() {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: "infer::min_over_z",
            reason: "the set of latent values is empty".into(),
        }));
    }
    let tape = x.tape();
    let es: Vec<_> = zs
        .iter()
        .map(|z| model.energy_z(p, x, y, constant(tape, z)).sum_all())
        .collect();
    let values: Vec<T> = es.iter().map(|e| e.value()).collect();
    let (k, _) = super::argmin(&values)?;
    if es.len() == 1 {
        return Ok((0, es[0]));
    }
    Ok((k, stack(&es, Axis(0)).min()))
}

/// The free energy over a discrete latent set, a graph expression usable in losses:
/// `F_β(W, Y, X) = −(1/β) log Σ_z exp(−β E(W, Y, z, X))` (the tutorial's marginalization of
/// `Z`). Its gradient is the Gibbs-weighted mean of the energies' gradients,
/// `∂F/∂θ = Σ_z P(z) ∂E(z)/∂θ` with `P = softmax(−β E)`; as β → ∞ it tends to
/// [`min_over_z`] (from below: `min − log|Z|/β ≤ F ≤ min`). Computed stably (logsumexp).
///
/// # Panics
/// As [`try_free_energy_over_z`] errors.
///
/// ```
/// use wengert_ebm::{energy::latent_from_fn, infer};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// // E(z) = (y − z)² at y = 1 over z ∈ {0, 2}: both energies 1, so F = 1 − log 2 at β = 1.
/// let e = latent_from_fn(|_p, _x, y, z| { let d = y - z; (d * d).sum_all() });
/// let zs: Vec<_> = [0.0, 2.0].iter().map(|&z| Tensor::scalar(z)).collect();
/// let store = ParamStore::<f64>::new();
/// let tape = Tape::new();
/// let y = tape.var(1.0);
/// let f = infer::free_energy_over_z(&e, &store.bind(&tape), tape.constant(0.0), y, &zs, 1.0);
/// assert!((f.value() - (1.0 - 2f64.ln())).abs() < 1e-12);
/// // ∂F/∂y = ½·2(y − 0) + ½·2(y − 2) = 0
/// assert!(tape.backward(f).wrt(y)[0].abs() < 1e-12);
/// ```
#[track_caller]
pub fn free_energy_over_z<'t, T: Real>(
    model: &impl LatentEnergy<T>,
    p: &Bound<'t, '_, T>,
    x: Var<'t, T>,
    y: Var<'t, T>,
    zs: &[Tensor<T>],
    beta: T,
) -> Var<'t, T> {
    try_free_energy_over_z(model, p, x, y, zs, beta).unwrap_or_else(|e| panic!("{e}"))
}

/// [`free_energy_over_z`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for an empty set or β not finite and > 0.
#[track_caller]
pub fn try_free_energy_over_z<'t, T: Real>(
    model: &impl LatentEnergy<T>,
    p: &Bound<'t, '_, T>,
    x: Var<'t, T>,
    y: Var<'t, T>,
    zs: &[Tensor<T>],
    beta: T,
) -> Result<Var<'t, T>, Error> {
    // A closure does not inherit `#[track_caller]`: take the caller's line out here.
    let loc = std::panic::Location::caller();
    let bad = |reason: String| {
        let op = "infer::free_energy_over_z";
        Err(Error::new(ErrorKind::InvalidArgument { op, reason }).at(loc))
    };
    if zs.is_empty() {
        return bad("the set of latent values is empty".into());
    }
    if !beta.is_finite() || beta <= T::zero() {
        return bad(format!("beta = {beta} must be finite and > 0"));
    }
    let tape = x.tape();
    let es: Vec<_> = zs
        .iter()
        .map(|z| model.energy_z(p, x, y, constant(tape, z)).sum_all())
        .collect();
    let lse = (stack(&es, Axis(0)) * (-beta)).logsumexp();
    Ok(lse * (-T::one() / beta))
}

/// Gradient descent on a continuous latent `Z`: `Z ← Z − η ∂E(W, Y, Z, X)/∂Z` from `z0`,
/// on a fresh tape. The returned [`Descent`]'s `y` field holds the `z*` found, and `energy`
/// is `E(W, Y, z*, X) = Ě(W, Y, X)`.
///
/// # Panics
/// See [`try_descend_z`].
///
/// ```
/// use wengert_ebm::{energy::latent_from_fn, infer::{self, GdOptions}};
/// use wengert_tape::{ParamStore, Tensor};
/// // E = (Y − Z)² + Z²: min over Z at Z = Y/2, Ě = Y²/2
/// let e = latent_from_fn(|_p, _x, y, z| { let d = y - z; (d * d + z * z).sum_all() });
/// let r = infer::descend_z(&e, &ParamStore::<f64>::new(), &Tensor::scalar(0.0), &Tensor::scalar(2.0),
///                          Tensor::scalar(0.0), GdOptions::default());
/// assert!((r.y.data()[0] - 1.0).abs() < 1e-5 && (r.energy - 2.0).abs() < 1e-9);
/// ```
#[track_caller]
pub fn descend_z<T: Real>(
    model: &impl LatentEnergy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    y: &Tensor<T>,
    z0: Tensor<T>,
    opts: GdOptions<T>,
) -> Descent<T> {
    try_descend_z(model, store, x, y, z0, opts).unwrap_or_else(|e| panic!("{e}"))
}

/// [`descend_z`], returning an error instead of panicking.
///
/// # Errors
/// As [`super::try_descend`].
#[track_caller]
pub fn try_descend_z<T: Real>(
    model: &impl LatentEnergy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    y: &Tensor<T>,
    z0: Tensor<T>,
    opts: GdOptions<T>,
) -> Result<Descent<T>, Error> {
    let loc = std::panic::Location::caller();
    let mut tape = Tape::new();
    let mut eval = |z: &Tensor<T>| {
        value_grad_at(store, &mut tape, z, |p, zv| {
            let tape = zv.tape();
            model.energy_z(p, constant(tape, x), constant(tape, y), zv)
        })
    };
    let mut d = gd_loop("infer::descend_z", z0, opts, &mut eval).map_err(|e| e.at(loc))?;
    d.energy = eval(&d.y).0;
    Ok(d)
}

/// [`try_descend_z`] on the tape the parameters are bound to (no store needed): the search
/// is recorded on that tape with `x` and `y` detached, one backward pass per step. Used by
/// [`crate::energy::Latent`].
///
/// # Errors
/// As [`super::try_descend`].
#[track_caller]
pub fn try_descend_z_on<'t, T: Real>(
    model: &impl LatentEnergy<T>,
    p: &Bound<'t, '_, T>,
    x: Var<'t, T>,
    y: Var<'t, T>,
    z0: Tensor<T>,
    opts: GdOptions<T>,
) -> Result<Descent<T>, Error> {
    let loc = std::panic::Location::caller();
    let tape = x.tape();
    let (xd, yd) = (x.detach(), y.detach());
    let eval = |z: &Tensor<T>| {
        let zv = tape.tensor(z.shape().clone(), z.data().to_vec());
        let e = model.energy_z(p, xd, yd, zv);
        let g = tape.backward(e);
        (e.value(), g.to_vec(zv))
    };
    let mut d = gd_loop("infer::descend_z", z0, opts, eval).map_err(|e| e.at(loc))?;
    let zc = constant(tape, &d.y);
    d.energy = model.energy_z(p, xd, yd, zc).value();
    Ok(d)
}
