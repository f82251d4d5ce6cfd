//! Powers: `powi` and `powf` (constant exponent), `pow` (variable exponent).
use std::panic::Location;
use wengert_tape::op::Binary;
use wengert_tape::trace::Prim;
use wengert_tape::{Error, Real, Var};

fn powi_f<T: Real>(x: T, n: T) -> T {
    x.powi(n.to_i32().unwrap_or(0))
}

// Written as n·xⁿ⁻¹ rather than n·y/x so that x = 0 works; n = 0 is special-cased because
// 0·0⁻¹ would be NaN where the true derivative of the constant x⁰ is 0.
fn powi_df<T: Real>(x: T, n: T, _y: T) -> T {
    if n == T::zero() {
        T::zero()
    } else {
        n * x.powi(n.to_i32().unwrap_or(0) - 1)
    }
}

fn powf_f<T: Real>(x: T, p: T) -> T {
    x.powf(p)
}

fn powf_df<T: Real>(x: T, p: T, _y: T) -> T {
    if p == T::zero() {
        T::zero()
    } else {
        p * x.powf(p - T::one())
    }
}

/// `y = xⁿ` elementwise for an integer `n`, `dy/dx = n xⁿ⁻¹` (0 for `n = 0`, also at
/// `x = 0`). Defined for every `x` (negative ones included); `x = 0` with `n < 0` gives `∞`.
/// See [`ElementwiseExt::powi`](super::ElementwiseExt::powi).
#[track_caller]
#[inline]
pub fn powi<T: Real>(x: Var<'_, T>, n: i32) -> Var<'_, T> {
    x.map_param_prim(Prim::Powi, "powi", T::lit(f64::from(n)), powi_f, powi_df)
}

/// `y = xᵖ` elementwise for a constant real `p`, `dy/dx = p xᵖ⁻¹` (0 for `p = 0`).
/// Defined for `x > 0` (and `x = 0` when `p ≥ 1`); a negative `x` with a non-integer `p`
/// gives NaN, as `f64::powf` does. See [`ElementwiseExt::powf`](super::ElementwiseExt::powf).
#[track_caller]
#[inline]
pub fn powf<T: Real>(x: Var<'_, T>, p: T) -> Var<'_, T> {
    x.map_param_prim(Prim::Powf, "powf", p, powf_f, powf_df)
}

/// `y = aᵇ` with both the base and the exponent variable:
/// `∂y/∂a = b aᵇ⁻¹`, `∂y/∂b = aᵇ ln a = y ln a`.
///
/// Defined for `a > 0`. Following JAX, `∂y/∂a` is 0 where `b = 0` and `∂y/∂b` is 0 where
/// `a = 0` (instead of the NaN of `0·∞`); for `a < 0`, `∂y/∂b` is NaN (`aᵇ` is not real
/// for non-integer `b`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pow;

impl<T: Real> Binary<T> for Pow {
    const NAME: &'static str = "pow";
    const PRIM: Option<Prim> = Some(Prim::Pow);
    #[inline]
    fn f(a: T, b: T) -> T {
        a.powf(b)
    }
    #[inline]
    fn d(a: T, b: T, y: T) -> (T, T) {
        let da = if b == T::zero() {
            T::zero()
        } else {
            b * a.powf(b - T::one())
        };
        let db = if a == T::zero() {
            T::zero()
        } else {
            y * a.ln()
        };
        (da, db)
    }
}

/// `aᵇ` elementwise with broadcasting; see [`ElementwiseExt::pow`](super::ElementwiseExt::pow).
///
/// # Panics
/// If the shapes cannot be broadcast or the `Var`s are on different tapes.
#[track_caller]
#[inline]
pub fn pow<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    match try_pow(a, b) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// [`pow`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::Broadcast`](wengert_tape::ErrorKind::Broadcast) or
/// [`ErrorKind::DifferentTapes`](wengert_tape::ErrorKind::DifferentTapes).
#[track_caller]
#[inline]
pub fn try_pow<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    // The location is set here so that it names the caller's line.
    let loc = Location::caller();
    a.try_zip::<Pow>(b).map_err(|e| e.at(loc))
}
