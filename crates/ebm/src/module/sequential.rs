//! A stack of modules applied in order (the source's `nn-2layer`).
use super::{Linear, Module, NnLayer};
use crate::init::Rng;
use wengert_tape::{Bound, ParamKey, ParamStore, Real, Var};

/// Modules applied in order: `X_out = F_n(… F_1(X_in))`.
///
/// ```
/// use wengert_ebm::module::{Module, Sequential};
/// use wengert_tape::{Bound, Real, ParamStore, Tape, Var};
/// struct Double;
/// impl<T: Real> Module<T> for Double {
///     fn forward<'t>(&self, _: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> { x + x }
/// }
/// let net = Sequential::<f64>::new().with(Double).with(Double);
/// let store = ParamStore::new();
/// let tape = Tape::new();
/// assert_eq!(net.forward(&store.bind(&tape), tape.var(1.5)).value(), 6.0);
/// ```
pub struct Sequential<T: Real> {
    layers: Vec<Box<dyn Module<T>>>,
}

impl<T: Real> Default for Sequential<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Real> Sequential<T> {
    /// An empty stack (the identity).
    pub fn new() -> Self {
        Sequential { layers: Vec::new() }
    }

    /// Appends a module.
    pub fn push(&mut self, m: impl Module<T> + 'static) {
        self.layers.push(Box::new(m));
    }

    /// Appends a module, builder style.
    pub fn with(mut self, m: impl Module<T> + 'static) -> Self {
        self.push(m);
        self
    }

    /// The number of modules.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether the stack is empty.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

impl<T: Real> Module<T> for Sequential<T> {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        self.layers.iter().fold(x, |h, m| m.forward(p, h))
    }
    /// Every layer's keys, in layer order.
    fn keys(&self) -> Vec<ParamKey> {
        self.layers.iter().flat_map(|m| m.keys()).collect()
    }
}

impl<T: Real> Sequential<T> {
    /// The source's 2-layer net: two [`NnLayer`](super::NnLayer)s (linear + tanh with bias),
    /// `n_in → n_hidden → n_out`, parameters `"{name}.1.w"`, `"{name}.1.b"`, `"{name}.2.w"`,
    /// `"{name}.2.b"`. Its outputs lie in (−1, 1).
    pub fn two_layer(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_hidden: usize,
        n_out: usize,
        rng: &mut Rng,
    ) -> Self {
        Sequential::new()
            .with(NnLayer::new(
                store,
                &format!("{name}.1"),
                n_in,
                n_hidden,
                rng,
            ))
            .with(NnLayer::new(
                store,
                &format!("{name}.2"),
                n_hidden,
                n_out,
                rng,
            ))
    }

    /// A multi-layer net over `sizes = [n_in, h_1, …, n_out]`: tanh layers, then a linear
    /// output layer with bias (unbounded outputs, for regression); layer `i` (from 1) has
    /// parameters `"{name}.{i}.w"`, `"{name}.{i}.b"`.
    ///
    /// # Panics
    /// If `sizes` has fewer than two entries.
    ///
    /// ```
    /// use wengert_ebm::{init, module::{Module, Sequential}};
    /// use wengert_tape::{ParamStore, Tape};
    /// let mut store = ParamStore::<f64>::new();
    /// let net = Sequential::mlp(&mut store, "g", &[1, 8, 1], &mut init::rng(3));
    /// assert_eq!(store.len(), 4);
    /// let tape = Tape::new();
    /// let y = net.forward(&store.bind(&tape), tape.constant_tensor([1], vec![0.5]));
    /// assert_eq!(y.shape().dims(), &[1]);
    /// ```
    #[track_caller]
    pub fn mlp(store: &mut ParamStore<T>, name: &str, sizes: &[usize], rng: &mut Rng) -> Self {
        assert!(
            sizes.len() >= 2,
            "wengert: Sequential::mlp: need at least [n_in, n_out], got {sizes:?}"
        );
        let mut net = Sequential::new();
        let last = sizes.len() - 1;
        for (i, w) in sizes.windows(2).enumerate() {
            let lname = format!("{name}.{}", i + 1);
            if i + 1 == last {
                net.push(Linear::with_bias(store, &lname, w[0], w[1], rng));
            } else {
                net.push(NnLayer::new(store, &lname, w[0], w[1], rng));
            }
        }
        net
    }
}
