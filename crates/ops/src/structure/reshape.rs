//! Changing the shape without changing the elements (`reshape`, `flatten`), and stretching
//! axes of length 1 (`broadcast_to`).
use super::strided::{add_into, for_each_strided};
use smallvec::SmallVec;
use std::panic::Location;
use wengert_tape::{Error, ErrorKind, Op, Real, Shape, TensorRef, Var};

/// `Y = X` with another shape: forward copies, the VJP adds the cotangent back unchanged.
#[derive(Clone)]
struct Reshape {
    name: &'static str,
}

impl<T: Real> Op<T> for Reshape {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        out.copy_from_slice(inputs[0].data);
    }

    fn vjp(
        &self,
        _input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        add_into(grad_in, grad_out);
    }
}

/// [`reshape`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::ShapeMismatch`] naming `reshape`, the old and the new shape, when they hold
/// different numbers of elements (a new shape whose product overflows `usize` holds none:
/// unchecked, it wrapped around and could equal the old count).
#[track_caller]
pub fn try_reshape<'t, T: Real>(
    x: Var<'t, T>,
    shape: impl Into<Shape>,
) -> Result<Var<'t, T>, Error> {
    let (from, to) = (x.shape(), shape.into());
    if to.checked_numel() != Some(from.numel()) {
        return Err(Error::here(ErrorKind::ShapeMismatch {
            op: "reshape",
            lhs: from,
            rhs: to,
        }));
    }
    Ok(x.tape().record_op(Reshape { name: "reshape" }, &[x], to))
}

/// The same elements with another shape (see
/// [`StructureExt::reshape`](super::StructureExt::reshape)).
///
/// # Panics
/// If the shapes hold different numbers of elements.
#[track_caller]
pub fn reshape<'t, T: Real>(x: Var<'t, T>, shape: impl Into<Shape>) -> Var<'t, T> {
    try_reshape(x, shape).unwrap_or_else(|e| panic!("{e}"))
}

/// The elements as a 1-D tensor (see [`StructureExt::flatten`](super::StructureExt::flatten)).
#[track_caller]
pub fn flatten<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    let n = x.numel();
    x.tape().record_op(Reshape { name: "flatten" }, &[x], [n])
}

/// `Y[idx] = X[idx with stretched axes set to 0]`. The VJP sums the cotangent over the
/// stretched axes: every output element that read `X_i` adds its gradient into `X_i`.
#[derive(Clone)]
struct BroadcastTo {
    /// The output's lengths.
    dims: SmallVec<[usize; 4]>,
    /// Per output axis, the input stride (0 on stretched and new axes).
    strides: SmallVec<[usize; 4]>,
}

impl<T: Real> Op<T> for BroadcastTo {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        "broadcast_to"
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let x = inputs[0].data;
        for_each_strided(&self.dims, &self.strides, |o, i| out[o] = x[i]);
    }

    fn vjp(
        &self,
        _input: usize,
        _inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        for_each_strided(&self.dims, &self.strides, |o, i| grad_in[i] += grad_out[o]);
    }
}

/// [`broadcast_to`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::Broadcast`] naming `broadcast_to`, the input's and the target shape, when the
/// target has fewer axes or an axis of the input (aligned from the right) is neither 1 nor
/// the target's length.
#[track_caller]
pub fn try_broadcast_to<'t, T: Real>(
    x: Var<'t, T>,
    shape: impl Into<Shape>,
) -> Result<Var<'t, T>, Error> {
    let (from, to) = (x.shape(), shape.into());
    // A closure cannot track its caller: take the location here.
    let loc = Location::caller();
    let err = || {
        Error::new(ErrorKind::Broadcast {
            op: "broadcast_to",
            lhs: from.clone(),
            rhs: to.clone(),
        })
        .at(loc)
    };
    if from.rank() > to.rank() {
        return Err(err());
    }
    to.try_numel("broadcast_to").map_err(|e| e.at(loc))?;
    let off = to.rank() - from.rank();
    let src = from.strides();
    let mut strides: SmallVec<[usize; 4]> = SmallVec::from_elem(0, to.rank());
    for (i, (&d, &s)) in from.iter().zip(&src).enumerate() {
        match d {
            _ if d == to[off + i] => strides[off + i] = s,
            1 => {}
            _ => return Err(err()),
        }
    }
    let op = BroadcastTo {
        dims: SmallVec::from_slice(to.dims()),
        strides,
    };
    Ok(x.tape().record_op(op, &[x], to))
}

/// Stretches axes of length 1 (and prepends new axes) numpy-style (see
/// [`StructureExt::broadcast_to`](super::StructureExt::broadcast_to)).
///
/// # Panics
/// If the shape cannot be broadcast to the target.
#[track_caller]
pub fn broadcast_to<'t, T: Real>(x: Var<'t, T>, shape: impl Into<Shape>) -> Var<'t, T> {
    try_broadcast_to(x, shape).unwrap_or_else(|e| panic!("{e}"))
}
