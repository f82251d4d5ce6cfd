use crate::shape::Shape;
use crate::Real;

/// An owned dense row-major tensor: a shape and its elements.
///
/// It is what a tape reads values from and writes gradients into outside a recording:
/// parameters, gradcheck inputs, values read back.
///
/// ```
/// use wengert_tape::Tensor;
/// let t = Tensor::new([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(t.get(&[1, 0]), 3.0);
/// assert_eq!(Tensor::scalar(5.0f64).data(), &[5.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor<T> {
    shape: Shape,
    data: Vec<T>,
}

impl<T: Real> Tensor<T> {
    /// A tensor of the given shape.
    ///
    /// # Panics
    /// If `data.len()` is not the product of the shape's lengths.
    #[track_caller]
    pub fn new(shape: impl Into<Shape>, data: Vec<T>) -> Tensor<T> {
        let shape = shape.into();
        assert!(
            shape.numel() == data.len(),
            "wengert: Tensor::new: shape {shape} holds {} elements, but {} were given",
            shape.numel(),
            data.len()
        );
        Tensor { shape, data }
    }

    /// A rank-0 tensor.
    pub fn scalar(x: T) -> Tensor<T> {
        Tensor {
            shape: Shape::scalar(),
            data: vec![x],
        }
    }

    /// A tensor of zeros.
    ///
    /// ```
    /// # use wengert_tape::Tensor;
    /// assert_eq!(Tensor::<f32>::zeros([3]).data(), &[0.0; 3]);
    /// ```
    pub fn zeros(shape: impl Into<Shape>) -> Tensor<T> {
        let shape = shape.into();
        let data = vec![T::zero(); shape.numel()];
        Tensor { shape, data }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The elements in row-major order.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The elements, mutably.
    pub fn data_mut(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// Consumes the tensor, returning its elements.
    pub fn into_data(self) -> Vec<T> {
        self.data
    }

    /// The element at a multi-index.
    ///
    /// # Panics
    /// If the index has the wrong rank or is out of range.
    #[track_caller]
    pub fn get(&self, index: &[usize]) -> T {
        assert!(
            index.len() == self.shape.rank()
                && index.iter().zip(self.shape.iter()).all(|(i, d)| i < d),
            "wengert: Tensor::get: index {index:?} is out of range for shape {}",
            self.shape
        );
        let off: usize = index
            .iter()
            .zip(self.shape.strides())
            .map(|(i, s)| i * s)
            .sum();
        self.data[off]
    }
}
