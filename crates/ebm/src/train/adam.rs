//! Adam and AdamW over every parameter of a [`ParamStore`] at once, and clipping of a
//! gradient by its global norm.
use wengert_tape::{Error, ErrorKind, ParamStore, Real};

/// Adam (Kingma & Ba) with bias correction, and AdamW (Loshchilov & Hutter) when
/// `decoupled` is set; the update of PyTorch's `torch.optim.Adam` / `AdamW`:
///
/// ```text
/// t ← t + 1
/// g ← ∂L/∂w + λ w             (Adam: the decay is part of the gradient)
/// m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²
/// m̂ = m / (1 − β₁ᵗ),      v̂ = v / (1 − β₂ᵗ)
/// w ← w − η λ w               (AdamW only: the decay is decoupled from the moments)
/// w ← w − η m̂ / (√v̂ + ε)
/// ```
///
/// ```
/// use wengert_ebm::train::{Adam, AdamState};
/// use wengert_tape::{ParamStore, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let w = store.insert("w", Tensor::new([2], vec![1.0, -2.0]));
/// let mut state = AdamState::new();
/// Adam::new(0.1).step(&mut store, &[vec![0.5, -3.0]], &mut state);
/// // First step: m̂ = g, v̂ = g², so w moves by η·g/(|g| + ε) ≈ η·sign(g).
/// let d = store.get(w).data();
/// assert!((d[0] - 0.9).abs() < 1e-6 && (d[1] + 1.9).abs() < 1e-6);
/// assert_eq!(state.steps(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam<T> {
    /// The learning rate η > 0.
    pub lr: T,
    /// The decay β₁ ∈ [0, 1) of the first moment.
    pub beta1: T,
    /// The decay β₂ ∈ [0, 1) of the second moment.
    pub beta2: T,
    /// ε > 0, added to √v̂ so that a zero gradient does not divide by zero.
    pub eps: T,
    /// The weight decay λ ≥ 0.
    pub weight_decay: T,
    /// AdamW's decoupled weight decay (`true`) or Adam's L2 penalty in the gradient.
    pub decoupled: bool,
}

/// The moments of [`Adam`], one pair of buffers per parameter in the store's order, and the
/// step count for the bias correction; created as zeros on the first step (and again if the
/// parameter sizes change).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdamState<T> {
    m: Vec<Vec<T>>,
    v: Vec<Vec<T>>,
    t: i32,
}

impl<T: Real> AdamState<T> {
    /// No moments yet (zeros once sized by the first step).
    pub fn new() -> Self {
        AdamState {
            m: Vec::new(),
            v: Vec::new(),
            t: 0,
        }
    }

    /// The number of steps taken.
    pub fn steps(&self) -> i32 {
        self.t
    }

    /// The first and second moments of the `i`-th parameter (empty before the first step).
    pub fn moments(&self, i: usize) -> (&[T], &[T]) {
        (get(&self.m, i), get(&self.v, i))
    }
}

fn get<T>(b: &[Vec<T>], i: usize) -> &[T] {
    b.get(i).map_or(&[], |x| x.as_slice())
}

fn lit<T: Real>(x: f64) -> T {
    T::from(x).expect("a small literal fits every Real")
}

impl<T: Real> Adam<T> {
    /// Adam with learning rate `lr` and PyTorch's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8,
    /// no weight decay.
    pub fn new(lr: T) -> Self {
        Adam {
            lr,
            beta1: lit(0.9),
            beta2: lit(0.999),
            eps: lit(1e-8),
            weight_decay: T::zero(),
            decoupled: false,
        }
    }

    /// AdamW: Adam with the decoupled weight decay λ (PyTorch's default is 0.01).
    pub fn adamw(lr: T, weight_decay: T) -> Self {
        Adam {
            weight_decay,
            decoupled: true,
            ..Adam::new(lr)
        }
    }

    /// The same with the moment decays β₁, β₂.
    pub fn with_betas(self, beta1: T, beta2: T) -> Self {
        Adam {
            beta1,
            beta2,
            ..self
        }
    }

    /// The same with ε.
    pub fn with_eps(self, eps: T) -> Self {
        Adam { eps, ..self }
    }

    /// Checks η > 0, 0 ≤ β₁, β₂ < 1, ε > 0, λ ≥ 0, all finite.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] naming the bad setting.
    #[track_caller]
    pub fn validate(&self) -> Result<(), Error> {
        let loc = std::panic::Location::caller();
        let op = if self.decoupled { "adamw" } else { "adam" };
        let bad =
            |reason: String| Err(Error::new(ErrorKind::InvalidArgument { op, reason }).at(loc));
        let zero = T::zero();
        if !self.lr.is_finite() || self.lr <= zero {
            return bad(format!(
                "the learning rate {} must be finite and > 0",
                self.lr
            ));
        }
        for (name, b) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if b.is_nan() || b < zero || b >= T::one() {
                return bad(format!("{name} = {b} must be in [0, 1)"));
            }
        }
        if !self.eps.is_finite() || self.eps <= zero {
            return bad(format!("eps = {} must be finite and > 0", self.eps));
        }
        if !self.weight_decay.is_finite() || self.weight_decay < zero {
            return bad(format!(
                "the weight decay {} must be finite and ≥ 0",
                self.weight_decay
            ));
        }
        Ok(())
    }

    /// One update of every parameter; `grads[i]` is the gradient of the `i`-th parameter in
    /// the store's order.
    ///
    /// # Panics
    /// As [`Adam::try_step`] errors.
    #[track_caller]
    pub fn step(&self, store: &mut ParamStore<T>, grads: &[Vec<T>], state: &mut AdamState<T>) {
        if let Err(e) = self.try_step(store, grads, state) {
            panic!("{e}");
        }
    }

    /// [`Adam::step`], returning an error instead of panicking; nothing (weights nor
    /// moments nor step count) is updated on error.
    ///
    /// # Errors
    /// As [`Adam::validate`]; [`ErrorKind::ShapeMismatch`] when the gradients do not match
    /// the parameters; [`ErrorKind::NonFinite`] naming the parameter and element when the
    /// update would make a weight or moment non-finite (checked before anything is written).
    #[track_caller]
    pub fn try_step(
        &self,
        store: &mut ParamStore<T>,
        grads: &[Vec<T>],
        state: &mut AdamState<T>,
    ) -> Result<(), Error> {
        self.validate()?;
        let sizes: Vec<usize> = store.iter().map(|(_, _, t)| t.data().len()).collect();
        let given: Vec<usize> = grads.iter().map(Vec::len).collect();
        if sizes != given {
            return Err(Error::here(ErrorKind::ShapeMismatch {
                op: "adam step (parameter sizes vs gradient sizes)",
                lhs: sizes.into(),
                rhs: given.into(),
            }));
        }
        let sized = |b: &[Vec<T>]| {
            b.len() == sizes.len() && b.iter().zip(&sizes).all(|(x, &n)| x.len() == n)
        };
        if !(sized(&state.m) && sized(&state.v)) {
            state.m = sizes.iter().map(|&n| vec![T::zero(); n]).collect();
            state.v = state.m.clone();
            state.t = 0;
        }
        let t = state.t + 1;
        let keys: Vec<_> = store.keys().collect();
        // Compute and check the whole update first, so that a bad one writes nothing.
        let mut new = Vec::with_capacity(keys.len());
        for (i, (&k, g)) in keys.iter().zip(grads).enumerate() {
            let w = store.get(k).data();
            let mut out = Vec::with_capacity(w.len());
            for (e, (&w, &g)) in w.iter().zip(g).enumerate() {
                let (m1, v1, w1) = self.update(w, g, state.m[i][e], state.v[i][e], t);
                if !(m1.is_finite() && v1.is_finite() && w1.is_finite()) {
                    return Err(Error::here(ErrorKind::NonFinite {
                        what: format!(
                            "adam step: parameter {:?} element {e} would become {w1:?} \
                             (weight {w:?}, gradient {g:?}); nothing was updated",
                            store.name(k)
                        ),
                    }));
                }
                out.push((m1, v1, w1));
            }
            new.push(out);
        }
        for (i, (k, out)) in keys.into_iter().zip(new).enumerate() {
            let w = store.get_mut(k).data_mut();
            for (e, (m1, v1, w1)) in out.into_iter().enumerate() {
                (state.m[i][e], state.v[i][e], w[e]) = (m1, v1, w1);
            }
        }
        state.t = t;
        Ok(())
    }

    /// The new first moment, second moment and weight at step `t` (1-based).
    #[inline]
    fn update(&self, w: T, g: T, m: T, v: T, t: i32) -> (T, T, T) {
        let one = T::one();
        let g = if self.decoupled {
            g
        } else {
            g + self.weight_decay * w
        };
        let m = self.beta1 * m + (one - self.beta1) * g;
        let v = self.beta2 * v + (one - self.beta2) * g * g;
        let mh = m / (one - self.beta1.powi(t));
        let vh = v / (one - self.beta2.powi(t));
        let w = if self.decoupled {
            w - self.lr * self.weight_decay * w
        } else {
            w
        };
        (m, v, w - self.lr * mh / (vh.sqrt() + self.eps))
    }
}

/// Scales `grads` in place so that their global L2 norm (over every parameter) is at most
/// `max_norm`, as `torch.nn.utils.clip_grad_norm_`; returns the norm before clipping.
///
/// ```
/// use wengert_ebm::train::clip_grad_norm;
/// let mut g = vec![vec![3.0], vec![4.0_f64]]; // global norm 5
/// assert_eq!(clip_grad_norm(&mut g, 1.0), 5.0);
/// assert!((g[0][0] - 0.6).abs() < 1e-12 && (g[1][0] - 0.8).abs() < 1e-12);
/// ```
///
/// # Panics
/// When `max_norm` is not finite and > 0.
#[track_caller]
pub fn clip_grad_norm<T: Real>(grads: &mut [Vec<T>], max_norm: T) -> T {
    if !max_norm.is_finite() || max_norm <= T::zero() {
        panic!(
            "{}",
            Error::here(ErrorKind::InvalidArgument {
                op: "clip_grad_norm",
                reason: format!("max_norm = {max_norm} must be finite and > 0"),
            })
        );
    }
    let norm = grads
        .iter()
        .flatten()
        .map(|&g| g * g)
        .fold(T::zero(), |a, b| a + b)
        .sqrt();
    if norm > max_norm {
        let s = max_norm / norm;
        grads.iter_mut().flatten().for_each(|g| *g *= s);
    }
    norm
}

/// Clamps every gradient element into `[-limit, limit]`, as
/// `torch.nn.utils.clip_grad_value_`.
///
/// ```
/// use wengert_ebm::train::clip_grad_value;
/// let mut g = vec![vec![3.0, -0.5, -7.0_f64]];
/// clip_grad_value(&mut g, 1.0);
/// assert_eq!(g, vec![vec![1.0, -0.5, -1.0]]);
/// ```
///
/// # Panics
/// When `limit` is not finite and > 0.
#[track_caller]
pub fn clip_grad_value<T: Real>(grads: &mut [Vec<T>], limit: T) {
    if !limit.is_finite() || limit <= T::zero() {
        panic!(
            "{}",
            Error::here(ErrorKind::InvalidArgument {
                op: "clip_grad_value",
                reason: format!("limit = {limit} must be finite and > 0"),
            })
        );
    }
    grads
        .iter_mut()
        .flatten()
        .for_each(|g| *g = g.max(-limit).min(limit));
}

#[cfg(test)]
#[path = "adam_tests.rs"]
mod tests;
