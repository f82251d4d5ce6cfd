//! The activations at large `|x|` in f32 and f64 (values and derivatives finite and right on
//! the scalar path, which shares one `exp` between value and derivative, and on the tensor
//! path), and the shared-`exp` derivative against the plain formulas.
use proptest::prelude::*;
use wengert_ops::elementwise::{self as ew, LogSigmoid, Softplus};
use wengert_tape::op::Unary;
use wengert_tape::{Real, Tape, Var};

/// Value and derivative of `op` at `x` on the scalar path and on a one-element tensor.
fn both<T: Real>(op: for<'t> fn(Var<'t, T>) -> Var<'t, T>, x: T) -> [(T, T); 2] {
    let tape = Tape::<T>::new();
    let v = tape.var(x);
    let y = op(v);
    let s = (y.value(), tape.backward(y)[v]);
    let tape = Tape::<T>::new();
    let v = tape.tensor([1], vec![x]);
    let y = op(v);
    let t = (y.to_vec()[0], tape.backward(y.sum_all()).wrt(v)[0]);
    [s, t]
}

/// At ±1e3 (and ±1e4 for f32's range) every logistic-family value and derivative is the
/// limit: softplus → (max(x, 0), step), log σ → (min(x, 0), step), σ → (step, 0), tanh →
/// (±1, 0). The naive `ln(1 + eˣ)` gives ∞ at 1e3 in both widths.
fn tails<T: Real>() {
    let (z, o) = (T::zero(), T::one());
    for big in [T::lit(1e3), T::lit(1e4)] {
        for (y, d) in both(ew::softplus, big) {
            assert_eq!((y, d), (big, o));
        }
        for (y, d) in both(ew::softplus, -big) {
            assert_eq!((y, d), (z, z));
        }
        for (y, d) in both(ew::log_sigmoid, big) {
            assert_eq!((y, d), (z, z));
        }
        for (y, d) in both(ew::log_sigmoid, -big) {
            assert_eq!((y, d), (-big, o));
        }
        for (y, d) in both(ew::sigmoid, big) {
            assert_eq!((y, d), (o, z));
        }
        for (y, d) in both(ew::sigmoid, -big) {
            assert_eq!((y, d), (z, z));
        }
        for (y, d) in both(ew::tanh, big) {
            assert_eq!((y, d), (o, z));
        }
        for (y, d) in both(ew::tanh, -big) {
            assert_eq!((y, d), (-o, z));
        }
    }
}

#[test]
fn logistic_family_limits_at_1e3_f64() {
    tails::<f64>();
}

#[test]
fn logistic_family_limits_at_1e3_f32() {
    tails::<f32>();
}

#[test]
fn softplus_tails_keep_relative_accuracy_f32() {
    // softplus(−80) = ln(1 + e⁻⁸⁰) ≈ e⁻⁸⁰ (about 1.8e−35, a normal f32), derivative
    // σ(−80) = e⁻⁸⁰/(1 + e⁻⁸⁰) ≈ e⁻⁸⁰: both to a few ulp, not flushed to 0.
    let want = (-80.0f64).exp() as f32;
    for (y, d) in both(ew::softplus, -80.0f32) {
        assert!((y / want - 1.0).abs() < 1e-6, "{y}");
        assert!((d / want - 1.0).abs() < 1e-6, "{d}");
    }
    // log σ(80) = −ln(1 + e⁻⁸⁰) ≈ −e⁻⁸⁰, derivative σ(−80) ≈ e⁻⁸⁰.
    for (y, d) in both(ew::log_sigmoid, 80.0f32) {
        assert!((y / -want - 1.0).abs() < 1e-6, "{y}");
        assert!((d / want - 1.0).abs() < 1e-6, "{d}");
    }
}

#[test]
fn literal_softplus_shared_exp() {
    // softplus(2) = ln(1 + e²); d/dx = e²/(1 + e²) = 1/(1 + e⁻²) (from e = e⁻|ˣ| = e⁻²).
    let (y, d) = Softplus::f_df(2.0_f64);
    assert!((y - (1.0 + 2f64.exp()).ln()).abs() < 1e-15);
    assert!((d - 1.0 / (1.0 + (-2f64).exp())).abs() < 1e-16);
    // At x = −2: d/dx = e⁻²/(1 + e⁻²).
    let (_, d) = Softplus::f_df(-2.0_f64);
    assert!((d - (-2f64).exp() / (1.0 + (-2f64).exp())).abs() < 1e-16);
    // log σ(2) = −ln(1 + e⁻²); d/dx = σ(−2) = e⁻²/(1 + e⁻²).
    let (y, d) = LogSigmoid::f_df(2.0_f64);
    assert!((y + (-2f64).exp().ln_1p()).abs() < 1e-16);
    assert!((d - (-2f64).exp() / (1.0 + (-2f64).exp())).abs() < 1e-16);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `f_df` (the scalar path) equals `(f, df)` (the tensor path) bit for bit, and the
    /// derivative equals σ(x) (resp. σ(−x)) computed the plain way to 2 ulp.
    #[test]
    fn f_df_is_f_and_df(x in -60.0f64..60.0) {
        for (f_df, f, df, want) in [
            (Softplus::f_df as fn(f64) -> (f64, f64), <Softplus as Unary<f64>>::f as fn(f64) -> f64,
             <Softplus as Unary<f64>>::df as fn(f64, f64) -> f64, 1.0 / (1.0 + (-x).exp())),
            (LogSigmoid::f_df, <LogSigmoid as Unary<f64>>::f, <LogSigmoid as Unary<f64>>::df,
             1.0 / (1.0 + x.exp())),
        ] {
            let (y, d) = f_df(x);
            prop_assert_eq!(y.to_bits(), f(x).to_bits());
            prop_assert_eq!(d.to_bits(), df(x, y).to_bits());
            prop_assert!((d - want).abs() <= 4.0 * f64::EPSILON * want.abs().max(f64::MIN_POSITIVE));
        }
    }

    /// Finite differences on the scalar path (central, h = 1e−6) for softplus and log σ.
    #[test]
    fn scalar_path_matches_finite_differences(x in -30.0f64..30.0) {
        for op in [ew::softplus as for<'t> fn(Var<'t, f64>) -> Var<'t, f64>, ew::log_sigmoid] {
            let [(_, d), _] = both(op, x);
            let h = 1e-6;
            let f = |x: f64| { let t = Tape::new(); op(t.var(x)).value() };
            let fd = (f(x + h) - f(x - h)) / (2.0 * h);
            prop_assert!((d - fd).abs() < 1e-7, "{} vs {}", d, fd);
        }
    }
}
