//! Tests for [`Dual`] and [`DualVec`]: hand-derived literals, finite-difference property tests
//! for every differentiable [`Float`] method, and `DualVec` ≡ `N` separate `Dual` passes.

use super::*;
use approx::assert_relative_eq;
use proptest::prelude::*;

type D = Dual64;
type V3 = DualVec64<3>;

// ---------------------------------------------------------------------------------------------
// Literal tests (derivatives worked out by hand in the comments).

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

// ---------------------------------------------------------------------------------------------
// Finite-difference property tests.

const H: f64 = 1e-6;

/// Centered difference `(f(x + h) - f(x - h)) / 2h`.
fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    (f(x + H) - f(x - H)) / (2.0 * H)
}

fn assert_close(name: &str, ad: f64, fd: f64) {
    assert!(
        approx::relative_eq!(ad, fd, epsilon = 1e-8, max_relative = 1e-6),
        "{name}: dual {ad} vs finite difference {fd}"
    );
}

/// Seeds for the `DualVec` check: direction k's tangent must be `seed[k]·f'(x)`.
const SEED: [f64; 3] = [1.0, -0.5, 2.0];

/// A unary method with the interval its argument is drawn from.
struct Unary {
    name: &'static str,
    lo: f64,
    hi: f64,
    f: fn(f64) -> f64,
    d: fn(D) -> D,
    v: fn(V3) -> V3,
}

macro_rules! unary {
    ($name:ident, $lo:expr, $hi:expr) => {
        Unary {
            name: stringify!($name),
            lo: $lo,
            hi: $hi,
            f: |x| x.$name(),
            d: |x| x.$name(),
            v: |x| x.$name(),
        }
    };
}

fn unaries() -> Vec<Unary> {
    vec![
        unary!(exp, -10.0, 10.0),
        unary!(exp2, -10.0, 10.0),
        unary!(exp_m1, -10.0, 10.0),
        unary!(ln, 0.05, 10.0),
        unary!(ln_1p, -0.9, 10.0),
        unary!(log2, 0.05, 10.0),
        unary!(log10, 0.05, 10.0),
        unary!(sqrt, 0.05, 10.0),
        unary!(cbrt, 0.05, 10.0),
        unary!(cbrt, -10.0, -0.05),
        unary!(recip, 0.05, 10.0),
        unary!(recip, -10.0, -0.05),
        unary!(sin, -10.0, 10.0),
        unary!(cos, -10.0, 10.0),
        unary!(tan, -1.4, 1.4),
        unary!(asin, -0.95, 0.95),
        unary!(acos, -0.95, 0.95),
        unary!(atan, -10.0, 10.0),
        unary!(sinh, -5.0, 5.0),
        unary!(cosh, -5.0, 5.0),
        unary!(tanh, -5.0, 5.0),
        unary!(asinh, -10.0, 10.0),
        unary!(acosh, 1.05, 10.0),
        unary!(atanh, -0.95, 0.95),
        unary!(abs, 0.01, 10.0),
        unary!(abs, -10.0, -0.01),
        unary!(fract, 0.01, 0.99),
        unary!(fract, -2.99, -2.01),
        unary!(to_degrees, -10.0, 10.0),
        unary!(to_radians, -10.0, 10.0),
        Unary {
            name: "sin_cos.0",
            lo: -10.0,
            hi: 10.0,
            f: |x| x.sin_cos().0,
            d: |x| x.sin_cos().0,
            v: |x| x.sin_cos().0,
        },
        Unary {
            name: "sin_cos.1",
            lo: -10.0,
            hi: 10.0,
            f: |x| x.sin_cos().1,
            d: |x| x.sin_cos().1,
            v: |x| x.sin_cos().1,
        },
    ]
}

/// A binary method `a.f(b)` with the intervals its arguments are drawn from.
struct Binary {
    name: &'static str,
    a: (f64, f64),
    b: (f64, f64),
    f: fn(f64, f64) -> f64,
    d: fn(D, D) -> D,
}

macro_rules! binary {
    ($name:ident, $a:expr, $b:expr) => {
        Binary {
            name: stringify!($name),
            a: $a,
            b: $b,
            f: |a, b| a.$name(b),
            d: |a, b| a.$name(b),
        }
    };
    ($name:literal, $op:tt, $a:expr, $b:expr) => {
        Binary {
            name: $name,
            a: $a,
            b: $b,
            f: |a, b| a $op b,
            d: |a, b| a $op b,
        }
    };
}

fn binaries() -> Vec<Binary> {
    vec![
        binary!(powf, (0.1, 5.0), (-3.0, 3.0)),
        binary!(log, (0.1, 10.0), (1.5, 10.0)),
        binary!(atan2, (0.5, 5.0), (-5.0, 5.0)),
        binary!(atan2, (-5.0, -0.5), (-5.0, 5.0)),
        binary!(hypot, (0.5, 5.0), (-5.0, 5.0)),
        Binary {
            name: "abs_sub",
            a: (2.0, 5.0),
            b: (-5.0, 1.0),
            f: |a, b| (a - b).max(0.0),
            d: Float::abs_sub,
        },
        binary!("add", +, (-5.0, 5.0), (-5.0, 5.0)),
        binary!("sub", -, (-5.0, 5.0), (-5.0, 5.0)),
        binary!("mul", *, (-5.0, 5.0), (-5.0, 5.0)),
        binary!("div", /, (-5.0, 5.0), (0.5, 5.0)),
        binary!("rem", %, (0.1, 0.9), (1.0, 2.0)),
        binary!("rem", %, (5.1, 5.9), (1.0, 1.1)),
    ]
}

fn lerp((lo, hi): (f64, f64), u: f64) -> f64 {
    lo + (hi - lo) * u
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every unary method: `Dual` tangent = centered difference, and each `DualVec`
    /// direction = seed · that tangent.
    #[test]
    fn unary_methods_match_finite_differences(u in 0.0..1.0_f64) {
        for m in unaries() {
            let x = lerp((m.lo, m.hi), u);
            let y = (m.d)(D::variable(x));
            assert_eq!(y.re, (m.f)(x), "{} value", m.name);
            assert_close(m.name, y.eps, central(m.f, x));
            let v = (m.v)(V3::new(x, SEED));
            assert_eq!(v.re, y.re);
            for (vk, sk) in v.eps.into_iter().zip(SEED) {
                assert_relative_eq!(vk, sk * y.eps, max_relative = 1e-15);
            }
        }
    }

    /// Integer powers for every small exponent.
    #[test]
    fn powi_matches_finite_differences(u in 0.0..1.0_f64, n in -6..7_i32) {
        let x = lerp((0.2, 3.0), u);
        let y = D::variable(x).powi(n);
        assert_relative_eq!(y.re, x.powi(n), max_relative = 1e-15);
        assert_close("powi", y.eps, central(|x| x.powi(n), x));
    }

    /// Every binary method: both partial derivatives, and a `DualVec<2>` pass equals the two
    /// `Dual` passes.
    #[test]
    fn binary_methods_match_finite_differences(u in 0.0..1.0_f64, w in 0.0..1.0_f64) {
        for m in binaries() {
            let (a, b) = (lerp(m.a, u), lerp(m.b, w));
            let da = (m.d)(D::variable(a), D::constant(b));
            let db = (m.d)(D::constant(a), D::variable(b));
            assert_eq!(da.re, (m.f)(a, b), "{} value", m.name);
            assert_close(m.name, da.eps, central(|a| (m.f)(a, b), a));
            assert_close(m.name, db.eps, central(|b| (m.f)(a, b), b));
        }
    }

    /// `mul_add`, `max`, `min` and `clamp` (three or more arguments, or selections).
    #[test]
    fn ternary_and_selection(x in -5.0..5.0_f64, a in -5.0..5.0_f64, b in -5.0..5.0_f64) {
        let f = |x: f64, a: f64, b: f64| x.mul_add(a, b);
        let g = |dx, da, db| D::new(x, dx).mul_add(D::new(a, da), D::new(b, db)).eps;
        assert_close("mul_add/x", g(1.0, 0.0, 0.0), central(|x| f(x, a, b), x));
        assert_close("mul_add/a", g(0.0, 1.0, 0.0), central(|a| f(x, a, b), a));
        assert_close("mul_add/b", g(0.0, 0.0, 1.0), central(|b| f(x, a, b), b));
        prop_assume!((x - a).abs() > 1e-3 && (x - b).abs() > 1e-3 && (a - b).abs() > 1e-3);
        assert_close("max", D::variable(x).max(D::constant(a)).eps, central(|x| x.max(a), x));
        assert_close("min", D::variable(x).min(D::constant(a)).eps, central(|x| x.min(a), x));
        let (lo, hi) = (a.min(b), a.max(b));
        let c = D::variable(x).clamp(D::constant(lo), D::constant(hi));
        assert_close("clamp", c.eps, central(|x| x.clamp(lo, hi), x));
    }

    /// A composite expression over three inputs: one `DualVec<3>` pass equals three `Dual`
    /// passes, and both match finite differences.
    #[test]
    fn dual_vec_equals_separate_dual_passes(
        x in 0.5..3.0_f64,
        y in -2.0..2.0_f64,
        z in 0.5..3.0_f64,
    ) {
        fn f<F: Float>(x: F, y: F, z: F) -> F {
            let t = (x * y).sin() + x.powf(z) / (F::one() + y * y).sqrt();
            t.atan2(z) * (y.tanh() - x.ln()).exp() + z.hypot(y) % (x + F::one())
        }
        let v = f(V3::variable(x, 0), V3::variable(y, 1), V3::variable(z, 2));
        let dx = f(D::variable(x), D::constant(y), D::constant(z));
        let dy = f(D::constant(x), D::variable(y), D::constant(z));
        let dz = f(D::constant(x), D::constant(y), D::variable(z));
        assert_eq!(v.re, f(x, y, z));
        for (k, d) in [dx, dy, dz].into_iter().enumerate() {
            assert_eq!(d.re, v.re);
            assert_relative_eq!(v.eps[k], d.eps, max_relative = 1e-14, epsilon = 1e-14);
        }
        // `%` jumps where z.hypot(y) / (x + 1) crosses an integer; skip those neighbourhoods.
        let q = z.hypot(y) / (x + 1.0);
        prop_assume!((q - q.round()).abs() > 1e-3);
        assert_close("composite/x", dx.eps, central(|x| f(x, y, z), x));
        assert_close("composite/y", dy.eps, central(|y| f(x, y, z), y));
        assert_close("composite/z", dz.eps, central(|z| f(x, y, z), z));
    }
}
