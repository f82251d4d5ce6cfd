//! Shared machinery of the structure (and transpose) ops: strided iteration and the argument
//! checks they all make.
use crate::Axis;
use smallvec::SmallVec;
use wengert_tape::{Error, ErrorKind, Real, Shape, Var};

/// Calls `f(o, i)` for every element of the row-major shape `dims`, where `o` is the
/// element's row-major offset and `i = Σ index[a]·strides[a]` its offset in the source.
///
/// The last axis runs in a tight inner loop; the others advance an odometer, so there is no
/// per-element division and no allocation below rank 5.
pub(crate) fn for_each_strided(dims: &[usize], strides: &[usize], mut f: impl FnMut(usize, usize)) {
    debug_assert_eq!(dims.len(), strides.len());
    if dims.contains(&0) {
        return;
    }
    let r = dims.len();
    if r == 0 {
        f(0, 0);
        return;
    }
    let (last, ls) = (dims[r - 1], strides[r - 1]);
    let mut idx: SmallVec<[usize; 4]> = SmallVec::from_elem(0, r - 1);
    let (mut o, mut base) = (0usize, 0usize);
    loop {
        for j in 0..last {
            f(o + j, base + j * ls);
        }
        o += last;
        let mut ax = r - 1;
        loop {
            if ax == 0 {
                return;
            }
            ax -= 1;
            idx[ax] += 1;
            base += strides[ax];
            if idx[ax] < dims[ax] {
                break;
            }
            base -= strides[ax] * dims[ax];
            idx[ax] = 0;
        }
    }
}

/// `dst[i] += src[i]`: the VJP of every op that moves elements without changing them
/// (reshape, add_n, and each block of a take or a concat).
pub(crate) fn add_into<T: Real>(dst: &mut [T], src: &[T]) {
    debug_assert_eq!(dst.len(), src.len());
    for (d, &s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

/// Checks that `axis` is an axis of `shape` (`allow_end`: or one past the last, for `stack`).
#[track_caller]
pub(crate) fn check_axis(
    op: &'static str,
    shape: &Shape,
    axis: Axis,
    allow_end: bool,
) -> Result<usize, Error> {
    if allow_end && axis.0 == shape.rank() {
        return Ok(axis.0);
    }
    crate::reduce::axis::check_axis(op, shape, axis)
}

/// Checks that every `Var` was recorded on the tape of the first.
#[track_caller]
pub(crate) fn same_tape<T: Real>(op: &'static str, xs: &[Var<'_, T>]) -> Result<(), Error> {
    match xs.split_first() {
        Some((first, rest)) if rest.iter().any(|x| !std::ptr::eq(x.tape(), first.tape())) => {
            Err(Error::here(ErrorKind::DifferentTapes { op }))
        }
        _ => Ok(()),
    }
}

/// An `InvalidArgument` error at the caller's line.
#[track_caller]
pub(crate) fn invalid(op: &'static str, reason: String) -> Error {
    Error::here(ErrorKind::InvalidArgument { op, reason })
}

/// An `IndexOutOfRange` error at the caller's line when `index >= len`.
#[track_caller]
pub(crate) fn check_index(op: &'static str, index: usize, len: usize) -> Result<(), Error> {
    if index < len {
        Ok(())
    } else {
        Err(Error::here(ErrorKind::IndexOutOfRange { op, index, len }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_walk_of_a_transpose() {
        // The transpose of a row-major 2×3 matrix: shape (3, 2), source strides (1, 3).
        let mut seen = Vec::new();
        for_each_strided(&[3, 2], &[1, 3], |o, i| seen.push((o, i)));
        assert_eq!(seen, [(0, 0), (1, 3), (2, 1), (3, 4), (4, 2), (5, 5)]);
        let mut n = 0;
        for_each_strided(&[], &[], |o, i| {
            assert_eq!((o, i), (0, 0));
            n += 1;
        });
        assert_eq!(n, 1);
        for_each_strided(&[2, 0, 3], &[0, 0, 0], |_, _| panic!("empty"));
    }
}
