//! The softmax and logsum modules (no parameters; β is a constant).
use super::Module;
use wengert_ops::prelude::*;
use wengert_tape::{Bound, Error, ErrorKind, Real, Var};

#[track_caller]
fn check_beta<T: Real>(op: &'static str, beta: T) -> Result<T, Error> {
    if beta.is_finite() && beta > T::zero() {
        Ok(beta)
    } else {
        Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!("β must be finite and > 0, got {beta}"),
        }))
    }
}

/// The tutorial's softmax module over energies:
/// `(X_out)_i = exp(−β x_i) / Σ_k exp(−β x_k)` along the last axis (a Gibbs distribution:
/// low inputs get high outputs); `∂(X_out)_i/∂x_j = −β (X_out)_i (δ_ij − (X_out)_j)`.
///
/// ```
/// use wengert_ebm::module::{Module, Softmax};
/// use wengert_tape::{ParamStore, Tape};
/// let tape = Tape::<f64>::new();
/// let store = ParamStore::new();
/// let p = Softmax::new(1.0).forward(&store.bind(&tape), tape.constant_tensor([2], vec![0.0, 2.0f64.ln()]));
/// let v = p.to_vec();
/// assert!((v[0] - 2.0 / 3.0).abs() < 1e-12 && (v[1] - 1.0 / 3.0).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softmax<T> {
    beta: T,
}

impl<T: Real> Softmax<T> {
    /// A softmax with inverse temperature β.
    ///
    /// # Panics
    /// If β is not finite and positive (see [`Softmax::try_new`]).
    #[track_caller]
    pub fn new(beta: T) -> Self {
        Self::try_new(beta).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Softmax::new`], returning an error for β ≤ 0 or non-finite β.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`].
    #[track_caller]
    pub fn try_new(beta: T) -> Result<Self, Error> {
        Ok(Softmax {
            beta: check_beta("Softmax::new", beta)?,
        })
    }

    /// β.
    pub fn beta(&self) -> T {
        self.beta
    }
}

impl<T: Real> Module<T> for Softmax<T> {
    fn forward<'t>(&self, _: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        let last = x.shape().rank().max(1) - 1;
        (x * -self.beta).softmax(Axis(last))
    }
}

/// The logsum module: `X_out = −(1/β) log Σ_k exp(−β X_k)` over all elements (rank 0), a
/// soft minimum; `∂X_out/∂X_k = P_k = exp(−β X_k) / Σ_j exp(−β X_j)`.
///
/// ```
/// use wengert_ebm::module::{LogSum, Module};
/// use wengert_tape::{ParamStore, Tape};
/// let tape = Tape::<f64>::new();
/// let store = ParamStore::new();
/// let x = tape.tensor([2], vec![1.0, 1.0]);
/// let y = LogSum::new(2.0).forward(&store.bind(&tape), x);
/// assert!((y.value() - (1.0 - 2.0f64.ln() / 2.0)).abs() < 1e-12);
/// let g = tape.backward(y);
/// assert!(g.wrt(x).iter().all(|p| (p - 0.5).abs() < 1e-15)); // P_k = ½
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogSum<T> {
    beta: T,
}

impl<T: Real> LogSum<T> {
    /// A logsum with inverse temperature β.
    ///
    /// # Panics
    /// If β is not finite and positive (see [`LogSum::try_new`]).
    #[track_caller]
    pub fn new(beta: T) -> Self {
        Self::try_new(beta).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`LogSum::new`], returning an error for β ≤ 0 or non-finite β.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`].
    #[track_caller]
    pub fn try_new(beta: T) -> Result<Self, Error> {
        Ok(LogSum {
            beta: check_beta("LogSum::new", beta)?,
        })
    }

    /// β.
    pub fn beta(&self) -> T {
        self.beta
    }
}

impl<T: Real> Module<T> for LogSum<T> {
    fn forward<'t>(&self, _: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        x.logsum(self.beta)
    }
}
