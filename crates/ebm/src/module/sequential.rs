//! A stack of modules applied in order (the source's `nn-2layer`).
use super::Module;
use wengert_tape::{Bound, Real, Var};

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
}
