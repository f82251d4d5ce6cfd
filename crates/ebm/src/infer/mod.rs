//! Inference: finding the answer of lowest energy, and the quantities around it.
//!
//! - discrete answers: [`argmin`] over energies, [`run`] (the source trainer's `run`: the
//!   answer and every energy) and [`run_labels`] over a set of label tensors;
//! - continuous answers: energy minimisation that converges ([`minimize`]: Armijo descent by
//!   default, or L-BFGS, both from `argmin`), plain fixed-step gradient descent on `Y`
//!   ([`descend`]) and Langevin sampling ([`langevin`]);
//! - the free energy `F_β = −(1/β) log Σ_y exp(−β E(y))` and the Gibbs distribution
//!   `P(y|X) = exp(−β E(y)) / Σ_y' exp(−β E(y'))` ([`free_energy`], [`gibbs`]);
//! - latent variables: `Ě(W, Y, X) = min_Z E(W, Y, Z, X)` ([`min_over_z`], [`descend_z`]).
//!
//! ```
//! use wengert_ebm::infer;
//! let (k, e) = infer::argmin(&[3.0, -1.0, 2.0]).unwrap();
//! assert_eq!((k, e), (1, -1.0));
//! assert!(infer::argmin::<f64>(&[]).is_err()); // an empty label set is an error
//! ```
use crate::energy::{Energy, LabelEnergy};
use wengert_tape::{Error, ErrorKind, ParamStore, Real, Tape, Tensor, Var};

mod gd;
mod gibbs;
mod latent;
mod minimize;
pub use gd::{descend, langevin, try_descend, try_langevin, Descent, GdOptions, LangevinOptions};
pub use gibbs::{free_energy, gibbs, try_free_energy, try_gibbs};
pub use latent::{
    descend_z, free_energy_over_z, min_over_z, try_descend_z, try_descend_z_on,
    try_free_energy_over_z, try_min_over_z,
};
pub use minimize::{
    minimize, minimize_z, try_minimize, try_minimize_z, Method, MinimizeOptions, Minimum,
};

/// The index and value of the smallest energy (the first one on ties).
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for an empty set, [`ErrorKind::NonFinite`] if an energy is
/// NaN.
#[track_caller]
pub fn argmin<T: Real>(energies: &[T]) -> Result<(usize, T), Error> {
    if energies.is_empty() {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: "argmin",
            reason: "the label set is empty".into(),
        }));
    }
    if let Some(i) = energies.iter().position(|e| e.is_nan()) {
        return Err(Error::here(ErrorKind::NonFinite {
            what: format!("argmin: energy {i} is NaN"),
        }));
    }
    let mut best = (0, energies[0]);
    for (i, &e) in energies.iter().enumerate().skip(1) {
        if e < best.1 {
            best = (i, e);
        }
    }
    Ok(best)
}

/// The result of inference over a discrete answer set.
#[derive(Clone, Debug, PartialEq)]
pub struct Inference<T> {
    /// The index of the answer of lowest energy.
    pub answer: usize,
    /// Its energy.
    pub energy: T,
    /// The energy of every answer.
    pub energies: Vec<T>,
}

/// Records `t` on `tape` as a constant (no gradient).
pub(crate) fn constant<'t, T: Real>(tape: &'t Tape<T>, t: &Tensor<T>) -> Var<'t, T> {
    tape.constant_tensor(t.shape().clone(), t.data().to_vec())
}

/// The answer of lowest energy and every energy, for the model's `K` answers: the source
/// trainer's `run`.
///
/// # Panics
/// If the model has no answers or an energy is NaN (see [`try_run`]).
///
/// ```
/// use wengert_ebm::{energy::label_from_fn, infer};
/// use wengert_tape::{ParamStore, Tensor};
/// // E(k, x) = |x − k| for k ∈ {0, 1, 2, 3}
/// let model = label_from_fn(4, |_p, x| {
///     let ks = x.tape().constant_tensor([4], vec![0.0, 1.0, 2.0, 3.0]);
///     let d = ks - x;
///     d * d
/// });
/// let r = infer::run(&model, &ParamStore::new(), &Tensor::scalar(2.2));
/// assert_eq!(r.answer, 2);
/// assert_eq!(r.energies.len(), 4);
/// ```
#[track_caller]
pub fn run<T: Real>(
    model: &impl LabelEnergy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
) -> Inference<T> {
    try_run(model, store, x).unwrap_or_else(|e| panic!("{e}"))
}

/// [`run`], returning an error instead of panicking.
///
/// # Errors
/// As [`argmin`]; [`ErrorKind::ShapeMismatch`] if the model returns other than `K` energies.
#[track_caller]
pub fn try_run<T: Real>(
    model: &impl LabelEnergy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
) -> Result<Inference<T>, Error> {
    let tape = Tape::new();
    let p = store.bind(&tape);
    let es = model.energies(&p, constant(&tape, x));
    let energies = es.to_vec();
    let k = model.n_labels();
    if energies.len() != k {
        return Err(Error::here(ErrorKind::ShapeMismatch {
            op: "infer::run (energies vs n_labels)",
            lhs: es.shape(),
            rhs: [k].into(),
        }));
    }
    let (answer, energy) = argmin(&energies)?;
    Ok(Inference {
        answer,
        energy,
        energies,
    })
}

/// The source trainer's `run` with an explicit label set: `E(W, labels[k], X)` for every `k`,
/// and the index of the smallest.
///
/// # Panics
/// If `labels` is empty or an energy is NaN (see [`try_run_labels`]).
///
/// ```
/// use wengert_ebm::{energy::from_fn, infer};
/// use wengert_tape::{ParamStore, Tensor};
/// let model = from_fn(|_p, x, y| { let d = y - x * x; (d * d).sum_all() }); // (Y − X²)²
/// let labels: Vec<_> = [0.0, 1.0, 4.0, 9.0].iter().map(|&v| Tensor::new([1], vec![v])).collect();
/// let r = infer::run_labels(&model, &ParamStore::new(), &Tensor::new([1], vec![2.0]), &labels);
/// assert_eq!(r.answer, 2);
/// ```
#[track_caller]
pub fn run_labels<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    labels: &[Tensor<T>],
) -> Inference<T> {
    try_run_labels(model, store, x, labels).unwrap_or_else(|e| panic!("{e}"))
}

/// [`run_labels`], returning an error instead of panicking.
///
/// # Errors
/// As [`argmin`].
#[track_caller]
pub fn try_run_labels<T: Real>(
    model: &impl Energy<T>,
    store: &ParamStore<T>,
    x: &Tensor<T>,
    labels: &[Tensor<T>],
) -> Result<Inference<T>, Error> {
    let loc = std::panic::Location::caller();
    let mut tape = Tape::new();
    let mut energies = Vec::with_capacity(labels.len());
    for y in labels {
        {
            let p = store.bind(&tape);
            let e = model.energy(&p, constant(&tape, x), constant(&tape, y));
            energies.push(e.value());
        }
        tape.clear();
    }
    let (answer, energy) = argmin(&energies).map_err(|e| e.at(loc))?;
    Ok(Inference {
        answer,
        energy,
        energies,
    })
}
