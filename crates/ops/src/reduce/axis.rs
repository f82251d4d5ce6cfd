//! Shared machinery of the reductions: a row-major tensor seen as `(outer, len, inner)`
//! around the reduced axis, and the argument checks every reduction makes.
//!
//! Element `(o, k, i)` lives at `o·len·inner + k·inner + i`, so for a fixed `o` and `k` the
//! `inner` elements are contiguous. Every op below walks a block `o` row by row (`k`) and
//! updates an `inner`-long accumulator with whole slices: no per-element index arithmetic,
//! no allocation per element. A reduction over all elements is the view `(1, numel, 1)`.
use crate::Axis;
use smallvec::SmallVec;
use wengert_tape::{Error, ErrorKind, Real, Shape, Var};

/// The `(outer, len, inner)` view of a shape around one axis (or around all elements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lanes {
    /// The product of the axes before the reduced one.
    pub outer: usize,
    /// The length of the reduced axis.
    pub len: usize,
    /// The product of the axes after the reduced one.
    pub inner: usize,
}

impl Lanes {
    /// The view around `axis` (which must be `< shape.rank()`), or `(1, numel, 1)` for `None`.
    pub(crate) fn new(shape: &Shape, axis: Option<usize>) -> Lanes {
        match axis {
            None => Lanes {
                outer: 1,
                len: shape.numel(),
                inner: 1,
            },
            Some(a) => Lanes {
                outer: shape[..a].iter().product(),
                len: shape[a],
                inner: shape[a + 1..].iter().product(),
            },
        }
    }

    /// Whether some length is zero: there is nothing to iterate over (and `chunks_exact`
    /// must not be called with a zero chunk size).
    pub(crate) fn is_empty(&self) -> bool {
        self.outer == 0 || self.len == 0 || self.inner == 0
    }

    /// The number of elements in one outer block, `len · inner`.
    pub(crate) fn block(&self) -> usize {
        self.len * self.inner
    }
}

/// A per-lane accumulator (one entry per `inner` position); inline for short lanes, so the
/// common cases (last axis, all elements: `inner = 1`) never touch the heap.
pub(crate) type Scratch<T> = SmallVec<[T; 8]>;

/// A scratch accumulator of `n` zeros.
pub(crate) fn scratch<T: Real>(n: usize) -> Scratch<T> {
    SmallVec::from_elem(T::zero(), n)
}

/// `shape` without `axis`.
pub(crate) fn reduced_shape(shape: &Shape, axis: usize) -> Shape {
    let d: SmallVec<[usize; 4]> = shape
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != axis)
        .map(|(_, &n)| n)
        .collect();
    Shape::from(&d[..])
}

/// Checks that `axis` exists in `shape` and returns its index.
#[track_caller]
pub(crate) fn check_axis(op: &'static str, shape: &Shape, axis: Axis) -> Result<usize, Error> {
    if axis.0 < shape.rank() {
        Ok(axis.0)
    } else {
        Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!(
                "axis {} is out of range for a tensor of shape {shape} (rank {})",
                axis.0,
                shape.rank()
            ),
        }))
    }
}

/// Checks that a reduction without an identity (max, min, logsumexp, logsum) has at least
/// one element per lane.
#[track_caller]
pub(crate) fn check_nonempty(
    op: &'static str,
    shape: &Shape,
    axis: Option<usize>,
) -> Result<(), Error> {
    if Lanes::new(shape, axis).len > 0 {
        return Ok(());
    }
    let reason = match axis {
        None => format!("cannot reduce an empty tensor (shape {shape}): the result is undefined"),
        Some(a) => format!(
            "cannot reduce over axis {a} of length 0 (shape {shape}): the result is undefined"
        ),
    };
    Err(Error::here(ErrorKind::InvalidArgument { op, reason }))
}

/// The checks a reduction without an identity makes before recording: `axis` exists and its
/// lanes are nonempty. Returns the axis index and the output shape, or `None` when `x` is a
/// scalar `Var` reduced over all elements, which is its own result.
#[track_caller]
pub(crate) fn check_nonempty_reduction<T: Real>(
    op: &'static str,
    x: Var<'_, T>,
    axis: Option<Axis>,
) -> Result<Option<(Option<usize>, Shape)>, Error> {
    let shape = x.shape();
    let (axis, out_shape) = match axis {
        None if !x.is_tensor() => return Ok(None),
        None => (None, Shape::scalar()),
        Some(a) => {
            let a = check_axis(op, &shape, a)?;
            (Some(a), reduced_shape(&shape, a))
        }
    };
    check_nonempty(op, &shape, axis)?;
    Ok(Some((axis, out_shape)))
}

/// Checks that an inverse temperature β is positive and finite.
#[track_caller]
pub(crate) fn check_beta<T: Real>(op: &'static str, beta: T) -> Result<(), Error> {
    if beta > T::zero() && beta.is_finite() {
        Ok(())
    } else {
        Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!("β must be finite and > 0, got {beta}"),
        }))
    }
}

/// Unwraps the result of a `try_` function, panicking with the error's message (which names
/// the op, the shapes and the caller's source line).
#[track_caller]
pub(crate) fn or_panic<V>(r: Result<V, Error>) -> V {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_of_a_3d_shape() {
        let s = Shape::from([2, 3, 4]);
        let l = |a| Lanes::new(&s, a);
        assert_eq!(
            l(Some(0)),
            Lanes {
                outer: 1,
                len: 2,
                inner: 12
            }
        );
        assert_eq!(
            l(Some(1)),
            Lanes {
                outer: 2,
                len: 3,
                inner: 4
            }
        );
        assert_eq!(
            l(Some(2)),
            Lanes {
                outer: 6,
                len: 4,
                inner: 1
            }
        );
        assert_eq!(
            l(None),
            Lanes {
                outer: 1,
                len: 24,
                inner: 1
            }
        );
        assert_eq!(reduced_shape(&s, 1), Shape::from([2, 4]));
    }

    #[test]
    fn checks_name_the_problem() {
        let s = Shape::from([2, 0]);
        let e = check_axis("sum_axis", &s, Axis(2)).unwrap_err();
        assert!(e.to_string().contains("axis 2 is out of range"), "{e}");
        let e = check_nonempty("max_axis", &s, Some(1)).unwrap_err();
        assert!(e.to_string().contains("axis 1 of length 0"), "{e}");
        assert!(check_nonempty("max_axis", &s, Some(0)).is_ok());
        assert!(check_nonempty("max", &s, None).is_err());
        assert!(check_beta("logsum", 0.0).is_err());
        assert!(check_beta("logsum", f64::INFINITY).is_err());
        assert!(check_beta("logsum", f64::NAN).is_err());
        assert!(check_beta("logsum", 1e3).is_ok());
    }
}
