//! The linear module `X_out = W X_in` (optionally `+ b`).
use super::Module;
use crate::init::{fan_in, Rng};
use wengert_ops::prelude::*;
use wengert_tape::{Bound, ParamKey, ParamStore, Real, Tensor, Var};

/// The linear module `X_out = W X_in (+ b)`, `W` of shape `[n_out, n_in]` initialised
/// uniformly in `±1/√n_in`; the bias (if any) starts at zero.
///
/// `∂E/∂X_in = W' ∂E/∂X_out`, `∂E/∂W = ∂E/∂X_out X_in'`. The input is a vector `[n_in]`
/// (output `[n_out]`) or a batch of rows `[b, n_in]` (output `[b, n_out]`).
///
/// ```
/// use wengert_ebm::{init, module::{Linear, Module}};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let lin = Linear::new(&mut store, "lin", 2, 3, &mut init::rng(0));
/// *store.get_mut(lin.w()) = Tensor::new([3, 2], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// let tape = Tape::new();
/// let p = store.bind(&tape);
/// let y = lin.forward(&p, tape.constant_tensor([2], vec![1.0, -1.0]));
/// assert_eq!(y.to_vec(), vec![-1.0, -1.0, -1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Linear {
    w: ParamKey,
    b: Option<ParamKey>,
    n_in: usize,
    n_out: usize,
}

impl Linear {
    /// A linear module without bias (the source's), parameter `"{name}.w"`.
    pub fn new<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_out: usize,
        rng: &mut Rng,
    ) -> Linear {
        let w = store.insert(format!("{name}.w"), fan_in(rng, [n_out, n_in], n_in));
        Linear {
            w,
            b: None,
            n_in,
            n_out,
        }
    }

    /// A linear module with a bias `"{name}.b"` (zero-initialised): `X_out = W X_in + b`.
    pub fn with_bias<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_out: usize,
        rng: &mut Rng,
    ) -> Linear {
        let mut l = Linear::new(store, name, n_in, n_out, rng);
        l.b = Some(store.insert(format!("{name}.b"), Tensor::zeros([n_out])));
        l
    }

    /// The weight matrix's key (`[n_out, n_in]`).
    pub fn w(&self) -> ParamKey {
        self.w
    }

    /// The bias's key, if any (`[n_out]`).
    pub fn b(&self) -> Option<ParamKey> {
        self.b
    }

    /// The input size.
    pub fn n_in(&self) -> usize {
        self.n_in
    }

    /// The output size.
    pub fn n_out(&self) -> usize {
        self.n_out
    }
}

impl<T: Real> Module<T> for Linear {
    #[track_caller]
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        let w = p.var(self.w);
        let out = if x.shape().rank() == 2 {
            x.matmul(w.t())
        } else {
            w.matmul(x)
        };
        match self.b {
            Some(b) => out + p.var(b),
            None => out,
        }
    }
}
