//! Inference: argmin, gradient descent, free energy, Gibbs, latent minimisation, Langevin.
use approx::assert_abs_diff_eq;
use proptest::prelude::*;
use wengert_ebm::energy::{from_fn, label_from_fn, latent_from_fn};
use wengert_ebm::infer::{self, GdOptions, LangevinOptions};
use wengert_ebm::init;
use wengert_tape::{ErrorKind, ParamStore, Tape, Tensor};

#[test]
fn argmin_finds_the_first_smallest() {
    assert_eq!(infer::argmin(&[2.0, -1.0, 5.0, -1.0]).unwrap(), (1, -1.0));
    assert_eq!(infer::argmin(&[7.0f32]).unwrap(), (0, 7.0));
    let err = infer::argmin::<f64>(&[]).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidArgument { op: "argmin", .. }
    ));
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(err.location().unwrap().file().ends_with("infer.rs"));
    assert!(matches!(
        infer::argmin(&[1.0, f64::NAN]).unwrap_err().kind(),
        ErrorKind::NonFinite { .. }
    ));
}

#[test]
fn run_returns_answer_and_all_energies() {
    // E(k, X) = (X − k)², K = 5
    let model = label_from_fn(5, |_p, x| {
        let ks = x.tape().constant_tensor([5], vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        let d = ks - x;
        d * d
    });
    let r = infer::run(&model, &ParamStore::new(), &Tensor::scalar(2.8));
    assert_eq!(r.answer, 3);
    assert_abs_diff_eq!(r.energy, 0.04, epsilon = 1e-12);
    assert_eq!(r.energies.len(), 5);
    let empty = label_from_fn(0, |_p, x| x.tape().constant_tensor([0], vec![]));
    assert!(infer::try_run(&empty, &ParamStore::<f64>::new(), &Tensor::scalar(0.0)).is_err());
    let lying = label_from_fn(3, |_p, x| x.tape().constant_tensor([2], vec![0.0, 1.0]));
    let err = infer::try_run(&lying, &ParamStore::<f64>::new(), &Tensor::scalar(0.0)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ShapeMismatch { .. }));
}

#[test]
#[should_panic(expected = "the label set is empty")]
fn run_labels_panics_on_empty_label_set() {
    let model = from_fn(|_p, _x, y| y.sum_all());
    infer::run_labels(&model, &ParamStore::<f64>::new(), &Tensor::scalar(0.0), &[]);
}

#[test]
fn run_labels_over_a_label_matrix() {
    // Y = X² demo: labels on a grid, E = (Y − X²)²
    let model = from_fn(|_p, x, y| {
        let d = y - x * x;
        (d * d).sum_all()
    });
    let labels: Vec<_> = (0..21)
        .map(|i| Tensor::new([1], vec![i as f64 * 0.1]))
        .collect();
    let r = infer::run_labels(
        &model,
        &ParamStore::new(),
        &Tensor::new([1], vec![1.1]),
        &labels,
    );
    assert_eq!(r.answer, 12); // 1.21 ≈ 1.2
    assert_eq!(r.energies.len(), 21);
}

#[test]
fn descent_converges_on_a_quadratic() {
    // E = ½ (Y − a)' A (Y − a), A = [[2, 0.5], [0.5, 1]]: minimiser a, energy 0
    let model = from_fn(|_p, _x, y| {
        let t = y.tape();
        let a = t.constant_tensor([2], vec![1.0, -2.0]);
        let d = y - a;
        let (d0, d1) = (d.elem(0), d.elem(1));
        (d0 * d0 * 2.0 + d0 * d1 + d1 * d1) * 0.5
    });
    let opts = GdOptions {
        step: 0.4,
        max_iters: 2000,
        tol: 1e-10,
    };
    let r = infer::descend(
        &model,
        &ParamStore::new(),
        &Tensor::scalar(0.0),
        Tensor::new([2], vec![5.0, 5.0]),
        opts,
    );
    assert!(r.converged && r.iters < 2000);
    assert_abs_diff_eq!(r.y.data()[0], 1.0, epsilon = 1e-8);
    assert_abs_diff_eq!(r.y.data()[1], -2.0, epsilon = 1e-8);
    assert_abs_diff_eq!(r.energy, 0.0, epsilon = 1e-15);
    // the cap is reported
    let capped = GdOptions {
        step: 0.01,
        max_iters: 3,
        tol: 1e-12,
    };
    let r = infer::descend(
        &model,
        &ParamStore::new(),
        &Tensor::scalar(0.0),
        Tensor::new([2], vec![5.0, 5.0]),
        capped,
    );
    assert!(!r.converged && r.iters == 3);
}

#[test]
fn descent_errors() {
    let model = from_fn(|_p, _x, y| (y * y).sum_all());
    let bad = GdOptions {
        step: 0.0,
        max_iters: 10,
        tol: 1e-6,
    };
    let x = Tensor::scalar(0.0);
    let err =
        infer::try_descend(&model, &ParamStore::new(), &x, Tensor::scalar(1.0), bad).unwrap_err();
    assert!(
        err.to_string()
            .contains("infer::descend: the step must be finite and > 0"),
        "{err}"
    );
    // a step beyond 2/curvature diverges to infinity: a NonFinite error, not a silent NaN
    let big = GdOptions {
        step: 10.0,
        max_iters: 10_000,
        tol: 0.0,
    };
    let err =
        infer::try_descend(&model, &ParamStore::new(), &x, Tensor::scalar(1.0), big).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NonFinite { .. }), "{err}");
}

#[test]
fn free_energy_tends_to_min_as_beta_grows() {
    let es = [0.3, -0.2, 1.5, -0.1];
    let mut prev = f64::NEG_INFINITY;
    for beta in [0.1, 1.0, 10.0, 100.0, 1000.0] {
        let f = infer::free_energy(&es, beta);
        // bounds: min E − log K / β ≤ F ≤ min E, increasing in β
        assert!(
            f <= -0.2 + 1e-15 && f >= -0.2 - 4f64.ln() / beta - 1e-15,
            "{beta} {f}"
        );
        assert!(f >= prev);
        prev = f;
    }
    assert_abs_diff_eq!(infer::free_energy(&es, 1000.0), -0.2, epsilon = 1e-3);
    // formula at β = 2
    let want = -0.5 * es.iter().map(|e: &f64| (-2.0 * e).exp()).sum::<f64>().ln();
    assert_abs_diff_eq!(infer::free_energy(&es, 2.0), want, epsilon = 1e-14);
    // stable for large energies and β
    assert_abs_diff_eq!(
        infer::free_energy(&[1e4, 1e4 + 1.0], 1e3),
        1e4,
        epsilon = 1e-9
    );
}

#[test]
fn gibbs_sums_to_one_and_concentrates() {
    let es = [0.3, -0.2, 1.5, -0.1];
    for beta in [0.01, 1.0, 50.0] {
        let p = infer::gibbs(&es, beta);
        assert_abs_diff_eq!(p.iter().sum::<f64>(), 1.0, epsilon = 1e-14);
        assert!(p.iter().all(|&v| v >= 0.0));
    }
    assert!(infer::gibbs(&es, 200.0)[1] > 0.99);
    // P(y) = exp(−β E(y)) / Z, and F = −(1/β) log Z
    let p = infer::gibbs(&es, 1.5);
    let z: f64 = es.iter().map(|e| (-1.5 * e).exp()).sum();
    assert_abs_diff_eq!(p[2], (-1.5 * 1.5f64).exp() / z, epsilon = 1e-14);
    assert_abs_diff_eq!(infer::free_energy(&es, 1.5), -z.ln() / 1.5, epsilon = 1e-14);
}

#[test]
fn beta_and_empty_set_errors() {
    for beta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = infer::try_free_energy(&[1.0], beta).unwrap_err();
        assert!(
            err.to_string().contains("β must be finite and > 0"),
            "{err}"
        );
        assert!(infer::try_gibbs(&[1.0], beta).is_err());
    }
    let err = infer::try_gibbs::<f64>(&[], 1.0).unwrap_err();
    assert!(
        err.to_string()
            .contains("infer::gibbs: the label set is empty"),
        "{err}"
    );
    assert!(infer::try_free_energy(&[f64::NAN], 1.0).is_err());
}

#[test]
fn latent_descent_matches_closed_form() {
    // E = (Y − Z)² + 3 (Z − X)²: z* = (Y + 3X)/4, Ě = ¾ (Y − X)²
    let e = latent_from_fn::<f64, _>(|_p, x, y, z| {
        let a = y - z;
        let b = z - x;
        (a * a + b * b * 3.0).sum_all()
    });
    let opts = GdOptions {
        step: 0.1,
        max_iters: 1000,
        tol: 1e-12,
    };
    let r = infer::descend_z(
        &e,
        &ParamStore::new(),
        &Tensor::scalar(1.0),
        &Tensor::scalar(3.0),
        Tensor::scalar(0.0),
        opts,
    );
    assert_abs_diff_eq!(r.y.data()[0], 1.5, epsilon = 1e-9);
    assert_abs_diff_eq!(r.energy, 3.0, epsilon = 1e-12);
    let tape = Tape::new();
    let store = ParamStore::new();
    let (x, y) = (tape.constant(0.0), tape.constant(0.0));
    let err = infer::try_min_over_z(&e, &store.bind(&tape), x, y, &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("the set of latent values is empty"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The latent minimum equals the brute-force minimum over Z, and argmin over a label
    /// set is the true argmin.
    #[test]
    fn latent_min_is_brute_force_min(
        zs in prop::collection::vec(-3.0f64..3.0, 1..8),
        x in -2.0f64..2.0,
        y in -2.0f64..2.0,
    ) {
        let f = |x: f64, y: f64, z: f64| (y - x * z).powi(2) + 0.3 * (z - 0.5).powi(2);
        let e = latent_from_fn::<f64, _>(|_p, x, y, z| {
            let d = y - x * z;
            let a = z - 0.5;
            (d * d + a * a * 0.3).sum_all()
        });
        let zt: Vec<_> = zs.iter().map(|&z| Tensor::scalar(z)).collect();
        let tape = Tape::new();
        let store = ParamStore::new();
        let (k, m) = infer::min_over_z(&e, &store.bind(&tape), tape.constant(x), tape.constant(y), &zt);
        let brute: Vec<f64> = zs.iter().map(|&z| f(x, y, z)).collect();
        let (bk, bm) = infer::argmin(&brute).unwrap();
        prop_assert!((m.value() - bm).abs() < 1e-9);
        prop_assert!(k == bk || (brute[k] - bm).abs() < 1e-12);
    }

    #[test]
    fn free_energy_is_between_min_minus_log_k_over_beta_and_min(
        es in prop::collection::vec(-50.0f64..50.0, 1..10),
        beta in 0.01f64..100.0,
    ) {
        let f = infer::free_energy(&es, beta);
        let (_, m) = infer::argmin(&es).unwrap();
        prop_assert!(f <= m + 1e-9);
        prop_assert!(f >= m - (es.len() as f64).ln() / beta - 1e-9);
        let p = infer::gibbs(&es, beta);
        prop_assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn langevin_samples_the_gibbs_distribution() {
    // E = (Y − 1)², β = 2: P ∝ exp(−2 (Y − 1)²), a normal of mean 1 and variance ¼
    let model = from_fn::<f64, _>(|_p, _x, y| {
        let d = y - 1.0;
        (d * d).sum_all()
    });
    let opts = LangevinOptions {
        step: 0.02,
        beta: 2.0,
        n_steps: 6000,
    };
    let s = infer::langevin(
        &model,
        &ParamStore::new(),
        &Tensor::scalar(0.0),
        Tensor::scalar(0.0),
        opts,
        &mut init::rng(11),
    );
    let v: Vec<f64> = s[1000..].iter().map(|t| t.data()[0]).collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / v.len() as f64;
    assert!((mean - 1.0).abs() < 0.1, "{mean}");
    assert!((var - 0.25).abs() < 0.08, "{var}");
    let bad = LangevinOptions {
        step: 0.1,
        beta: 0.0,
        n_steps: 1,
    };
    assert!(infer::try_langevin(
        &model,
        &ParamStore::new(),
        &Tensor::scalar(0.0),
        Tensor::scalar(0.0),
        bad,
        &mut init::rng(0)
    )
    .is_err());
}
