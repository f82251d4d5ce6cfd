use crate::shape::Shape;
use crate::{Error, ErrorKind, Real};

/// Checks that `shape` holds exactly `len` elements (and that its product does not overflow).
#[track_caller]
pub(crate) fn check_len(op: &'static str, shape: &Shape, len: usize) -> Result<(), Error> {
    let n = shape.try_numel(op)?;
    if n != len {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!("shape {shape} holds {n} elements, but {len} were given"),
        }));
    }
    Ok(())
}

/// `shape.numel()` copies of `x`, refusing an overflowing shape or a failed allocation with
/// an error instead of aborting.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] naming `op` and the shape.
///
/// ```
/// use wengert_tape::{try_filled, Shape};
/// assert_eq!(try_filled("demo", &Shape::from([2]), 1.5f64).unwrap(), vec![1.5, 1.5]);
/// assert!(try_filled("demo", &Shape::from([usize::MAX / 2, 3]), 0.0f64).is_err());
/// ```
#[track_caller]
pub fn try_filled<T: Clone>(op: &'static str, shape: &Shape, x: T) -> Result<Vec<T>, Error> {
    let n = shape.try_numel(op)?;
    let mut v = Vec::new();
    if v.try_reserve_exact(n).is_err() {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!(
                "cannot allocate {n} elements ({} bytes) for shape {shape}",
                n.saturating_mul(std::mem::size_of::<T>())
            ),
        }));
    }
    v.resize(n, x);
    Ok(v)
}

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
    /// If `data.len()` is not the product of the shape's lengths, or that product overflows
    /// (see [`Tensor::try_new`]).
    #[track_caller]
    pub fn new(shape: impl Into<Shape>, data: Vec<T>) -> Tensor<T> {
        Tensor::try_new(shape, data).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Tensor::new`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] naming the shape and the number of elements given.
    ///
    /// ```
    /// use wengert_tape::Tensor;
    /// let err = Tensor::<f64>::try_new([2, 3], vec![0.0; 5]).unwrap_err();
    /// assert!(err.to_string().contains("Tensor::new: shape [2, 3] holds 6 elements, but 5"));
    /// ```
    #[track_caller]
    pub fn try_new(shape: impl Into<Shape>, data: Vec<T>) -> Result<Tensor<T>, Error> {
        let shape = shape.into();
        check_len("Tensor::new", &shape, data.len())?;
        Ok(Tensor { shape, data })
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
    ///
    /// # Panics
    /// As [`Tensor::try_zeros`] errors.
    #[track_caller]
    pub fn zeros(shape: impl Into<Shape>) -> Tensor<T> {
        Tensor::try_zeros(shape).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Tensor::zeros`], returning an error instead of panicking (or aborting the process on
    /// a failed allocation).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when the shape overflows `usize` or its elements cannot
    /// be allocated.
    ///
    /// ```
    /// # use wengert_tape::Tensor;
    /// assert!(Tensor::<f64>::try_zeros([1 << 62, 4]).is_err());
    /// ```
    #[track_caller]
    pub fn try_zeros(shape: impl Into<Shape>) -> Result<Tensor<T>, Error> {
        let shape = shape.into();
        let data = try_filled("Tensor::zeros", &shape, T::zero())?;
        Ok(Tensor { shape, data })
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
