//! Softmax and log-softmax: literal tests (hand-derived derivatives in the comments),
//! stability for entries of magnitude 1e4 with β up to 1e3, finite-difference checks over
//! random shapes and axes, and invariances (rows sum to one, shift invariance,
//! log_softmax = ln softmax).
use approx::assert_abs_diff_eq;
use proptest::prelude::*;
use wengert_ops::prelude::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{ErrorKind, Tape};

mod common;
use common::{close, tensor_and_axis};

/// The softmax of one lane, computed naively (fine for small entries).
fn naive_softmax(v: &[f64]) -> Vec<f64> {
    let z: f64 = v.iter().map(|x| x.exp()).sum();
    v.iter().map(|x| x.exp() / z).collect()
}

#[test]
fn softmax_literal() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![0.0, 1.0, 2.0]);
    let y = x.softmax(Axis(0));
    let p = naive_softmax(&[0.0, 1.0, 2.0]);
    close(&y.to_vec(), &p, 1e-15);
    // ∂yⱼ/∂xₖ = pⱼ([j = k] − pₖ); with cotangent c: x̄ₖ = pₖ (cₖ − Σⱼ cⱼ pⱼ)
    let c = [1.0, -2.0, 0.5];
    let cp: f64 = c.iter().zip(&p).map(|(a, b)| a * b).sum();
    let want: Vec<f64> = (0..3).map(|k| p[k] * (c[k] - cp)).collect();
    close(tape.vjp(y, &c).wrt(x), &want, 1e-15);
}

#[test]
fn log_softmax_literal() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![0.0, 1.0, 2.0]);
    let y = x.log_softmax(Axis(0));
    let p = naive_softmax(&[0.0, 1.0, 2.0]);
    close(
        &y.to_vec(),
        &p.iter().map(|v| v.ln()).collect::<Vec<_>>(),
        1e-15,
    );
    // yⱼ = xⱼ − ln Σ eˣ  =>  ∂yⱼ/∂xₖ = [j = k] − pₖ; x̄ₖ = cₖ − pₖ Σⱼ cⱼ
    let c = [1.0, -2.0, 0.5];
    let want: Vec<f64> = (0..3).map(|k| c[k] - p[k] * -0.5).collect();
    close(tape.vjp(y, &c).wrt(x), &want, 1e-15);
}

#[test]
fn softmax_along_the_middle_axis() {
    let tape = Tape::<f64>::new();
    // Shape (2, 2, 2): lanes along axis 1 are x[o, 0, i], x[o, 1, i].
    let v = vec![0.0, 1.0, 1.0, 3.0, -1.0, 2.0, 2.0, 2.0];
    let x = tape.tensor([2, 2, 2], v.clone());
    let y = x.softmax(Axis(1)).to_vec();
    for o in 0..2 {
        for i in 0..2 {
            let (a, b) = (4 * o + i, 4 * o + 2 + i);
            let p = naive_softmax(&[v[a], v[b]]);
            assert_abs_diff_eq!(y[a], p[0], epsilon = 1e-15);
            assert_abs_diff_eq!(y[b], p[1], epsilon = 1e-15);
        }
    }
}

#[test]
fn beta_scales_the_input() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![0.1, 0.4, -0.2, 1.0, 0.0, 0.5]);
    let beta = 2.5;
    let a = x.softmax_beta(Axis(1), beta);
    let b = (x * beta).softmax(Axis(1));
    close(&a.to_vec(), &b.to_vec(), 1e-15);
    // d softmax(βx)/dx = β · (softmax Jacobian at βx)
    let c = [0.3, -1.0, 2.0, 1.0, 0.0, -0.5];
    close(tape.vjp(a, &c).wrt(x), tape.vjp(b, &c).wrt(x), 1e-14);
    let a = x.log_softmax_beta(Axis(0), beta);
    let b = (x * beta).log_softmax(Axis(0));
    close(&a.to_vec(), &b.to_vec(), 1e-15);
    close(tape.vjp(a, &c).wrt(x), tape.vjp(b, &c).wrt(x), 1e-14);
}

#[test]
fn stable_for_entries_of_magnitude_1e4_and_beta_1e3() {
    let tape = Tape::<f64>::new();
    let v = vec![1e4, -1e4, 1e4 - 1e-3, 5e3];
    let x = tape.tensor([4], v);
    // softmax(1e3 x): the shifted exponents are 0, −2e7, −1, −5e6.
    let y = x.softmax_beta(Axis(0), 1e3);
    let z = 1.0 + (-1f64).exp();
    let p = [1.0 / z, 0.0, (-1f64).exp() / z, 0.0];
    close(&y.to_vec(), &p, 1e-9);
    let c = [1.0, 2.0, -1.0, 0.5];
    let g = tape.vjp(y, &c).to_vec(x);
    let cp: f64 = c.iter().zip(&p).map(|(a, b)| a * b).sum();
    let want: Vec<f64> = (0..4).map(|k| 1e3 * p[k] * (c[k] - cp)).collect();
    assert!(g.iter().all(|v| v.is_finite()));
    close(&g, &want, 1e-5); // entries ~ 1e3; the 1e-3 gap is known to ~1e-12 relative

    let y = x.log_softmax_beta(Axis(0), 1e3);
    let ly = y.to_vec();
    assert_abs_diff_eq!(ly[0], -z.ln(), epsilon = 1e-8);
    assert_abs_diff_eq!(ly[1], -2e7 - z.ln(), epsilon = 1e-3);
    assert!(ly.iter().all(|v| v.is_finite())); // ln(softmax) would give −∞ here
    let g = tape.vjp(y, &c).to_vec(x);
    let csum: f64 = c.iter().sum();
    let want: Vec<f64> = (0..4).map(|k| 1e3 * (c[k] - p[k] * csum)).collect();
    close(&g, &want, 1e-5);

    let y = x.softmax(Axis(0)).to_vec();
    let z1 = 1.0 + (-1e-3f64).exp();
    close(&y, &[1.0 / z1, 0.0, (-1e-3f64).exp() / z1, 0.0], 1e-12);
}

#[test]
fn errors_for_bad_axes_and_betas() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![0.0; 6]);
    let e = x.try_softmax(Axis(2)).unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::InvalidArgument { op: "softmax", .. }
    ));
    assert!(
        e.to_string()
            .contains("axis 2 is out of range for a tensor of shape [2, 3]"),
        "{e}"
    );
    assert_eq!(e.location().unwrap().file(), file!());
    assert!(x.try_log_softmax(Axis(7)).is_err());
    assert!(tape.var(1.0).try_softmax(Axis(0)).is_err());
    for beta in [0.0, -2.0, f64::NAN, f64::NEG_INFINITY] {
        let e = x.try_softmax_beta(Axis(0), beta).unwrap_err();
        assert!(
            e.to_string()
                .contains("softmax_beta: β must be finite and > 0"),
            "{e}"
        );
        assert!(x.try_log_softmax_beta(Axis(1), beta).is_err());
    }
    // Empty lanes are fine: there is nothing to normalise.
    let e = tape.tensor([2, 0], vec![]);
    assert_eq!(e.softmax(Axis(1)).shape().dims(), &[2, 0]);
}

#[test]
#[should_panic(expected = "log_softmax_beta: β must be finite and > 0, got -1")]
fn log_softmax_beta_panics_on_negative_beta() {
    let tape = Tape::<f64>::new();
    let _ = tape
        .tensor([2], vec![1.0, 2.0])
        .log_softmax_beta(Axis(0), -1.0);
}

/// Sums of `y` along `axis` of a tensor of shape `dims`.
fn lane_sums(y: &[f64], dims: &[usize], axis: usize) -> Vec<f64> {
    let inner: usize = dims[axis + 1..].iter().product();
    let outer: usize = dims[..axis].iter().product();
    let mut s = vec![0.0; outer * inner];
    for (j, v) in y.iter().enumerate() {
        let (o, i) = (j / (dims[axis] * inner), j % inner);
        s[o * inner + i] += v;
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn softmax_gradcheck((x, a) in tensor_and_axis(), beta in 0.1f64..4.0) {
        let ax = Axis(a);
        gradcheck(|_, v| v[0].softmax(ax), std::slice::from_ref(&x)).unwrap();
        gradcheck(|_, v| v[0].log_softmax(ax), std::slice::from_ref(&x)).unwrap();
        gradcheck(move |_, v| v[0].softmax_beta(ax, beta), std::slice::from_ref(&x)).unwrap();
        gradcheck(move |_, v| v[0].log_softmax_beta(ax, beta), &[x]).unwrap();
    }

    #[test]
    fn softmax_sums_to_one_and_is_shift_invariant((x, a) in tensor_and_axis(), c in -1e3f64..1e3) {
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        let y = t.softmax(Axis(a)).to_vec();
        prop_assert!(y.iter().all(|&p| (0.0..=1.0).contains(&p)));
        for s in lane_sums(&y, x.shape().dims(), a) {
            assert_abs_diff_eq!(s, 1.0, epsilon = 1e-12);
        }
        let ys = (t + c).softmax(Axis(a)).to_vec();
        close(&ys, &y, 1e-12);
        let (l, ls) = (t.log_softmax(Axis(a)).to_vec(), (t + c).log_softmax(Axis(a)).to_vec());
        close(&ls, &l, 1e-9);
    }

    #[test]
    fn log_softmax_is_ln_softmax((x, a) in tensor_and_axis(), beta in 0.1f64..10.0) {
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        let p = t.softmax_beta(Axis(a), beta).to_vec();
        let l = t.log_softmax_beta(Axis(a), beta).to_vec();
        for (pi, li) in p.iter().zip(&l) {
            assert_abs_diff_eq!(pi.ln(), *li, epsilon = 1e-12 * (1.0 + li.abs()));
        }
    }

    #[test]
    fn log_softmax_is_x_minus_logsumexp((x, a) in tensor_and_axis()) {
        // log_softmax(x)ₖ = xₖ − logsumexp(x) along the lane: the sum of exp is one.
        let tape = Tape::new();
        let t = tape.tensor(x.shape().clone(), x.data().to_vec());
        let l = t.log_softmax(Axis(a)).to_vec();
        let e: Vec<f64> = l.iter().map(|v| v.exp()).collect();
        for s in lane_sums(&e, x.shape().dims(), a) {
            assert_abs_diff_eq!(s, 1.0, epsilon = 1e-12);
        }
    }
}
