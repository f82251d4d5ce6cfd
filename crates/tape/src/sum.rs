use crate::op::{Op, TensorRef};
use crate::shape::Shape;
use crate::{Real, Var};

/// `y = Σ xᵢ`; `∂y/∂xᵢ = 1`.
#[derive(Clone)]
struct SumAll;

impl<T: Real> Op<T> for SumAll {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        "sum"
    }
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        out[0] = inputs[0].data.iter().copied().sum();
    }
    fn vjp(&self, _: usize, _: &[TensorRef<'_, T>], _: TensorRef<'_, T>, g: &[T], gi: &mut [T]) {
        gi.iter_mut().for_each(|x| *x += g[0]);
    }
}

impl<'t, T: Real> Var<'t, T> {
    /// The sum of all elements, as a rank-0 tensor (a scalar is returned as it is).
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    /// let s = x.sum_all();
    /// assert_eq!(s.value(), 6.0);
    /// assert_eq!(tape.backward(s).wrt(x), &[1.0; 3]);
    /// ```
    #[track_caller]
    pub fn sum_all(self) -> Var<'t, T> {
        if !self.is_tensor() {
            return self;
        }
        self.tape().record_op(SumAll, &[self], Shape::scalar())
    }
}
