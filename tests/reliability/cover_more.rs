//! Bad input for the structured-input transforms, the bulk gradient read-outs, the
//! borrowed-slice leaves, the ndarray bridge, modules from given weights and energy
//! minimisation: each message names the operation, the offending values and the caller's
//! line (`coverage.rs` checks that none is missing).
use super::{check, err, panics};
use wengert::ebm::energy::{from_fn, latent_from_fn};
use wengert::ebm::infer::{self, Method, MinimizeOptions};
use wengert::ebm::module::{Linear, MixtureOfExperts, NnLayer, Softmax, StackedExperts};
use wengert::prelude::*;
use wengert::tape::transforms::{grad_of, value_and_grad_of};

#[test]
fn transforms_of_trees_refuse_a_non_scalar_output() {
    let x = Tensor::new([2], vec![1.0, 2.0]);
    let l = line!() + 1;
    let s = panics(|| value_and_grad_of(|x| *x * *x, &x));
    check(&s, file!(), l, "backward", &["[2]"]);
    let l = line!() + 1;
    let s = panics(|| grad_of(|x| *x * 2.0, &x));
    check(&s, file!(), l, "backward", &["[2]"]);
}

#[test]
fn bulk_and_borrowed_reads_check_lengths_and_tapes() {
    let tape = Tape::<f64>::new();
    let xs = tape.vars(&[1.0, 2.0]);
    let g = tape.backward(xs[0] * xs[1]);
    let mut buf = [0.0; 3];
    let l = line!() + 1;
    let s = panics(|| g.read_into(&xs, &mut buf));
    check(&s, file!(), l, "read_into", &["3", "2"]);
    let other = Tape::<f64>::new();
    let z = other.var(1.0);
    let mut v = Vec::new();
    let l = line!() + 1;
    let s = panics(|| g.extend_into(&[z], &mut v));
    check(&s, file!(), l, "grads", &["different tapes"]);
    // `wrt_array` is the ndarray bridge's (the workspace build turns it on via benches/).
    #[cfg(feature = "ndarray")]
    {
        let w = other.tensor([2], vec![1.0, 2.0]);
        let l = line!() + 1;
        let s = panics(|| g.wrt_array(w).len());
        check(&s, file!(), l, "grads", &["different tapes"]);
    }
    let data = [1.0; 3];
    let l = line!() + 1;
    let s = panics(|| tape.tensor_from([2, 2], &data));
    check(&s, file!(), l, "tensor", &["3", "[2, 2]"]);
    let l = line!() + 1;
    let s = panics(|| tape.constant_tensor_from([2, 2], &data));
    check(&s, file!(), l, "tensor", &["3", "[2, 2]"]);
}

#[test]
fn modules_from_given_weights_check_shapes() {
    let mut store = ParamStore::<f64>::new();
    let w = || Tensor::new([3, 2], vec![0.0; 6]);
    let l = line!() + 1;
    let s = err(Linear::try_from_weights(
        &mut store,
        "l",
        w(),
        Some(Tensor::zeros([2])),
    ));
    check(&s, file!(), l, "Linear::from_weights", &["\"l\"", "[2]"]);
    let l = line!() + 1;
    let s = panics(|| Linear::from_weights(&mut store, "l", Tensor::zeros([6]), None));
    check(&s, file!(), l, "Linear::from_weights", &["[6]"]);
    let l = line!() + 1;
    let s = err(NnLayer::try_from_weights(
        &mut store,
        "h",
        w(),
        Tensor::zeros([2]),
    ));
    check(&s, file!(), l, "from_weights", &["\"h\"", "[2]"]);
    let l = line!() + 1;
    let s = panics(|| NnLayer::from_weights(&mut store, "h", w(), Tensor::zeros([4])));
    check(&s, file!(), l, "from_weights", &["\"h\"", "[4]"]);
    assert!(store.is_empty(), "nothing is inserted on error");
    let gate = || Softmax::new(1.0);
    let l = line!() + 1;
    let s = err(StackedExperts::try_from_weights(
        &mut store,
        "m",
        w(),
        gate(),
        1.0,
    ));
    check(&s, file!(), l, "StackedExperts", &["[3, 2]"]);
    let stacked = Tensor::zeros([2, 1, 1]);
    let l = line!() + 1;
    let s = panics(|| StackedExperts::from_weights(&mut store, "m", stacked, gate(), -1.0));
    check(&s, file!(), l, "StackedExperts", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| MixtureOfExperts::from_modules(Vec::<Softmax<f64>>::new(), gate(), 1.0));
    check(&s, file!(), l, "MixtureOfExperts", &["no experts"]);
}

#[test]
fn minimisation_checks_its_options_and_the_start() {
    let model = from_fn(|_p, x, y| ((y - x) * (y - x)).sum_all());
    let (store, x) = (ParamStore::<f64>::new(), Tensor::new([1], vec![1.0]));
    let y0 = || Tensor::new([1], vec![0.0]);
    let bad_step = MinimizeOptions {
        step: -1.0,
        ..Default::default()
    };
    let l = line!() + 1;
    let s = err(infer::try_minimize(&model, &store, &x, y0(), bad_step));
    check(&s, file!(), l, "infer::minimize", &["-1"]);
    let lbfgs0 = MinimizeOptions {
        method: Method::Lbfgs { memory: 0 },
        ..Default::default()
    };
    let l = line!() + 1;
    let s = panics(|| infer::minimize(&model, &store, &x, y0(), lbfgs0));
    check(&s, file!(), l, "infer::minimize", &["memory"]);
    let latent = latent_from_fn(|_p, _x, y, z| ((y - z) * (y - z)).sum_all());
    let (y, nan) = (Tensor::scalar(1.0), Tensor::scalar(f64::NAN));
    let l = line!() + 1;
    let s = err(infer::try_minimize_z(
        &latent,
        &store,
        &x,
        &y,
        nan.clone(),
        Default::default(),
    ));
    check(&s, file!(), l, "minimize_z", &["finite"]);
    let bad_tol = MinimizeOptions {
        grad_tol: f64::NAN,
        ..Default::default()
    };
    let l = line!() + 1;
    let s = panics(|| infer::minimize_z(&latent, &store, &x, &y, Tensor::scalar(0.0), bad_tol));
    check(&s, file!(), l, "minimize_z", &["NaN"]);
}
