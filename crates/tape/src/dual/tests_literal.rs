//! Literal tests for [`Dual`] and [`DualVec`]: derivatives worked out by hand in the comments,
//! conventions, operators and num-traits plumbing.

use core::cmp::Ordering;
use core::num::FpCategory;

use approx::assert_relative_eq;
use num_traits::{Float, FloatConst, FromPrimitive, Num, NumCast, One, ToPrimitive, Zero};

use super::{Dual32, Dual64, DualVec64};

type D = Dual64;
type V3 = DualVec64<3>;

#[test]
fn sin_of_square() {
    // d/dx sin(x²) = 2x cos(x²); at 0.7: 2·0.7·cos(0.49).
    let y = (D::variable(0.7) * D::variable(0.7)).sin();
    assert_relative_eq!(y.re, 0.49_f64.sin());
    assert_relative_eq!(y.eps, 2.0 * 0.7 * 0.49_f64.cos(), max_relative = 1e-15);
}

#[test]
fn quotient_and_log() {
    // f = ln(x) / (1 + x²) at x = 2: f' = (1/x)(1 + x²)⁻¹ - ln(x)·2x/(1 + x²)²
    //                                    = 1/10 - 4 ln 2 / 25.
    let x = D::variable(2.0);
    let y = x.ln() / (x * x + 1.0);
    assert_relative_eq!(y.re, 2.0_f64.ln() / 5.0, max_relative = 1e-15);
    assert_relative_eq!(y.eps, 0.1 - 4.0 * 2.0_f64.ln() / 25.0, max_relative = 1e-14);
}

#[test]
fn exp_sqrt_chain() {
    // f = exp(√x) at x = 4: f' = exp(2) / (2·2) = e²/4.
    let y = D::variable(4.0).sqrt().exp();
    assert_relative_eq!(y.re, 2.0_f64.exp(), max_relative = 1e-15);
    assert_relative_eq!(y.eps, 2.0_f64.exp() / 4.0, max_relative = 1e-15);
}

#[test]
fn powf_and_powi() {
    // d/dx x^2.5 = 2.5 x^1.5; at 4: 2.5·8 = 20.  d/dn 4^n at n = 2.5: 4^2.5 ln 4 = 32 ln 4.
    let y = D::variable(4.0).powf(D::constant(2.5));
    assert_relative_eq!(y.re, 32.0, max_relative = 1e-15);
    assert_relative_eq!(y.eps, 20.0, max_relative = 1e-15);
    let y = D::constant(4.0).powf(D::variable(2.5));
    assert_relative_eq!(y.eps, 32.0 * 4.0_f64.ln(), max_relative = 1e-15);
    // d/dx x⁻³ = -3 x⁻⁴; at 2: -3/16.
    assert_relative_eq!(D::variable(2.0).powi(-3).eps, -3.0 / 16.0);
    // x⁰ = 1 with zero derivative, even at x = 0.
    assert_eq!(D::variable(0.0).powi(0), D::constant(1.0));
    assert_eq!(D::variable(0.0).powf(D::constant(0.0)), D::constant(1.0));
    // 0^n for n > 0 has ∂/∂n = 0 (not 0·ln 0 = NaN); x² at 0 has slope 0.
    assert_eq!(D::constant(0.0).powf(D::variable(2.0)), D::constant(0.0));
    assert_eq!(D::variable(0.0).powf(D::constant(2.0)), D::constant(0.0));
    // Negative base, constant integer exponent: (-2)³ = -8, slope 3·4 = 12.
    assert_eq!(D::variable(-2.0).powf(D::constant(3.0)), D::new(-8.0, 12.0));
    // powi at i32::MIN must not overflow.
    assert_eq!(D::variable(2.0).powi(i32::MIN).re, 0.0);
}

#[test]
fn log_with_dual_base() {
    // log_b x = ln x / ln b. ∂/∂x at (x, b) = (8, 2): 1/(8 ln 2).
    // ∂/∂b: -ln 8 / (2 (ln 2)²) = -3/(2 ln 2).
    let y = D::variable(8.0).log(D::constant(2.0));
    assert_relative_eq!(y.re, 3.0, max_relative = 1e-15);
    assert_relative_eq!(y.eps, 1.0 / (8.0 * 2.0_f64.ln()), max_relative = 1e-15);
    let y = D::constant(8.0).log(D::variable(2.0));
    assert_relative_eq!(y.eps, -3.0 / (2.0 * 2.0_f64.ln()), max_relative = 1e-14);
}

#[test]
fn atan2_and_hypot() {
    // atan2(y, x) at (y, x) = (3, 4): ∂/∂y = x/25 = 0.16, ∂/∂x = -y/25 = -0.12.
    assert_relative_eq!(D::variable(3.0).atan2(D::constant(4.0)).eps, 0.16);
    assert_relative_eq!(D::constant(3.0).atan2(D::variable(4.0)).eps, -0.12);
    // hypot(3, 4) = 5: ∂/∂x = 3/5, ∂/∂y = 4/5.
    let h = D::variable(3.0).hypot(D::constant(4.0));
    assert_eq!(h.re, 5.0);
    assert_relative_eq!(h.eps, 0.6);
    assert_relative_eq!(D::constant(3.0).hypot(D::variable(4.0)).eps, 0.8);
    // Conventional zero tangent at the origin.
    assert_eq!(D::variable(0.0).hypot(D::variable(0.0)), D::constant(0.0));
    assert_eq!(D::variable(0.0).atan2(D::variable(0.0)).eps, 0.0);
}

#[test]
fn mul_add_partials() {
    // f = x·a + b at (2, 3, 5): ∂/∂x = 3, ∂/∂a = 2, ∂/∂b = 1.
    let (x, a, b) = (2.0, 3.0, 5.0);
    let f = |dx, da, db| D::new(x, dx).mul_add(D::new(a, da), D::new(b, db));
    assert_eq!(f(1.0, 0.0, 0.0), D::new(11.0, 3.0));
    assert_eq!(f(0.0, 1.0, 0.0), D::new(11.0, 2.0));
    assert_eq!(f(0.0, 0.0, 1.0), D::new(11.0, 1.0));
}

#[test]
fn rem_rule() {
    // 7.5 % 2 = 1.5 = 7.5 - 3·2: ∂/∂a = 1, ∂/∂b = -trunc(3.75) = -3.
    assert_eq!(D::new(7.5, 1.0) % D::new(2.0, 1.0), D::new(1.5, -2.0));
    // -7.5 % 2 = -1.5 = -7.5 - (-3)·2: ∂/∂b = +3.
    assert_eq!(D::new(-7.5, 0.0) % D::new(2.0, 1.0), D::new(-1.5, 3.0));
    // Plain scalar divisor: slope 1.
    assert_eq!(D::new(7.5, 1.0) % 2.0, D::new(1.5, 1.0));
    assert_eq!(7.5 % D::new(2.0, 1.0), D::new(1.5, -3.0));
}

#[test]
fn piecewise_and_selection() {
    let x = D::new(2.7, 1.0);
    for y in [x.floor(), x.ceil(), x.round(), x.trunc(), x.signum()] {
        assert_eq!(y.eps, 0.0);
    }
    assert_eq!((x.floor().re, x.ceil().re, x.round().re), (2.0, 3.0, 3.0));
    assert_relative_eq!(x.fract().re, 0.7, max_relative = 1e-14);
    assert_eq!(x.fract().eps, 1.0);
    // |x|' = sign(x); at +0.0 the sign bit says +.
    assert_eq!(D::new(-3.0, 1.0).abs(), D::new(3.0, -1.0));
    assert_eq!(D::new(0.0, 1.0).abs().eps, 1.0);
    assert_eq!(D::new(-0.0, 1.0).abs().eps, -1.0);
    // max/min pick the whole operand chosen by `re`.
    let (a, b) = (D::new(1.0, 10.0), D::new(2.0, 20.0));
    assert_eq!(a.max(b), b);
    assert_eq!(a.min(b), a);
    assert_eq!(D::nan().max(a), a);
    assert_eq!(a.min(D::nan()), a);
    assert_eq!(D::new(5.0, 1.0).clamp(a, b), b);
    assert_eq!(D::new(1.5, 1.0).clamp(a, b), D::new(1.5, 1.0));
    // abs_sub = max(x - y, 0).
    assert_eq!(b.abs_sub(a), D::new(1.0, 10.0));
    assert_eq!(a.abs_sub(b), D::constant(0.0));
    assert_eq!(
        D::new(-2.0, 1.0).copysign(D::constant(1.0)),
        D::new(2.0, -1.0)
    );
    // Ordering looks at `re` only.
    assert!(a < b);
    assert_eq!(a.partial_cmp(&D::new(1.0, 99.0)), Some(Ordering::Equal));
}

#[test]
fn constants_and_queries() {
    for c in [
        D::nan(),
        D::infinity(),
        D::neg_infinity(),
        D::neg_zero(),
        D::epsilon(),
        D::max_value(),
        D::min_value(),
        D::min_positive_value(),
        <D as FloatConst>::PI(),
        <D as FloatConst>::TAU(),
    ] {
        assert!(c.eps == 0.0 && !c.eps.is_sign_negative());
    }
    assert_eq!(D::epsilon().re, f64::EPSILON);
    assert_eq!(<D as FloatConst>::LN_2().re, core::f64::consts::LN_2);
    let x = D::new(1.5, f64::NAN);
    assert!(!x.is_nan() && x.is_finite() && x.is_normal() && !x.is_subnormal());
    assert!(D::new(f64::NAN, 0.0).is_nan());
    assert!(D::new(f64::INFINITY, 0.0).is_infinite());
    assert_eq!(x.classify(), FpCategory::Normal);
    assert_eq!(x.integer_decode(), 1.5_f64.integer_decode());
    assert!(D::new(-0.0, 1.0).is_sign_negative());
}

#[test]
fn degrees_radians() {
    let x = D::variable(1.0);
    assert_relative_eq!(x.to_degrees().eps, 180.0 / core::f64::consts::PI);
    assert_relative_eq!(x.to_radians().eps, core::f64::consts::PI / 180.0);
}

#[test]
fn constants_stay_constant_at_singularities() {
    // f'(x) is infinite here, but a zero tangent must stay exactly zero.
    let z = D::constant(0.0);
    for y in [
        z.sqrt(),
        z.cbrt(),
        z.ln(),
        z.recip(),
        D::constant(1.0).asin(),
    ] {
        assert_eq!(y.eps, 0.0, "{y:?}");
    }
    // ...while a seeded tangent sees the infinite slope.
    assert_eq!(D::variable(0.0).sqrt().eps, f64::INFINITY);
}

#[test]
fn num_traits_plumbing() {
    assert_eq!(<D as NumCast>::from(3_i32), Some(D::constant(3.0)));
    assert_eq!(D::from_f64(2.5), Some(D::constant(2.5)));
    assert_eq!(D::from_u64(7), Some(D::constant(7.0)));
    assert_eq!(D::new(2.9, 1.0).to_i64(), Some(2));
    assert_eq!(D::new(2.5, 1.0).to_f32(), Some(2.5));
    assert_eq!(D::from_str_radix("1.25", 10).ok(), Some(D::constant(1.25)));
    assert!(D::zero().is_zero() && !D::new(0.0, 1.0).is_zero());
    assert!(D::one().is_one() && !D::variable(1.0).is_one());
    assert_eq!(D::default(), D::new(0.0, 0.0));
    assert_eq!(V3::default(), V3::zero());
}

#[test]
fn operators_and_sum() {
    let x = D::new(3.0, 1.0);
    let mut y = x;
    y += x;
    y -= 1.0;
    y *= x; // (2x - 1)·x = 2x² - x: slope 4x - 1 = 11
    assert_eq!(y, D::new(15.0, 11.0));
    y /= 3.0;
    assert_eq!(y, D::new(5.0, 11.0 / 3.0));
    y %= 3.0;
    assert_eq!(y, D::new(2.0, 11.0 / 3.0));
    // Scalars on the left are constants too: 1/x has slope -1/9.
    assert_relative_eq!((1.0 / x).eps, -1.0 / 9.0);
    assert_eq!(2.0 * x - 1.0, D::new(5.0, 2.0));
    assert_eq!(1.0 - x, D::new(-2.0, -1.0));
    assert_eq!(-x, D::new(-3.0, -1.0));
    let xs = [D::new(1.0, 1.0), D::new(2.0, 0.5), D::new(3.0, 0.25)];
    assert_eq!(xs.iter().sum::<D>(), D::new(6.0, 1.75));
    assert_eq!(xs.into_iter().sum::<D>(), D::new(6.0, 1.75));
    // (x1 x2 x3)' = 1·2·3 + 1·0.5·3 + 1·2·0.25 = 8
    assert_eq!(xs.iter().product::<D>(), D::new(6.0, 8.0));
    let v = [V3::variable(1.0, 0), V3::variable(2.0, 2)];
    assert_eq!(v.iter().sum::<V3>(), V3::new(3.0, [1.0, 0.0, 1.0]));
    assert_eq!(v.into_iter().product::<V3>(), V3::new(2.0, [2.0, 0.0, 1.0]));
    assert_eq!(2.0 * v[0] + 1.0, V3::new(3.0, [2.0, 0.0, 0.0]));
}

#[test]
fn display() {
    assert_eq!(D::new(1.5, 2.0).to_string(), "1.5 + 2ε");
    assert_eq!(D::new(1.5, -2.0).to_string(), "1.5 - 2ε");
    assert_eq!(format!("{:.2}", D::new(1.0, 0.5)), "1.00 + 0.50ε");
    assert_eq!(V3::variable(1.5, 1).to_string(), "1.5 + [0, 1, 0]ε");
    assert_eq!(
        format!("{:.1}", DualVec64::<2>::new(1.0, [0.5, 2.0])),
        "1.0 + [0.5, 2.0]ε"
    );
}

#[test]
fn f32_and_auto_traits() {
    fn is_send_sync<X: Send + Sync>() {}
    is_send_sync::<Dual64>();
    is_send_sync::<DualVec64<4>>();
    // d/dx x·eˣ = (1 + x) eˣ; at 1: 2e.
    let x = Dual32::variable(1.0);
    assert_relative_eq!(
        (x * x.exp()).eps,
        2.0 * core::f32::consts::E,
        max_relative = 1e-6
    );
}

#[test]
#[should_panic(expected = "out of range")]
fn dual_vec_variable_out_of_range() {
    let _ = V3::variable(1.0, 3);
}
