//! `ndarray` ⇄ [`Tensor`], gradients as arrays, and `ArrayD` as a [`Tree`] input
//! (feature `ndarray`).
//!
//! ```
//! use ndarray::{array, ArrayD};
//! use wengert_tape::transforms::grad_of;
//! use wengert_tape::Tensor;
//!
//! let a = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
//! let t = Tensor::from(a.clone());               // ndarray → Tensor (row-major copy)
//! assert_eq!(t.shape().dims(), &[2, 2]);
//! let back: ArrayD<f64> = t.into();               // and back
//! assert_eq!(back, a);
//! // a function of an array, its gradient an array of the same shape: ∇ Σ x² = 2x
//! let g: ArrayD<f64> = grad_of(|x| (*x * *x).sum_all(), &a);
//! assert_eq!(g, &a * 2.0);
//! ```
use crate::transforms::Tree;
use crate::{Grads, Real, Tape, Tensor, Var};
use ndarray::{ArrayD, ArrayViewD, IxDyn};

impl<T: Real> From<ArrayD<T>> for Tensor<T> {
    /// The array's elements in logical row-major order (any memory layout).
    fn from(a: ArrayD<T>) -> Tensor<T> {
        let shape = a.shape().to_vec();
        let data = if a.is_standard_layout() {
            a.into_raw_vec_and_offset().0
        } else {
            a.iter().copied().collect()
        };
        Tensor::new(shape, data)
    }
}

impl<T: Real> From<Tensor<T>> for ArrayD<T> {
    fn from(t: Tensor<T>) -> ArrayD<T> {
        let shape = t.shape().dims().to_vec();
        ArrayD::from_shape_vec(IxDyn(&shape), t.data().to_vec())
            .expect("a tensor's data has its shape's element count")
    }
}

impl<'t, T: Real> Grads<'t, T> {
    /// The gradient with respect to `v` as an array view of `v`'s shape (no copy).
    ///
    /// # Panics
    /// As [`Grads::wrt`].
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let w = tape.tensor([2, 1], vec![1.0, 2.0]);
    /// let g = tape.backward((w * w).sum_all());
    /// assert_eq!(g.wrt_array(w), ndarray::array![[2.0], [4.0]].into_dyn());
    /// ```
    #[track_caller]
    pub fn wrt_array(&self, v: Var<'t, T>) -> ArrayViewD<'_, T> {
        let shape = v.shape().dims().to_vec();
        ArrayViewD::from_shape(IxDyn(&shape), self.wrt(v)).expect("a gradient has its Var's shape")
    }
}

impl<T: Real> Tree<T> for ArrayD<T> {
    type Vars<'t, 's>
        = Var<'t, T>
    where
        T: 't;
    type Grad = ArrayD<T>;
    #[track_caller]
    fn record<'t>(&self, tape: &'t Tape<T>) -> Var<'t, T> {
        match self.as_slice() {
            Some(s) => tape.tensor_from(self.shape(), s),
            None => tape.tensor(self.shape(), self.iter().copied().collect()),
        }
    }
    fn grad<'t>(&self, v: &Var<'t, T>, g: &Grads<'t, T>) -> ArrayD<T> {
        g.wrt_array(*v).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Axis};

    #[test]
    fn round_trip_keeps_row_major_order_for_any_layout() {
        let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn();
        let t = Tensor::from(a.clone().reversed_axes()); // a transposed (column-major) view
        assert_eq!(t.shape().dims(), &[3, 2]);
        assert_eq!(t.data(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        let back: ArrayD<f64> = t.into();
        assert_eq!(back, a.t());
    }

    #[test]
    fn gradient_of_an_array_function() {
        // f(X) = Σᵢⱼ Xᵢⱼ · cᵢⱼ with c = [[1, 2], [3, 4]]: ∇f = c
        let x = array![[0.5, -1.0], [2.0, 0.0]].into_dyn();
        let c = Tensor::new([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
        let g = crate::transforms::grad_of(
            |x| (*x * x.tape().constant_tensor_from([2, 2], c.data())).sum_all(),
            &x,
        );
        assert_eq!(g, array![[1.0, 2.0], [3.0, 4.0]].into_dyn());
        assert_eq!(g.sum_axis(Axis(0)), array![4.0, 6.0].into_dyn());
    }
}
