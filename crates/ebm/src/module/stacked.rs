//! A mixture of linear experts stored as one `[K, n_out, n_in]` weight tensor.
use super::Module;
use crate::init::{fan_in, Rng};
use wengert_ops::prelude::*;
use wengert_tape::{Bound, Error, ErrorKind, ParamKey, ParamStore, Real, Tensor, Var};

/// `F(X) = Σ_k u_k W_k X` with `u = softmax(−β G(X))`: `K` linear experts held as one
/// parameter `W` of shape `[K, n_out, n_in]` (`"{name}.w"`) and a gater `G` (any module with
/// `K` outputs, held by value: no `Box<dyn Module>`). The experts' products are one matrix
/// product, `[K·n_out, n_in] · X`.
///
/// The input is a vector `[n_in]`; the output is `[n_out]`.
///
/// ```
/// use wengert_ebm::module::{Linear, Module, StackedExperts};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// // gater energies (0, ln 3) whatever X: weights ¾, ¼ (a zero linear map plus a bias)
/// let gate = Linear::from_weights(&mut store, "g", Tensor::zeros([2, 1]), Some(Tensor::new([2], vec![0.0, 3f64.ln()])));
/// // expert 1 doubles X, expert 2 multiplies it by 6
/// let w = Tensor::new([2, 1, 1], vec![2.0, 6.0]);
/// let moe = StackedExperts::from_weights(&mut store, "moe", w, gate, 1.0);
/// let tape = Tape::new();
/// let y = moe.forward(&store.bind(&tape), tape.constant_tensor([1], vec![1.0]));
/// assert!((y.to_vec()[0] - 3.0).abs() < 1e-12); // ¾·2 + ¼·6
/// ```
#[derive(Clone, Debug)]
pub struct StackedExperts<T: Real, G> {
    w: ParamKey,
    dims: [usize; 3],
    gater: G,
    beta: T,
}

impl<T: Real, G: Module<T>> StackedExperts<T, G> {
    /// `k` experts `n_in → n_out` initialised uniformly in `±1/√n_in`, with `gater`.
    ///
    /// # Panics
    /// If `k` is zero or β is not finite and positive.
    #[track_caller]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: &mut ParamStore<T>,
        name: &str,
        k: usize,
        n_in: usize,
        n_out: usize,
        gater: G,
        beta: T,
        rng: &mut Rng,
    ) -> Self {
        let w = fan_in(rng, [k, n_out, n_in], n_in);
        Self::from_weights(store, name, w, gater, beta)
    }

    /// From given expert weights `w` of shape `[K, n_out, n_in]`.
    ///
    /// # Panics
    /// If `w` is not of rank 3 with `K ≥ 1`, or β is not finite and positive; the message
    /// names the module, the shape and the caller's line ([`StackedExperts::try_from_weights`]
    /// returns it as an error).
    #[track_caller]
    pub fn from_weights(
        store: &mut ParamStore<T>,
        name: &str,
        w: Tensor<T>,
        gater: G,
        beta: T,
    ) -> Self {
        match Self::try_from_weights(store, name, w, gater, beta) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`StackedExperts::from_weights`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] naming the module and the shape or β.
    ///
    /// ```
    /// use wengert_ebm::module::{Linear, StackedExperts};
    /// use wengert_tape::{ParamStore, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let gate = Linear::from_weights(&mut store, "g", Tensor::zeros([2, 3]), None);
    /// let err = StackedExperts::try_from_weights(&mut store, "m", Tensor::zeros([2, 3]), gate, 1.0);
    /// assert!(err.unwrap_err().to_string().contains("[K, n_out, n_in] with K ≥ 1, got shape [2, 3]"));
    /// ```
    #[track_caller]
    pub fn try_from_weights(
        store: &mut ParamStore<T>,
        name: &str,
        w: Tensor<T>,
        gater: G,
        beta: T,
    ) -> Result<Self, Error> {
        let d = w.shape().dims();
        if d.len() != 3 || d[0] == 0 {
            return Err(bad(
                name,
                format!(
                    "the weights must be [K, n_out, n_in] with K ≥ 1, got shape {}",
                    w.shape()
                ),
            ));
        }
        if !(beta.is_finite() && beta > T::zero()) {
            return Err(bad(name, format!("β must be finite and > 0, got {beta}")));
        }
        let dims = [d[0], d[1], d[2]];
        let w = store.insert(format!("{name}.w"), w);
        Ok(StackedExperts {
            w,
            dims,
            gater,
            beta,
        })
    }

    /// The expert weights' key (`[K, n_out, n_in]`).
    pub fn w(&self) -> ParamKey {
        self.w
    }

    /// The gater's weights `u` (shape `[K]`) at `x`.
    pub fn weights<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (self.gater.forward(p, x) * -self.beta).softmax(Axis(0))
    }
}

impl<T: Real, G: Module<T>> Module<T> for StackedExperts<T, G> {
    #[track_caller]
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        let [k, n_out, n_in] = self.dims;
        // All K experts in one product: [K·n_out, n_in] · x = the stacked outputs.
        let ys = p
            .var(self.w)
            .reshape([k * n_out, n_in])
            .matmul(x)
            .reshape([k, n_out]);
        let u = self.weights(p, x).reshape([k, 1]);
        (u * ys).sum_axis(Axis(0))
    }

    fn keys(&self) -> Vec<ParamKey> {
        let mut keys = vec![self.w];
        keys.extend(self.gater.keys());
        keys
    }
}

/// The shape error of `StackedExperts::from_weights`, located at the caller's caller.
#[track_caller]
fn bad(name: &str, reason: String) -> Error {
    Error::here(ErrorKind::InvalidArgument {
        op: "StackedExperts::from_weights",
        reason: format!("module \"{name}\": {reason}"),
    })
}
