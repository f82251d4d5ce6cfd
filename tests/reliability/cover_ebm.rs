//! Every fallible public function of wengert-ebm, called with bad input: each message names
//! the operation, the offending values, and the caller's file and line (`coverage.rs` checks
//! that none is missing here).
use super::{check, err, panics};
use wengert::ebm::energy::{from_fn, label_from_fn, latent_from_fn};
use wengert::ebm::infer::{self, GdOptions, LangevinOptions};
use wengert::ebm::module::{self, LogSum, MixtureOfExperts, Module, Sequential, Softmax};
use wengert::ebm::train::{Sgd, Trainer, Velocity};
use wengert::ebm::{init, io, loss};
use wengert::prelude::*;
use wengert::tape::Bound;

#[test]
fn losses_over_a_label_set() {
    let tape = Tape::<f64>::new();
    let e = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let (c, m, beta) = (7, 1.0, 1.0);
    let oob = ["7", "3"];
    let l = line!() + 1;
    let s = err(loss::try_energy(e, c));
    check(&s, file!(), l, "energy", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::energy(e, c));
    check(&s, file!(), l, "energy", &oob);
    let l = line!() + 1;
    let s = err(loss::try_perceptron(e, c));
    check(&s, file!(), l, "perceptron", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::perceptron(e, c));
    check(&s, file!(), l, "perceptron", &oob);
    let l = line!() + 1;
    let s = err(loss::try_nll(e, c, beta));
    check(&s, file!(), l, "nll", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::nll(e, c, beta));
    check(&s, file!(), l, "nll", &oob);
    let l = line!() + 1;
    let s = err(loss::try_hinge(e, c, m));
    check(&s, file!(), l, "hinge", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::hinge(e, c, m));
    check(&s, file!(), l, "hinge", &oob);
    let l = line!() + 1;
    let s = err(loss::try_log_loss(e, c));
    check(&s, file!(), l, "log", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::log_loss(e, c));
    check(&s, file!(), l, "log", &oob);
    let l = line!() + 1;
    let s = err(loss::try_square_square(e, c, m));
    check(&s, file!(), l, "square", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::square_square(e, c, m));
    check(&s, file!(), l, "square", &oob);
    let l = line!() + 1;
    let s = err(loss::try_square_exp(e, c, 1.0, beta));
    check(&s, file!(), l, "square", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::square_exp(e, c, 1.0, beta));
    check(&s, file!(), l, "square", &oob);
    let l = line!() + 1;
    let s = err(loss::try_generalized_margin(e, c, |a, b| a - b));
    check(&s, file!(), l, "margin", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::generalized_margin(e, c, |a, b| a - b));
    check(&s, file!(), l, "margin", &oob);
    let l = line!() + 1;
    let s = err(loss::try_mce(e, c));
    check(&s, file!(), l, "mce", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::mce(e, c));
    check(&s, file!(), l, "mce", &oob);
    let l = line!() + 1;
    let s = err(loss::try_lvq2(e, c, 1.0));
    check(&s, file!(), l, "lvq2", &oob);
    let l = line!() + 1;
    let s = panics(|| loss::lvq2(e, c, 1.0));
    check(&s, file!(), l, "lvq2", &oob);
    let l = line!() + 1;
    let s = err(loss::try_most_offending(&[1.0, 2.0, 3.0], c));
    check(&s, file!(), l, "most_offending", &oob);
    let l = line!() + 1;
    let s = err(loss::try_most_offending_continuous(|y| y, 0.0, 5.0, &[1.0]));
    check(&s, file!(), l, "most_offending", &["r = 5"]);
    let l = line!() + 1;
    let s = panics(|| loss::most_offending_continuous(|y| y, 0.0, 5.0, &[1.0]));
    check(&s, file!(), l, "most_offending", &["r = 5"]);
}

#[test]
fn pair_losses() {
    let tape = Tape::<f64>::new();
    let (a, b) = (
        tape.tensor([2], vec![1.0; 2]),
        tape.tensor([3], vec![1.0; 3]),
    );
    let bc = ["[2] and [3]"];
    let l = line!() + 1;
    let s = panics(|| loss::perceptron_pair(a, b));
    check(&s, file!(), l, "sub", &bc);
    let l = line!() + 1;
    let s = err(loss::try_hinge_pair(a, a, -1.0));
    check(&s, file!(), l, "hinge", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| loss::hinge_pair(a, a, -1.0));
    check(&s, file!(), l, "hinge", &["-1"]);
    let l = line!() + 1;
    let s = err(loss::try_log_loss_pair(a, b));
    check(&s, file!(), l, "sub", &bc);
    let l = line!() + 1;
    let s = panics(|| loss::log_loss_pair(a, b));
    check(&s, file!(), l, "sub", &bc);
    let l = line!() + 1;
    let s = err(loss::try_square_square_pair(a, a, -1.0));
    check(&s, file!(), l, "square", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| loss::square_square_pair(a, a, -1.0));
    check(&s, file!(), l, "square", &["-1"]);
    let l = line!() + 1;
    let s = err(loss::try_square_exp_pair(a, a, -1.0, 1.0));
    check(&s, file!(), l, "square", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| loss::square_exp_pair(a, a, -1.0, 1.0));
    check(&s, file!(), l, "square", &["-1"]);
    let l = line!() + 1;
    let s = err(loss::try_mce_pair(a, b));
    check(&s, file!(), l, "sub", &bc);
    let l = line!() + 1;
    let s = panics(|| loss::mce_pair(a, b));
    check(&s, file!(), l, "sub", &bc);
    let l = line!() + 1;
    let s = err(loss::try_lvq2_pair(a, a, -1.0));
    check(&s, file!(), l, "lvq2", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| loss::lvq2_pair(a, a, -1.0));
    check(&s, file!(), l, "lvq2", &["-1"]);
    let l = line!() + 1;
    let s = err(loss::try_nll_set(a, b, -1.0));
    check(&s, file!(), l, "nll", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| loss::nll_set(a, b, -1.0));
    check(&s, file!(), l, "nll", &["-1"]);
}

#[test]
fn inference() {
    let store = ParamStore::<f64>::new();
    let x = Tensor::new([1], vec![1.0]);
    let quad = from_fn(|_p, _x, y| (y * y).sum_all());
    let bad = GdOptions {
        step: -1.0,
        ..GdOptions::default()
    };
    let y0 = || Tensor::new([1], vec![0.0]);
    let l = line!() + 1;
    let s = err(infer::argmin::<f64>(&[]));
    check(&s, file!(), l, "argmin", &["empty"]);
    let l = line!() + 1;
    let s = err(infer::try_free_energy(&[1.0], -1.0));
    check(&s, file!(), l, "free_energy", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| infer::free_energy(&[1.0], -1.0));
    check(&s, file!(), l, "free_energy", &["-1"]);
    let l = line!() + 1;
    let s = err(infer::try_gibbs(&[1.0], -1.0));
    check(&s, file!(), l, "gibbs", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| infer::gibbs(&[1.0], -1.0));
    check(&s, file!(), l, "gibbs", &["-1"]);
    let l = line!() + 1;
    let s = err(infer::try_descend(&quad, &store, &x, y0(), bad));
    check(&s, file!(), l, "descend", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| infer::descend(&quad, &store, &x, y0(), bad));
    check(&s, file!(), l, "descend", &["-1"]);
    let lopts = LangevinOptions {
        step: 0.1,
        beta: -1.0,
        n_steps: 3,
    };
    let l = line!() + 1;
    let s = err(infer::try_langevin(
        &quad,
        &store,
        &x,
        y0(),
        lopts,
        &mut init::rng(1),
    ));
    check(&s, file!(), l, "langevin", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| infer::langevin(&quad, &store, &x, y0(), lopts, &mut init::rng(1)));
    check(&s, file!(), l, "langevin", &["-1"]);
    let lat = latent_from_fn(|_p, _x, y, z| (y * z).sum_all());
    let l = line!() + 1;
    let s = err(infer::try_descend_z(&lat, &store, &x, &x, y0(), bad));
    check(&s, file!(), l, "descend", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| infer::descend_z(&lat, &store, &x, &x, y0(), bad));
    check(&s, file!(), l, "descend", &["-1"]);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let (xv, yv) = (tape.constant(1.0), tape.constant(1.0));
    let l = line!() + 1;
    let s = err(infer::try_min_over_z(&lat, &p, xv, yv, &[]));
    check(&s, file!(), l, "min_over_z", &["empty"]);
    let l = line!() + 1;
    let s = panics(|| infer::min_over_z(&lat, &p, xv, yv, &[]).0);
    check(&s, file!(), l, "min_over_z", &["empty"]);
    let l = line!() + 1;
    let s = err(infer::try_descend_z_on(&lat, &p, xv, yv, y0(), bad));
    check(&s, file!(), l, "descend", &["-1"]);

    // A model that says it has 3 answers but returns 2 energies.
    let liar = label_from_fn(3, |_p, x| x.tape().constant_tensor([2], vec![1.0, 2.0]) * x);
    let l = line!() + 1;
    let s = err(infer::try_run(&liar, &store, &x));
    check(&s, file!(), l, "run", &["[2]", "[3]"]);
    let l = line!() + 1;
    let s = panics(|| infer::run(&liar, &store, &x));
    check(&s, file!(), l, "run", &["[2]", "[3]"]);
    let l = line!() + 1;
    let s = err(infer::try_run_labels(&quad, &store, &x, &[]));
    check(&s, file!(), l, "argmin", &["empty"]);
    let l = line!() + 1;
    let s = panics(|| infer::run_labels(&quad, &store, &x, &[]));
    check(&s, file!(), l, "argmin", &["empty"]);
}

#[test]
fn modules_init_and_io() {
    let tape = Tape::<f64>::new();
    let (a, b) = (
        tape.tensor([2], vec![1.0; 2]),
        tape.tensor([3], vec![1.0; 3]),
    );
    let l = line!() + 1;
    let s = panics(|| module::euclidean(a, b));
    check(&s, file!(), l, "euclidean", &["[2]", "[3]"]);
    let l = line!() + 1;
    let s = panics(|| module::plus::<f64>(&[]));
    check(&s, file!(), l, "plus", &["no input"]);
    let l = line!() + 1;
    let s = panics(|| module::switch(&[a, b], 5));
    check(&s, file!(), l, "switch", &["5", "2"]);
    let l = line!() + 1;
    let s = err(Softmax::try_new(-1.0));
    check(&s, file!(), l, "Softmax::new", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| Softmax::new(-1.0));
    check(&s, file!(), l, "Softmax::new", &["-1"]);
    let l = line!() + 1;
    let s = err(LogSum::try_new(-1.0));
    check(&s, file!(), l, "LogSum::new", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| LogSum::new(-1.0));
    check(&s, file!(), l, "LogSum::new", &["-1"]);
    let gater: Box<dyn Module<f64>> = Box::new(Softmax::new(1.0));
    let l = line!() + 1;
    let s = panics(|| MixtureOfExperts::new(Vec::new(), gater, 1.0));
    check(&s, file!(), l, "MixtureOfExperts::new", &["no experts"]);
    let mut store = ParamStore::<f64>::new();
    let mut rng = init::rng(1);
    let l = line!() + 1;
    let s = panics(|| Sequential::mlp(&mut store, "m", &[3], &mut rng));
    check(&s, file!(), l, "Sequential::mlp", &["[3]"]);
    let l = line!() + 1;
    let s = panics(|| init::uniform::<f64>(&mut rng, [2], 1.0, 0.0));
    check(&s, file!(), l, "uniform", &["1", "0"]);
    let l = line!() + 1;
    let s = panics(|| init::fan_in::<f64>(&mut rng, [1 << 40, 1 << 24], 3));
    check(&s, file!(), l, "uniform", &["1099511627776"]);
    let l = line!() + 1;
    let s = panics(|| init::tanh_spread::<f64>(&mut rng, [1 << 40, 1 << 24], [2]));
    check(&s, file!(), l, "uniform", &["1099511627776"]);

    let missing = std::env::temp_dir().join("wengert-cover-no-such-dir/w.safetensors");
    let l = line!() + 1;
    let s = err(io::save(&store, &missing));
    check(
        &s,
        file!(),
        l,
        "cannot write",
        &["wengert-cover-no-such-dir"],
    );
    let l = line!() + 1;
    let s = err(io::load(&mut store, &missing));
    check(
        &s,
        file!(),
        l,
        "cannot read",
        &["wengert-cover-no-such-dir"],
    );
    let l = line!() + 1;
    let s = err(io::load_new::<f64>(&missing));
    check(
        &s,
        file!(),
        l,
        "cannot read",
        &["wengert-cover-no-such-dir"],
    );
    let x = Tensor::new([1], vec![1.0]);
    let l = line!() + 1;
    let s = err(module::gradcheck_params(&store, &x, |_p, x| x * f64::NAN));
    check(&s, file!(), l, "gradcheck", &["non-finite"]);
}

#[test]
fn training() {
    let mut store = ParamStore::<f64>::new();
    store.insert("w", Tensor::new([1], vec![1.0]));
    let bad = Sgd {
        lr: -1.0,
        ..Sgd::new(0.1)
    };
    let l = line!() + 1;
    let s = err(bad.validate());
    check(&s, file!(), l, "sgd", &["-1"]);
    let mut v = Velocity::new();
    let l = line!() + 1;
    let s = err(bad.try_step(&mut store, &[vec![1.0]], &mut v));
    check(&s, file!(), l, "sgd", &["-1"]);
    let l = line!() + 1;
    let s = panics(|| bad.step(&mut store, &[vec![1.0]], &mut v));
    check(&s, file!(), l, "sgd", &["-1"]);

    let mut t = Trainer::new(store, Sgd::new(0.1), 1);
    let nan = nan_loss;
    let l = line!() + 1;
    let s = err(t.try_learn_sample(nan));
    check(&s, file!(), l, "training loss", &["NaN"]);
    let l = line!() + 1;
    let s = panics(|| t.learn_sample(nan));
    check(&s, file!(), l, "training loss", &["NaN"]);
    let empty: [u8; 0] = [];
    let per = per_sample;
    let l = line!() + 1;
    let s = err(t.try_learn_batch(&empty, per));
    check(&s, file!(), l, "learn_batch", &["empty"]);
    let l = line!() + 1;
    let s = panics(|| t.learn_batch(&empty, per));
    check(&s, file!(), l, "learn_batch", &["empty"]);
    let l = line!() + 1;
    let s = panics(|| t.mean_loss(&empty, per));
    check(&s, file!(), l, "mean_loss", &["no samples"]);
    let l = line!() + 1;
    let s = err(t.try_fit(&[1u8], 0, 1, per));
    check(&s, file!(), l, "fit", &["epochs = 0"]);
    let l = line!() + 1;
    let s = panics(|| t.fit(&[1u8], 0, 1, per));
    check(&s, file!(), l, "fit", &["epochs = 0"]);
    let liar = label_from_fn(3, |_p, x| x.tape().constant_tensor([2], vec![1.0, 2.0]) * x);
    let l = line!() + 1;
    let s = panics(|| t.run(&liar, &Tensor::new([1], vec![1.0])));
    check(&s, file!(), l, "run", &["[2]", "[3]"]);
}

/// A loss that is NaN.
fn nan_loss<'t>(_: &'t Tape<f64>, p: &Bound<'t, '_, f64>) -> Var<'t, f64> {
    p.vars().next().unwrap().1.sum_all() * f64::NAN
}

/// A per-sample loss: the sum of the first parameter.
fn per_sample<'t>(_: &'t Tape<f64>, p: &Bound<'t, '_, f64>, _: &u8) -> Var<'t, f64> {
    p.vars().next().unwrap().1.sum_all()
}
