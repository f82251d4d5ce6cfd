//! Finite-difference verification of gradients, in the manner of
//! `torch.autograd.gradcheck` and JAX's `check_vjp`.
//!
//! ```
//! use wengert_tape::{gradcheck::gradcheck, Tensor};
//! // f(x) = Σ x³ / (1 + x²)
//! let x = Tensor::new([3], vec![0.3, -1.2, 2.0]);
//! gradcheck(|_, v| (v[0] * v[0] * v[0] / (v[0] * v[0] + 1.0)).sum_all(), &[x]).unwrap();
//! ```
use crate::{Error, ErrorKind, Tape, Tensor, Var};

/// Step and tolerances: a derivative passes when `|analytic − numeric| ≤ atol + rtol·|numeric|`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The finite-difference step ε.
    pub eps: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance.
    pub rtol: f64,
}

impl Default for Options {
    /// `torch.autograd.gradcheck`'s defaults: ε = 1e-6, atol = 1e-5, rtol = 1e-3.
    fn default() -> Self {
        Options {
            eps: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
        }
    }
}

/// Checks every element of every input's gradient against the centered difference
/// `(J(θ + ε dᵢ) − J(θ − ε dᵢ)) / 2ε`, for every element of the output, with default
/// [`Options`].
///
/// # Errors
/// [`ErrorKind::GradcheckMismatch`] naming the input, element, output element, and the
/// analytic and numeric values; [`ErrorKind::NonFinite`] for a non-finite input or output;
/// [`ErrorKind::InvalidArgument`] for invalid [`Options`] (ε not finite and positive, a
/// tolerance negative or not finite) or an empty check (no input element or no output
/// element: passing it would have checked nothing).
#[track_caller]
pub fn gradcheck<F>(f: F, inputs: &[Tensor<f64>]) -> Result<(), Error>
where
    F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
{
    gradcheck_with(f, inputs, Options::default())
}

/// [`gradcheck`] with explicit options.
///
/// # Errors
/// As [`gradcheck`].
///
/// ```
/// use wengert_tape::{gradcheck::{gradcheck_with, Options}, ErrorKind, Tensor};
/// // A wrong derivative is caught: a custom "square" whose VJP forgets the factor 2.
/// use wengert_tape::op::Unary;
/// struct BadSquare;
/// impl Unary<f64> for BadSquare {
///     const NAME: &'static str = "bad_square";
///     fn f(x: f64) -> f64 { x * x }
///     fn df(x: f64, _: f64) -> f64 { x }
/// }
/// let err = gradcheck_with(|_, v| v[0].map::<BadSquare>(), &[Tensor::scalar(1.5)], Options::default())
///     .unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::GradcheckMismatch { analytic, .. } if *analytic == 1.5));
/// ```
#[track_caller]
pub fn gradcheck_with<F>(f: F, inputs: &[Tensor<f64>], opts: Options) -> Result<(), Error>
where
    F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
{
    let loc = std::panic::Location::caller();
    check_options("gradcheck", opts, inputs).map_err(|e| e.at(loc))?;
    let mut tape = Tape::new();
    let (_, jac) = {
        let xs = leaves(&tape, inputs);
        let y = f(&tape, &xs);
        let y0 = y.to_vec();
        finite("the output", &y0)?;
        non_empty("gradcheck", y0.len()).map_err(|e| e.at(loc))?;
        let mut jac = Vec::with_capacity(y0.len());
        for j in 0..y0.len() {
            let mut ct = vec![0.0; y0.len()];
            ct[j] = 1.0;
            let g = tape.vjp(y, &ct);
            jac.push(xs.iter().map(|&x| g.to_vec(x)).collect::<Vec<_>>());
        }
        (y0, jac)
    };
    let mut x = inputs.to_vec();
    for i in 0..x.len() {
        for e in 0..x[i].data().len() {
            let orig = x[i].data()[e];
            x[i].data_mut()[e] = orig + opts.eps;
            let plus = eval(&mut tape, &f, &x);
            x[i].data_mut()[e] = orig - opts.eps;
            let minus = eval(&mut tape, &f, &x);
            x[i].data_mut()[e] = orig;
            for (j, row) in jac.iter().enumerate() {
                let numeric = (plus[j] - minus[j]) / (2.0 * opts.eps);
                let analytic = row[i][e];
                if !close(analytic, numeric, opts) {
                    return Err(Error::new(ErrorKind::GradcheckMismatch {
                        input: i,
                        element: e,
                        output: j,
                        analytic,
                        numeric,
                    })
                    .at(loc));
                }
            }
        }
    }
    Ok(())
}

/// A cheap check for large inputs along one random direction: compares `⟨u, Jᵀv⟩` from one
/// backward sweep with the centered difference of `⟨v, f(x + εu)⟩`, for random `u`, `v`
/// drawn from `seed` (JAX's `check_vjp`).
///
/// # Errors
/// [`ErrorKind::GradcheckMismatch`] (with input, element and output 0) or
/// [`ErrorKind::NonFinite`].
///
/// ```
/// use wengert_tape::{gradcheck::{check_vjp, Options}, Tensor};
/// let x = Tensor::new([1000], (0..1000).map(|i| (i as f64 * 0.01).sin()).collect());
/// check_vjp(|_, v| v[0] * v[0] / (v[0] + 3.0), &[x], 7, Options::default()).unwrap();
/// ```
#[track_caller]
pub fn check_vjp<F>(f: F, inputs: &[Tensor<f64>], seed: u64, opts: Options) -> Result<(), Error>
where
    F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
{
    let loc = std::panic::Location::caller();
    check_options("check_vjp", opts, inputs).map_err(|e| e.at(loc))?;
    let mut rng = SplitMix(seed);
    let u: Vec<Vec<f64>> = inputs
        .iter()
        .map(|t| t.data().iter().map(|_| rng.normal()).collect())
        .collect();
    let mut tape = Tape::new();
    let analytic = {
        let xs = leaves(&tape, inputs);
        let y = f(&tape, &xs);
        finite("the output", &y.to_vec())?;
        non_empty("check_vjp", y.numel()).map_err(|e| e.at(loc))?;
        let v: Vec<f64> = (0..y.numel()).map(|_| rng.normal()).collect();
        let g = tape.vjp(y, &v);
        let a: f64 = xs.iter().zip(&u).map(|(&x, u)| dot(g.wrt(x), u)).sum();
        (a, v)
    };
    let (analytic, v) = analytic;
    let shifted = |sign: f64| -> Vec<Tensor<f64>> {
        inputs
            .iter()
            .zip(&u)
            .map(|(t, u)| {
                Tensor::new(
                    t.shape().clone(),
                    t.data()
                        .iter()
                        .zip(u)
                        .map(|(x, d)| x + sign * opts.eps * d)
                        .collect(),
                )
            })
            .collect()
    };
    let plus = dot(&eval(&mut tape, &f, &shifted(1.0)), &v);
    let minus = dot(&eval(&mut tape, &f, &shifted(-1.0)), &v);
    let numeric = (plus - minus) / (2.0 * opts.eps);
    if close(analytic, numeric, opts) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::GradcheckMismatch {
            input: 0,
            element: 0,
            output: 0,
            analytic,
            numeric,
        })
        .at(loc))
    }
}

fn leaves<'t>(tape: &'t Tape<f64>, inputs: &[Tensor<f64>]) -> Vec<Var<'t, f64>> {
    inputs
        .iter()
        .map(|t| tape.tensor(t.shape().clone(), t.data().to_vec()))
        .collect()
}

fn eval<F>(tape: &mut Tape<f64>, f: &F, x: &[Tensor<f64>]) -> Vec<f64>
where
    F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
{
    tape.clear();
    let xs = leaves(tape, x);
    f(tape, &xs).to_vec()
}

/// Options that would make the check vacuous or meaningless (a step of 0 divides by 0, an
/// infinite tolerance passes a wrong derivative), inputs with nothing to check, or non-finite
/// inputs.
fn check_options(op: &'static str, o: Options, inputs: &[Tensor<f64>]) -> Result<(), Error> {
    let bad = |reason: String| Err(Error::new(ErrorKind::InvalidArgument { op, reason }));
    if !(o.eps.is_finite() && o.eps > 0.0) {
        return bad(format!("eps = {} must be finite and positive", o.eps));
    }
    for (name, t) in [("atol", o.atol), ("rtol", o.rtol)] {
        if !(t.is_finite() && t >= 0.0) {
            return bad(format!("{name} = {t} must be finite and non-negative"));
        }
    }
    if inputs.iter().all(|t| t.data().is_empty()) {
        return bad(format!(
            "nothing to check: {} inputs with no element in all",
            inputs.len()
        ));
    }
    for (i, t) in inputs.iter().enumerate() {
        finite(&format!("{op} input {i}"), t.data())?;
    }
    Ok(())
}

fn non_empty(op: &'static str, n: usize) -> Result<(), Error> {
    if n == 0 {
        return Err(Error::new(ErrorKind::InvalidArgument {
            op,
            reason: "nothing to check: the output has no element".into(),
        }));
    }
    Ok(())
}

fn finite(what: &str, v: &[f64]) -> Result<(), Error> {
    match v.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(e) => Err(Error::new(ErrorKind::NonFinite {
            what: format!("{what}, element {e} = {}", v[e]),
        })),
    }
}

fn close(a: f64, n: f64, o: Options) -> bool {
    (a - n).abs() <= o.atol + o.rtol * n.abs()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// splitmix64 with a Box–Muller normal: enough randomness for test directions.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.next().max(1e-300), self.next());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}
