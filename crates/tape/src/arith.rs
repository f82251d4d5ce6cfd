//! `+ - * /` and unary `-` on [`Var`]: Var op Var (broadcasting), Var op T and T op Var.
//!
//! Each rule sits beside its derivative: for `y = a ∘ b` the pair `(∂y/∂a, ∂y/∂b)`.
use crate::dual::Dual;
use crate::op::Binary;
use crate::trace::instr::Arith;
use crate::trace::Prim;
use crate::var::Param;
use crate::{Error, Real, Var};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// `a + b`; `(1, 1)`.
pub struct AddFn;
/// `a - b`; `(1, -1)`.
pub struct SubFn;
/// `a * b`; `(b, a)`.
pub struct MulFn;
/// `a / b`; `(1/b, -a/b²) = (1/b, -y/b)`.
pub struct DivFn;

impl<T: Real> Binary<T> for AddFn {
    const PRIM: Option<Prim> = Some(Prim::Add);
    const NAME: &'static str = "add";
    fn f(a: T, b: T) -> T {
        a + b
    }
    fn d(_: T, _: T, _: T) -> (T, T) {
        (T::one(), T::one())
    }
}

impl<T: Real> Binary<T> for SubFn {
    const PRIM: Option<Prim> = Some(Prim::Sub);
    const NAME: &'static str = "sub";
    fn f(a: T, b: T) -> T {
        a - b
    }
    fn d(_: T, _: T, _: T) -> (T, T) {
        (T::one(), -T::one())
    }
}

impl<T: Real> Binary<T> for MulFn {
    const PRIM: Option<Prim> = Some(Prim::Mul);
    const NAME: &'static str = "mul";
    fn f(a: T, b: T) -> T {
        a * b
    }
    fn d(a: T, b: T, _: T) -> (T, T) {
        (b, a)
    }
}

impl<T: Real> Binary<T> for DivFn {
    const PRIM: Option<Prim> = Some(Prim::Div);
    const NAME: &'static str = "div";
    fn f(a: T, b: T) -> T {
        a / b
    }
    fn d(_: T, b: T, y: T) -> (T, T) {
        let r = b.recip();
        (r, -y * r)
    }
}

impl<'t, T: Real> Var<'t, T> {
    /// `self + other` with broadcasting, returning an error instead of panicking.
    ///
    /// # Errors
    /// When the shapes cannot be broadcast or the tapes differ.
    #[track_caller]
    pub fn try_add(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        self.try_zip::<AddFn>(other)
    }
    /// `self - other`; see [`Var::try_add`].
    ///
    /// # Errors
    /// When the shapes cannot be broadcast or the tapes differ.
    #[track_caller]
    pub fn try_sub(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        self.try_zip::<SubFn>(other)
    }
    /// `self * other`; see [`Var::try_add`].
    ///
    /// # Errors
    /// When the shapes cannot be broadcast or the tapes differ.
    #[track_caller]
    pub fn try_mul(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        self.try_zip::<MulFn>(other)
    }
    /// `self / other`; see [`Var::try_add`].
    ///
    /// # Errors
    /// When the shapes cannot be broadcast or the tapes differ.
    #[track_caller]
    pub fn try_div(self, other: Var<'t, T>) -> Result<Var<'t, T>, Error> {
        self.try_zip::<DivFn>(other)
    }
}

// Var op Var. # Panics: shapes that cannot broadcast, or Vars of two tapes.
impl<'t, T: Real> Add for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self.zip::<AddFn>(o)
    }
}
impl<'t, T: Real> Sub for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self.zip::<SubFn>(o)
    }
}
impl<'t, T: Real> Mul for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self.zip::<MulFn>(o)
    }
}
impl<'t, T: Real> Div for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        self.zip::<DivFn>(o)
    }
}

// Var op T: one operand, the constant folded into the value and the partial.
impl<'t, T: Real> Add<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn add(self, c: T) -> Self {
        self.map_param_with(
            "add",
            c,
            |x, c| x + c,
            |_, _, _| T::one(),
            Param::Arith(Arith::Add),
        )
    }
}
impl<'t, T: Real> Sub<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn sub(self, c: T) -> Self {
        self.map_param_with(
            "sub",
            c,
            |x, c| x - c,
            |_, _, _| T::one(),
            Param::Arith(Arith::Sub),
        )
    }
}
impl<'t, T: Real> Mul<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn mul(self, c: T) -> Self {
        self.map_param_with(
            "mul",
            c,
            |x, c| x * c,
            |_, c, _| c,
            Param::Arith(Arith::Mul),
        )
    }
}
impl<'t, T: Real> Div<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn div(self, c: T) -> Self {
        self.map_param_with(
            "div",
            c,
            |x, c| x / c,
            |_, c, _| c.recip(),
            Param::Arith(Arith::Div),
        )
    }
}
impl<'t, T: Real> Neg for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    #[inline(always)]
    fn neg(self) -> Self {
        self.map_param_with(
            "neg",
            T::zero(),
            |x, _| -x,
            |_, _, _| -T::one(),
            Param::Arith(Arith::Neg),
        )
    }
}

/// `c - x`: ∂/∂x = -1.
#[track_caller]
#[inline]
fn rsub<'t, T: Real>(c: T, x: Var<'t, T>) -> Var<'t, T> {
    x.map_param_with(
        "rsub",
        c,
        |x, c| c - x,
        |_, _, _| -T::one(),
        Param::Arith(Arith::RSub),
    )
}

/// `c / x`: ∂/∂x = -c/x² = -y/x.
#[track_caller]
#[inline]
fn rdiv<'t, T: Real>(c: T, x: Var<'t, T>) -> Var<'t, T> {
    x.map_param_with(
        "rdiv",
        c,
        |x, c| c / x,
        |x, _, y| -y / x,
        Param::Arith(Arith::RDiv),
    )
}

// T op Var, for each concrete element type (the orphan rule forbids a blanket impl).
macro_rules! scalar_lhs {
    ($($t:ty),*) => {$(
        impl<'t> Add<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            #[inline]
            fn add(self, x: Var<'t, $t>) -> Var<'t, $t> { x + self }
        }
        impl<'t> Sub<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            #[inline]
            fn sub(self, x: Var<'t, $t>) -> Var<'t, $t> { rsub(self, x) }
        }
        impl<'t> Mul<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            #[inline]
            fn mul(self, x: Var<'t, $t>) -> Var<'t, $t> { x * self }
        }
        impl<'t> Div<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            #[inline]
            fn div(self, x: Var<'t, $t>) -> Var<'t, $t> { rdiv(self, x) }
        }
    )*};
}
scalar_lhs!(f32, f64, Dual<f32>, Dual<f64>);
