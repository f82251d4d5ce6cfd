//! Energy minimisation that converges: steepest descent with a backtracking (Armijo) line
//! search, or L-BFGS, both from the `argmin` crate through wengert-tape's argmin bridge.
use super::constant;
use crate::energy::{Energy, LatentEnergy};
use argmin::core::{Executor, LineSearch, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::linesearch::{condition::ArmijoCondition, BacktrackingLineSearch};
use argmin::solver::quasinewton::LBFGS;
use wengert_tape::bridge::argmin::TensorProblem;
use wengert_tape::{Error, ErrorKind, ParamStore, Tensor, Var};

/// The minimiser used by [`minimize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Method {
    /// Steepest descent `Y ← Y − α ∇E`, `α` found by backtracking (halving) from the last
    /// accepted step times 2 until the Armijo condition
    /// `E(Y − α∇E) ≤ E(Y) − 10⁻⁴ α ‖∇E‖²` holds.
    #[default]
    Armijo,
    /// L-BFGS with `memory` stored pairs and a Moré–Thuente line search.
    Lbfgs {
        /// The number of `(s, y)` pairs kept (argmin's `m`).
        memory: usize,
    },
}

/// Options of [`minimize`]: the method, an iteration cap and the gradient tolerance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinimizeOptions {
    /// Which minimiser.
    pub method: Method,
    /// The maximum number of iterations (line searches).
    pub max_iters: u64,
    /// Converged once `‖∇E‖₂ ≤ grad_tol`.
    pub grad_tol: f64,
    /// The first trial step of the Armijo search.
    pub step: f64,
    /// A box `[lo, hi]` for every element (the answer domain), or `None`. With a box the
    /// Armijo method searches along the projected path `P(Y − α∇E)` (argmin has no bounded
    /// line search) and measures convergence by the projected gradient `‖P(Y − ∇E) − Y‖`;
    /// L-BFGS refuses a box.
    pub bounds: Option<(f64, f64)>,
}

impl Default for MinimizeOptions {
    /// Armijo descent, 1000 iterations, `‖∇E‖ ≤ 1e-6`, first step 1.
    fn default() -> Self {
        MinimizeOptions {
            method: Method::Armijo,
            max_iters: 1000,
            grad_tol: 1e-6,
            step: 1.0,
            bounds: None,
        }
    }
}

/// The result of [`minimize`].
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// The point found (`Y̌`, or `z*` for [`minimize_z`]).
    pub y: Tensor<f64>,
    /// Its energy.
    pub energy: f64,
    /// Iterations taken.
    pub iters: u64,
    /// `‖∇E‖₂` at the point found.
    pub grad_norm: f64,
    /// Whether `grad_norm ≤ grad_tol` was reached within the iteration cap.
    pub converged: bool,
}

/// `Y̌ = argmin_Y E(W, Y, X)` from `y0`, by Armijo descent (the default) or L-BFGS.
///
/// # Panics
/// See [`try_minimize`].
///
/// ```
/// use wengert_ebm::{energy::from_fn, infer::{self, Method, MinimizeOptions}};
/// use wengert_tape::{ParamStore, Tensor};
/// // E = ½(Y − X²)² + (Y − X²)⁴: the minimiser is Y = X²
/// let model = from_fn::<f64, _>(|_p, x, y| {
///     let d = y - x * x;
///     let d2 = d * d;
///     (d2 * 0.5 + d2 * d2).sum_all()
/// });
/// let (store, x) = (ParamStore::<f64>::new(), Tensor::new([1], vec![1.5]));
/// let r = infer::minimize(&model, &store, &x, Tensor::new([1], vec![-3.0]), MinimizeOptions::default());
/// assert!(r.converged && r.grad_norm <= 1e-6);
/// assert!((r.y.data()[0] - 2.25).abs() < 1e-5);
/// let opts = MinimizeOptions { method: Method::Lbfgs { memory: 5 }, ..Default::default() };
/// let r = infer::minimize(&model, &store, &x, Tensor::new([1], vec![-3.0]), opts);
/// assert!(r.converged && (r.y.data()[0] - 2.25).abs() < 1e-5);
/// ```
#[track_caller]
pub fn minimize(
    model: &impl Energy<f64>,
    store: &ParamStore<f64>,
    x: &Tensor<f64>,
    y0: Tensor<f64>,
    opts: MinimizeOptions,
) -> Minimum {
    try_minimize(model, store, x, y0, opts).unwrap_or_else(|e| panic!("{e}"))
}

/// [`minimize`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for a step or tolerance that is not finite and positive
/// (the tolerance may be 0) or an L-BFGS memory of 0; [`ErrorKind::NonFinite`] if the energy
/// or its gradient is not finite at the start or the gradient becomes non-finite.
#[track_caller]
pub fn try_minimize(
    model: &impl Energy<f64>,
    store: &ParamStore<f64>,
    x: &Tensor<f64>,
    y0: Tensor<f64>,
    opts: MinimizeOptions,
) -> Result<Minimum, Error> {
    let loc = std::panic::Location::caller();
    let problem = TensorProblem::new(y0.shape().clone(), |y: Var<'_, f64>| {
        let tape = y.tape();
        model.energy(&store.bind(tape), constant(tape, x), y)
    });
    run("infer::minimize", problem, y0, opts).map_err(|e| e.at(loc))
}

/// `z* = argmin_Z E(W, Y, Z, X)` from `z0` (for a continuous latent variable), as
/// [`minimize`]; `Minimum::y` holds `z*` and `energy` is `Ě(W, Y, X) = E(W, Y, z*, X)`.
///
/// # Panics
/// See [`try_minimize_z`].
///
/// ```
/// use wengert_ebm::{energy::latent_from_fn, infer::{self, MinimizeOptions}};
/// use wengert_tape::{ParamStore, Tensor};
/// // E = (Y − Z)² + Z²: min over Z at Z = Y/2, Ě = Y²/2
/// let e = latent_from_fn(|_p, _x, y, z| { let d = y - z; (d * d + z * z).sum_all() });
/// let r = infer::minimize_z(&e, &ParamStore::new(), &Tensor::scalar(0.0), &Tensor::scalar(2.0),
///                           Tensor::scalar(0.0), MinimizeOptions::default());
/// assert!(r.converged && (r.y.data()[0] - 1.0).abs() < 1e-6 && (r.energy - 2.0).abs() < 1e-9);
/// ```
#[track_caller]
pub fn minimize_z(
    model: &impl LatentEnergy<f64>,
    store: &ParamStore<f64>,
    x: &Tensor<f64>,
    y: &Tensor<f64>,
    z0: Tensor<f64>,
    opts: MinimizeOptions,
) -> Minimum {
    try_minimize_z(model, store, x, y, z0, opts).unwrap_or_else(|e| panic!("{e}"))
}

/// [`minimize_z`], returning an error instead of panicking.
///
/// # Errors
/// As [`try_minimize`].
#[track_caller]
pub fn try_minimize_z(
    model: &impl LatentEnergy<f64>,
    store: &ParamStore<f64>,
    x: &Tensor<f64>,
    y: &Tensor<f64>,
    z0: Tensor<f64>,
    opts: MinimizeOptions,
) -> Result<Minimum, Error> {
    let loc = std::panic::Location::caller();
    let problem = TensorProblem::new(z0.shape().clone(), |z: Var<'_, f64>| {
        let tape = z.tape();
        model.energy_z(&store.bind(tape), constant(tape, x), constant(tape, y), z)
    });
    run("infer::minimize_z", problem, z0, opts).map_err(|e| e.at(loc))
}

fn invalid(op: &'static str, reason: String) -> Error {
    Error::new(ErrorKind::InvalidArgument { op, reason })
}

/// An argmin error as a wengert one (the bridge's own errors come back unchanged).
fn from_argmin(op: &'static str, e: argmin::core::Error) -> Error {
    match e.downcast::<Error>() {
        Ok(e) => e,
        Err(e) => invalid(op, format!("argmin: {e}")),
    }
}

fn norm(g: &[f64]) -> f64 {
    g.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn run<F>(
    op: &'static str,
    problem: TensorProblem<f64, F>,
    y0: Tensor<f64>,
    opts: MinimizeOptions,
) -> Result<Minimum, Error>
where
    F: for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>,
{
    if !(opts.step.is_finite() && opts.step > 0.0) {
        return Err(invalid(
            op,
            format!("the step must be finite and > 0, got {}", opts.step),
        ));
    }
    if !(opts.grad_tol.is_finite() && opts.grad_tol >= 0.0) {
        let t = opts.grad_tol;
        return Err(invalid(
            op,
            format!("the gradient tolerance must be finite and >= 0, got {t}"),
        ));
    }
    let shape = y0.shape().clone();
    let start = y0.data().to_vec();
    if let Some(i) = start.iter().position(|v| !v.is_finite()) {
        return Err(Error::new(ErrorKind::NonFinite {
            what: format!("{op}: start element {i} is {} (not finite)", start[i]),
        }));
    }
    let (e0, _) = problem.value_and_grad(&start)?;
    if !e0.is_finite() {
        return Err(Error::new(ErrorKind::NonFinite {
            what: format!("{op}: the energy at the start is {e0}"),
        }));
    }
    let (problem, y, iters, converged) = match (opts.method, opts.bounds) {
        (Method::Armijo, Some((lo, hi))) => {
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(invalid(
                    op,
                    format!("the box must be finite with lo <= hi, got [{lo}, {hi}]"),
                ));
            }
            let start = start.iter().map(|v| v.clamp(lo, hi)).collect();
            projected(problem, start, opts, lo, hi)?
        }
        (Method::Lbfgs { .. }, Some(_)) => {
            return Err(invalid(
                op,
                "L-BFGS takes no box; use Method::Armijo".into(),
            ))
        }
        (Method::Armijo, None) => armijo(op, problem, start, opts)?,
        (Method::Lbfgs { memory }, None) => lbfgs(op, problem, start, opts, memory)?,
    };
    let (energy, g) = problem.value_and_grad(&y)?;
    let grad_norm = match opts.bounds {
        Some((lo, hi)) => projected_norm(&y, &g, lo, hi),
        None => norm(&g),
    };
    Ok(Minimum {
        y: Tensor::new(shape, y),
        energy,
        iters,
        grad_norm,
        converged: converged || grad_norm <= opts.grad_tol,
    })
}

type Outcome<P> = (P, Vec<f64>, u64, bool);

/// Steepest descent, one argmin backtracking line search per iteration; the gradient
/// tolerance is checked here (argmin's `SteepestDescent` has none).
fn armijo<F>(
    op: &'static str,
    mut problem: TensorProblem<f64, F>,
    mut y: Vec<f64>,
    opts: MinimizeOptions,
) -> Result<Outcome<TensorProblem<f64, F>>, Error>
where
    F: for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>,
{
    let arg = |e| from_argmin(op, e);
    let mut alpha = opts.step;
    for it in 0..opts.max_iters {
        let (e, g) = problem.value_and_grad(&y)?;
        if norm(&g) <= opts.grad_tol {
            return Ok((problem, y, it, true));
        }
        let mut ls = BacktrackingLineSearch::new(ArmijoCondition::new(1e-4).map_err(arg)?)
            .rho(0.5)
            .map_err(arg)?;
        ls.search_direction(g.iter().map(|v| -v).collect());
        ls.initial_step_length(alpha).map_err(arg)?;
        let res = Executor::new(problem, ls)
            .configure(|s| s.param(y.clone()).gradient(g.clone()).cost(e).max_iters(60))
            .ctrlc(false)
            .run()
            .map_err(arg)?;
        let accepted = matches!(
            res.state().get_termination_status(),
            TerminationStatus::Terminated(TerminationReason::SolverConverged)
        );
        let next = res.state().get_best_param().cloned();
        let mut res = res;
        problem = res
            .problem
            .take_problem()
            .expect("argmin hands the problem back");
        match next {
            Some(p) if accepted => {
                // The accepted step, from the new point: α = |Δy| / |∇E|.
                let step = norm(&p.iter().zip(&y).map(|(a, b)| a - b).collect::<Vec<_>>());
                alpha = (2.0 * step / norm(&g)).clamp(1e-12, 1e12);
                y = p;
            }
            // No decrease down to α·2⁻⁶⁰: a minimum to rounding, or a kink.
            _ => return Ok((problem, y, it + 1, false)),
        }
    }
    Ok((problem, y, opts.max_iters, false))
}

fn lbfgs<F>(
    op: &'static str,
    problem: TensorProblem<f64, F>,
    y: Vec<f64>,
    opts: MinimizeOptions,
    memory: usize,
) -> Result<Outcome<TensorProblem<f64, F>>, Error>
where
    F: for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>,
{
    if memory == 0 {
        return Err(invalid(op, "the L-BFGS memory must be >= 1".into()));
    }
    let arg = |e| from_argmin(op, e);
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), memory)
        .with_tolerance_grad(opts.grad_tol)
        .map_err(arg)?;
    let mut res = Executor::new(problem, solver)
        .configure(|s| s.param(y).max_iters(opts.max_iters))
        .ctrlc(false)
        .run()
        .map_err(arg)?;
    let state = res.state();
    let converged = matches!(
        state.get_termination_status(),
        TerminationStatus::Terminated(TerminationReason::SolverConverged)
    );
    let iters = state.get_iter();
    let best = state
        .get_best_param()
        .cloned()
        .expect("L-BFGS keeps a best point");
    let problem = res
        .problem
        .take_problem()
        .expect("argmin hands the problem back");
    Ok((problem, best, iters, converged))
}

/// `‖P(y − g) − y‖`: zero exactly at a stationary point of the box-constrained problem.
fn projected_norm(y: &[f64], g: &[f64], lo: f64, hi: f64) -> f64 {
    let d: Vec<f64> = y
        .iter()
        .zip(g)
        .map(|(v, gi)| (v - gi).clamp(lo, hi) - v)
        .collect();
    norm(&d)
}

/// Projected steepest descent on a box: backtrack along `P(y − α g)` until the Armijo
/// condition of the projected step, `E(y(α)) ≤ E(y) − (10⁻⁴/α) ‖y(α) − y‖²`, holds.
fn projected<F>(
    problem: TensorProblem<f64, F>,
    mut y: Vec<f64>,
    opts: MinimizeOptions,
    lo: f64,
    hi: f64,
) -> Result<Outcome<TensorProblem<f64, F>>, Error>
where
    F: for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>,
{
    let mut alpha = opts.step;
    for it in 0..opts.max_iters {
        let (e, g) = problem.value_and_grad(&y)?;
        if projected_norm(&y, &g, lo, hi) <= opts.grad_tol {
            return Ok((problem, y, it, true));
        }
        let mut accepted = None;
        for _ in 0..60 {
            let trial: Vec<f64> = y
                .iter()
                .zip(&g)
                .map(|(v, gi)| (v - alpha * gi).clamp(lo, hi))
                .collect();
            let moved: f64 = trial.iter().zip(&y).map(|(a, b)| (a - b) * (a - b)).sum();
            let et = problem
                .value_and_grad(&trial)
                .map(|(v, _)| v)
                .unwrap_or(f64::INFINITY);
            if et <= e - 1e-4 / alpha * moved {
                accepted = Some(trial);
                break;
            }
            alpha *= 0.5;
        }
        match accepted {
            Some(t) => {
                y = t;
                alpha = (2.0 * alpha).min(1e12);
            }
            None => return Ok((problem, y, it + 1, false)),
        }
    }
    Ok((problem, y, opts.max_iters, false))
}
