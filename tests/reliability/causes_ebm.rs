//! Issue 13's regression tests for the EBM crate: the trainer, saving, and the logsumexp
//! family's gradients.
use super::{at, panic_message};
use wengert::ebm::io;
use wengert::ebm::train::{Sgd, Trainer, Velocity};
use wengert::prelude::*;
use wengert::tape::ErrorKind;

/// Cause 5: a huge learning rate wrote non-finite weights on a step that returned `Ok`.
#[test]
fn trainer_rejects_a_non_finite_update_before_writing() {
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::new([2], vec![1e150, 1.0]));
    let mut t = Trainer::new(store, Sgd::new(1e200), 3);
    let line = line!() + 2;
    let err = t
        .try_learn_sample(|_, p| (p.var(w) * p.var(w)).sum_all())
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err.kind(), ErrorKind::NonFinite { .. }), "{msg}");
    assert!(
        msg.contains("sgd step: parameter \"w\" element 0 would become -inf")
            && msg.contains("learning rate 1e200"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    assert_eq!(t.store().get(w).data(), &[1e150, 1.0], "weights unchanged");
    assert!(t.history().is_empty());

    // Sgd itself, and its velocity, are left as they were.
    let mut s = ParamStore::<f64>::new();
    s.insert("a", Tensor::new([1], vec![1.0]));
    let mut v = Velocity::new();
    let err = Sgd::new(1.0).try_step(&mut s, &[vec![f64::NAN]], &mut v);
    assert!(err
        .unwrap_err()
        .to_string()
        .contains("element 0 would become NaN"));
    assert_eq!(s.iter().next().unwrap().2.data(), &[1.0]);
}

/// Cause 5: the NaN errors of the trainer named no epoch, step or sample; `fit` had no `try_`
/// form; `fit(epochs = 0)` reported a loss of 0.
#[test]
fn trainer_errors_name_epoch_step_and_sample() {
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", Tensor::scalar(0.5));
    let mut t = Trainer::new(store, Sgd::new(0.1), 3);
    t.set_progress(false);
    let data = [1.0, 2.0, f64::NAN, 4.0];
    let line = line!() + 1;
    let err = t.try_fit(&data, 3, 1, |_, p, &x| p.var(w) * x).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("epoch 0, step "), "{msg}");
    assert!(
        msg.contains(": sample 0 (data index 2): the training loss is NaN"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let before = t.store().get(w).data().to_vec();
    let line = line!() + 2;
    let err = t
        .try_fit(&data[..2], 0, 1, |_, p, &x| p.var(w) * x)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("fit: ") && msg.contains("epochs > 0 (got epochs = 0)"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    let line = line!() + 2;
    let msg = panic_message(|| {
        t.fit(&data[..2], 1, 0, |_, p, &x| p.var(w) * x);
    });
    assert!(msg.contains("batch size > 0 (got 0)"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    assert_eq!(t.store().get(w).data(), &before[..]);
    // A good fit still works: Σ loss = w·x, w decreases by 0.1·x per sample.
    let last = t.try_fit(&[1.0], 1, 1, |_, p, &x| p.var(w) * x).unwrap();
    assert_eq!(last, before[0]);
    assert!((t.store().get(w).data()[0] - (before[0] - 0.1)).abs() < 1e-15);
}

/// Errors of `Sgd` validation and `io` pointed into the library (a closure inside a
/// `#[track_caller]` function loses the caller's location).
#[test]
fn sgd_and_io_errors_point_to_the_caller() {
    let line = line!() + 1;
    let err = Sgd::new(-1.0f64).validate().unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("sgd: the learning rate -1 must be finite and > 0"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    let mut store = ParamStore::<f64>::new();
    store.insert("w", Tensor::scalar(1.0));
    let missing = std::env::temp_dir().join("wengert-no-such-dir-13/w.safetensors");
    let line = line!() + 1;
    let err = io::load(&mut store, &missing).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("cannot read") && msg.contains("wengert-no-such-dir-13"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    let line = line!() + 1;
    let err = io::save(&store, &missing).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("cannot write"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");
}
