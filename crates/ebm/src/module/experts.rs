//! A mixture of experts weighted by a softmax gater.
use super::Module;
use wengert_ops::prelude::*;
use wengert_tape::{Bound, ParamKey, Real, Var};

/// A mixture of experts: `F(X, W) = Σ_k u_k F^k(X, W^k)` with
/// `u_k = exp(−β G_k(X, W^0)) / Σ_j exp(−β G_j(X, W^0))`: the gater `G` outputs one energy
/// per expert (`[K]`), and low-energy experts get high weight.
///
/// ```
/// use wengert_ebm::module::{MixtureOfExperts, Module};
/// use wengert_tape::{Bound, Real, ParamStore, Tape, Var};
/// struct Const(f64);
/// impl Module<f64> for Const {
///     fn forward<'t>(&self, _: &Bound<'t, '_, f64>, x: Var<'t, f64>) -> Var<'t, f64> { x * 0.0 + self.0 }
/// }
/// struct Gate; // energies [0, ln 3]: weights 3/4, 1/4
/// impl Module<f64> for Gate {
///     fn forward<'t>(&self, _: &Bound<'t, '_, f64>, x: Var<'t, f64>) -> Var<'t, f64> {
///         x.tape().constant_tensor([2], vec![0.0, 3.0f64.ln()])
///     }
/// }
/// let moe = MixtureOfExperts::new(vec![Box::new(Const(1.0)) as Box<dyn Module<f64>>, Box::new(Const(5.0))], Box::new(Gate), 1.0);
/// let store = ParamStore::new();
/// let tape = Tape::new();
/// let f = moe.forward(&store.bind(&tape), tape.constant_tensor([1], vec![0.0]));
/// assert!((f.to_vec()[0] - 2.0).abs() < 1e-12); // ¾·1 + ¼·5
/// ```
pub struct MixtureOfExperts<T: Real> {
    experts: Vec<Box<dyn Module<T>>>,
    gater: Box<dyn Module<T>>,
    beta: T,
}

impl<T: Real> MixtureOfExperts<T> {
    /// Experts, a gater with one output per expert, and the gater's β.
    ///
    /// # Panics
    /// If there are no experts or β is not finite and positive.
    #[track_caller]
    pub fn new(experts: Vec<Box<dyn Module<T>>>, gater: Box<dyn Module<T>>, beta: T) -> Self {
        assert!(
            !experts.is_empty(),
            "wengert: MixtureOfExperts::new: no experts"
        );
        assert!(
            beta.is_finite() && beta > T::zero(),
            "wengert: MixtureOfExperts::new: β must be finite and > 0, got {beta}"
        );
        MixtureOfExperts {
            experts,
            gater,
            beta,
        }
    }

    /// [`MixtureOfExperts::new`] from experts of one concrete type and any gater, boxed here
    /// (no `Box<dyn Module>` casts at the call site).
    ///
    /// # Panics
    /// As [`MixtureOfExperts::new`].
    ///
    /// ```
    /// use wengert_ebm::module::{Linear, MixtureOfExperts, Module};
    /// use wengert_tape::{ParamStore, Tape, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let experts: Vec<_> = [2.0, 6.0]
    ///     .iter()
    ///     .map(|&a| Linear::from_weights(&mut store, "e", Tensor::new([1, 1], vec![a]), None))
    ///     .collect();
    /// let gate = Linear::from_weights(&mut store, "g", Tensor::zeros([2, 1]), Some(Tensor::new([2], vec![0.0, 3f64.ln()])));
    /// let moe = MixtureOfExperts::from_modules(experts, gate, 1.0);
    /// let tape = Tape::new();
    /// let y = moe.forward(&store.bind(&tape), tape.constant_tensor([1], vec![1.0]));
    /// assert!((y.to_vec()[0] - 3.0).abs() < 1e-12); // ¾·2 + ¼·6
    /// ```
    #[track_caller]
    pub fn from_modules<M, G>(experts: Vec<M>, gater: G, beta: T) -> Self
    where
        M: Module<T> + 'static,
        G: Module<T> + 'static,
    {
        let experts = experts
            .into_iter()
            .map(|m| Box::new(m) as Box<dyn Module<T>>)
            .collect();
        MixtureOfExperts::new(experts, Box::new(gater), beta)
    }

    /// The gater's weights `u` (shape `[K]`) at `x`.
    pub fn weights<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (self.gater.forward(p, x) * -self.beta).softmax(Axis(0))
    }
}

impl<T: Real> Module<T> for MixtureOfExperts<T> {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        let u = self.weights(p, x);
        let terms: Vec<_> = self
            .experts
            .iter()
            .enumerate()
            .map(|(k, e)| u.elem(k) * e.forward(p, x))
            .collect();
        super::plus(&terms)
    }

    /// The experts' keys in order, then the gater's.
    fn keys(&self) -> Vec<ParamKey> {
        let mut k: Vec<_> = self.experts.iter().flat_map(|e| e.keys()).collect();
        k.extend(self.gater.keys());
        k
    }
}
