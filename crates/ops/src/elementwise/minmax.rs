//! Elementwise `maximum`, `minimum` and `clamp`.
use std::panic::Location;
use wengert_tape::op::Binary;
use wengert_tape::trace::Prim;
use wengert_tape::{Error, ErrorKind, Real, Var};

// `a` is picked on ties and when `b` is NaN, so NaN is ignored like `f64::max` does, and the
// gradient always follows the value that was picked.
#[inline]
fn first_is_max<T: Real>(a: T, b: T) -> bool {
    a >= b || b.is_nan()
}

#[inline]
fn first_is_min<T: Real>(a: T, b: T) -> bool {
    a <= b || b.is_nan()
}

#[inline]
fn indicator<T: Real>(first: bool) -> (T, T) {
    if first {
        (T::one(), T::zero())
    } else {
        (T::zero(), T::one())
    }
}

/// `y = max(a, b)`, `∂y/∂a = 1, ∂y/∂b = 0` where `a ≥ b`, and the reverse where `a < b`.
///
/// Ties (`a = b`) send the whole gradient to the first argument `a` (a valid subgradient,
/// and the same rule as `f64::max` picking `a` and the reductions' "first maximum"), not
/// half to each as JAX does. A NaN operand is ignored, as by `f64::max`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Maximum;

impl<T: Real> Binary<T> for Maximum {
    const NAME: &'static str = "maximum";
    const PRIM: Option<Prim> = Some(Prim::Max);
    #[inline]
    fn f(a: T, b: T) -> T {
        if first_is_max(a, b) {
            a
        } else {
            b
        }
    }
    #[inline]
    fn d(a: T, b: T, _y: T) -> (T, T) {
        indicator(first_is_max(a, b))
    }
}

/// `y = min(a, b)`, `∂y/∂a = 1, ∂y/∂b = 0` where `a ≤ b`, and the reverse where `a > b`.
///
/// Ties send the whole gradient to the first argument `a`, as for [`Maximum`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Minimum;

impl<T: Real> Binary<T> for Minimum {
    const NAME: &'static str = "minimum";
    const PRIM: Option<Prim> = Some(Prim::Min);
    #[inline]
    fn f(a: T, b: T) -> T {
        if first_is_min(a, b) {
            a
        } else {
            b
        }
    }
    #[inline]
    fn d(a: T, b: T, _y: T) -> (T, T) {
        indicator(first_is_min(a, b))
    }
}

/// `max(a, b)` elementwise with broadcasting; see
/// [`ElementwiseExt::maximum`](super::ElementwiseExt::maximum).
///
/// # Panics
/// If the shapes cannot be broadcast or the `Var`s are on different tapes.
#[track_caller]
#[inline]
pub fn maximum<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    match try_maximum(a, b) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// [`maximum`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::Broadcast`] or [`ErrorKind::DifferentTapes`].
#[track_caller]
#[inline]
pub fn try_maximum<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    // The location is set here so that it names the caller's line.
    let loc = Location::caller();
    a.try_zip::<Maximum>(b).map_err(|e| e.at(loc))
}

/// `min(a, b)` elementwise with broadcasting; see
/// [`ElementwiseExt::minimum`](super::ElementwiseExt::minimum).
///
/// # Panics
/// If the shapes cannot be broadcast or the `Var`s are on different tapes.
#[track_caller]
#[inline]
pub fn minimum<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    match try_minimum(a, b) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// [`minimum`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::Broadcast`] or [`ErrorKind::DifferentTapes`].
#[track_caller]
#[inline]
pub fn try_minimum<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    // The location is set here so that it names the caller's line.
    let loc = Location::caller();
    a.try_zip::<Minimum>(b).map_err(|e| e.at(loc))
}

// Bounds are inclusive for the gradient: it passes where lo ≤ x ≤ hi (as in PyTorch).
fn clamp_min_f<T: Real>(x: T, lo: T) -> T {
    if x < lo {
        lo
    } else {
        x
    }
}

fn clamp_min_df<T: Real>(x: T, lo: T, _y: T) -> T {
    if x >= lo {
        T::one()
    } else {
        T::zero()
    }
}

fn clamp_max_f<T: Real>(x: T, hi: T) -> T {
    if x > hi {
        hi
    } else {
        x
    }
}

fn clamp_max_df<T: Real>(x: T, hi: T, _y: T) -> T {
    if x <= hi {
        T::one()
    } else {
        T::zero()
    }
}

/// `y = min(max(x, lo), hi)` elementwise, `dy/dx = 1` for `lo ≤ x ≤ hi` (bounds included)
/// and 0 outside; see [`ElementwiseExt::clamp`](super::ElementwiseExt::clamp).
///
/// Recorded as a lower and an upper clip (one node each; an infinite bound records nothing).
/// NaN propagates.
///
/// # Panics
/// If `lo > hi` or either bound is NaN.
#[track_caller]
#[inline]
pub fn clamp<T: Real>(x: Var<'_, T>, lo: T, hi: T) -> Var<'_, T> {
    match try_clamp(x, lo, hi) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// [`clamp`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] if `lo > hi` or either bound is NaN.
#[track_caller]
pub fn try_clamp<T: Real>(x: Var<'_, T>, lo: T, hi: T) -> Result<Var<'_, T>, Error> {
    if lo.is_nan() || hi.is_nan() || lo > hi {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: "clamp",
            reason: format!("the bounds must satisfy lo ≤ hi, got lo = {lo}, hi = {hi}"),
        }));
    }
    let mut y = x;
    if lo > T::neg_infinity() {
        y = y.map_param_prim(Prim::ClampMin, "clamp_min", lo, clamp_min_f, clamp_min_df);
    }
    if hi < T::infinity() {
        y = y.map_param_prim(Prim::ClampMax, "clamp_max", hi, clamp_max_f, clamp_max_df);
    }
    Ok(y)
}
