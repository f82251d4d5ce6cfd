//! Properties of the losses: the hinge is flat once the margin holds, NLL tends to the
//! perceptron loss as β grows, square-square pushes E(Ȳ) up to m and no further; and the
//! most-offending-answer search.
use approx::assert_abs_diff_eq;
use proptest::prelude::*;
use wengert_ebm::loss;
use wengert_ebm::train::{Sgd, Trainer};
use wengert_tape::{ErrorKind, ParamStore, Tape, Tensor};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Once E(Yⁱ) ≤ E(y) − m for every y ≠ Yⁱ, the hinge loss and its gradient are zero.
    #[test]
    fn hinge_is_zero_once_the_margin_holds(
        k in 2usize..6, c_raw in 0usize..6, m in 0.0f64..2.0, ec in -3.0f64..3.0,
        extra in prop::collection::vec(0.0f64..5.0, 6),
    ) {
        let c = c_raw % k;
        let e: Vec<f64> = (0..k).map(|i| if i == c { ec } else { ec + m + extra[i] }).collect();
        let tape = Tape::new();
        let v = tape.tensor([k], e);
        let l = loss::hinge(v, c, m);
        prop_assert_eq!(l.value(), 0.0);
        prop_assert!(tape.backward(l).wrt(v).iter().all(|&d| d == 0.0));
    }

    /// NLL − perceptron = min E − F_β ∈ [0, ln K / β].
    #[test]
    fn nll_is_within_ln_k_over_beta_of_perceptron(
        e in prop::collection::vec(-3.0f64..3.0, 2..7), c_raw in 0usize..7, beta in 0.1f64..100.0,
    ) {
        let c = c_raw % e.len();
        let k = e.len() as f64;
        let tape = Tape::new();
        let v = tape.tensor([e.len()], e);
        let d = loss::nll(v, c, beta).value() - loss::perceptron(v, c).value();
        prop_assert!(d >= -1e-12 && d <= k.ln() / beta + 1e-12, "d = {d}");
    }
}

#[test]
fn nll_tends_to_perceptron_as_beta_grows() {
    let e = vec![0.7, 0.2, 0.5, 1.1];
    let tape = Tape::<f64>::new();
    let v = tape.tensor([4], e);
    let p = loss::perceptron(v, 0);
    let gp = tape.backward(p).to_vec(v); // [1, −1, 0, 0]
    let mut last = f64::INFINITY;
    for beta in [1.0, 10.0, 100.0, 1000.0] {
        let n = loss::nll(v, 0, beta);
        let gap = n.value() - p.value();
        // (at β = 1000 the gap underflows to exactly 0: e^{−300} is below f64 precision)
        assert!(
            gap >= 0.0 && (gap < last || gap == 0.0),
            "β = {beta}: gap {gap}"
        );
        last = gap;
        if beta == 1000.0 {
            assert!(gap < 1e-3);
            // The gradient [1 − P(0), −P(1), ...] tends to the perceptron's [1, −1, 0, 0].
            let gn = tape.backward(n).to_vec(v);
            for (a, b) in gn.iter().zip(&gp) {
                assert_abs_diff_eq!(a, b, epsilon = 1e-6);
            }
        }
    }
}

/// A toy energy E(k) = w_k trained with the square-square loss (m = 1, Yⁱ = 0): E(Yⁱ) goes to
/// 0, the incorrect energies below m rise to m and stop there (never past it), and an
/// incorrect energy already above m is not touched.
#[test]
fn square_square_pushes_e_bar_up_to_m_and_no_further() {
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::new([4], vec![0.8, 0.3, 0.1, 1.6]));
    let mut trainer = Trainer::new(store, Sgd::new(0.1), 0);
    let mut max_seen = [0.0f64; 4];
    for _ in 0..300 {
        trainer.learn_sample(|_, p| loss::square_square(p.var(w), 0, 1.0));
        let e = trainer.store().get(w).data();
        for (m, &x) in max_seen.iter_mut().zip(e) {
            *m = m.max(x);
        }
    }
    let e = trainer.store().get(w).data();
    assert!(e[0].abs() < 1e-6, "E(Yⁱ) = {}", e[0]);
    for k in [1, 2] {
        assert!((1.0 - e[k]) < 1e-6 && e[k] <= 1.0, "E({k}) = {}", e[k]);
        assert!(max_seen[k] <= 1.0, "E({k}) overshot m: {}", max_seen[k]);
    }
    assert_eq!(e[3], 1.6);
    assert!(*trainer.history().last().unwrap() < 1e-10);
}

#[test]
fn most_offending_discrete() {
    assert_eq!(loss::most_offending(&[0.1, 0.5, 0.3], 0), Some(2));
    assert_eq!(loss::most_offending(&[0.1, 0.5, 0.3], 2), Some(0));
    assert_eq!(loss::most_offending(&[0.4, 0.2, 0.2], 0), Some(1)); // ties: first
    assert_eq!(loss::most_offending(&[f64::NAN, 0.2, 0.9], 1), Some(2)); // NaN never wins
    assert_eq!(loss::most_offending::<f64>(&[0.1], 0), None);
    assert_eq!(loss::most_offending(&[0.1, 0.2], 2), None);
    let err = loss::try_most_offending::<f64>(&[], 0).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidArgument { .. }),
        "{err}"
    );
    let err = loss::try_most_offending(&[0.1, 0.2], 5).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::IndexOutOfRange {
            op: "most_offending",
            index: 5,
            len: 2
        }
    );
}

#[test]
fn most_offending_continuous_respects_the_forbidden_radius() {
    let grid: Vec<f64> = (0..=40).map(|i| -2.0 + 0.1 * i as f64).collect();
    // E(y) = (y − 0.5)² (minimum at the correct answer) + a second dip at y = −1.5.
    let f = |y: f64| ((y - 0.5) * (y - 0.5)).min(0.05 + (y + 1.5) * (y + 1.5));
    // r = 0.25: nearest admissible points to 0.5 (0.2, 0.8) have E = 0.09 > 0.05 → the dip
    // wins.
    assert_abs_diff_eq!(
        loss::most_offending_continuous(f, 0.5, 0.25, &grid),
        -1.5,
        epsilon = 1e-9
    );
    // Without the dip, the nearest admissible point (just outside r) is chosen.
    let g = |y: f64| (y - 0.5) * (y - 0.5);
    let y = loss::most_offending_continuous(g, 0.5, 0.25, &grid);
    assert_abs_diff_eq!(y, 0.2, epsilon = 1e-9); // |0.2 − 0.5| = 0.3 > 0.25, first of the tie
                                                 // f is never called inside the radius.
    let y = loss::most_offending_continuous(
        |y: f64| {
            if (y - 0.5).abs() <= 0.2 {
                panic!("called at {y}")
            } else {
                1.0
            }
        },
        0.5,
        0.2,
        &grid,
    );
    assert!((y - 0.5).abs() > 0.2);
    // Errors: no admissible point, bad radius, all NaN.
    let e = loss::try_most_offending_continuous(g, 0.0, 10.0, &grid).unwrap_err();
    assert!(e.to_string().contains("no point of the grid"), "{e}");
    assert!(loss::try_most_offending_continuous(g, 0.0, -1.0, &grid).is_err());
    assert!(loss::try_most_offending_continuous(g, 0.0, f64::NAN, &grid).is_err());
    let e = loss::try_most_offending_continuous(|_| f64::NAN, 0.0, 0.1, &grid).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::NonFinite { .. }));
}
