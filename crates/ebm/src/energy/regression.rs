//! Regression energies: `D(Y, G(W, X))` and the matcher `D(G1(W, X), G2(W, Y))`.
use super::Energy;
use crate::init::Rng;
use crate::module::{euclidean, Linear, Module};
use wengert_tape::{Bound, ParamStore, Real, Var};

/// The regressor `E(W, Y, X) = D(Y, G(W, X))` with the euclidean distance
/// `D(Y, R) = ½‖Y − R‖²`; the best answer is `Y̌ = G(W, X)`. With a fixed `D` the energy is
/// quadratic in `Y`, so it cannot collapse (the tutorial's architecture A).
///
/// ```
/// use wengert_ebm::{energy::{Energy, Regressor}, init, module::{Module, Sequential}};
/// use wengert_tape::{ParamStore, Tape};
/// let mut store = ParamStore::<f64>::new();
/// let g = Sequential::mlp(&mut store, "g", &[1, 4, 1], &mut init::rng(0));
/// let model = Regressor::new(g);
/// let tape = Tape::new();
/// let p = store.bind(&tape);
/// let x = tape.constant_tensor([1], vec![0.5]);
/// let gx = model.g().forward(&p, x).to_vec()[0];
/// let e = model.energy(&p, x, tape.constant_tensor([1], vec![gx + 2.0]));
/// assert!((e.value() - 2.0).abs() < 1e-12); // ½·2²
/// ```
#[derive(Clone, Debug)]
pub struct Regressor<G> {
    g: G,
}

impl<G> Regressor<G> {
    /// The regressor around the module `G`.
    pub fn new(g: G) -> Self {
        Regressor { g }
    }

    /// The module `G`.
    pub fn g(&self) -> &G {
        &self.g
    }
}

impl<T: Real, G: Module<T>> Energy<T> for Regressor<G> {
    #[track_caller]
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        euclidean(y, self.g.forward(p, x))
    }
}

/// Linear regression `E(W, Y, X) = ½‖Y − W'X‖²`, `W'` of shape `[n_out, n_in]` (a
/// [`Linear`] module `"{name}.w"`); the best answer is `Y̌ = W'X`.
///
/// ```
/// use wengert_ebm::{energy::{Energy, LinearRegression}, init};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let m = LinearRegression::new(&mut store, "lr", 2, 1, &mut init::rng(0));
/// *store.get_mut(m.linear().w()) = Tensor::new([1, 2], vec![1.0, 2.0]);
/// let tape = Tape::new();
/// let p = store.bind(&tape);
/// let e = m.energy(&p, tape.constant_tensor([2], vec![1.0, 1.0]), tape.constant_tensor([1], vec![1.0]));
/// assert_eq!(e.value(), 2.0); // ½(1 − 3)²
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinearRegression {
    linear: Linear,
}

impl LinearRegression {
    /// Linear regression from `n_in` inputs to `n_out` outputs (no bias).
    pub fn new<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_out: usize,
        rng: &mut Rng,
    ) -> Self {
        LinearRegression {
            linear: Linear::new(store, name, n_in, n_out, rng),
        }
    }

    /// The linear module `W'`.
    pub fn linear(&self) -> &Linear {
        &self.linear
    }
}

impl<T: Real> Energy<T> for LinearRegression {
    #[track_caller]
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        euclidean(y, self.linear.forward(p, x))
    }
}

/// The matcher, or implicit regression (the tutorial's architecture B):
/// `E(W, Y, X) = D(G1(W, X), G2(W, Y))` with `D(A, B) = ½‖A − B‖²`. The best answer
/// `Y̌ = G2⁻¹(G1(W, X))` needs a search (e.g. [`crate::infer::descend`]). Trained with the
/// energy loss alone it collapses (both `G`s learn a constant); use a contrastive loss.
///
/// ```
/// use wengert_ebm::{energy::{Energy, Matcher}, module::Module};
/// use wengert_tape::{Bound, ParamStore, Tape, Var};
/// struct Square;
/// impl Module<f64> for Square {
///     fn forward<'t>(&self, _: &Bound<'t, '_, f64>, x: Var<'t, f64>) -> Var<'t, f64> { x * x }
/// }
/// struct Id;
/// impl Module<f64> for Id {
///     fn forward<'t>(&self, _: &Bound<'t, '_, f64>, y: Var<'t, f64>) -> Var<'t, f64> { y }
/// }
/// let m = Matcher::new(Square, Id); // E = ½(X² − Y)²
/// let store = ParamStore::new();
/// let tape = Tape::new();
/// let e = m.energy(&store.bind(&tape), tape.constant_tensor([1], vec![2.0]), tape.constant_tensor([1], vec![1.0]));
/// assert_eq!(e.value(), 4.5);
/// ```
#[derive(Clone, Debug)]
pub struct Matcher<G1, G2> {
    g1: G1,
    g2: G2,
}

impl<G1, G2> Matcher<G1, G2> {
    /// The matcher of `G1` (applied to `X`) and `G2` (applied to `Y`).
    pub fn new(g1: G1, g2: G2) -> Self {
        Matcher { g1, g2 }
    }

    /// The module applied to `X`.
    pub fn g1(&self) -> &G1 {
        &self.g1
    }

    /// The module applied to `Y`.
    pub fn g2(&self) -> &G2 {
        &self.g2
    }
}

impl<T: Real, G1: Module<T>, G2: Module<T>> Energy<T> for Matcher<G1, G2> {
    #[track_caller]
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        euclidean(self.g1.forward(p, x), self.g2.forward(p, y))
    }
}
