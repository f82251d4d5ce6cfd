//! The linear module `X_out = W X_in` (optionally `+ b`).
use super::Module;
use crate::init::{fan_in, Rng};
use wengert_ops::prelude::*;
use wengert_tape::{Bound, Error, ErrorKind, ParamKey, ParamStore, Real, Tensor, Var};

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

    /// A linear module from given weights: `w` of shape `[n_out, n_in]` becomes
    /// `"{name}.w"`, the bias `b` (if any, shape `[n_out]`) `"{name}.b"`.
    ///
    /// # Panics
    /// If `w` is not a matrix or `b` is not `[n_out]`; the message names the module, the
    /// shapes and the caller's line. [`Linear::try_from_weights`] returns it as an error.
    ///
    /// ```
    /// use wengert_ebm::module::{Linear, Module};
    /// use wengert_tape::{ParamStore, Tape, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let w = Tensor::new([1, 2], vec![2.0, 3.0]);
    /// let lin = Linear::from_weights(&mut store, "lin", w, Some(Tensor::new([1], vec![0.5])));
    /// assert_eq!((lin.n_in(), lin.n_out()), (2, 1));
    /// let tape = Tape::new();
    /// let y = lin.forward(&store.bind(&tape), tape.constant_tensor([2], vec![1.0, 1.0]));
    /// assert_eq!(y.to_vec(), vec![5.5]);
    /// ```
    #[track_caller]
    pub fn from_weights<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        w: Tensor<T>,
        b: Option<Tensor<T>>,
    ) -> Linear {
        match Linear::try_from_weights(store, name, w, b) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Linear::from_weights`], returning an error instead of panicking (nothing is
    /// inserted on error).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) naming the
    /// module and the shapes.
    ///
    /// ```
    /// use wengert_ebm::module::Linear;
    /// use wengert_tape::{ParamStore, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let w = Tensor::new([3, 2], vec![0.0; 6]);
    /// let err = Linear::try_from_weights(&mut store, "l", w, Some(Tensor::zeros([2]))).unwrap_err();
    /// assert!(err.to_string().contains("Linear::from_weights: module \"l\": bias shape [2]"));
    /// assert!(store.is_empty());
    /// ```
    #[track_caller]
    pub fn try_from_weights<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        w: Tensor<T>,
        b: Option<Tensor<T>>,
    ) -> Result<Linear, Error> {
        let dims = w.shape().dims().to_vec();
        if dims.len() != 2 {
            return Err(bad(
                name,
                format!(
                    "the weights must be a matrix [n_out, n_in], got shape {}",
                    w.shape()
                ),
            ));
        }
        let (n_out, n_in) = (dims[0], dims[1]);
        if let Some(b) = &b {
            if b.shape().dims() != [n_out] {
                return Err(bad(
                    name,
                    format!(
                        "bias shape {} does not match the weights {} (want [{n_out}])",
                        b.shape(),
                        w.shape()
                    ),
                ));
            }
        }
        let w = store.insert(format!("{name}.w"), w);
        let b = b.map(|b| store.insert(format!("{name}.b"), b));
        Ok(Linear { w, b, n_in, n_out })
    }

    /// This module without its bias (the bias stays in the store): for a layer that adds
    /// its bias elsewhere.
    pub(crate) fn without_bias(mut self) -> Linear {
        self.b = None;
        self
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
            x.matmul_t(w)
        } else {
            w.matmul(x)
        };
        match self.b {
            Some(b) => out + p.var(b),
            None => out,
        }
    }

    fn keys(&self) -> Vec<ParamKey> {
        std::iter::once(self.w).chain(self.b).collect()
    }
}

/// The shape error of `Linear::from_weights`, located at the caller's caller.
#[track_caller]
fn bad(name: &str, reason: String) -> Error {
    Error::here(ErrorKind::InvalidArgument {
        op: "Linear::from_weights",
        reason: format!("module \"{name}\": {reason}"),
    })
}
