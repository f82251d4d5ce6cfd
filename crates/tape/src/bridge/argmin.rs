//! A wengert function as an [`argmin`] problem: [`CostFunction`] and [`Gradient`] from one
//! recording and one backward sweep, [`Hessian`] from the tape's forward-over-reverse
//! [`hessian`](crate::transforms::hessian) transform.
//!
//! | type | function | traits |
//! | --- | --- | --- |
//! | [`ScalarProblem`] | `for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>` (the transforms' convention: one scalar leaf per coordinate) | `CostFunction`, `Gradient` |
//! | [`TensorProblem`] | `for<'t> Fn(Var<'t, T>) -> Var<'t, T>` (one tensor leaf of a given shape holding the flat parameter) | `CostFunction`, `Gradient` |
//! | [`TwiceProblem`] | a [`RealFn`] (generic over the element type) | `CostFunction`, `Gradient`, `Hessian` |
//!
//! The parameter is a `Vec<T>` (argmin-math's `vec` backend). Each problem keeps one tape and
//! reuses it; the cost and the gradient at the same point share one recording (argmin asks
//! for both at every accepted point), and [`ScalarProblem::evaluations`] counts recordings.
//! A non-finite cost is returned as it is (a line search then shortens the step); a
//! non-finite gradient is an error naming the point.
//!
//! ```
//! use argmin::core::{Executor, State};
//! use argmin::solver::{linesearch::MoreThuenteLineSearch, quasinewton::LBFGS};
//! use wengert_tape::bridge::argmin::ScalarProblem;
//!
//! // Rosenbrock: f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1)
//! let problem = ScalarProblem::new(|v: &[wengert_tape::Var<'_, f64>]| {
//!     let (a, b) = (1.0 - v[0], v[1] - v[0] * v[0]);
//!     a * a + b * b * 100.0
//! });
//! let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(1e-10).unwrap();
//! let res = Executor::new(problem, solver)
//!     .configure(|s| s.param(vec![-1.2, 1.0]).max_iters(100))
//!     .run()
//!     .unwrap();
//! let x = res.state().get_best_param().unwrap();
//! assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6);
//! ```
use crate::dual::Dual;
use crate::{transforms, Error, ErrorKind, Real, Shape, Tape, Var};
use argmin::core::{ArgminFloat, CostFunction, Gradient, Hessian};
use std::cell::{Cell, RefCell};

/// A point, the value there and the gradient.
type Point<T> = (Vec<T>, T, Vec<T>);

/// The last point evaluated, its value and gradient, and the tape reused for recording.
struct Cache<T: Real> {
    tape: RefCell<Tape<T>>,
    last: RefCell<Option<Point<T>>>,
    evals: Cell<usize>,
}

impl<T: Real> Cache<T> {
    fn new() -> Self {
        Cache {
            tape: RefCell::new(Tape::new()),
            last: RefCell::new(None),
            evals: Cell::new(0),
        }
    }

    /// The value and gradient at `x`, recorded by `record` unless `x` was the last point.
    fn eval(
        &self,
        x: &[T],
        record: impl for<'t> FnOnce(&'t Tape<T>, &[T]) -> Result<(T, Vec<T>), Error>,
    ) -> Result<(T, Vec<T>), Error> {
        if let Some((p, v, g)) = self.last.borrow().as_ref() {
            if p.as_slice() == x {
                return Ok((*v, g.clone()));
            }
        }
        let mut tape = self.tape.borrow_mut();
        tape.clear();
        let out = record(&tape, x);
        tape.clear();
        self.evals.set(self.evals.get() + 1);
        let (v, g) = out?;
        *self.last.borrow_mut() = Some((x.to_vec(), v, g.clone()));
        Ok((v, g))
    }
}

/// The gradient, or an error if an element is not finite.
fn finite_grad<T: Real>(op: &'static str, x: &[T], g: Vec<T>) -> Result<Vec<T>, Error> {
    match g.iter().position(|v| !v.is_finite()) {
        None => Ok(g),
        Some(i) => Err(Error::new(ErrorKind::NonFinite {
            what: format!("{op}: gradient element {i} is {} at x = {x:?}", g[i]),
        })),
    }
}

/// The value of a one-element output, or an error naming its shape.
fn scalar_out<T: Real>(y: Var<'_, T>) -> Result<T, Error> {
    if y.numel() != 1 {
        return Err(Error::new(ErrorKind::NonScalarBackward {
            shape: y.shape(),
        }));
    }
    Ok(y.to_vec()[0])
}

/// A scalar function of scalar leaves (`f(&[x₀, …, xₙ₋₁])`) as an argmin problem with cost
/// and gradient.
///
/// ```
/// use argmin::core::{CostFunction, Gradient};
/// use wengert_tape::bridge::argmin::ScalarProblem;
/// // f(x, y) = x² y: ∇f = (2xy, x²)
/// let p = ScalarProblem::new(|v| v[0] * v[0] * v[1]);
/// assert_eq!(p.cost(&vec![3.0, 2.0]).unwrap(), 18.0);
/// assert_eq!(p.gradient(&vec![3.0, 2.0]).unwrap(), vec![12.0, 9.0]);
/// assert_eq!(p.evaluations(), 1); // the gradient reused the cost's recording
/// ```
pub struct ScalarProblem<T: Real, F> {
    f: F,
    cache: Cache<T>,
}

impl<T: Real, F> ScalarProblem<T, F>
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        ScalarProblem {
            f,
            cache: Cache::new(),
        }
    }

    /// `f(x)` and `∇f(x)` (one recording, or none if `x` was the last point).
    ///
    /// # Errors
    /// [`ErrorKind::NonScalarBackward`] if `f` returns more than one element,
    /// [`ErrorKind::NonFinite`] if the gradient is not finite.
    pub fn value_and_grad(&self, x: &[T]) -> Result<(T, Vec<T>), Error> {
        self.cache.eval(x, |tape, x| {
            let xs = tape.vars(x);
            let y = (self.f)(&xs);
            let v = scalar_out(y)?;
            let g = tape.try_backward(y)?;
            let g = xs.iter().map(|&x| g[x]).collect();
            Ok((v, finite_grad("ScalarProblem", x, g)?))
        })
    }

    /// How many times the function was recorded.
    pub fn evaluations(&self) -> usize {
        self.cache.evals.get()
    }
}

impl<T: Real + ArgminFloat, F> CostFunction for ScalarProblem<T, F>
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    type Param = Vec<T>;
    type Output = T;
    fn cost(&self, x: &Vec<T>) -> Result<T, argmin::core::Error> {
        Ok(self.value_and_grad(x)?.0)
    }
}

impl<T: Real + ArgminFloat, F> Gradient for ScalarProblem<T, F>
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    type Param = Vec<T>;
    type Gradient = Vec<T>;
    fn gradient(&self, x: &Vec<T>) -> Result<Vec<T>, argmin::core::Error> {
        Ok(self.value_and_grad(x)?.1)
    }
}

/// A scalar function of one tensor leaf (of a fixed shape, holding the flat parameter) as an
/// argmin problem with cost and gradient: the form for functions written with tensor ops.
///
/// ```
/// use argmin::core::{CostFunction, Gradient};
/// use wengert_tape::bridge::argmin::TensorProblem;
/// // f(Y) = ½‖Y − c‖² over a [2, 2] Y: ∇f = Y − c
/// let p = TensorProblem::new([2, 2], |y| {
///     let c = y.tape().constant_tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
///     ((y - c) * (y - c)).sum_all() * 0.5
/// });
/// assert_eq!(p.cost(&vec![0.0; 4]).unwrap(), 15.0);
/// assert_eq!(p.gradient(&vec![0.0; 4]).unwrap(), vec![-1.0, -2.0, -3.0, -4.0]);
/// ```
pub struct TensorProblem<T: Real, F> {
    shape: Shape,
    f: F,
    cache: Cache<T>,
}

impl<T: Real, F> TensorProblem<T, F>
where
    F: for<'t> Fn(Var<'t, T>) -> Var<'t, T>,
{
    /// Wraps `f`, whose input is a tensor of shape `shape`.
    pub fn new(shape: impl Into<Shape>, f: F) -> Self {
        TensorProblem {
            shape: shape.into(),
            f,
            cache: Cache::new(),
        }
    }

    /// `f(x)` and `∇f(x)` (one recording, or none if `x` was the last point).
    ///
    /// # Errors
    /// [`ErrorKind::ShapeMismatch`] if `x` does not have the shape's element count,
    /// [`ErrorKind::NonScalarBackward`] if `f` returns more than one element,
    /// [`ErrorKind::NonFinite`] if the gradient is not finite.
    pub fn value_and_grad(&self, x: &[T]) -> Result<(T, Vec<T>), Error> {
        if x.len() != self.shape.numel() {
            return Err(Error::new(ErrorKind::ShapeMismatch {
                op: "TensorProblem (parameter vs shape)",
                lhs: [x.len()].into(),
                rhs: self.shape.clone(),
            }));
        }
        self.cache.eval(x, |tape, x| {
            let v = tape.try_tensor(self.shape.clone(), x.to_vec())?;
            let y = (self.f)(v);
            let value = scalar_out(y)?;
            let g = tape.try_backward(y)?.to_vec(v);
            Ok((value, finite_grad("TensorProblem", x, g)?))
        })
    }

    /// How many times the function was recorded.
    pub fn evaluations(&self) -> usize {
        self.cache.evals.get()
    }
}

impl<T: Real + ArgminFloat, F> CostFunction for TensorProblem<T, F>
where
    F: for<'t> Fn(Var<'t, T>) -> Var<'t, T>,
{
    type Param = Vec<T>;
    type Output = T;
    fn cost(&self, x: &Vec<T>) -> Result<T, argmin::core::Error> {
        Ok(self.value_and_grad(x)?.0)
    }
}

impl<T: Real + ArgminFloat, F> Gradient for TensorProblem<T, F>
where
    F: for<'t> Fn(Var<'t, T>) -> Var<'t, T>,
{
    type Param = Vec<T>;
    type Gradient = Vec<T>;
    fn gradient(&self, x: &Vec<T>) -> Result<Vec<T>, argmin::core::Error> {
        Ok(self.value_and_grad(x)?.1)
    }
}

/// A scalar function written once for every element type, so that it runs on a `Tape<T>`
/// (cost, gradient) and on a `Tape<Dual<T>>` (the Hessian, forward over reverse).
pub trait RealFn {
    /// `f(x)` over scalar leaves; the output is a scalar or a one-element tensor.
    fn eval<'t, R: Real>(&self, x: &[Var<'t, R>]) -> Var<'t, R>;
}

/// A [`RealFn`] as an argmin problem with cost, gradient and Hessian (`Vec<Vec<T>>`, row
/// `i` = `∂∇f/∂xᵢ`; `n` Hessian-vector products, so meant for small `n`).
///
/// ```
/// use argmin::core::{Gradient, Hessian};
/// use wengert_tape::bridge::argmin::{RealFn, TwiceProblem};
/// use wengert_tape::{Real, Var};
/// struct Cubic; // f(x, y) = x³ + xy: ∇f = (3x² + y, x), H = [[6x, 1], [1, 0]]
/// impl RealFn for Cubic {
///     fn eval<'t, R: Real>(&self, v: &[Var<'t, R>]) -> Var<'t, R> {
///         v[0] * v[0] * v[0] + v[0] * v[1]
///     }
/// }
/// let p = TwiceProblem::new(Cubic);
/// assert_eq!(p.gradient(&vec![2.0, 5.0]).unwrap(), vec![17.0, 2.0]);
/// assert_eq!(p.hessian(&vec![2.0, 5.0]).unwrap(), vec![vec![12.0, 1.0], vec![1.0, 0.0]]);
/// ```
pub struct TwiceProblem<T: Real, F> {
    f: F,
    cache: Cache<T>,
}

impl<T: Real, F: RealFn> TwiceProblem<T, F> {
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        TwiceProblem {
            f,
            cache: Cache::new(),
        }
    }

    /// `f(x)` and `∇f(x)`, as [`ScalarProblem::value_and_grad`].
    ///
    /// # Errors
    /// As [`ScalarProblem::value_and_grad`].
    pub fn value_and_grad(&self, x: &[T]) -> Result<(T, Vec<T>), Error> {
        self.cache.eval(x, |tape, x| {
            let xs = tape.vars(x);
            let y = self.f.eval(&xs);
            let v = scalar_out(y)?;
            let g = tape.try_backward(y)?;
            let g = xs.iter().map(|&x| g[x]).collect();
            Ok((v, finite_grad("TwiceProblem", x, g)?))
        })
    }

    /// The Hessian at `x` as rows.
    pub fn hessian_rows(&self, x: &[T]) -> Vec<Vec<T>> {
        let h = transforms::hessian(|v: &[Var<'_, Dual<T>>]| self.f.eval(v), x);
        h.data().chunks(x.len().max(1)).map(<[T]>::to_vec).collect()
    }
}

impl<T: Real + ArgminFloat, F: RealFn> CostFunction for TwiceProblem<T, F> {
    type Param = Vec<T>;
    type Output = T;
    fn cost(&self, x: &Vec<T>) -> Result<T, argmin::core::Error> {
        Ok(self.value_and_grad(x)?.0)
    }
}

impl<T: Real + ArgminFloat, F: RealFn> Gradient for TwiceProblem<T, F> {
    type Param = Vec<T>;
    type Gradient = Vec<T>;
    fn gradient(&self, x: &Vec<T>) -> Result<Vec<T>, argmin::core::Error> {
        Ok(self.value_and_grad(x)?.1)
    }
}

impl<T: Real + ArgminFloat, F: RealFn> Hessian for TwiceProblem<T, F> {
    type Param = Vec<T>;
    type Hessian = Vec<Vec<T>>;
    fn hessian(&self, x: &Vec<T>) -> Result<Vec<Vec<T>>, argmin::core::Error> {
        Ok(self.hessian_rows(x))
    }
}
