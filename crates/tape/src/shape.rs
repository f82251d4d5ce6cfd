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
    pub fn numel(&self) -> usize {
        self.0.iter().product()
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

/// The numpy broadcast of two shapes: axes are aligned from the right, and an axis of
/// length 1 (or a missing one) stretches to the other's length.
///
/// # Errors
/// [`ErrorKind::Broadcast`] when two aligned axes differ and neither is 1.
///
/// ```
/// use wengert_tape::{broadcast_shapes, Shape};
/// let s = broadcast_shapes("add", &Shape::from([3, 1]), &Shape::from([4])).unwrap();
/// assert_eq!(s, Shape::from([3, 4]));
/// assert!(broadcast_shapes("add", &Shape::from([3]), &Shape::from([4])).is_err());
/// ```
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
                return Err(Error::new(ErrorKind::Broadcast {
                    op,
                    lhs: a.clone(),
                    rhs: b.clone(),
                }))
            }
        };
    }
    Ok(Shape(out))
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

/// Calls `f(out_index, a_index, b_index)` for every element of the broadcast shape `out`.
pub(crate) fn for_each_broadcast(
    out: &Shape,
    sa: &[usize],
    sb: &[usize],
    mut f: impl FnMut(usize, usize, usize),
) {
    let n = out.numel();
    let r = out.rank();
    let mut idx: SmallVec<[usize; 4]> = SmallVec::from_elem(0, r);
    let (mut ia, mut ib) = (0usize, 0usize);
    for o in 0..n {
        f(o, ia, ib);
        // Odometer increment from the last axis, carrying offsets along.
        for ax in (0..r).rev() {
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
