//! Activation functions: `tanh`, `sigmoid`, `softplus`, `relu`, `log_sigmoid`.
//!
//! The logistic family is written so that no intermediate overflows: every `exp` is taken of
//! a non-positive number, so the values and derivatives stay finite and correct at any `|x|`
//! (tested at `|x| = 800`, where the naive `1/(1 + e⁻ˣ)` and `ln(1 + eˣ)` overflow).
//!
//! Each derivative comes from values the forward pass already has (the output, or for
//! `softplus` / `log_sigmoid` on a scalar the forward's one `exp` through
//! [`Unary::f_df`]): `tanh' = 1 − y²`, `σ' = y(1 − y)`, no libm call of its own.
use wengert_tape::op::Unary;
use wengert_tape::trace::Prim;
use wengert_tape::{Real, Var};

/// `y = tanh x`, `dy/dx = 1 − tanh² x = 1 − y²`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl<T: Real> Unary<T> for Tanh {
    const NAME: &'static str = "tanh";
    const PRIM: Option<Prim> = Some(Prim::Tanh);
    #[inline]
    fn f(x: T) -> T {
        x.tanh()
    }
    #[inline]
    fn df(_x: T, y: T) -> T {
        T::one() - y * y
    }
}

/// `softplus(x) = max(x, 0) + ln_1p(e)` from `e = e^−|x|`. (A plain `ln(1 + e)` for
/// `x ≥ 0` would be a little cheaper and as accurate, but the compiled path of `wengert-jit`
/// evaluates this exact expression and promises the tape's values bit for bit.)
#[inline(always)]
fn softplus_from<T: Real>(x: T, e: T) -> T {
    x.max(T::zero()) + e.ln_1p()
}

/// `σ(x)` from `e = e^−|x|` (which softplus and log σ compute anyway): `1/(1 + e)` for
/// `x ≥ 0`, `e/(1 + e)` for `x < 0`; no `exp` overflows and neither tail loses relative
/// accuracy. (`σ(−x)` is the same call with `−x`: `e` depends on `|x|` only.)
#[inline(always)]
fn sigmoid_from<T: Real>(x: T, e: T) -> T {
    let r = (T::one() + e).recip();
    if x >= T::zero() {
        r
    } else {
        e * r
    }
}

/// The logistic function `y = σ(x) = 1/(1 + e⁻ˣ)`, `dy/dx = σ(x)(1 − σ(x)) = y(1 − y)`.
///
/// Computed as `1/(1 + e⁻ˣ)` for `x ≥ 0` and `eˣ/(1 + eˣ)` for `x < 0`, so the exponential
/// never overflows. The derivative `y(1 − y)` is accurate to about one ulp of 1 in absolute
/// terms (for `x ≫ 0` its relative accuracy degrades as `1 − y` cancels, which is harmless
/// next to O(1) gradients and saves a second `exp`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

impl<T: Real> Unary<T> for Sigmoid {
    const NAME: &'static str = "sigmoid";
    const PRIM: Option<Prim> = Some(Prim::Sigmoid);
    #[inline]
    fn f(x: T) -> T {
        if x >= T::zero() {
            (T::one() + (-x).exp()).recip()
        } else {
            let e = x.exp();
            e / (T::one() + e)
        }
    }
    #[inline]
    fn df(_x: T, y: T) -> T {
        y * (T::one() - y)
    }
}

/// `y = softplus(x) = ln(1 + eˣ)`, `dy/dx = σ(x)`.
///
/// Computed as `max(x, 0) + ln_1p(e)` with `e = e^−|x|` (never overflows), and the
/// derivative from the same `e`: `σ(x) = 1/(1 + e)` for `x ≥ 0`, `e/(1 + e)` for `x < 0`.
/// On a scalar the value and derivative share that one `exp` ([`Unary::f_df`]): two libm
/// calls in all (`exp`, `ln_1p`), as many as the hand-written `ln(1 + eˣ)` with its
/// derivative `eˣ/(1 + eˣ)` (the earlier `−exp_m1(−y)` from the output was a third). A
/// tensor keeps only its output and recomputes `e` in its backward (one `exp`, as
/// `exp_m1` would cost), so both paths give the same bits. Accurate for every `x` (≈ `eˣ`
/// for `x ≪ 0`, ≈ 1 for `x ≫ 0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Softplus;

impl<T: Real> Unary<T> for Softplus {
    const NAME: &'static str = "softplus";
    const PRIM: Option<Prim> = Some(Prim::Softplus);
    #[inline]
    fn f(x: T) -> T {
        softplus_from(x, (-x.abs()).exp())
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        let e = (-x.abs()).exp();
        sigmoid_from(x, e)
    }
    #[inline]
    fn f_df(x: T) -> (T, T) {
        let e = (-x.abs()).exp();
        (softplus_from(x, e), sigmoid_from(x, e))
    }
}

/// `y = ln σ(x) = −softplus(−x)`, `dy/dx = 1 − σ(x) = σ(−x)`.
///
/// Computed as `min(x, 0) − ln_1p(e)` with `e = e^−|x|`, the derivative from the same `e`:
/// `σ(−x) = e/(1 + e)` for `x ≥ 0`, `1/(1 + e)` for `x < 0` (on a scalar two libm calls in
/// all, as softplus; a tensor's backward recomputes `e`). Accurate for every `x`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogSigmoid;

impl<T: Real> Unary<T> for LogSigmoid {
    const NAME: &'static str = "log_sigmoid";
    const PRIM: Option<Prim> = Some(Prim::LogSigmoid);
    #[inline]
    fn f(x: T) -> T {
        x.min(T::zero()) - (-x.abs()).exp().ln_1p()
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        let e = (-x.abs()).exp();
        sigmoid_from(-x, e)
    }
    #[inline]
    fn f_df(x: T) -> (T, T) {
        let e = (-x.abs()).exp();
        (x.min(T::zero()) - e.ln_1p(), sigmoid_from(-x, e))
    }
}

/// `y = relu(x) = max(x, 0)`, `dy/dx = 1` for `x > 0` and `0` for `x ≤ 0`.
///
/// At the kink `x = 0` the derivative is taken as 0 (the subgradient PyTorch and JAX use).
/// NaN propagates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

impl<T: Real> Unary<T> for Relu {
    const NAME: &'static str = "relu";
    const PRIM: Option<Prim> = Some(Prim::Relu);
    #[inline]
    fn f(x: T) -> T {
        if x < T::zero() {
            T::zero()
        } else {
            x
        }
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        if x > T::zero() {
            T::one()
        } else {
            T::zero()
        }
    }
}

/// `tanh x` elementwise; see [`ElementwiseExt::tanh`](super::ElementwiseExt::tanh).
#[track_caller]
#[inline]
pub fn tanh<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Tanh>()
}

/// `σ(x)` elementwise; see [`ElementwiseExt::sigmoid`](super::ElementwiseExt::sigmoid).
#[track_caller]
#[inline]
pub fn sigmoid<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Sigmoid>()
}

/// `ln(1 + eˣ)` elementwise; see [`ElementwiseExt::softplus`](super::ElementwiseExt::softplus).
#[track_caller]
#[inline]
pub fn softplus<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Softplus>()
}

/// `ln σ(x)` elementwise; see
/// [`ElementwiseExt::log_sigmoid`](super::ElementwiseExt::log_sigmoid).
#[track_caller]
#[inline]
pub fn log_sigmoid<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<LogSigmoid>()
}

/// `max(x, 0)` elementwise; see [`ElementwiseExt::relu`](super::ElementwiseExt::relu).
#[track_caller]
#[inline]
pub fn relu<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Relu>()
}
