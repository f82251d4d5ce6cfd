//! Swapping two axes: `t` (2-D) and `transpose`.
//!
//! `Y = Xᵀ` is a permutation of the elements, so the VJP is the inverse permutation of the
//! cotangent: `∂L/∂X = (∂L/∂Y)ᵀ`. Both directions walk the output in row-major order and the
//! input through swapped strides.
use crate::structure::strided::{check_axis, for_each_strided, invalid};
use crate::Axis;
use smallvec::SmallVec;
use wengert_tape::{Error, Op, Real, Shape, TensorRef, Var};

/// Swaps axes `a` and `b`.
#[derive(Clone)]
struct Transpose {
    name: &'static str,
    a: usize,
    b: usize,
}

impl Transpose {
    /// The output's lengths and, per output axis, the input stride to step along it.
    fn walk(&self, input: &Shape) -> (SmallVec<[usize; 4]>, SmallVec<[usize; 4]>) {
        let mut dims: SmallVec<[usize; 4]> = SmallVec::from_slice(input.dims());
        let mut strides = input.strides();
        dims.swap(self.a, self.b);
        strides.swap(self.a, self.b);
        (dims, strides)
    }
}

impl<T: Real> Op<T> for Transpose {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let x = inputs[0].data;
        let (dims, strides) = self.walk(inputs[0].shape);
        for_each_strided(&dims, &strides, |o, i| out[o] = x[i]);
    }

    fn vjp(
        &self,
        _input: usize,
        inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        let (dims, strides) = self.walk(inputs[0].shape);
        for_each_strided(&dims, &strides, |o, i| grad_in[i] += grad_out[o]);
    }
}

/// [`transpose`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) if an axis is out
/// of range.
#[track_caller]
pub fn try_transpose<'t, T: Real>(x: Var<'t, T>, a: Axis, b: Axis) -> Result<Var<'t, T>, Error> {
    let shape = x.shape();
    let a = check_axis("transpose", &shape, a, false)?;
    let b = check_axis("transpose", &shape, b, false)?;
    Ok(record("transpose", x, a, b, shape))
}

/// Swaps two axes (see [`LinalgExt::transpose`](super::LinalgExt::transpose)).
///
/// # Panics
/// If an axis is out of range.
#[track_caller]
pub fn transpose<'t, T: Real>(x: Var<'t, T>, a: Axis, b: Axis) -> Var<'t, T> {
    try_transpose(x, a, b).unwrap_or_else(|e| panic!("{e}"))
}

/// [`t`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](wengert_tape::ErrorKind::InvalidArgument) unless `x` is 2-D.
#[track_caller]
pub fn try_t<'t, T: Real>(x: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    let shape = x.shape();
    if shape.rank() != 2 {
        return Err(invalid(
            "t",
            format!("expects a 2-D tensor, got shape {shape}"),
        ));
    }
    Ok(record("t", x, 0, 1, shape))
}

/// The transpose of a matrix (see [`LinalgExt::t`](super::LinalgExt::t)).
///
/// # Panics
/// Unless `x` is 2-D.
#[track_caller]
pub fn t<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    try_t(x).unwrap_or_else(|e| panic!("{e}"))
}

#[track_caller]
fn record<'t, T: Real>(
    name: &'static str,
    x: Var<'t, T>,
    a: usize,
    b: usize,
    shape: Shape,
) -> Var<'t, T> {
    let mut dims: SmallVec<[usize; 4]> = SmallVec::from_slice(shape.dims());
    dims.swap(a, b);
    x.tape()
        .record_op(Transpose { name, a, b }, &[x], Shape::from(&dims[..]))
}
