//! Finite-difference property tests for every differentiable [`Float`] method of [`Dual`], and
//! `DualVec` ≡ `N` separate `Dual` passes.

use approx::assert_relative_eq;
use num_traits::Float;
use proptest::prelude::*;

use super::{Dual64, DualVec64};

type D = Dual64;
type V2 = DualVec64<2>;
type V3 = DualVec64<3>;

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
    v: fn(V2, V2) -> V2,
}

macro_rules! binary {
    ($name:ident, $a:expr, $b:expr) => {
        Binary {
            name: stringify!($name),
            a: $a,
            b: $b,
            f: |a, b| a.$name(b),
            d: |a, b| a.$name(b),
            v: |a, b| a.$name(b),
        }
    };
    ($name:literal, $op:tt, $a:expr, $b:expr) => {
        Binary {
            name: $name,
            a: $a,
            b: $b,
            f: |a, b| a $op b,
            d: |a, b| a $op b,
            v: |a, b| a $op b,
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
            v: Float::abs_sub,
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
            let v = (m.v)(V2::new(a, [1.0, 0.0]), V2::new(b, [0.0, 1.0]));
            assert_eq!(v.re, da.re, "{} value", m.name);
            assert_relative_eq!(v.eps[0], da.eps, max_relative = 1e-15);
            assert_relative_eq!(v.eps[1], db.eps, max_relative = 1e-15);
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
