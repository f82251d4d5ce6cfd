//! Energies `E(W, Y, X)` as graph expressions, and the traits to write your own.
//!
//! An energy measures the incompatibility between an input `X` and an answer `Y`: low for
//! good answers. [`Energy`] scores one answer (continuous or discrete `Y`); [`LabelEnergy`]
//! scores every answer of a discrete set at once (a classifier's `K` outputs). Your own
//! energy is a type implementing either trait, or a closure passed to [`from_fn`] /
//! [`label_from_fn`].
//!
//! ```
//! use wengert_ebm::energy::{self, Energy};
//! use wengert_tape::{ParamStore, Tape, Tensor};
//! // E(W, Y, X) = (Y − w X)², written inline
//! let mut store = ParamStore::<f64>::new();
//! let w = store.insert("w", Tensor::scalar(2.0));
//! let e = energy::from_fn(move |p, x, y| {
//!     let d = y - p.var(w) * x;
//!     d * d
//! });
//! let tape = Tape::new();
//! let p = store.bind(&tape);
//! let v = e.energy(&p, tape.constant(3.0), tape.constant(5.0));
//! assert_eq!(v.value(), 1.0);
//! ```
use wengert_tape::{Bound, Real, Var};

mod classify;
mod latent;
mod regression;
pub use classify::{Classifier, Junk, Logistic, Perceptron};
pub use latent::{latent_from_fn, Latent, LatentEnergy, LatentFromFn, ZSearch};
pub use regression::{LinearRegression, Matcher, Regressor};

/// An energy `E(W, Y, X)` of one answer `Y` given an input `X`, as a rank-0 (or scalar)
/// `Var`. The parameters `W` are bound in `p`.
pub trait Energy<T: Real> {
    /// Records `E(W, y, x)`.
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T>;
}

/// An energy over a discrete answer set `{0, …, K−1}`: all `K` energies at once, shape `[K]`.
pub trait LabelEnergy<T: Real> {
    /// The number of answers `K`.
    fn n_labels(&self) -> usize;
    /// Records the energies `[E(W, 0, x), …, E(W, K−1, x)]`.
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T>;
}

impl<T: Real, E: Energy<T> + ?Sized> Energy<T> for &E {
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        (**self).energy(p, x, y)
    }
}

impl<T: Real, E: Energy<T> + ?Sized> Energy<T> for Box<E> {
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        (**self).energy(p, x, y)
    }
}

impl<T: Real, E: LabelEnergy<T> + ?Sized> LabelEnergy<T> for &E {
    fn n_labels(&self) -> usize {
        (**self).n_labels()
    }
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (**self).energies(p, x)
    }
}

impl<T: Real, E: LabelEnergy<T> + ?Sized> LabelEnergy<T> for Box<E> {
    fn n_labels(&self) -> usize {
        (**self).n_labels()
    }
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (**self).energies(p, x)
    }
}

/// An [`Energy`] from a closure `|p, x, y| -> E`; see [`from_fn`].
#[derive(Clone, Copy, Debug)]
pub struct FromFn<F>(pub F);

/// Wraps a closure `|p: &Bound, x: Var, y: Var| -> Var` as an [`Energy`] (see the module
/// example).
pub fn from_fn<T, F>(f: F) -> FromFn<F>
where
    T: Real,
    F: for<'t, 's> Fn(&Bound<'t, 's, T>, Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
{
    FromFn(f)
}

impl<T, F> Energy<T> for FromFn<F>
where
    T: Real,
    F: for<'t, 's> Fn(&Bound<'t, 's, T>, Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
{
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        (self.0)(p, x, y)
    }
}

/// A [`LabelEnergy`] from a closure `|p, x| -> energies [K]`; see [`label_from_fn`].
#[derive(Clone, Copy, Debug)]
pub struct LabelFromFn<F> {
    /// The number of answers `K`.
    pub n: usize,
    /// The closure.
    pub f: F,
}

/// Wraps a closure `|p: &Bound, x: Var| -> Var /* [K] */` as a [`LabelEnergy`] with `n`
/// answers.
///
/// ```
/// use wengert_ebm::energy::{label_from_fn, LabelEnergy};
/// use wengert_tape::{ParamStore, Tape};
/// // E(k, x) = (x − k)² for k ∈ {0, 1, 2}
/// let e = label_from_fn(3, |_p, x| {
///     let k = x.tape().constant_tensor([3], vec![0.0, 1.0, 2.0]);
///     let d = k - x;
///     d * d
/// });
/// let store = ParamStore::<f64>::new();
/// let tape = Tape::new();
/// let es = e.energies(&store.bind(&tape), tape.constant(1.5));
/// assert_eq!(es.to_vec(), vec![2.25, 0.25, 0.25]);
/// ```
pub fn label_from_fn<T, F>(n: usize, f: F) -> LabelFromFn<F>
where
    T: Real,
    F: for<'t, 's> Fn(&Bound<'t, 's, T>, Var<'t, T>) -> Var<'t, T>,
{
    LabelFromFn { n, f }
}

impl<T, F> LabelEnergy<T> for LabelFromFn<F>
where
    T: Real,
    F: for<'t, 's> Fn(&Bound<'t, 's, T>, Var<'t, T>) -> Var<'t, T>,
{
    fn n_labels(&self) -> usize {
        self.n
    }
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (self.f)(p, x)
    }
}
