//! A user op's functions by address: one `'static` table per `Unary` / `Binary` type, with
//! `extern "C"` trampolines so that compiled code can call ops that have no primitive meaning.
//!
//! The table is an associated constant of a generic holder, so it is promoted to a static
//! per monomorphisation: a trace instruction then keeps one pointer (`Instr` stays small)
//! and a trace reads the op's name, primitive and trampolines from it.
use super::Prim;
use crate::op::{Binary, Unary};
use crate::Real;
use std::fmt;
use std::marker::PhantomData;

/// The functions of a [`Unary`] op, by address.
///
/// ```
/// use wengert_tape::{trace, Tape};
/// struct Cube;
/// impl wengert_tape::op::Unary<f64> for Cube {
///     const NAME: &'static str = "cube";
///     fn f(x: f64) -> f64 { x * x * x }
///     fn df(x: f64, _y: f64) -> f64 { 3.0 * x * x }
/// }
/// let t = trace::trace(&[2.0], |_, x| x[0].map::<Cube>()).unwrap();
/// let trace::Node::Unary { op, .. } = t.nodes[1] else { panic!() };
/// assert_eq!((op.name, op.prim), ("cube", None));
/// assert_eq!(((op.f)(2.0), (op.df)(2.0, 8.0)), (8.0, 12.0));
/// ```
pub struct UnaryFns<T: 'static> {
    /// [`Unary::NAME`].
    pub name: &'static str,
    /// [`Unary::PRIM`].
    pub prim: Option<Prim>,
    /// `f(x)`, callable from native code.
    pub f: extern "C" fn(T) -> T,
    /// `df(x, y)` with `y = f(x)`, callable from native code.
    pub df: extern "C" fn(T, T) -> T,
}

/// The functions of a [`Binary`] op, by address. The partials are two functions of
/// `(a, b)` (each recomputes `y`) because a pair cannot cross an `extern "C"` boundary.
///
/// ```
/// use wengert_tape::{op::Binary, trace};
/// struct Hypot;
/// impl Binary<f64> for Hypot {
///     const NAME: &'static str = "hypot";
///     fn f(a: f64, b: f64) -> f64 { a.hypot(b) }
///     fn d(a: f64, b: f64, y: f64) -> (f64, f64) { (a / y, b / y) }
/// }
/// let t = trace::trace(&[3.0, 4.0], |_, x| x[0].zip::<Hypot>(x[1])).unwrap();
/// let trace::Node::Binary { op, .. } = t.nodes[2] else { panic!() };
/// assert_eq!(((op.f)(3.0, 4.0), (op.da)(3.0, 4.0), (op.db)(3.0, 4.0)), (5.0, 0.6, 0.8));
/// ```
pub struct BinaryFns<T: 'static> {
    /// [`Binary::NAME`].
    pub name: &'static str,
    /// [`Binary::PRIM`].
    pub prim: Option<Prim>,
    /// `f(a, b)`.
    pub f: extern "C" fn(T, T) -> T,
    /// `∂f/∂a` at `(a, b)`.
    pub da: extern "C" fn(T, T) -> T,
    /// `∂f/∂b` at `(a, b)`.
    pub db: extern "C" fn(T, T) -> T,
}

impl<T> fmt::Debug for UnaryFns<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnaryFns({}, {:?})", self.name, self.prim)
    }
}

impl<T> fmt::Debug for BinaryFns<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BinaryFns({}, {:?})", self.name, self.prim)
    }
}

// A panic cannot unwind out of an `extern "C"` function: it aborts the process. The
// trampolines are only called by compiled code, which documents this.
extern "C" fn un_f<T: Real, U: Unary<T>>(x: T) -> T {
    U::f(x)
}
extern "C" fn un_df<T: Real, U: Unary<T>>(x: T, y: T) -> T {
    U::df(x, y)
}
extern "C" fn bin_f<T: Real, B: Binary<T>>(a: T, b: T) -> T {
    B::f(a, b)
}
extern "C" fn bin_da<T: Real, B: Binary<T>>(a: T, b: T) -> T {
    B::d(a, b, B::f(a, b)).0
}
extern "C" fn bin_db<T: Real, B: Binary<T>>(a: T, b: T) -> T {
    B::d(a, b, B::f(a, b)).1
}

struct Holder<T, O>(PhantomData<fn() -> (T, O)>);

impl<T: Real, U: Unary<T>> Holder<T, U> {
    const UNARY: &'static UnaryFns<T> = &UnaryFns {
        name: U::NAME,
        prim: U::PRIM,
        f: un_f::<T, U>,
        df: un_df::<T, U>,
    };
}

impl<T: Real, B: Binary<T>> Holder<T, B> {
    const BINARY: &'static BinaryFns<T> = &BinaryFns {
        name: B::NAME,
        prim: B::PRIM,
        f: bin_f::<T, B>,
        da: bin_da::<T, B>,
        db: bin_db::<T, B>,
    };
}

/// The table of `U`.
pub(crate) fn unary<T: Real, U: Unary<T>>() -> &'static UnaryFns<T> {
    Holder::<T, U>::UNARY
}

/// The table of `B`.
pub(crate) fn binary<T: Real, B: Binary<T>>() -> &'static BinaryFns<T> {
    Holder::<T, B>::BINARY
}
