//! The trainer: SGD steps against hand-computed updates, minibatch means, seeds, history,
//! `run`, and errors.
use approx::assert_abs_diff_eq;
use wengert_ebm::energy::label_from_fn;
use wengert_ebm::train::{Sgd, Trainer, Velocity};
use wengert_tape::{ErrorKind, ParamStore, Tensor};

const TOL: f64 = 1e-12;

fn close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_abs_diff_eq!(g, w, epsilon = TOL);
    }
}

/// L = ½‖w‖² + 3b, so ∂L/∂w = w and ∂L/∂b = 3. With η = 0.1, λ = 0.01, μ = 0.9:
/// step 1: g_w = 1.01 w₀ = [1.01, −2.02], v_w = g_w, w₁ = w₀ − 0.1 v_w = [0.899, −1.798];
///         g_b = 3 + 0.01·0.5 = 3.005, v_b = 3.005, b₁ = 0.5 − 0.3005 = 0.1995.
/// step 2: g_w = 1.01 w₁ = [0.90799, −1.81598], v_w = 0.9·[1.01, −2.02] + g_w
///         = [1.81699, −3.63398], w₂ = w₁ − 0.1 v_w = [0.717301, −1.434602];
///         g_b = 3 + 0.01·0.1995 = 3.001995, v_b = 0.9·3.005 + 3.001995 = 5.706495,
///         b₂ = 0.1995 − 0.5706495 = −0.3711495.
#[test]
fn sgd_steps_equal_the_hand_computed_update_with_momentum_and_weight_decay() {
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::new([2], vec![1.0, -2.0]));
    let b = store.insert("b", Tensor::scalar(0.5));
    let sgd = Sgd::new(0.1).with_weight_decay(0.01).with_momentum(0.9);
    let mut t = Trainer::new(store, sgd, 0);
    let loss = |t: &mut Trainer<f64>| {
        t.learn_sample(|_, p| (p.var(w) * p.var(w)).sum_all() * 0.5 + p.var(b) * 3.0)
    };
    // L₀ = ½(1 + 4) + 1.5 = 4
    assert_abs_diff_eq!(loss(&mut t), 4.0, epsilon = TOL);
    close(t.store().get(w).data(), &[0.899, -1.798]);
    close(t.store().get(b).data(), &[0.1995]);
    close(t.velocity().get(0), &[1.01, -2.02]);
    loss(&mut t);
    close(t.store().get(w).data(), &[0.717301, -1.434602]);
    close(t.store().get(b).data(), &[-0.3711495]);
    close(t.velocity().get(1), &[5.706495]);
    assert_eq!(t.history().len(), 2);
}

#[test]
fn sgd_step_directly_and_validation() {
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::new([2], vec![1.0, 1.0]));
    let mut v = Velocity::new();
    // Plain SGD: w ← w − η g.
    Sgd::new(0.5).step(&mut store, &[vec![2.0, -4.0]], &mut v);
    close(store.get(w).data(), &[0.0, 3.0]);
    // Wrong gradient sizes: an error, nothing changed.
    let err = Sgd::new(0.5)
        .try_step(&mut store, &[vec![1.0]], &mut v)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ShapeMismatch { .. }),
        "{err}"
    );
    close(store.get(w).data(), &[0.0, 3.0]);
    for bad in [
        Sgd::new(0.0),
        Sgd::new(-1.0),
        Sgd::new(f64::NAN),
        Sgd::new(0.1).with_momentum(1.0),
        Sgd::new(0.1).with_momentum(-0.1),
        Sgd::new(0.1).with_weight_decay(-1.0),
    ] {
        let err = bad.validate().unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidArgument { op: "sgd", .. }),
            "{err}"
        );
    }
}

/// L_i = (w x_i − y_i)²; ∂L_i/∂w = 2 (w x_i − y_i) x_i. At w = 1 over (1, 3), (2, 1), (−1, 0):
/// losses 4, 1, 1 (mean 2); gradients −4, 4, 2 (mean 2/3); w ← 1 − 0.3·(2/3) = 0.8.
#[test]
fn a_minibatch_averages_the_per_sample_losses_and_gradients() {
    let data = [(1.0, 3.0), (2.0, 1.0), (-1.0, 0.0)];
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::scalar(1.0));
    let mut t = Trainer::new(store, Sgd::new(0.3), 0);
    let per_sample = |t: &mut Trainer<f64>, s: &(f64, f64)| {
        t.mean_loss(std::slice::from_ref(s), |_, p, &(x, y)| {
            let d = p.var(w) * x - y;
            d * d
        })
    };
    let mean = data.iter().map(|s| per_sample(&mut t, s)).sum::<f64>() / 3.0;
    assert_abs_diff_eq!(mean, 2.0, epsilon = TOL);
    let batch = t.learn_batch(&data, |_, p, &(x, y)| {
        let d = p.var(w) * x - y;
        d * d
    });
    assert_abs_diff_eq!(batch, mean, epsilon = TOL);
    close(t.store().get(w).data(), &[0.8]);
    assert_eq!(t.history(), &[batch]);
}

fn fit_regression(seed: u64) -> (Vec<f64>, Vec<f64>) {
    // y = 2x − 1 from 12 points, minibatches of 5 (the last of 2).
    let data: Vec<(f64, f64)> = (0..12)
        .map(|i| (i as f64 / 6.0 - 1.0, 2.0 * (i as f64 / 6.0 - 1.0) - 1.0))
        .collect();
    let mut store = ParamStore::<f64>::new();
    let a = store.insert("a", Tensor::scalar(0.0));
    let b = store.insert("b", Tensor::scalar(0.0));
    let mut t = Trainer::new(store, Sgd::new(0.1).with_momentum(0.5), seed);
    t.fit(&data, 40, 5, |_, p, &(x, y)| {
        let d = p.var(a) * x + p.var(b) - y;
        d * d
    });
    assert_eq!(t.epoch_history().len(), 40);
    assert_eq!(t.history().len(), 40 * 3);
    let params = vec![t.store().get(a).data()[0], t.store().get(b).data()[0]];
    (params, t.history().to_vec())
}

#[test]
fn fit_is_deterministic_for_a_seed_and_learns() {
    let (p1, h1) = fit_regression(42);
    let (p2, h2) = fit_regression(42);
    assert_eq!(p1, p2);
    assert_eq!(h1, h2);
    let (_, h3) = fit_regression(43);
    assert_ne!(h1, h3, "another seed gives another minibatch order");
    assert_abs_diff_eq!(p1[0], 2.0, epsilon = 1e-3);
    assert_abs_diff_eq!(p1[1], -1.0, epsilon = 1e-3);
    assert!(h1.last().unwrap() < &1e-6);
}

#[test]
fn run_is_argmin_over_the_labels() {
    let mut store = ParamStore::<f64>::new();
    let c = store.insert("centres", Tensor::new([3], vec![0.0, 1.0, 2.0]));
    // E(k, x) = (x − c_k)²
    let model = label_from_fn(3, move |p, x| {
        let d = p.var(c) - x;
        d * d
    });
    let t = Trainer::new(store, Sgd::new(0.1), 0);
    let r = t.run(&model, &Tensor::scalar(1.8));
    assert_eq!(r.answer, 2);
    close(&r.energies, &[3.24, 0.64, 0.04]);
}

#[test]
fn bad_losses_are_errors_and_leave_the_parameters_unchanged() {
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::new([2], vec![1.0, 2.0]));
    let mut t = Trainer::new(store, Sgd::new(0.1), 0);
    let err = t.try_learn_sample(|_, p| p.var(w)).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NonScalarBackward { .. }),
        "{err}"
    );
    let err = t
        .try_learn_sample(|_, p| p.var(w).sum_all() / 0.0)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NonFinite { .. }), "{err}");
    let err = t
        .try_learn_batch::<f64, _>(&[], |_, p, _| p.var(w).sum_all())
        .unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    t.sgd.lr = -1.0;
    assert!(t.try_learn_sample(|_, p| p.var(w).sum_all()).is_err());
    close(t.store().get(w).data(), &[1.0, 2.0]);
    assert!(t.history().is_empty());
}
