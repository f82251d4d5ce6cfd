//! What the shared rules need to know about a dual type: a value `re` and a tangent part
//! (one `T` for [`Dual`](super::Dual), `[T; N]` for [`DualVec`](super::DualVec)), handled
//! direction by direction.

use core::array;

use num_traits::Float;

/// `e · d`, except that a zero tangent `e` stays zero even when the derivative `d` is infinite
/// or NaN (so constants stay constants at singular points).
#[inline]
fn tangent<T: Float>(e: T, d: T) -> T {
    if e == T::zero() {
        T::zero()
    } else {
        e * d
    }
}

/// The tangent part of a dual number over `T`: each direction is a `T`.
pub(super) trait Tangent<T>: Copy {
    /// Every direction zero.
    fn zeros() -> Self;
    /// True when every direction is zero.
    fn all_zero(&self) -> bool;
    /// `f` applied to each direction.
    fn map(self, f: impl Fn(T) -> T) -> Self;
    /// `f` applied to the matching directions of `self` and `b`.
    fn zip2(self, b: Self, f: impl Fn(T, T) -> T) -> Self;
    /// `f` applied to the matching directions of `self`, `b` and `c`.
    fn zip3(self, b: Self, c: Self, f: impl Fn(T, T, T) -> T) -> Self;
}

impl<T: Float> Tangent<T> for T {
    #[inline]
    fn zeros() -> Self {
        T::zero()
    }
    #[inline]
    fn all_zero(&self) -> bool {
        self.is_zero()
    }
    #[inline]
    fn map(self, f: impl Fn(T) -> T) -> Self {
        f(self)
    }
    #[inline]
    fn zip2(self, b: Self, f: impl Fn(T, T) -> T) -> Self {
        f(self, b)
    }
    #[inline]
    fn zip3(self, b: Self, c: Self, f: impl Fn(T, T, T) -> T) -> Self {
        f(self, b, c)
    }
}

impl<T: Float, const N: usize> Tangent<T> for [T; N] {
    #[inline]
    fn zeros() -> Self {
        [T::zero(); N]
    }
    #[inline]
    fn all_zero(&self) -> bool {
        self.iter().all(T::is_zero)
    }
    #[inline]
    fn map(self, f: impl Fn(T) -> T) -> Self {
        array::from_fn(|k| f(self[k]))
    }
    #[inline]
    fn zip2(self, b: Self, f: impl Fn(T, T) -> T) -> Self {
        array::from_fn(|k| f(self[k], b[k]))
    }
    #[inline]
    fn zip3(self, b: Self, c: Self, f: impl Fn(T, T, T) -> T) -> Self {
        array::from_fn(|k| f(self[k], b[k], c[k]))
    }
}

/// A dual number taken apart into its value and its tangent part, with the chain rule on top.
pub(super) trait DualNumber: Copy {
    /// The scalar type of the value and of each tangent direction.
    type Re: Float;
    /// The tangent part.
    type Eps: Tangent<Self::Re>;

    /// The value.
    fn re(self) -> Self::Re;
    /// The tangent part.
    fn eps(self) -> Self::Eps;
    /// The dual number with value `re` and tangent part `eps`.
    fn from_parts(re: Self::Re, eps: Self::Eps) -> Self;

    /// A constant: every tangent zero.
    #[inline]
    fn constant(re: Self::Re) -> Self {
        Self::from_parts(re, Self::Eps::zeros())
    }

    /// Value `re`, tangents unchanged (a function of slope 1).
    #[inline]
    fn with_re(self, re: Self::Re) -> Self {
        Self::from_parts(re, self.eps())
    }

    /// A linear function `f` applied to the value and to every tangent (plain IEEE, no guard).
    #[inline]
    fn linear(self, f: impl Fn(Self::Re) -> Self::Re) -> Self {
        Self::from_parts(f(self.re()), self.eps().map(&f))
    }

    /// Chain rule for a unary function: value `re`, local derivative `d`.
    #[inline]
    fn chain(self, (re, d): (Self::Re, Self::Re)) -> Self {
        Self::from_parts(re, self.eps().map(|e| tangent(e, d)))
    }

    /// Chain rule for a binary function `f(self, other)`: value `re`, local partials `da`
    /// (for `self`) and `db` (for `other`).
    #[inline]
    fn chain2(self, other: Self, (re, da, db): (Self::Re, Self::Re, Self::Re)) -> Self {
        let eps = self
            .eps()
            .zip2(other.eps(), |a, b| tangent(a, da) + tangent(b, db));
        Self::from_parts(re, eps)
    }

    /// [`chain`](Self::chain), or a constant where the rule gives no derivative (`None`).
    #[inline]
    fn chain_or_constant(self, (re, d): (Self::Re, Option<Self::Re>)) -> Self {
        match d {
            Some(d) => self.chain((re, d)),
            None => Self::constant(re),
        }
    }

    /// [`chain2`](Self::chain2), or a constant where the rule gives no partials (`None`).
    #[inline]
    #[allow(clippy::type_complexity)]
    fn chain2_or_constant(
        self,
        other: Self,
        (re, d): (Self::Re, Option<(Self::Re, Self::Re)>),
    ) -> Self {
        match d {
            Some((da, db)) => self.chain2(other, (re, da, db)),
            None => Self::constant(re),
        }
    }
}
