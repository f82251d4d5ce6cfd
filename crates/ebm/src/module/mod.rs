//! The tutorial's modules as parameterised graph builders.
//!
//! A module holds the [`ParamKey`]s of its parameters (which live in a [`ParamStore`]) and,
//! given the parameters bound on a tape, records its forward computation. There is no `bprop`:
//! the tape derives it. Modules compose with [`Sequential`] or by hand.
//!
//! ```
//! use wengert_ebm::{init, module::{Module, Sequential}};
//! use wengert_tape::{ParamStore, Tape};
//! let mut store = ParamStore::<f64>::new();
//! let net = Sequential::two_layer(&mut store, "net", 3, 5, 2, &mut init::rng(0)); // the source's 2-layer net
//! let tape = Tape::new();
//! let p = store.bind(&tape);
//! let x = tape.constant_tensor([3], vec![0.1, -0.2, 0.3]);
//! let out = net.forward(&p, x);
//! assert_eq!(out.shape().dims(), &[2]);
//! assert!(out.to_vec().iter().all(|v| v.abs() < 1.0)); // tanh outputs
//! ```
//!
//! [`ParamKey`]: wengert_tape::ParamKey
//! [`ParamStore`]: wengert_tape::ParamStore
use wengert_tape::{Bound, ParamKey, Real, Var};

mod activation;
mod basic;
mod check;
mod experts;
mod linear;
mod rbf;
mod sequential;
mod soft;
mod stacked;
mod timedelay;
pub use activation::{NnLayer, Sigmoid, Tanh};
pub use basic::{branch, euclidean, plus, switch};
pub use check::gradcheck_params;
pub use experts::MixtureOfExperts;
pub use linear::Linear;
pub use rbf::{Rbf, RbfNet};
pub use sequential::Sequential;
pub use soft::{LogSum, Softmax};
pub use stacked::StackedExperts;
pub use timedelay::TimeDelay;

/// A parameterised function `X_out = F(W, X_in)` recorded on a tape.
///
/// Implement it for your own modules; the trait is object safe, so `Box<dyn Module<T>>` works.
/// Modules are `Send + Sync`, so one model can be shared by the threads of a data-parallel
/// minibatch (a tape per thread; see `docs/reliability.md`).
///
/// ```
/// use wengert_ebm::module::Module;
/// use wengert_tape::{Bound, ParamKey, ParamStore, Real, Tape, Tensor, Var};
/// /// X_out = s · X_in with a trainable scale s.
/// struct Scale(ParamKey);
/// impl<T: Real> Module<T> for Scale {
///     fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
///         p.var(self.0) * x
///     }
/// }
/// let mut store = ParamStore::new();
/// let m = Scale(store.insert("s", Tensor::scalar(3.0)));
/// let tape = Tape::<f64>::new();
/// let p = store.bind(&tape);
/// let y = m.forward(&p, tape.constant_tensor([2], vec![1.0, 2.0]));
/// assert_eq!(y.to_vec(), vec![3.0, 6.0]);
/// ```
pub trait Module<T: Real>: Send + Sync {
    /// Records the forward computation of `x` with the parameters bound in `p`.
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T>;

    /// The keys of the parameters this module reads, in a fixed order (the library's
    /// modules with parameters report theirs; the default is none, for parameter-free
    /// modules and user modules that do not say).
    ///
    /// ```
    /// use wengert_ebm::{init, module::{Module, Sequential}};
    /// use wengert_tape::ParamStore;
    /// let mut store = ParamStore::<f64>::new();
    /// let net = Sequential::mlp(&mut store, "g", &[2, 4, 1], &mut init::rng(0));
    /// let names: Vec<_> = net.keys().into_iter().map(|k| store.name(k).to_string()).collect();
    /// assert_eq!(names, ["g.1.w", "g.1.b", "g.2.w", "g.2.b"]);
    /// ```
    fn keys(&self) -> Vec<ParamKey> {
        Vec::new()
    }
}

impl<T: Real, M: Module<T> + ?Sized> Module<T> for Box<M> {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (**self).forward(p, x)
    }
    fn keys(&self) -> Vec<ParamKey> {
        (**self).keys()
    }
}

impl<T: Real, M: Module<T> + ?Sized> Module<T> for &M {
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        (**self).forward(p, x)
    }
    fn keys(&self) -> Vec<ParamKey> {
        (**self).keys()
    }
}
