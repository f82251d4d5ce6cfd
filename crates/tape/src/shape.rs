use crate::error::{Error, ErrorKind};
use smallvec::SmallVec;
use std::fmt;

/// The shape of a dense row-major tensor: one length per axis, outermost first.
///
/// A scalar has the empty shape `[]`. Shapes of rank four or less are stored inline.
///
/// ```
/// use wengert_tape::Shape;
/// let s = Shape::from(&[2, 3][..]);
/// assert_eq!(s.numel(), 6);
/// assert_eq!(s.strides().as_slice(), &[3, 1]);
/// assert_eq!(format!("{s}"), "[2, 3]");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Shape(SmallVec<[usize; 4]>);

impl Shape {
    /// The shape of a scalar.
    pub fn scalar() -> Shape {
        Shape(SmallVec::new())
    }

    /// The number of axes.
    pub fn rank(&self) -> usize {
        self.0.len()
    }

    /// The number of elements (1 for a scalar).
    ///
    /// # Panics
    /// If the product of the lengths overflows `usize` (see [`Shape::try_numel`]): an
    /// unchecked product wrapped around, to 0 for `[1 << 40, 1 << 24]`, and a tensor of that
    /// shape was accepted with no elements.
    #[track_caller]
    pub fn numel(&self) -> usize {
        match self.checked_numel() {
            Some(n) => n,
            None => overflow(self),
        }
    }

    /// The number of elements, or `None` if it does not fit in a `usize`. A zero length
    /// anywhere makes it 0, whatever the others.
    ///
    /// ```
    /// use wengert_tape::Shape;
    /// assert_eq!(Shape::from([1 << 40, 1 << 24]).checked_numel(), None);
    /// assert_eq!(Shape::from([usize::MAX, 2, 0]).checked_numel(), Some(0));
    /// ```
    pub fn checked_numel(&self) -> Option<usize> {
        if self.0.contains(&0) {
            return Some(0);
        }
        self.0.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
    }

    /// The number of elements, or an error naming `op` and the shape if it overflows.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when the product of the lengths overflows `usize`.
    ///
    /// ```
    /// use wengert_tape::Shape;
    /// let err = Shape::from([1 << 40, 1 << 24]).try_numel("tensor").unwrap_err();
    /// assert!(err.to_string().contains("tensor: shape [1099511627776, 16777216] has more"));
    /// ```
    #[track_caller]
    pub fn try_numel(&self, op: &'static str) -> Result<usize, Error> {
        match self.checked_numel() {
            Some(n) => Ok(n),
            None => Err(Error::here(ErrorKind::InvalidArgument {
                op,
                reason: format!("shape {self} has more than usize::MAX elements"),
            })),
        }
    }

    /// The axis lengths.
    pub fn dims(&self) -> &[usize] {
        &self.0
    }

    /// Row-major strides, in elements.
    pub fn strides(&self) -> SmallVec<[usize; 4]> {
        let mut s: SmallVec<[usize; 4]> = SmallVec::from_elem(1, self.rank());
        for i in (0..self.rank().saturating_sub(1)).rev() {
            s[i] = s[i + 1] * self.0[i + 1];
        }
        s
    }
}

impl From<&[usize]> for Shape {
    fn from(d: &[usize]) -> Shape {
        Shape(SmallVec::from_slice(d))
    }
}

impl<const N: usize> From<[usize; N]> for Shape {
    fn from(d: [usize; N]) -> Shape {
        Shape(SmallVec::from_slice(&d))
    }
}

impl From<Vec<usize>> for Shape {
    fn from(d: Vec<usize>) -> Shape {
        Shape(SmallVec::from_vec(d))
    }
}

impl std::ops::Deref for Shape {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.0
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.as_slice())
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn overflow(s: &Shape) -> ! {
    let l = std::panic::Location::caller();
    panic!(
        "wengert: shape {s} has more than usize::MAX elements (at {}:{}:{})",
        l.file(),
        l.line(),
        l.column()
    )
}

/// The numpy broadcast of two shapes: axes are aligned from the right, and an axis of
/// length 1 (or a missing one) stretches to the other's length.
///
/// # Errors
/// [`ErrorKind::Broadcast`] when two aligned axes differ and neither is 1;
/// [`ErrorKind::InvalidArgument`] when the result has more than `usize::MAX` elements.
///
/// ```
/// use wengert_tape::{broadcast_shapes, Shape};
/// let s = broadcast_shapes("add", &Shape::from([3, 1]), &Shape::from([4])).unwrap();
/// assert_eq!(s, Shape::from([3, 4]));
/// assert!(broadcast_shapes("add", &Shape::from([3]), &Shape::from([4])).is_err());
/// ```
#[track_caller]
pub fn broadcast_shapes(op: &'static str, a: &Shape, b: &Shape) -> Result<Shape, Error> {
    let r = a.rank().max(b.rank());
    let mut out: SmallVec<[usize; 4]> = SmallVec::from_elem(1, r);
    for i in 0..r {
        let da = axis_from_right(a, r - 1 - i);
        let db = axis_from_right(b, r - 1 - i);
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::here(ErrorKind::Broadcast {
                    op,
                    lhs: a.clone(),
                    rhs: b.clone(),
                }))
            }
        };
    }
    let out = Shape(out);
    if out.checked_numel().is_none() {
        return Err(Error::new(ErrorKind::InvalidArgument {
            op,
            reason: format!("broadcasting {a} and {b} gives {out}, more than usize::MAX elements"),
        }));
    }
    Ok(out)
}

fn axis_from_right(s: &Shape, k: usize) -> usize {
    if k < s.rank() {
        s.0[s.rank() - 1 - k]
    } else {
        1
    }
}

/// Strides of `input` as seen from the broadcast shape `out`: 0 on stretched axes.
pub(crate) fn broadcast_strides(input: &Shape, out: &Shape) -> SmallVec<[usize; 4]> {
    let st = input.strides();
    let off = out.rank() - input.rank();
    (0..out.rank())
        .map(|i| {
            if i < off || input.0[i - off] == 1 {
                0
            } else {
                st[i - off]
            }
        })
        .collect()
}

/// Calls `f(out_start, a_start, b_start)` at the start of every row (a run along the last
/// axis) of the broadcast shape `out`, rank ≥ 1. The caller walks the row itself with the last
/// axis's strides, which are 0 or 1, so the per-element work is a plain loop the compiler
/// vectorises; the odometer runs once per row, not once per element.
pub(crate) fn for_each_broadcast_row(
    out: &Shape,
    sa: &[usize],
    sb: &[usize],
    mut f: impl FnMut(usize, usize, usize),
) {
    let r = out.rank();
    debug_assert!(r >= 1, "rank-0 broadcasts take the equal-shape path");
    let len = out.0[r - 1];
    if len == 0 {
        return;
    }
    let rows = out.numel() / len;
    let mut idx: SmallVec<[usize; 4]> = SmallVec::from_elem(0, r - 1);
    let (mut ia, mut ib) = (0usize, 0usize);
    for row in 0..rows {
        f(row * len, ia, ib);
        // Odometer increment over the outer axes, carrying offsets along.
        for ax in (0..r - 1).rev() {
            idx[ax] += 1;
            ia += sa[ax];
            ib += sb[ax];
            if idx[ax] < out.0[ax] {
                break;
            }
            ia -= sa[ax] * idx[ax];
            ib -= sb[ax] * idx[ax];
            idx[ax] = 0;
        }
    }
}
