//! Transforms over structured inputs (JAX's pytrees in Rust): a function of tensors, of a
//! [`ParamStore`] binding, of arrays or tuples of those, differentiated in one call.
//!
//! [`Tree`] is the trait for "things made of values": it records itself on a tape as leaves
//! ([`Tree::Vars`], the same structure made of [`Var`]s) and reads its gradient back in the
//! same structure ([`Tree::Grad`]). [`grad_of`] and [`value_and_grad_of`] take any `Tree`.
//!
//! ```
//! use wengert_tape::transforms::grad_of;
//! use wengert_tape::{ParamStore, Tensor};
//!
//! let x = [1.0, 2.0, 3.0];                    // data the closure captures
//! let mut store = ParamStore::new();
//! let w = store.insert("w", Tensor::new([3], vec![0.5, -1.0, 2.0]));
//! let b = store.insert("b", Tensor::scalar(0.25));
//! // loss = (w·x + b)²: ∂/∂w = 2(w·x + b) x, ∂/∂b = 2(w·x + b)
//! let g = grad_of(
//!     |p| {
//!         let xs = p.var(w).tape().constant_tensor_from([3], &x);
//!         let r = (p.var(w) * xs).sum_all() + p.var(b);
//!         r * r
//!     },
//!     &store,
//! );
//! let r = 0.5 - 2.0 + 6.0 + 0.25;
//! assert_eq!(g.get(w).data(), &[2.0 * r, 4.0 * r, 6.0 * r]);
//! assert_eq!(g.get(b).data(), &[2.0 * r]);
//! ```
use crate::{Bound, Grads, ParamStore, Real, Tape, Tensor, Var};

/// A structure of values that a transform records as leaves and whose gradient it returns in
/// the same structure. Implemented for [`Tensor`], `[T; N]`, slices and `Vec`s of scalars and
/// of tensors, [`ParamStore`] and tuples of up to three `Tree`s; a user type made of these
/// implements it by forwarding to its fields.
///
/// ```
/// use wengert_tape::transforms::{grad_of, Tree};
/// use wengert_tape::Tensor;
/// // f(a, B) = a · ΣB: ∂/∂a = ΣB, ∂/∂B = a everywhere
/// let inputs = (Tensor::scalar(2.0), Tensor::new([2], vec![1.0, 3.0]));
/// let (ga, gb) = grad_of(|(a, b)| *a * b.sum_all(), &inputs);
/// assert_eq!((ga.data(), gb.data()), (&[4.0][..], &[2.0, 2.0][..]));
/// ```
pub trait Tree<T: Real> {
    /// The same structure made of `Var`s on a tape `'t` (borrowing `Self` for `'s`).
    type Vars<'t, 's>
    where
        Self: 's,
        T: 't;
    /// The gradient, in the structure of `Self` (plain values).
    type Grad;
    /// Records every value as a differentiable leaf on `tape`.
    fn record<'t, 's>(&'s self, tape: &'t Tape<T>) -> Self::Vars<'t, 's>;
    /// Reads the gradient of every leaf of `vars` from `grads`.
    fn grad<'t>(&self, vars: &Self::Vars<'t, '_>, grads: &Grads<'t, T>) -> Self::Grad;
}

/// The value and the gradient of a scalar function of any [`Tree`] (one recording, one
/// sweep). The closure may capture data; it gets the recorded structure by reference.
///
/// # Panics
/// If `f` returns a tensor with more than one element.
///
/// ```
/// use wengert_tape::transforms::value_and_grad_of;
/// use wengert_tape::Tensor;
/// // f(X) = Σ X²: ∇ = 2X
/// let x = Tensor::new([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
/// let (y, g) = value_and_grad_of(|x| (*x * *x).sum_all(), &x);
/// assert_eq!((y, g.data()), (30.0, &[2.0, 4.0, 6.0, 8.0][..]));
/// assert_eq!(g.shape(), x.shape());
/// ```
#[track_caller]
pub fn value_and_grad_of<'s, T: Real, P, F>(f: F, x: &'s P) -> (T, P::Grad)
where
    P: Tree<T> + ?Sized,
    F: for<'t> TreeFn<'t, 's, T, P>,
{
    let tape = Tape::new();
    let vars = x.record(&tape);
    let y = f(&vars);
    let g = tape.backward(y);
    (y.value(), x.grad(&vars, &g))
}

/// The gradient of a scalar function of any [`Tree`]; see [`value_and_grad_of`].
///
/// # Panics
/// If `f` returns a tensor with more than one element.
///
/// ```
/// use wengert_tape::transforms::grad_of;
/// // f(x, y) = x y² on an array: ∇ = (y², 2xy)
/// assert_eq!(grad_of(|[x, y]| *x * *y * *y, &[3.0, 2.0]), [4.0, 12.0]);
/// ```
#[track_caller]
pub fn grad_of<'s, T: Real, P, F>(f: F, x: &'s P) -> P::Grad
where
    P: Tree<T> + ?Sized,
    F: for<'t> TreeFn<'t, 's, T, P>,
{
    value_and_grad_of(f, x).1
}

/// A scalar function of a recorded [`Tree`]: `Fn(&P::Vars<'t, 's>) -> Var<'t, T>`, for
/// every closure of that signature (it names the tape lifetime `'t` for the compiler, which
/// cannot read it off the associated type alone).
///
/// ```
/// use wengert_tape::transforms::TreeFn;
/// use wengert_tape::{Tensor, Var};
/// fn takes<F: for<'t> TreeFn<'t, 'static, f64, Tensor<f64>>>(_: F) {}
/// takes(|x: &Var<'_, f64>| x.sum_all());
/// ```
pub trait TreeFn<'t, 's, T: Real, P: Tree<T> + ?Sized + 's>:
    Fn(&P::Vars<'t, 's>) -> Var<'t, T>
{
}

impl<'t, 's, T: Real, P: Tree<T> + ?Sized + 's, F> TreeFn<'t, 's, T, P> for F where
    F: Fn(&P::Vars<'t, 's>) -> Var<'t, T>
{
}

impl<T: Real> Tree<T> for Tensor<T> {
    type Vars<'t, 's>
        = Var<'t, T>
    where
        T: 't;
    type Grad = Tensor<T>;
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> Var<'t, T> {
        tape.tensor_from(self.shape().clone(), self.data())
    }
    fn grad<'t>(&self, v: &Var<'t, T>, g: &Grads<'t, T>) -> Tensor<T> {
        Tensor::new(self.shape().clone(), g.to_vec(*v))
    }
}

impl<T: Real, const N: usize> Tree<T> for [T; N] {
    type Vars<'t, 's>
        = [Var<'t, T>; N]
    where
        T: 't;
    type Grad = [T; N];
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> [Var<'t, T>; N] {
        tape.vars_array(*self)
    }
    fn grad<'t>(&self, v: &[Var<'t, T>; N], g: &Grads<'t, T>) -> [T; N] {
        v.map(|v| g[v])
    }
}

impl<T: Real> Tree<T> for [T] {
    type Vars<'t, 's>
        = Vec<Var<'t, T>>
    where
        T: 't;
    type Grad = Vec<T>;
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> Vec<Var<'t, T>> {
        tape.vars(self)
    }
    fn grad<'t>(&self, v: &Vec<Var<'t, T>>, g: &Grads<'t, T>) -> Vec<T> {
        let mut out = vec![T::zero(); v.len()];
        g.read_into(v, &mut out);
        out
    }
}

impl<T: Real> Tree<T> for [Tensor<T>] {
    type Vars<'t, 's>
        = Vec<Var<'t, T>>
    where
        T: 't;
    type Grad = Vec<Tensor<T>>;
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> Vec<Var<'t, T>> {
        self.iter().map(|t| t.record(tape)).collect()
    }
    fn grad<'t>(&self, v: &Vec<Var<'t, T>>, g: &Grads<'t, T>) -> Vec<Tensor<T>> {
        self.iter().zip(v).map(|(t, v)| t.grad(v, g)).collect()
    }
}

impl<T: Real, E> Tree<T> for Vec<E>
where
    [E]: Tree<T>,
{
    type Vars<'t, 's>
        = <[E] as Tree<T>>::Vars<'t, 's>
    where
        T: 't,
        E: 's;
    type Grad = <[E] as Tree<T>>::Grad;
    #[track_caller]
    fn record<'t, 's>(&'s self, tape: &'t Tape<T>) -> Self::Vars<'t, 's> {
        self.as_slice().record(tape)
    }
    fn grad<'t>(&self, v: &Self::Vars<'t, '_>, g: &Grads<'t, T>) -> Self::Grad {
        self.as_slice().grad(v, g)
    }
}

impl<T: Real> Tree<T> for ParamStore<T> {
    type Vars<'t, 's>
        = Bound<'t, 's, T>
    where
        T: 't;
    /// A copy of the store holding the gradients: the same keys name them.
    type Grad = ParamStore<T>;
    #[track_caller]
    fn record<'t, 's>(&'s self, tape: &'t Tape<T>) -> Bound<'t, 's, T> {
        self.bind(tape)
    }
    fn grad<'t>(&self, b: &Bound<'t, '_, T>, g: &Grads<'t, T>) -> ParamStore<T> {
        let mut out = self.clone();
        for (k, v) in b.vars() {
            out.get_mut(k).data_mut().copy_from_slice(g.wrt(v));
        }
        out
    }
}

impl<T: Real, A: Tree<T>, B: Tree<T>> Tree<T> for (A, B) {
    type Vars<'t, 's>
        = (A::Vars<'t, 's>, B::Vars<'t, 's>)
    where
        Self: 's,
        T: 't;
    type Grad = (A::Grad, B::Grad);
    #[track_caller]
    fn record<'t, 's>(&'s self, tape: &'t Tape<T>) -> Self::Vars<'t, 's> {
        (self.0.record(tape), self.1.record(tape))
    }
    fn grad<'t>(&self, v: &Self::Vars<'t, '_>, g: &Grads<'t, T>) -> Self::Grad {
        (self.0.grad(&v.0, g), self.1.grad(&v.1, g))
    }
}

impl<T: Real, A: Tree<T>, B: Tree<T>, C: Tree<T>> Tree<T> for (A, B, C) {
    type Vars<'t, 's>
        = (A::Vars<'t, 's>, B::Vars<'t, 's>, C::Vars<'t, 's>)
    where
        Self: 's,
        T: 't;
    type Grad = (A::Grad, B::Grad, C::Grad);
    #[track_caller]
    fn record<'t, 's>(&'s self, tape: &'t Tape<T>) -> Self::Vars<'t, 's> {
        (
            self.0.record(tape),
            self.1.record(tape),
            self.2.record(tape),
        )
    }
    fn grad<'t>(&self, v: &Self::Vars<'t, '_>, g: &Grads<'t, T>) -> Self::Grad {
        (
            self.0.grad(&v.0, g),
            self.1.grad(&v.1, g),
            self.2.grad(&v.2, g),
        )
    }
}
