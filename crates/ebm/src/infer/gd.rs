//! Inference on a continuous answer: gradient descent and Langevin sampling of `Y`.
use super::constant;
use crate::energy::Energy;
use crate::init::{normal, Rng};
use wengert_tape::{Bound, Error, ErrorKind, ParamStore, Real, Tape, Tensor, Var};

/// Step size, iteration cap and tolerance of gradient-descent inference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GdOptions<T> {
    /// The step size η in `Y ← Y − η ∂E/∂Y`.
    pub step: T,
    /// The maximum number of steps.
    pub max_iters: usize,
    /// Stop once every element of a step `η ∂E/∂Y` is at most this in magnitude.
    pub tol: T,
}

impl<T: Real> Default for GdOptions<T> {
    /// η = 0.1, 1000 steps, tolerance 1e-6.
    fn default() -> Self {
        GdOptions {
            step: T::lit(0.1),
            max_iters: 1000,
            tol: T::lit(1e-6),
        }
    }
}

/// The result of gradient-descent inference.
#[derive(Clone, Debug, PartialEq)]
pub struct Descent<T> {
    /// The answer found, `Y̌`.
    pub y: Tensor<T>,
    /// Its energy `E(W, Y̌, X)`.
    pub energy: T,
    /// The number of steps taken.
    pub iters: usize,
    /// Whether the tolerance was met before the iteration cap.
    pub converged: bool,
}

/// The energy at `y` and its gradient in `y`, on a cleared `tape`.
pub(crate) fn energy_grad<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    tape: &mut Tape<T>,
    x: &Tensor<T>,
    y: &Tensor<T>,
) -> (T, Vec<T>) {
    value_grad_at(store, tape, y, |p, yv| {
        model.energy(p, constant(yv.tape(), x), yv)
    })
}

/// `f(params, v)` and its gradient in `v`, with `v` a tensor leaf holding `at`, recorded on
/// `tape` (cleared afterwards) with the parameters of `store` bound.
pub(crate) fn value_grad_at<T: Real>(
    store: &ParamStore<T>,
    tape: &mut Tape<T>,
    at: &Tensor<T>,
    f: impl for<'t, 's> FnOnce(&Bound<'t, 's, T>, Var<'t, T>) -> Var<'t, T>,
) -> (T, Vec<T>) {
    let out = {
        let p = store.bind(tape);
        let v = tape.tensor(at.shape().clone(), at.data().to_vec());
        let e = f(&p, v);
        let g = tape.backward(e);
        (e.value(), g.to_vec(v))
    };
    tape.clear();
    out
}

#[track_caller]
fn check_positive<T: Real>(op: &'static str, what: &str, v: T) -> Result<(), Error> {
    if v.is_finite() && v > T::zero() {
        Ok(())
    } else {
        Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!("{what} must be finite and > 0, got {v}"),
        }))
    }
}

/// Gradient-descent inference `Y ← Y − η ∂E(W, Y, X)/∂Y` from `y0`, until a step is below
/// the tolerance or the iteration cap is reached (then `converged` is false).
///
/// # Panics
/// See [`try_descend`].
///
/// ```
/// use wengert_ebm::{energy::from_fn, infer::{self, GdOptions}};
/// use wengert_tape::{ParamStore, Tensor};
/// // E = ½(Y − X²)²: the minimiser is Y = X²
/// let model = from_fn(|_p, x, y| { let d = y - x * x; (d * d).sum_all() * 0.5 });
/// let r = infer::descend(&model, &ParamStore::<f64>::new(), &Tensor::new([1], vec![1.5]),
///                        Tensor::new([1], vec![0.0]), GdOptions::default());
/// assert!(r.converged);
/// assert!((r.y.data()[0] - 2.25).abs() < 1e-4);
/// ```
#[track_caller]
pub fn descend<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    y0: Tensor<T>,
    opts: GdOptions<T>,
) -> Descent<T> {
    try_descend(model, store, x, y0, opts).unwrap_or_else(|e| panic!("{e}"))
}

/// [`descend`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] if the step is not finite and positive or the tolerance is
/// negative or NaN; [`ErrorKind::NonFinite`] if the energy or its gradient becomes non-finite
/// (a step size too large for the energy's curvature).
#[track_caller]
pub fn try_descend<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    y0: Tensor<T>,
    opts: GdOptions<T>,
) -> Result<Descent<T>, Error> {
    let loc = std::panic::Location::caller();
    let mut tape = Tape::new();
    let mut y = gd_loop("infer::descend", y0, opts, |y| {
        energy_grad(model, store, &mut tape, x, y)
    })
    .map_err(|e| e.at(loc))?;
    y.energy = energy_grad(model, store, &mut tape, x, &y.y).0;
    Ok(y)
}

/// Descends `f` (energy and gradient at a point) from `y0`; the returned energy is the one
/// before the last step (callers that need the exact final energy recompute it).
pub(crate) fn gd_loop<T: Real>(
    op: &'static str,
    y0: Tensor<T>,
    opts: GdOptions<T>,
    mut f: impl FnMut(&Tensor<T>) -> (T, Vec<T>),
) -> Result<Descent<T>, Error> {
    check_positive(op, "the step", opts.step)?;
    if opts.tol.is_nan() || opts.tol < T::zero() {
        return Err(Error::new(ErrorKind::InvalidArgument {
            op,
            reason: format!("the tolerance must be >= 0, got {}", opts.tol),
        }));
    }
    let mut y = y0;
    let mut iters = 0;
    let mut converged = false;
    let mut energy = T::nan();
    while iters < opts.max_iters {
        let (e, g) = f(&y);
        if !e.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(Error::new(ErrorKind::NonFinite {
                what: format!("{op}: energy {e} or its gradient at step {iters}"),
            }));
        }
        energy = e;
        let mut biggest = T::zero();
        for (yi, gi) in y.data_mut().iter_mut().zip(&g) {
            let d = opts.step * *gi;
            *yi -= d;
            biggest = biggest.max(d.abs());
        }
        iters += 1;
        if biggest <= opts.tol {
            converged = true;
            break;
        }
    }
    Ok(Descent {
        y,
        energy,
        iters,
        converged,
    })
}

/// Step size, inverse temperature and length of a Langevin chain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LangevinOptions<T> {
    /// The step size ε.
    pub step: T,
    /// The inverse temperature β of the target `P(Y|X) ∝ exp(−β E(W, Y, X))`.
    pub beta: T,
    /// The number of steps (samples returned).
    pub n_steps: usize,
}

/// Unadjusted Langevin sampling of `Y` from `P(Y|X) ∝ exp(−β E(W, Y, X))`:
/// `Y ← Y − ε ∂E/∂Y + √(2ε/β) ξ`, ξ standard normal. Returns the state after every step.
///
/// # Panics
/// See [`try_langevin`].
///
/// ```
/// use wengert_ebm::{energy::from_fn, infer::{self, LangevinOptions}, init};
/// use wengert_tape::{ParamStore, Tensor};
/// // E = ½Y²: at β = 1 the samples are standard normal
/// let model = from_fn(|_p, _x, y| (y * y).sum_all() * 0.5);
/// let opts = LangevinOptions { step: 0.05, beta: 1.0, n_steps: 4000 };
/// let s = infer::langevin(&model, &ParamStore::<f64>::new(), &Tensor::scalar(0.0),
///                         Tensor::new([1], vec![0.0]), opts, &mut init::rng(7));
/// let var = s[500..].iter().map(|t| t.data()[0].powi(2)).sum::<f64>() / 3500.0;
/// assert!((var - 1.0).abs() < 0.3);
/// ```
#[track_caller]
pub fn langevin<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    y0: Tensor<T>,
    opts: LangevinOptions<T>,
    rng: &mut Rng,
) -> Vec<Tensor<T>> {
    try_langevin(model, store, x, y0, opts, rng).unwrap_or_else(|e| panic!("{e}"))
}

/// [`langevin`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] if the step or β is not finite and positive;
/// [`ErrorKind::NonFinite`] if the chain diverges.
#[track_caller]
pub fn try_langevin<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    y0: Tensor<T>,
    opts: LangevinOptions<T>,
    rng: &mut Rng,
) -> Result<Vec<Tensor<T>>, Error> {
    check_positive("infer::langevin", "the step", opts.step)?;
    check_positive("infer::langevin", "beta", opts.beta)?;
    let loc = std::panic::Location::caller();
    let noise = (T::lit(2.0) * opts.step / opts.beta).sqrt();
    let mut tape = Tape::new();
    let mut y = y0;
    // Not `with_capacity(n_steps)`: an untrusted count (2^40 steps) aborted the process up
    // front; the chain grows as it runs, and a divergence stops it early.
    let mut out = Vec::with_capacity(opts.n_steps.min(1024));
    for i in 0..opts.n_steps {
        let (e, g) = energy_grad(model, store, &mut tape, x, &y);
        if !e.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(Error::new(ErrorKind::NonFinite {
                what: format!("infer::langevin: energy {e} or its gradient at step {i}"),
            })
            .at(loc));
        }
        for (yi, gi) in y.data_mut().iter_mut().zip(&g) {
            *yi += noise * T::lit(normal(rng)) - opts.step * *gi;
        }
        out.push(y.clone());
    }
    Ok(out)
}
