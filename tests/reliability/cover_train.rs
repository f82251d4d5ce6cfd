//! Bad input for the training optimizers beyond SGD and gradient clipping: each message
//! names the operation, the offending values and the caller's line (`coverage.rs` checks that
//! none is missing).
use super::{check, err, panics};
use wengert::ebm::train::{clip_grad_norm, clip_grad_value, Adam, AdamState};
use wengert::prelude::*;

#[test]
fn adam_refuses_bad_settings_and_mismatched_gradients() {
    let mut store = ParamStore::<f64>::new();
    store.insert("w", Tensor::new([1], vec![1.0]));
    let mut st = AdamState::new();
    let l = line!() + 1;
    let s = err(Adam::new(0.0).validate());
    check(&s, file!(), l, "adam", &["learning rate 0"]);
    let l = line!() + 1;
    let s = err(Adam::adamw(0.1, -1.0).try_step(&mut store, &[vec![1.0]], &mut st));
    check(&s, file!(), l, "adamw", &["weight decay -1"]);
    let l = line!() + 1;
    let s = panics(|| Adam::new(0.1).step(&mut store, &[vec![1.0, 2.0]], &mut st));
    check(&s, file!(), l, "adam step", &["[1]", "[2]"]);
}

#[test]
fn clipping_refuses_a_non_positive_limit() {
    let mut g = vec![vec![1.0_f64]];
    let l = line!() + 1;
    let s = panics(|| clip_grad_norm(&mut g, 0.0));
    check(&s, file!(), l, "clip_grad_norm", &["max_norm = 0"]);
    let l = line!() + 1;
    let s = panics(|| clip_grad_value(&mut g, f64::NAN));
    check(&s, file!(), l, "clip_grad_value", &["NaN"]);
}

#[test]
fn schedules_refuse_bad_settings() {
    use wengert::ebm::train::{Decay, Schedule};
    let s = Schedule {
        decay: Decay::Exponential { gamma: 2.0 },
        warmup: 0,
    };
    let l = line!() + 1;
    let m = err(s.validate());
    check(&m, file!(), l, "schedule", &["gamma = 2"]);
    let l = line!() + 1;
    let m = panics(|| s.factor(3));
    check(&m, file!(), l, "schedule", &["gamma = 2"]);
}

#[test]
fn free_energy_over_z_refuses_an_empty_set_and_a_bad_beta() {
    use wengert::ebm::energy::latent_from_fn;
    use wengert::ebm::infer::{free_energy_over_z, try_free_energy_over_z};
    let e = latent_from_fn(|_p, _x, y, z| (y - z).sum_all());
    let store = ParamStore::<f64>::new();
    let tape = Tape::new();
    let p = store.bind(&tape);
    let (x, y) = (tape.constant(0.0), tape.var(1.0));
    let l = line!() + 1;
    let s = err(try_free_energy_over_z(&e, &p, x, y, &[], 1.0));
    check(&s, file!(), l, "free_energy_over_z", &["empty"]);
    let zs = [Tensor::scalar(0.0)];
    let l = line!() + 1;
    let s = panics(|| free_energy_over_z(&e, &p, x, y, &zs, -2.0));
    check(&s, file!(), l, "free_energy_over_z", &["beta = -2"]);
}

#[test]
fn batch_losses_check_shapes_labels_and_constants() {
    use wengert::ebm::loss::{batch, try_batch, Loss};
    let tape = Tape::<f64>::new();
    let e = tape.tensor([2, 3], vec![0.0; 6]);
    let l = line!() + 1;
    let s = err(try_batch(e, &[0], Loss::Log));
    check(&s, file!(), l, "batch loss", &["[2, 3]", "B = 1"]);
    let l = line!() + 1;
    let s = panics(|| batch(e, &[0, 3], Loss::Hinge(1.0)));
    check(&s, file!(), l, "batch loss", &["3"]);
    let l = line!() + 1;
    let s = err(try_batch(e, &[0, 1], Loss::Nll(0.0)));
    check(&s, file!(), l, "batch loss", &["β"]);
}

#[test]
fn time_delay_refuses_a_short_or_misshaped_sequence() {
    use wengert::ebm::{init, module::TimeDelay};
    let mut store = ParamStore::<f64>::new();
    let td = TimeDelay::new(&mut store, "td", 2, 1, 3, &mut init::rng(0));
    let tape = Tape::new();
    let p = store.bind(&tape);
    let l = line!() + 1;
    let s = err(td.try_forward(&p, tape.constant_tensor([2, 2], vec![0.0; 4])));
    check(&s, file!(), l, "TimeDelay::forward", &["[2, 2]", "k = 3"]);
    let l = line!() + 1;
    let s = panics(|| TimeDelay::new(&mut store, "z", 1, 1, 0, &mut init::rng(0)));
    check(&s, file!(), l, "TimeDelay::new", &["got 0"]);
}
