//! Radial-basis-function modules: squared distances to trainable centres, and the RBF net.
use super::Module;
use crate::init::{fan_in, uniform, Rng};
use wengert_ops::prelude::*;
use wengert_tape::{Bound, ParamKey, ParamStore, Real, Tensor, Var};

/// Squared distances to `k` trainable centres: `(X_out)_i = ‖X_in − W_i‖²`, `W` of shape
/// `[k, n]`; `∂(X_out)_i/∂X_in = 2 (X_in − W_i)`, `∂(X_out)_i/∂W_i = −2 (X_in − W_i)`.
///
/// As the top of an NN-RBF hybrid its outputs are the class energies (low = close to the
/// class's prototype). The input is a vector `[n]`.
///
/// ```
/// use wengert_ebm::module::{Module, Rbf};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let rbf = Rbf::from_centers(&mut store, "r", Tensor::new([2, 2], vec![0.0, 0.0, 1.0, 2.0]));
/// let tape = Tape::new();
/// let d = rbf.forward(&store.bind(&tape), tape.constant_tensor([2], vec![1.0, 1.0]));
/// assert_eq!(d.to_vec(), vec![2.0, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rbf {
    centers: ParamKey,
}

impl Rbf {
    /// `k` centres in dimension `n`, drawn uniformly in `[−1, 1)` (parameter `"{name}.c"`).
    pub fn new<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n: usize,
        k: usize,
        rng: &mut Rng,
    ) -> Rbf {
        Rbf::from_centers(store, name, uniform(rng, [k, n], -1.0, 1.0))
    }

    /// Given centres `[k, n]` (e.g. from k-means, as the tutorial suggests).
    pub fn from_centers<T: Real>(store: &mut ParamStore<T>, name: &str, c: Tensor<T>) -> Rbf {
        Rbf {
            centers: store.insert(format!("{name}.c"), c),
        }
    }

    /// The centres' key (`[k, n]`).
    pub fn centers(&self) -> ParamKey {
        self.centers
    }
}

/// `‖x − W_i‖²` for every row of `c`.
fn sq_dists<'t, T: Real>(c: Var<'t, T>, x: Var<'t, T>) -> Var<'t, T> {
    let d = c - x;
    (d * d).sum_axis(Axis(1))
}

impl<T: Real> Module<T> for Rbf {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        sq_dists(p.var(self.centers), x)
    }
}

/// The RBF net: linearly combined Gaussian bumps,
/// `F(X) = Σ_i u_i exp(−k_i ‖X − W_i‖²)`, with trainable centres `W` (`[k, n]`,
/// `"{name}.c"`), widths `k_i` (`[k]`, `"{name}.k"`, start at 1) and output weights `u`
/// (`[n_out, k]`, `"{name}.u"`). Output `[n_out]`.
///
/// ```
/// use wengert_ebm::{init, module::{Module, RbfNet}};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let net = RbfNet::new(&mut store, "rbf", 1, 2, 1, &mut init::rng(0));
/// *store.get_mut(net.centers()) = Tensor::new([2, 1], vec![0.0, 1.0]);
/// *store.get_mut(net.u()) = Tensor::new([1, 2], vec![2.0, -1.0]);
/// let tape = Tape::new();
/// let f = net.forward(&store.bind(&tape), tape.constant_tensor([1], vec![1.0]));
/// assert!((f.to_vec()[0] - (2.0 * (-1.0f64).exp() - 1.0)).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RbfNet {
    centers: ParamKey,
    widths: ParamKey,
    u: ParamKey,
}

impl RbfNet {
    /// `k` bumps in dimension `n` with `n_out` outputs; centres uniform in `[−1, 1)`, `u`
    /// uniform in `±1/√k`.
    pub fn new<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n: usize,
        k: usize,
        n_out: usize,
        rng: &mut Rng,
    ) -> RbfNet {
        let centers = store.insert(format!("{name}.c"), uniform(rng, [k, n], -1.0, 1.0));
        let widths = store.insert(format!("{name}.k"), Tensor::new([k], vec![T::one(); k]));
        let u = store.insert(format!("{name}.u"), fan_in(rng, [n_out, k], k));
        RbfNet { centers, widths, u }
    }

    /// The centres' key (`[k, n]`).
    pub fn centers(&self) -> ParamKey {
        self.centers
    }

    /// The widths' key (`[k]`).
    pub fn widths(&self) -> ParamKey {
        self.widths
    }

    /// The output weights' key (`[n_out, k]`).
    pub fn u(&self) -> ParamKey {
        self.u
    }
}

impl<T: Real> Module<T> for RbfNet {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        let d = sq_dists(p.var(self.centers), x);
        let phi = (-(p.var(self.widths) * d)).exp();
        p.var(self.u).matmul(phi)
    }
}
