//! Special functions models need: `lgamma` (`ln |Γ(x)|`, as in Dirichlet, gamma, Student-t
//! and Wishart densities, GradBench's GMM), its derivative `digamma` (`ψ`), and `ψ`'s
//! derivative `trigamma` (`ψ₁`), each an op whose derivative is the next.
//!
//! All three are written with [`Real`] arithmetic only (no libm `lgamma`, which Rust's std
//! does not offer on stable), so they also run on dual numbers: `hvp` of a function with
//! `lgamma` works. For `x > 0` the argument is shifted up to `x ≥ 10` by the recurrences
//! `ln Γ(x) = ln Γ(x + 1) − ln x`, `ψ(x) = ψ(x + 1) − 1/x`, `ψ₁(x) = ψ₁(x + 1) + 1/x²`, then
//! the asymptotic (Stirling) series is summed to its `x⁻¹³` term (truncation error below
//! `4e−17` at `x = 10`); the shifted sums cancel, so the error is about `1e−14` absolute
//! for results of order one and `1e−15` relative for large ones (tests `build_ops.rs`,
//! against tabulated values and the recurrences). For `x < 0` the reflection formulas are used. At the poles
//! `x = 0, −1, −2, …` `lgamma` is `+∞` and `digamma` / `trigamma` are not finite.
//!
//! ```
//! use wengert_ops::elementwise::lgamma;
//! let tape = wengert_tape::Tape::<f64>::new();
//! let x = tape.var(5.0);
//! let y = lgamma(x);                      // ln Γ(5) = ln 24
//! assert!((y.value() - 24f64.ln()).abs() < 1e-14);
//! // d/dx ln Γ(x) = ψ(x); ψ(5) = 1 + 1/2 + 1/3 + 1/4 − γ
//! let want = 1.0 + 0.5 + 1.0 / 3.0 + 0.25 - 0.577_215_664_901_532_9;
//! assert!((tape.backward(y)[x] - want).abs() < 1e-14);
//! ```
use wengert_tape::op::Unary;
use wengert_tape::{Real, Var};

/// How far up the recurrence shifts the argument before the asymptotic series.
const SHIFT_TO: f64 = 10.0;

/// `π` in the element type.
fn pi<T: Real>() -> T {
    T::lit(std::f64::consts::PI)
}

/// `ln |Γ(x)|` for any real `x` (see the [module documentation](self)).
///
/// ```
/// use wengert_ops::elementwise::special::ln_gamma;
/// assert!((ln_gamma(0.5_f64) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
/// ```
pub fn ln_gamma<T: Real>(x: T) -> T {
    if x <= T::zero() && x == x.floor() {
        return T::infinity(); // a pole (sin(πx) is not exactly 0 there in floating point)
    }
    if x < T::lit(0.5) {
        // Γ(x) Γ(1 − x) = π / sin(πx)
        return (pi::<T>() / (pi::<T>() * x).sin().abs()).ln() - ln_gamma(T::one() - x);
    }
    let (mut x, mut prod) = (x, T::one());
    while x < T::lit(SHIFT_TO) {
        prod *= x;
        x += T::one();
    }
    let r = x.recip();
    let r2 = r * r;
    // 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) − 691/(360360x¹¹) + 1/(156x¹³)
    let series = r
        * (T::lit(1.0 / 12.0)
            + r2 * (T::lit(-1.0 / 360.0)
                + r2 * (T::lit(1.0 / 1260.0)
                    + r2 * (T::lit(-1.0 / 1680.0)
                        + r2 * (T::lit(1.0 / 1188.0)
                            + r2 * (T::lit(-691.0 / 360_360.0) + r2 * T::lit(1.0 / 156.0)))))));
    let half_ln_2pi = T::lit(0.918_938_533_204_672_8);
    (x - T::lit(0.5)) * x.ln() - x + half_ln_2pi + series - prod.ln()
}

/// The digamma function `ψ(x) = d/dx ln Γ(x)` for any real `x`.
///
/// ```
/// use wengert_ops::elementwise::special::digamma_of;
/// // ψ(1) = −γ
/// assert!((digamma_of(1.0_f64) + 0.577_215_664_901_532_9).abs() < 1e-14);
/// ```
pub fn digamma_of<T: Real>(x: T) -> T {
    if x <= T::zero() && x == x.floor() {
        return T::nan(); // a pole, approached as +∞ from one side and −∞ from the other
    }
    if x < T::lit(0.5) {
        // ψ(1 − x) − ψ(x) = π / tan(πx)
        return digamma_of(T::one() - x) - pi::<T>() / (pi::<T>() * x).tan();
    }
    let (mut x, mut acc) = (x, T::zero());
    while x < T::lit(SHIFT_TO) {
        acc += x.recip();
        x += T::one();
    }
    let r = x.recip();
    let r2 = r * r;
    // ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰) + 691/(32760x¹²)
    let series = r2
        * (T::lit(-1.0 / 12.0)
            + r2 * (T::lit(1.0 / 120.0)
                + r2 * (T::lit(-1.0 / 252.0)
                    + r2 * (T::lit(1.0 / 240.0)
                        + r2 * (T::lit(-1.0 / 132.0) + r2 * T::lit(691.0 / 32_760.0))))));
    x.ln() - r * T::lit(0.5) + series - acc
}

/// The trigamma function `ψ₁(x) = d/dx ψ(x)` for any real `x`.
///
/// ```
/// use wengert_ops::elementwise::special::trigamma_of;
/// // ψ₁(1) = π²/6
/// assert!((trigamma_of(1.0_f64) - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-14);
/// ```
pub fn trigamma_of<T: Real>(x: T) -> T {
    if x <= T::zero() && x == x.floor() {
        return T::infinity(); // a pole
    }
    if x < T::lit(0.5) {
        // ψ₁(1 − x) + ψ₁(x) = π² / sin²(πx)
        let s = (pi::<T>() * x).sin();
        return pi::<T>() * pi::<T>() / (s * s) - trigamma_of(T::one() - x);
    }
    let (mut x, mut acc) = (x, T::zero());
    while x < T::lit(SHIFT_TO) {
        acc += (x * x).recip();
        x += T::one();
    }
    let r = x.recip();
    let r2 = r * r;
    // 1/x + 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹) + 5/(66x¹¹) − 691/(2730x¹³)
    let series = r
        * r2
        * (T::lit(1.0 / 6.0)
            + r2 * (T::lit(-1.0 / 30.0)
                + r2 * (T::lit(1.0 / 42.0)
                    + r2 * (T::lit(-1.0 / 30.0)
                        + r2 * (T::lit(5.0 / 66.0) + r2 * T::lit(-691.0 / 2730.0))))));
    r + r2 * T::lit(0.5) + series + acc
}

/// `y = ln |Γ(x)|`, `dy/dx = ψ(x)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lgamma;

impl<T: Real> Unary<T> for Lgamma {
    const NAME: &'static str = "lgamma";
    #[inline]
    fn f(x: T) -> T {
        ln_gamma(x)
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        digamma_of(x)
    }
}

/// `y = ψ(x)`, `dy/dx = ψ₁(x)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Digamma;

impl<T: Real> Unary<T> for Digamma {
    const NAME: &'static str = "digamma";
    #[inline]
    fn f(x: T) -> T {
        digamma_of(x)
    }
    #[inline]
    fn df(x: T, _y: T) -> T {
        trigamma_of(x)
    }
}

/// `ln |Γ(x)|` elementwise (scalars and tensors); derivative `ψ(x)`. Not finite at the poles
/// `x = 0, −1, −2, …` (anomaly mode reports it).
///
/// ```
/// use wengert_ops::elementwise::lgamma;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let t = tape.tensor([3], vec![1.0, 2.0, 4.0]);
/// let y = lgamma(t);                  // ln Γ: 0, 0, ln 6
/// assert!((y.to_vec()[2] - 6f64.ln()).abs() < 1e-14);
/// ```
#[track_caller]
#[inline]
pub fn lgamma<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Lgamma>()
}

/// `ψ(x)` elementwise; derivative the trigamma function `ψ₁(x)`.
///
/// ```
/// use wengert_ops::elementwise::digamma;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.var(1.0);
/// let y = digamma(x);                 // ψ(1) = −γ, ψ₁(1) = π²/6
/// assert!((tape.backward(y)[x] - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-14);
/// ```
#[track_caller]
#[inline]
pub fn digamma<T: Real>(x: Var<'_, T>) -> Var<'_, T> {
    x.map::<Digamma>()
}
