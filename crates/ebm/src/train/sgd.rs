//! Stochastic gradient descent over every parameter of a [`ParamStore`] at once.
use wengert_tape::{Error, ErrorKind, ParamStore, Real};

/// SGD with learning rate η, weight decay λ (an L2 penalty λ/2 ‖w‖²) and momentum μ, the
/// update of PyTorch's `torch.optim.SGD` (no dampening, no Nesterov):
///
/// ```text
/// g ← ∂L/∂w + λ w
/// v ← μ v + g          (v starts at 0, so the first step has v = g)
/// w ← w − η v
/// ```
///
/// ```
/// use wengert_ebm::train::{Sgd, Velocity};
/// use wengert_tape::{ParamStore, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// store.insert("w", Tensor::new([2], vec![1.0, -2.0]));
/// let sgd = Sgd::new(0.1).with_weight_decay(0.5).with_momentum(0.9);
/// let mut v = Velocity::new();
/// sgd.step(&mut store, &[vec![1.0, 1.0]], &mut v);
/// // g = (1 + 0.5·1, 1 + 0.5·(−2)) = (1.5, 0); v = g; w = (1 − 0.15, −2 − 0)
/// let w = store.get(store.key("w").unwrap()).data();
/// assert!((w[0] - 0.85).abs() < 1e-12 && (w[1] + 2.0).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd<T> {
    /// The learning rate η > 0.
    pub lr: T,
    /// The weight decay λ ≥ 0.
    pub weight_decay: T,
    /// The momentum μ ∈ [0, 1).
    pub momentum: T,
}

/// The momentum buffers of [`Sgd`], one per parameter in the store's order; created as zeros
/// on the first step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Velocity<T> {
    v: Vec<Vec<T>>,
}

impl<T: Real> Velocity<T> {
    /// Empty buffers (zeros once sized by the first step).
    pub fn new() -> Self {
        Velocity { v: Vec::new() }
    }

    /// The buffer of the `i`-th parameter, in the store's order (empty before the first step).
    pub fn get(&self, i: usize) -> &[T] {
        self.v.get(i).map_or(&[], |v| v.as_slice())
    }

    /// Forgets the momentum (all buffers back to zero).
    pub fn reset(&mut self) {
        self.v.clear();
    }
}

impl<T: Real> Sgd<T> {
    /// Plain SGD: learning rate `lr`, no weight decay, no momentum.
    pub fn new(lr: T) -> Self {
        Sgd {
            lr,
            weight_decay: T::zero(),
            momentum: T::zero(),
        }
    }

    /// The same with weight decay λ.
    pub fn with_weight_decay(self, weight_decay: T) -> Self {
        Sgd {
            weight_decay,
            ..self
        }
    }

    /// The same with momentum μ.
    pub fn with_momentum(self, momentum: T) -> Self {
        Sgd { momentum, ..self }
    }

    /// Checks η > 0, λ ≥ 0 and 0 ≤ μ < 1, all finite.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] naming the bad setting.
    #[track_caller]
    pub fn validate(&self) -> Result<(), Error> {
        // A closure does not inherit `#[track_caller]`: take the caller's line out here.
        let loc = std::panic::Location::caller();
        let bad = |reason: String| {
            Err(Error::new(ErrorKind::InvalidArgument { op: "sgd", reason }).at(loc))
        };
        let (lr, wd, mu) = (self.lr, self.weight_decay, self.momentum);
        if !lr.is_finite() || lr <= T::zero() {
            return bad(format!("the learning rate {lr} must be finite and > 0"));
        }
        if !wd.is_finite() || wd < T::zero() {
            return bad(format!("the weight decay {wd} must be finite and ≥ 0"));
        }
        if mu.is_nan() || mu < T::zero() || mu >= T::one() {
            return bad(format!("the momentum {mu} must be in [0, 1)"));
        }
        Ok(())
    }

    /// One update of every parameter; `grads[i]` is the gradient of the `i`-th parameter in
    /// the store's order.
    ///
    /// # Panics
    /// As [`Sgd::try_step`] errors.
    #[track_caller]
    pub fn step(&self, store: &mut ParamStore<T>, grads: &[Vec<T>], velocity: &mut Velocity<T>) {
        if let Err(e) = self.try_step(store, grads, velocity) {
            panic!("{e}");
        }
    }

    /// [`Sgd::step`], returning an error instead of panicking; nothing is updated on error.
    ///
    /// # Errors
    /// As [`Sgd::validate`]; [`ErrorKind::ShapeMismatch`] when the gradients do not match the
    /// parameters (count or sizes); [`ErrorKind::NonFinite`] naming the parameter, the element
    /// and the values when the update would make a weight non-finite (a NaN gradient, a
    /// learning rate so large that `w − η v` overflows): checked before anything is written.
    #[track_caller]
    pub fn try_step(
        &self,
        store: &mut ParamStore<T>,
        grads: &[Vec<T>],
        velocity: &mut Velocity<T>,
    ) -> Result<(), Error> {
        self.validate()?;
        let sizes: Vec<usize> = store.iter().map(|(_, _, t)| t.data().len()).collect();
        let given: Vec<usize> = grads.iter().map(Vec::len).collect();
        if sizes != given {
            return Err(Error::here(ErrorKind::ShapeMismatch {
                op: "sgd step (parameter sizes vs gradient sizes)",
                lhs: sizes.into(),
                rhs: given.into(),
            }));
        }
        if velocity.v.len() != sizes.len()
            || velocity.v.iter().zip(&sizes).any(|(v, &n)| v.len() != n)
        {
            velocity.v = sizes.iter().map(|&n| vec![T::zero(); n]).collect();
        }
        let keys: Vec<_> = store.keys().collect();
        // First the whole update is computed and checked, so that a bad one writes nothing.
        // The check is a branch-free fold (it vectorises); only a failed one looks for the
        // element to name.
        let finite = keys.iter().zip(grads).zip(&velocity.v).all(|((&k, g), v)| {
            let w = store.get(k).data();
            w.iter().zip(g).zip(v).fold(true, |ok, ((&w, &g), &v)| {
                let (v1, w1) = self.update(w, g, v);
                ok & v1.is_finite() & w1.is_finite()
            })
        });
        if !finite {
            for ((&k, g), v) in keys.iter().zip(grads).zip(&velocity.v) {
                let w = store.get(k).data();
                for (e, ((&w, &g), &v)) in w.iter().zip(g).zip(v).enumerate() {
                    let (v1, w1) = self.update(w, g, v);
                    if !(v1.is_finite() && w1.is_finite()) {
                        return Err(Error::here(ErrorKind::NonFinite {
                            what: format!(
                                "sgd step: parameter {:?} element {e} would become {w1:?} \
                                 (weight {w:?}, gradient {g:?}, learning rate {:?}); nothing was \
                                 updated",
                                store.name(k),
                                self.lr
                            ),
                        }));
                    }
                }
            }
            unreachable!("the fold found a non-finite update");
        }
        for ((k, g), v) in keys.into_iter().zip(grads).zip(&mut velocity.v) {
            for ((w, &g), v) in store.get_mut(k).data_mut().iter_mut().zip(g).zip(v) {
                (*v, *w) = self.update(*w, g, *v);
            }
        }
        Ok(())
    }

    /// The new velocity and weight.
    #[inline]
    fn update(&self, w: T, g: T, v: T) -> (T, T) {
        let g = g + self.weight_decay * w;
        let v = self.momentum * v + g;
        (v, w - self.lr * v)
    }
}
