//! Sigmoid modules with trainable biases: `X_out = σ(X_in + B)`.
use super::Module;
use wengert_ops::prelude::*;
use wengert_tape::{Bound, ParamKey, ParamStore, Real, Tensor, Var};

/// The tanh module `(X_out)_i = tanh((X_in)_i + B_i)` with a trainable bias `B`
/// (`"{name}.b"`, zero-initialised); `∂E/∂(X_in)_i = ∂E/∂B_i = (∂E/∂X_out)_i (1 − (X_out)_i²)`.
///
/// ```
/// use wengert_ebm::module::{Module, Tanh};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let m = Tanh::new(&mut store, "t", 2);
/// *store.get_mut(m.b()) = Tensor::new([2], vec![0.5, -0.5]);
/// let tape = Tape::new();
/// let y = m.forward(&store.bind(&tape), tape.constant_tensor([2], vec![0.5, 0.5]));
/// assert_eq!(y.to_vec(), vec![1.0f64.tanh(), 0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tanh {
    b: ParamKey,
}

impl Tanh {
    /// A tanh module over `n` units.
    pub fn new<T: Real>(store: &mut ParamStore<T>, name: &str, n: usize) -> Tanh {
        Tanh {
            b: store.insert(format!("{name}.b"), Tensor::zeros([n])),
        }
    }

    /// The bias's key (`[n]`).
    pub fn b(&self) -> ParamKey {
        self.b
    }
}

impl<T: Real> Module<T> for Tanh {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (x + p.var(self.b)).tanh()
    }
    fn keys(&self) -> Vec<ParamKey> {
        vec![self.b]
    }
}

/// The logistic module `(X_out)_i = σ((X_in)_i + B_i)`, `σ(s) = 1/(1 + e^{−s})`, with a
/// trainable bias (`"{name}.b"`, zero-initialised);
/// `∂E/∂(X_in)_i = (∂E/∂X_out)_i (X_out)_i (1 − (X_out)_i)`.
///
/// ```
/// use wengert_ebm::module::{Module, Sigmoid};
/// use wengert_tape::{ParamStore, Tape};
/// let mut store = ParamStore::<f64>::new();
/// let m = Sigmoid::new(&mut store, "s", 1);
/// let tape = Tape::new();
/// let y = m.forward(&store.bind(&tape), tape.constant_tensor([1], vec![0.0]));
/// assert_eq!(y.to_vec(), vec![0.5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sigmoid {
    b: ParamKey,
}

impl Sigmoid {
    /// A logistic module over `n` units.
    pub fn new<T: Real>(store: &mut ParamStore<T>, name: &str, n: usize) -> Sigmoid {
        Sigmoid {
            b: store.insert(format!("{name}.b"), Tensor::zeros([n])),
        }
    }

    /// The bias's key (`[n]`).
    pub fn b(&self) -> ParamKey {
        self.b
    }
}

impl<T: Real> Module<T> for Sigmoid {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (x + p.var(self.b)).sigmoid()
    }
    fn keys(&self) -> Vec<ParamKey> {
        vec![self.b]
    }
}

/// The source's `nn-layer`: a [`Linear`](super::Linear) module followed by a [`Tanh`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NnLayer {
    /// The weighted sums.
    pub linear: super::Linear,
    /// The squashing with bias.
    pub tanh: Tanh,
}

impl NnLayer {
    /// A layer `"{name}.w"`, `"{name}.b"` from `n_in` to `n_out` units.
    pub fn new<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_out: usize,
        rng: &mut crate::init::Rng,
    ) -> NnLayer {
        NnLayer {
            linear: super::Linear::new(store, name, n_in, n_out, rng),
            tanh: Tanh::new(store, name, n_out),
        }
    }
}

impl NnLayer {
    /// A layer from given weights: `w` `[n_out, n_in]` as `"{name}.w"` and the tanh's bias
    /// `b` `[n_out]` as `"{name}.b"`.
    ///
    /// # Panics
    /// If the shapes do not fit (the message names the module, the shapes and the caller's
    /// line); [`NnLayer::try_from_weights`] returns it as an error.
    ///
    /// ```
    /// use wengert_ebm::module::{Module, NnLayer};
    /// use wengert_tape::{ParamStore, Tape, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let l = NnLayer::from_weights(&mut store, "h", Tensor::new([1, 1], vec![2.0]), Tensor::new([1], vec![-1.0]));
    /// let tape = Tape::new();
    /// let y = l.forward(&store.bind(&tape), tape.constant_tensor([1], vec![0.5]));
    /// assert_eq!(y.to_vec(), vec![0.0]); // tanh(2·0.5 − 1)
    /// ```
    #[track_caller]
    pub fn from_weights<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        w: Tensor<T>,
        b: Tensor<T>,
    ) -> NnLayer {
        match NnLayer::try_from_weights(store, name, w, b) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`NnLayer::from_weights`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`Linear::try_from_weights`](super::Linear::try_from_weights).
    ///
    /// ```
    /// use wengert_ebm::module::NnLayer;
    /// use wengert_tape::{ParamStore, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let r = NnLayer::try_from_weights(&mut store, "h", Tensor::zeros([2, 3]), Tensor::zeros([3]));
    /// assert!(r.unwrap_err().to_string().contains("bias shape [3]"));
    /// ```
    #[track_caller]
    pub fn try_from_weights<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        w: Tensor<T>,
        b: Tensor<T>,
    ) -> Result<NnLayer, wengert_tape::Error> {
        // The linear part checks the bias's shape against the weights, then hands it over.
        let linear = super::Linear::try_from_weights(store, name, w, Some(b))?;
        let key = linear.b().expect("a bias was given");
        Ok(NnLayer {
            linear: linear.without_bias(),
            tanh: Tanh { b: key },
        })
    }
}

impl<T: Real> Module<T> for NnLayer {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        self.tanh.forward(p, self.linear.forward(p, x))
    }
    fn keys(&self) -> Vec<ParamKey> {
        let mut k = Module::<T>::keys(&self.linear);
        k.extend(Module::<T>::keys(&self.tanh));
        k
    }
}
