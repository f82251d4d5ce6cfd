//! Latent-variable energies `E(W, Y, Z, X)` and `Ě(W, Y, X) = min_Z E(W, Y, Z, X)`.
use super::Energy;
use crate::infer::{self, GdOptions};
use wengert_tape::{Bound, Real, Tensor, Var};

/// An energy with a latent variable `Z` that is never observed.
pub trait LatentEnergy<T: Real> {
    /// Records `E(W, y, z, x)` (rank 0).
    fn energy_z<'t>(
        &self,
        p: &Bound<'t, '_, T>,
        x: Var<'t, T>,
        y: Var<'t, T>,
        z: Var<'t, T>,
    ) -> Var<'t, T>;
}

impl<T: Real, E: LatentEnergy<T> + ?Sized> LatentEnergy<T> for &E {
    fn energy_z<'t>(
        &self,
        p: &Bound<'t, '_, T>,
        x: Var<'t, T>,
        y: Var<'t, T>,
        z: Var<'t, T>,
    ) -> Var<'t, T> {
        (**self).energy_z(p, x, y, z)
    }
}

/// A [`LatentEnergy`] from a closure `|p, x, y, z| -> E`; see [`latent_from_fn`].
#[derive(Clone, Copy, Debug)]
pub struct LatentFromFn<F>(pub F);

/// Wraps a closure `|p: &Bound, x: Var, y: Var, z: Var| -> Var` as a [`LatentEnergy`].
pub fn latent_from_fn<T, F>(f: F) -> LatentFromFn<F>
where
    T: Real,
    F: for<'t, 's> Fn(&Bound<'t, 's, T>, Var<'t, T>, Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
{
    LatentFromFn(f)
}

impl<T, F> LatentEnergy<T> for LatentFromFn<F>
where
    T: Real,
    F: for<'t, 's> Fn(&Bound<'t, 's, T>, Var<'t, T>, Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
{
    fn energy_z<'t>(
        &self,
        p: &Bound<'t, '_, T>,
        x: Var<'t, T>,
        y: Var<'t, T>,
        z: Var<'t, T>,
    ) -> Var<'t, T> {
        (self.0)(p, x, y, z)
    }
}

/// How [`Latent`] minimises over `Z`.
#[derive(Clone, Debug, PartialEq)]
pub enum ZSearch<T> {
    /// Enumerate a discrete set of values of `Z`.
    Discrete(Vec<Tensor<T>>),
    /// Gradient descent on a continuous `Z` from `z0`.
    Descent {
        /// The starting point.
        z0: Tensor<T>,
        /// Step size, iteration cap, tolerance.
        opts: GdOptions<T>,
    },
}

/// `Ě(W, Y, X) = min_Z E(W, Y, Z, X)` as an [`Energy`].
///
/// - Discrete `Z`: every `E(W, Y, z, X)` is recorded and the smallest is taken; the gradient
///   flows through the minimising `z` only (the derivative of a min).
/// - Continuous `Z`: `z*` is found by gradient descent on the same tape (values only, the
///   search is detached), then `E(W, Y, z*, X)` is recorded with `z*` constant. By the
///   envelope theorem `∂Ě/∂W = ∂E/∂W` at `z*`, so that is the right gradient. Each descent
///   step runs a backward pass over the tape so far: keep tapes short (one sample per tape).
///
/// ```
/// use wengert_ebm::energy::{latent_from_fn, Energy, Latent, ZSearch};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// // E = (Y − X − Z)², Z ∈ {−1, 0, 1}: Ě(Y=3, X=1) = min((3−0)², (3−1)², (3−2)²) = 1
/// let e = latent_from_fn(|_p, x, y, z| { let d = y - x - z; (d * d).sum_all() });
/// let zs = [-1.0, 0.0, 1.0].iter().map(|&z| Tensor::scalar(z)).collect();
/// let model = Latent::new(e, ZSearch::Discrete(zs));
/// let store = ParamStore::<f64>::new();
/// let tape = Tape::new();
/// let v = model.energy(&store.bind(&tape), tape.constant(1.0), tape.constant(3.0));
/// assert_eq!(v.value(), 1.0);
/// ```
#[derive(Clone, Debug)]
pub struct Latent<E, T> {
    e: E,
    z: ZSearch<T>,
}

impl<E, T> Latent<E, T> {
    /// `Ě` of the latent energy `e`, minimising over `Z` as `z` says.
    pub fn new(e: E, z: ZSearch<T>) -> Self {
        Latent { e, z }
    }

    /// The latent energy.
    pub fn inner(&self) -> &E {
        &self.e
    }

    /// The search over `Z`.
    pub fn search(&self) -> &ZSearch<T> {
        &self.z
    }
}

impl<T: Real, E: LatentEnergy<T>> Energy<T> for Latent<E, T> {
    /// # Panics
    /// If the discrete set is empty or the descent fails (see [`infer::try_min_over_z`],
    /// [`infer::try_descend_z_on`]).
    #[track_caller]
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        match &self.z {
            ZSearch::Discrete(zs) => infer::min_over_z(&self.e, p, x, y, zs).1,
            ZSearch::Descent { z0, opts } => {
                let d = infer::try_descend_z_on(&self.e, p, x, y, z0.clone(), *opts)
                    .unwrap_or_else(|e| panic!("{e}"));
                let z = crate::infer::constant(x.tape(), &d.y);
                self.e.energy_z(p, x, y, z)
            }
        }
    }
}
