//! Discrete-answer energies: the classifier (with an optional junk category), the
//! perceptron and logistic-regression energies, and the NN-RBF hybrid.
use super::{Energy, LabelEnergy};
use crate::init::Rng;
use crate::module::{Module, NnLayer, Rbf, Sequential};
use wengert_ops::prelude::*;
use wengert_ops::structure::concat;
use wengert_tape::{Bound, ParamKey, ParamStore, Real, Tensor, Var};

/// The energy of the "junk" (none-of-the-above) category of a [`Classifier`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Junk<T> {
    /// A hand-chosen constant energy `E_0`.
    Constant(T),
    /// A trainable energy `E_0 = w_0` (a `[1]` parameter).
    Param(ParamKey),
}

/// The discrete classifier `E(W, Y, X) = Σ_k G_k(W, X) δ(k, Y) = G_Y(W, X)`: the module's
/// `K` outputs are the energies of the `K` categories, and `Y̌ = argmin_k G_k(W, X)`.
/// With a junk category, answer `K` has the energy `E_0`, which does not depend on `X`.
///
/// ```
/// use wengert_ebm::{energy::{Classifier, LabelEnergy}, infer, init, module::Linear};
/// use wengert_tape::{ParamStore, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let g = Linear::new(&mut store, "g", 2, 3, &mut init::rng(0));
/// *store.get_mut(g.w()) = Tensor::new([3, 2], vec![1.0, 0.0, 0.0, 1.0, -1.0, -1.0]);
/// let model = Classifier::new(g, 3).with_junk_constant(0.5);
/// assert_eq!(LabelEnergy::<f64>::n_labels(&model), 4);
/// let r = infer::run(&model, &store, &Tensor::new([2], vec![1.0, 2.0]));
/// assert_eq!(r.energies, vec![1.0, 2.0, -3.0, 0.5]);
/// assert_eq!(r.answer, 2);
/// ```
#[derive(Clone, Debug)]
pub struct Classifier<G, T> {
    g: G,
    k: usize,
    junk: Option<Junk<T>>,
}

impl<G, T: Real> Classifier<G, T> {
    /// A classifier whose module `g` outputs `k` energies.
    pub fn new(g: G, k: usize) -> Self {
        Classifier { g, k, junk: None }
    }

    /// Adds a junk category (answer `k`) of constant energy `e0`.
    pub fn with_junk_constant(mut self, e0: T) -> Self {
        self.junk = Some(Junk::Constant(e0));
        self
    }

    /// Adds a junk category (answer `k`) whose energy is a trainable parameter
    /// `"{name}"` (shape `[1]`) starting at `e0`.
    pub fn with_junk_param(mut self, store: &mut ParamStore<T>, name: &str, e0: T) -> Self {
        self.junk = Some(Junk::Param(store.insert(name, Tensor::new([1], vec![e0]))));
        self
    }

    /// The module `G`.
    pub fn g(&self) -> &G {
        &self.g
    }

    /// The junk category, if any.
    pub fn junk(&self) -> Option<Junk<T>> {
        self.junk
    }
}

impl<T: Real> Classifier<Sequential<T>, T> {
    /// An NN-RBF hybrid: a tanh layer `n_in → n_hidden` (`"{name}.1.*"`) below, an RBF layer
    /// of `k` prototypes on top (`"{name}.2.c"`); the energy of class `i` is the squared
    /// distance of the hidden code to prototype `i`.
    pub fn nn_rbf(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_hidden: usize,
        k: usize,
        rng: &mut Rng,
    ) -> Self {
        let net = Sequential::new()
            .with(NnLayer::new(
                store,
                &format!("{name}.1"),
                n_in,
                n_hidden,
                rng,
            ))
            .with(Rbf::new(store, &format!("{name}.2"), n_hidden, k, rng));
        Classifier::new(net, k)
    }
}

impl<T: Real, G: Module<T>> LabelEnergy<T> for Classifier<G, T> {
    fn n_labels(&self) -> usize {
        self.k + usize::from(self.junk.is_some())
    }

    #[track_caller]
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        let e = self.g.forward(p, x);
        let e0 = match self.junk {
            None => return e,
            Some(Junk::Constant(c)) => x.tape().constant_tensor([1], vec![c]),
            Some(Junk::Param(k)) => p.var(k),
        };
        concat(&[e.flatten(), e0], Axis(0))
    }
}

/// `E = −s Y W'X` for `Y ∈ {−1, +1}`; answer index 0 is `Y = −1`, index 1 is `Y = +1`.
fn linear_binary<'t, T: Real>(w: Var<'t, T>, s: T, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
    (-(y * w.dot(x)) * s).sum_all()
}

fn linear_binary_labels<'t, T: Real>(w: Var<'t, T>, s: T, x: Var<'t, T>) -> Var<'t, T> {
    let signs = x.tape().constant_tensor([2], vec![s, -s]); // E(−1) = s W'X, E(+1) = −s W'X
    w.dot(x) * signs
}

/// The perceptron energy `E(W, Y, X) = −Y W'X`, `Y ∈ {−1, +1}`; `Y̌ = sign(W'X)`.
/// As a [`LabelEnergy`], answer 0 is `Y = −1` and answer 1 is `Y = +1` (see
/// [`Perceptron::LABELS`]).
///
/// ```
/// use wengert_ebm::{energy::{Energy, LabelEnergy, Perceptron}, init};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let m = Perceptron::new(&mut store, "w", 2, &mut init::rng(0));
/// *store.get_mut(m.w()) = Tensor::new([2], vec![1.0, -2.0]);
/// let tape = Tape::new();
/// let p = store.bind(&tape);
/// let x = tape.constant_tensor([2], vec![3.0, 1.0]); // W'X = 1
/// assert_eq!(m.energy(&p, x, tape.constant(1.0)).value(), -1.0);
/// assert_eq!(m.energies(&p, x).to_vec(), vec![1.0, -1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Perceptron {
    w: ParamKey,
}

impl Perceptron {
    /// The answers `Y` of label indices 0 and 1.
    pub const LABELS: [f64; 2] = [-1.0, 1.0];

    /// A perceptron over `n` inputs, `W` (`"{name}"`, `[n]`) uniform in `±1/√n`.
    pub fn new<T: Real>(store: &mut ParamStore<T>, name: &str, n: usize, rng: &mut Rng) -> Self {
        Perceptron {
            w: store.insert(name, crate::init::fan_in(rng, [n], n)),
        }
    }

    /// The weight vector's key.
    pub fn w(&self) -> ParamKey {
        self.w
    }
}

impl<T: Real> Energy<T> for Perceptron {
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        linear_binary(p.var(self.w), T::one(), x, y)
    }
}

impl<T: Real> LabelEnergy<T> for Perceptron {
    fn n_labels(&self) -> usize {
        2
    }
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        linear_binary_labels(p.var(self.w), T::one(), x)
    }
}

/// The logistic-regression energy `E(W, Y, X) = −½ Y W'X`, `Y ∈ {−1, +1}`. With β = 1 its
/// negative log-likelihood loss is `log(1 + exp(−Yⁱ W'Xⁱ))`. Answer indices as for
/// [`Perceptron`].
///
/// ```
/// use wengert_ebm::{energy::{Energy, Logistic}, init};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let m = Logistic::new(&mut store, "w", 1, &mut init::rng(0));
/// *store.get_mut(m.w()) = Tensor::new([1], vec![4.0]);
/// let tape = Tape::new();
/// let p = store.bind(&tape);
/// let e = m.energy(&p, tape.constant_tensor([1], vec![0.5]), tape.constant(-1.0));
/// assert_eq!(e.value(), 1.0); // −½ (−1)(2)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Logistic {
    w: ParamKey,
}

impl Logistic {
    /// Logistic regression over `n` inputs, `W` (`"{name}"`, `[n]`) uniform in `±1/√n`.
    pub fn new<T: Real>(store: &mut ParamStore<T>, name: &str, n: usize, rng: &mut Rng) -> Self {
        Logistic {
            w: store.insert(name, crate::init::fan_in(rng, [n], n)),
        }
    }

    /// The weight vector's key.
    pub fn w(&self) -> ParamKey {
        self.w
    }
}

impl<T: Real> Energy<T> for Logistic {
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        linear_binary(p.var(self.w), T::lit(0.5), x, y)
    }
}

impl<T: Real> LabelEnergy<T> for Logistic {
    fn n_labels(&self) -> usize {
        2
    }
    fn energies<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        linear_binary_labels(p.var(self.w), T::lit(0.5), x)
    }
}
