//! nalgebra vectors as inputs of scalar functions (feature `nalgebra`): `DVector` and
//! `SVector` are [`Tree`]s, so [`grad_of`](crate::transforms::grad_of) takes one and returns
//! the gradient as a vector of the same kind.
//!
//! ```
//! use nalgebra::{DVector, Vector2};
//! use wengert_tape::transforms::grad_of;
//!
//! // Rosenbrock: ∇ at (1.5, 2) = (2(x−1) − 400x(y−x²), 200(y−x²))
//! let x = Vector2::new(1.5, 2.0);
//! let g: Vector2<f64> = grad_of(|[a, b]| {
//!     let (u, v) = (*a - 1.0, *b - *a * *a);
//!     u * u + v * v * 100.0
//! }, &x);
//! assert_eq!(g, Vector2::new(1.0 + 150.0, -50.0));
//! let d = DVector::from_vec(vec![1.0, 2.0, 3.0]);
//! let gd: DVector<f64> = grad_of(|v| v[0] * v[1] * v[2], &d);
//! assert_eq!(gd, DVector::from_vec(vec![6.0, 3.0, 2.0]));
//! ```
use crate::transforms::Tree;
use crate::{Grads, Real, Tape, Var};
use nalgebra::{DVector, SVector};

impl<T: Real + nalgebra::Scalar> Tree<T> for DVector<T> {
    type Vars<'t, 's>
        = Vec<Var<'t, T>>
    where
        T: 't;
    type Grad = DVector<T>;
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> Vec<Var<'t, T>> {
        tape.vars(self.as_slice())
    }
    fn grad<'t>(&self, v: &Vec<Var<'t, T>>, g: &Grads<'t, T>) -> DVector<T> {
        let mut out = DVector::from_element(v.len(), T::zero());
        g.read_into(v, out.as_mut_slice());
        out
    }
}

impl<T: Real + nalgebra::Scalar, const N: usize> Tree<T> for SVector<T, N> {
    type Vars<'t, 's>
        = [Var<'t, T>; N]
    where
        T: 't;
    type Grad = SVector<T, N>;
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> [Var<'t, T>; N] {
        tape.vars_array(std::array::from_fn(|i| self[i]))
    }
    fn grad<'t>(&self, v: &[Var<'t, T>; N], g: &Grads<'t, T>) -> SVector<T, N> {
        SVector::from_fn(|i, _| g[v[i]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::{grad, value_and_grad_of};

    #[test]
    fn vectors_agree_with_the_flat_form() {
        // f(x) = Σ xᵢ² xᵢ₊₁: the DVector form equals grad over the slice
        let xs = vec![0.5, -1.5, 2.0, 3.0];
        let f_flat = grad(
            |v| v[0] * v[0] * v[1] + v[1] * v[1] * v[2] + v[2] * v[2] * v[3],
            &xs,
        );
        let (y, g) = value_and_grad_of(
            |v| v[0] * v[0] * v[1] + v[1] * v[1] * v[2] + v[2] * v[2] * v[3],
            &DVector::from_vec(xs.clone()),
        );
        assert_eq!(g.as_slice(), &f_flat[..]);
        assert_eq!(y, 0.25 * -1.5 + 2.25 * 2.0 + 4.0 * 3.0);
        // ∂/∂x₀ = 2 x₀ x₁ = −1.5
        assert_eq!(g[0], -1.5);
    }
}
