//! Parameterised and binary elementwise ops: `powi`, `powf`, `pow`, `maximum`, `minimum`,
//! `clamp`: literals, finite differences, broadcasting, ties, errors, scalar = tensor path.
use approx::{assert_relative_eq, relative_eq};
use proptest::prelude::*;
use wengert_ops::elementwise as ew;
use wengert_ops::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{ErrorKind, Tape, Tensor, Var};

type Bin = for<'t> fn(Var<'t, f64>, Var<'t, f64>) -> Var<'t, f64>;

/// Value and partial derivatives of a binary op on scalar `Var`s.
fn scalar2(
    op: for<'t> fn(Var<'t, f64>, Var<'t, f64>) -> Var<'t, f64>,
    a: f64,
    b: f64,
) -> (f64, f64, f64) {
    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    let y = op(va, vb);
    let g = tape.backward(y);
    (y.value(), g[va], g[vb])
}

#[test]
fn powi_literals() {
    let tape = Tape::<f64>::new();
    let x = tape.var(-1.5);
    // x³ = −3.375, d = 3x² = 6.75
    let y = x.powi(3);
    assert_eq!((y.value(), tape.backward(y)[x]), (-3.375, 6.75));
    // x⁻² = 1/2.25, d = −2x⁻³ = −2/(−3.375)
    let y = x.powi(-2);
    assert_relative_eq!(y.value(), 1.0 / 2.25, max_relative = 1e-15);
    assert_relative_eq!(tape.backward(y)[x], 2.0 / 3.375, max_relative = 1e-15);
    // x⁰ = 1 with derivative 0, even at x = 0 (not 0·0⁻¹ = NaN)
    let z = tape.var(0.0);
    let y = z.powi(0);
    assert_eq!((y.value(), tape.backward(y)[z]), (1.0, 0.0));
    // x¹ at 0: derivative 1·0⁰ = 1
    let y = z.powi(1);
    assert_eq!(tape.backward(y)[z], 1.0);
}

#[test]
fn powf_literals() {
    let tape = Tape::<f64>::new();
    let x = tape.var(2.25);
    // x^1.5 = 3.375, d = 1.5 x^0.5 = 2.25
    let y = x.powf(1.5);
    assert_relative_eq!(y.value(), 3.375, max_relative = 1e-15);
    assert_relative_eq!(tape.backward(y)[x], 2.25, max_relative = 1e-15);
    // x^−0.5 = 2/3, d = −0.5 x^−1.5 = −0.5/3.375
    let y = ew::powf(x, -0.5);
    assert_relative_eq!(y.value(), 2.0 / 3.0, max_relative = 1e-15);
    assert_relative_eq!(tape.backward(y)[x], -0.5 / 3.375, max_relative = 1e-15);
    // p = 0: constant 1, derivative 0 also at x = 0
    let z = tape.var(0.0);
    let y = z.powf(0.0);
    assert_eq!((y.value(), tape.backward(y)[z]), (1.0, 0.0));
}

#[test]
fn pow_literals() {
    // y = aᵇ; ∂a = b aᵇ⁻¹, ∂b = aᵇ ln a. At (2, 3): 8, 12, 8 ln 2.
    let (y, da, db) = scalar2(ew::pow, 2.0, 3.0);
    assert_eq!((y, da), (8.0, 12.0));
    assert_relative_eq!(db, 8.0 * 2f64.ln(), max_relative = 1e-15);
    // At (0.5, −1): 2, −1·0.5⁻² = −4, 2 ln 0.5
    let (y, da, db) = scalar2(ew::pow, 0.5, -1.0);
    assert_eq!((y, da), (2.0, -4.0));
    assert_relative_eq!(db, 2.0 * 0.5f64.ln(), max_relative = 1e-15);
    // JAX's conventions at the edges: ∂b = 0 at a = 0, ∂a = 0 at b = 0.
    assert_eq!(scalar2(ew::pow, 0.0, 2.0), (0.0, 0.0, 0.0));
    assert_eq!(scalar2(ew::pow, 0.0, 0.0), (1.0, 0.0, 0.0));
    // pow agrees with powf when the exponent is constant
    let tape = Tape::<f64>::new();
    let x = tape.var(1.7);
    let (a, b) = (x.pow(tape.constant(2.5)), x.powf(2.5));
    assert_eq!(a.value(), b.value());
    assert_eq!(tape.backward(a)[x], tape.backward(b)[x]);
}

#[test]
fn maximum_minimum_literals_and_ties() {
    // max: gradient to the larger; min: to the smaller.
    assert_eq!(scalar2(ew::maximum, 1.0, 2.0), (2.0, 0.0, 1.0));
    assert_eq!(scalar2(ew::maximum, 3.0, 2.0), (3.0, 1.0, 0.0));
    assert_eq!(scalar2(ew::minimum, 1.0, 2.0), (1.0, 1.0, 0.0));
    assert_eq!(scalar2(ew::minimum, 3.0, 2.0), (2.0, 0.0, 1.0));
    // Ties: the whole gradient to the first argument (documented choice).
    assert_eq!(scalar2(ew::maximum, 2.0, 2.0), (2.0, 1.0, 0.0));
    assert_eq!(scalar2(ew::minimum, 2.0, 2.0), (2.0, 1.0, 0.0));
    // A NaN operand is ignored, as by f64::max / f64::min.
    assert_eq!(scalar2(ew::maximum, 1.0, f64::NAN), (1.0, 1.0, 0.0));
    assert_eq!(scalar2(ew::minimum, f64::NAN, 1.0), (1.0, 0.0, 1.0));
}

#[test]
fn clamp_literals() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([5], vec![-3.0, -1.0, 0.2, 1.0, 4.0]);
    let y = x.clamp(-1.0, 1.0);
    assert_eq!(y.to_vec(), [-1.0, -1.0, 0.2, 1.0, 1.0]);
    // derivative 1 inside [lo, hi] with the bounds included, 0 outside
    assert_eq!(
        tape.backward(y.sum_all()).wrt(x),
        &[0.0, 1.0, 1.0, 1.0, 0.0]
    );
    // scalar path
    let s = tape.var(5.0);
    let y = s.clamp(0.0, 2.0);
    assert_eq!((y.value(), tape.backward(y)[s]), (2.0, 0.0));
    // one-sided clamps with infinite bounds, and lo = hi
    let s = tape.var(-5.0);
    let y = ew::clamp(s, 0.0, f64::INFINITY);
    assert_eq!((y.value(), tape.backward(y)[s]), (0.0, 0.0));
    let y = s.clamp(f64::NEG_INFINITY, 0.0);
    assert_eq!((y.value(), tape.backward(y)[s]), (-5.0, 1.0));
    let y = s.clamp(-5.0, -5.0);
    assert_eq!((y.value(), tape.backward(y)[s]), (-5.0, 1.0));
    // NaN propagates
    assert!(tape.var(f64::NAN).clamp(0.0, 1.0).value().is_nan());
}

#[test]
fn broadcasting() {
    // (2, 3) ∘ (3): the (3) operand's gradient sums over the broadcast rows.
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 3], vec![1.0, 5.0, 3.0, 4.0, 2.0, 6.0]);
    let b = tape.tensor([3], vec![2.0, 3.0, 4.0]);
    let y = a.maximum(b);
    assert_eq!(y.shape().dims(), &[2, 3]);
    assert_eq!(y.to_vec(), [2.0, 5.0, 4.0, 4.0, 3.0, 6.0]);
    let g = tape.backward(y.sum_all());
    assert_eq!(g.wrt(a), &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    assert_eq!(g.wrt(b), &[1.0, 1.0, 1.0]);

    let y = a.minimum(b);
    assert_eq!(y.to_vec(), [1.0, 3.0, 3.0, 2.0, 2.0, 4.0]);
    let g = tape.backward(y.sum_all());
    assert_eq!(g.wrt(a), &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    assert_eq!(g.wrt(b), &[1.0, 1.0, 1.0]);

    // ties between a tensor and a broadcast scalar go to the first operand
    let (t, c) = (tape.tensor([3], vec![2.0, 1.0, 2.0]), tape.var(2.0));
    let g = tape.backward(t.maximum(c).sum_all());
    assert_eq!((g.wrt(t), g[c]), (&[1.0, 0.0, 1.0][..], 1.0));
    let g = tape.backward(c.maximum(t).sum_all());
    assert_eq!((g.wrt(t), g[c]), (&[0.0, 0.0, 0.0][..], 3.0));

    // tensor ^ scalar Var: Σ aᵢʲ with ∂p = Σ aᵢᵖ ln aᵢ
    let p = tape.var(2.0);
    let y = a.pow(p).sum_all();
    let g = tape.backward(y);
    let want: f64 = [1.0f64, 5.0, 3.0, 4.0, 2.0, 6.0]
        .iter()
        .map(|a| a * a * a.ln())
        .sum();
    assert_relative_eq!(g[p], want, max_relative = 1e-14);
    assert_eq!(g.wrt(a), &[2.0, 10.0, 6.0, 8.0, 4.0, 12.0]);

    // column (2, 1) ∘ row (3) -> (2, 3)
    let c = tape.tensor([2, 1], vec![0.5, 2.0]);
    let y = c.pow(b);
    assert_eq!(y.shape().dims(), &[2, 3]);
    assert_eq!(y.to_vec(), [0.25, 0.125, 0.0625, 4.0, 8.0, 16.0]);
}

#[test]
fn errors_name_the_op_and_the_caller() {
    let tape = Tape::<f64>::new();
    let (a, b) = (
        tape.tensor([2], vec![1.0; 2]),
        tape.tensor([3], vec![1.0; 3]),
    );
    for (err, op) in [
        (a.try_pow(b).unwrap_err(), "pow"),
        (a.try_maximum(b).unwrap_err(), "maximum"),
        (ew::try_minimum(a, b).unwrap_err(), "minimum"),
    ] {
        assert!(matches!(err.kind(), ErrorKind::Broadcast { op: o, .. } if *o == op));
        assert!(err
            .location()
            .unwrap()
            .file()
            .ends_with("elementwise_binary.rs"));
    }
    let err = a.try_clamp(1.0, 0.0).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidArgument { op: "clamp", .. }
    ));
    assert!(err
        .location()
        .unwrap()
        .file()
        .ends_with("elementwise_binary.rs"));
    assert!(a.try_clamp(f64::NAN, 0.0).is_err());
}

#[test]
#[should_panic(expected = "elementwise_binary.rs")]
fn clamp_panics_at_the_caller() {
    let tape = Tape::<f64>::new();
    let _ = tape.var(0.0).clamp(2.0, 1.0);
}

#[test]
#[should_panic(expected = "elementwise_binary.rs")]
fn maximum_panics_on_bad_shapes() {
    let tape = Tape::<f64>::new();
    let (a, b) = (
        tape.tensor([2], vec![1.0; 2]),
        tape.tensor([3], vec![1.0; 3]),
    );
    let _ = a.maximum(b);
}

#[test]
fn f32_smoke() {
    let tape = Tape::<f32>::new();
    let x = tape.tensor([3], vec![0.5f32, 1.5, 2.0]);
    let p = tape.var(1.5f32);
    let y = (x.powi(2) + x.powf(0.5) + x.pow(p) + x.maximum(p) + x.minimum(p) + x.clamp(1.0, 1.8))
        .sum_all();
    let g = tape.backward(y);
    for (i, &x0) in [0.5f64, 1.5, 2.0].iter().enumerate() {
        let want = 2.0 * x0
            + 0.5 / x0.sqrt()
            + 1.5 * x0.sqrt()
            + if x0 >= 1.5 { 1.0 } else { 0.0 }
            + if x0 <= 1.5 { 1.0 } else { 0.0 }
            + if (1.0..=1.8).contains(&x0) { 1.0 } else { 0.0 };
        assert_relative_eq!(f64::from(g.wrt(x)[i]), want, max_relative = 1e-5);
    }
}

/// `u ∈ [0, 1)` into `[lo, hi)`.
fn lerp(u: f64, lo: f64, hi: f64) -> f64 {
    lo + u * (hi - lo)
}

fn apart(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b.iter().cycle())
        .all(|(x, y)| (x - y).abs() > 1e-3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn powi_powf_finite_differences(us in prop::collection::vec(0.0..1.0f64, 4), n in -3i32..5,
                                    p in -2.0..3.0f64) {
        // powi: any sign of x, away from 0 for negative n
        let xs: Vec<f64> = us.iter().enumerate()
            .map(|(i, &u)| if i % 2 == 0 { lerp(u, 0.2, 3.0) } else { -lerp(u, 0.2, 3.0) })
            .collect();
        gradcheck(|_, v| v[0].powi(n), &[Tensor::scalar(xs[0])]).unwrap();
        gradcheck(|_, v| v[0].powi(n), &[Tensor::new([4], xs.clone())]).unwrap();
        // powf: x > 0
        let xs: Vec<f64> = us.iter().map(|&u| lerp(u, 0.1, 5.0)).collect();
        gradcheck(|_, v| v[0].powf(p), &[Tensor::scalar(xs[0])]).unwrap();
        gradcheck(move |_, v| ew::powf(v[0], p), &[Tensor::new([2, 2], xs.clone())]).unwrap();
    }

    #[test]
    fn pow_finite_differences(ua in prop::collection::vec(0.0..1.0f64, 6),
                              ub in prop::collection::vec(0.0..1.0f64, 3)) {
        let a: Vec<f64> = ua.iter().map(|&u| lerp(u, 0.1, 4.0)).collect();
        let b: Vec<f64> = ub.iter().map(|&u| lerp(u, -2.0, 3.0)).collect();
        gradcheck(|_, v| v[0].pow(v[1]), &[Tensor::scalar(a[0]), Tensor::scalar(b[0])]).unwrap();
        // same shape, broadcast (2, 3) ∘ (3), and tensor ∘ rank-0
        gradcheck(|_, v| v[0].pow(v[1]), &[Tensor::new([3], a[..3].to_vec()), Tensor::new([3], b.clone())]).unwrap();
        gradcheck(|_, v| v[0].pow(v[1]), &[Tensor::new([2, 3], a.clone()), Tensor::new([3], b.clone())]).unwrap();
        gradcheck(|_, v| ew::pow(v[1], v[0]),
                  &[Tensor::scalar(b[0] + 2.5), Tensor::new([2, 3], a.clone())]).unwrap();
    }

    #[test]
    fn maximum_minimum_finite_differences(ua in prop::collection::vec(-3.0..3.0f64, 6),
                                          ub in prop::collection::vec(-3.0..3.0f64, 3)) {
        prop_assume!(apart(&ua, &ub));
        for op in [ew::maximum as Bin, ew::minimum] {
            gradcheck(|_, v| op(v[0], v[1]), &[Tensor::scalar(ua[0]), Tensor::scalar(ub[0])]).unwrap();
            gradcheck(|_, v| op(v[0], v[1]), &[Tensor::new([3], ua[..3].to_vec()), Tensor::new([3], ub.clone())]).unwrap();
            gradcheck(|_, v| op(v[0], v[1]), &[Tensor::new([2, 3], ua.clone()), Tensor::new([3], ub.clone())]).unwrap();
            gradcheck(|_, v| op(v[1], v[0]), &[Tensor::new([2, 3], ua.clone()), Tensor::new([3], ub.clone())]).unwrap();
        }
    }

    #[test]
    fn clamp_finite_differences(us in prop::collection::vec(-3.0..3.0f64, 5), lo in -2.0..0.0f64,
                                width in 0.1..2.0f64) {
        let hi = lo + width;
        prop_assume!(apart(&us, &[lo]) && apart(&us, &[hi]));
        gradcheck(|_, v| v[0].clamp(lo, hi), &[Tensor::scalar(us[0])]).unwrap();
        gradcheck(|_, v| v[0].clamp(lo, hi), &[Tensor::new([5], us.clone())]).unwrap();
    }

    #[test]
    fn scalar_path_equals_tensor_path(a in -3.0..3.0f64, b in -3.0..3.0f64, n in -3i32..5) {
        let pa = a.abs() + 0.1;
        let cases: [(Bin, f64, f64); 4] = [
            (ew::pow, pa, b),
            (ew::maximum, a, b),
            (ew::minimum, a, b),
            (|x, y| x.powi(3) + x.powf(1.5) * y + x.clamp(0.5, 1.5) * y, pa, b),
        ];
        for (op, a, b) in cases {
            let (y, da, db) = scalar2(op, a, b);
            let tape = Tape::new();
            let (ta, tb) = (tape.tensor([1], vec![a]), tape.tensor([1], vec![b]));
            let yt = op(ta, tb);
            let g = tape.backward(yt);
            // Values agree bit for bit; derivatives to rounding, because the scalar path
            // multiplies a chain's partials at record time (folding), in another order. The
            // rounding is relative to the terms (of order 1 to 10 here), not to their sum,
            // which can cancel to near 0: hence the absolute bound beside the relative one.
            prop_assert_eq!(y.to_bits(), yt.value().to_bits());
            prop_assert!(relative_eq!(da, g.wrt(ta)[0], epsilon = 1e-12, max_relative = 1e-14));
            prop_assert!(relative_eq!(db, g.wrt(tb)[0], epsilon = 1e-12, max_relative = 1e-14));
        }
        let tape = Tape::new();
        let (s, t) = (tape.var(a), tape.tensor([], vec![a]));
        let (ys, yt) = (s.powi(n), t.powi(n));
        prop_assume!(ys.value().is_finite());
        prop_assert_eq!(ys.value(), yt.value());
        prop_assert!(relative_eq!(tape.backward(ys)[s], tape.backward(yt)[t], epsilon = 1e-12, max_relative = 1e-14));
    }
}
