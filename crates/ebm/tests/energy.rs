//! Each energy's value against its formula, and its parameter gradients against finite
//! differences.
use approx::assert_abs_diff_eq;
use wengert_ebm::energy::*;
use wengert_ebm::infer::{self, GdOptions};
use wengert_ebm::init;
use wengert_ebm::module::{gradcheck_params, Linear, Module, Sequential};
use wengert_tape::{ParamStore, Tape, Tensor};

fn t(shape: &[usize], v: &[f64]) -> Tensor<f64> {
    Tensor::new(shape, v.to_vec())
}

#[test]
fn regressor_is_half_squared_distance_to_g() {
    let mut store = ParamStore::<f64>::new();
    let g = Sequential::mlp(&mut store, "g", &[2, 3, 2], &mut init::rng(0));
    let model = Regressor::new(g);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.constant_tensor([2], vec![0.5, -1.0]);
    let gx = model.g().forward(&p, x).to_vec();
    let y = [1.0f64, 2.0];
    let e = model.energy(&p, x, tape.constant_tensor([2], y.to_vec()));
    let want = 0.5 * ((y[0] - gx[0]).powi(2) + (y[1] - gx[1]).powi(2));
    assert_abs_diff_eq!(e.value(), want, epsilon = 1e-14);
}

#[test]
fn linear_regression_energy() {
    let mut store = ParamStore::<f64>::new();
    let m = LinearRegression::new(&mut store, "lr", 2, 2, &mut init::rng(1));
    *store.get_mut(m.linear().w()) = t(&[2, 2], &[1.0, 2.0, -1.0, 0.5]);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.constant_tensor([2], vec![2.0, 1.0]); // W'X = [4, −1.5]
    let e = m.energy(&p, x, tape.constant_tensor([2], vec![3.0, 0.5]));
    assert_eq!(e.value(), 0.5 * (1.0 + 4.0));
    // ∂E/∂W = −(Y − W'X) X' = [[2, 1], [−4, −2]]
    let g = tape.backward(e);
    assert_eq!(p.grad(&g, m.linear().w()), &[2.0, 1.0, -4.0, -2.0]);
}

#[test]
fn classifier_energies_and_junk() {
    let mut store = ParamStore::<f64>::new();
    let g = Linear::new(&mut store, "g", 2, 3, &mut init::rng(2));
    *store.get_mut(g.w()) = t(&[3, 2], &[1.0, 1.0, 2.0, 0.0, 0.0, -1.0]);
    let x = t(&[2], &[1.0, 3.0]);
    let plain = Classifier::new(g, 3);
    assert_eq!(LabelEnergy::<f64>::n_labels(&plain), 3);
    let r = infer::run(&plain, &store, &x);
    assert_eq!((r.energies.clone(), r.answer), (vec![4.0, 2.0, -3.0], 2));

    let junk = Classifier::new(g, 3).with_junk_param(&mut store, "junk", -5.0);
    let r = infer::run(&junk, &store, &x);
    assert_eq!(
        (r.energies.clone(), r.answer),
        (vec![4.0, 2.0, -3.0, -5.0], 3)
    );
    // the junk energy does not depend on X and is trainable: ∂E_3/∂w0 = 1
    let Some(Junk::Param(k0)) = junk.junk() else {
        panic!()
    };
    let tape = Tape::new();
    let p = store.bind(&tape);
    let es = junk.energies(&p, tape.constant_tensor([2], vec![1.0, 3.0]));
    let gr = tape.vjp(es, &[0.0, 0.0, 0.0, 1.0]);
    assert_eq!(p.grad(&gr, k0), &[1.0]);
    assert_eq!(p.grad(&gr, g.w()), &[0.0; 6]);
    drop(gr);
    gradcheck_params(&store, &x, |p, x| junk.energies(p, x)).unwrap();

    let c = Classifier::new(g, 3).with_junk_constant(0.25);
    assert_eq!(infer::run(&c, &store, &x).energies[3], 0.25);
}

#[test]
fn perceptron_and_logistic_energies() {
    let mut store = ParamStore::<f64>::new();
    let per = Perceptron::new(&mut store, "wp", 3, &mut init::rng(3));
    let log = Logistic::new(&mut store, "wl", 3, &mut init::rng(3));
    *store.get_mut(per.w()) = t(&[3], &[1.0, -1.0, 2.0]);
    *store.get_mut(log.w()) = t(&[3], &[1.0, -1.0, 2.0]);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.constant_tensor([3], vec![0.5, 1.0, 0.25]); // W'X = 0
    let x2 = tape.constant_tensor([3], vec![2.0, 1.0, 1.0]); // W'X = 3
    for (y, s) in [(-1.0, 1.0), (1.0, -1.0)] {
        assert_eq!(per.energy(&p, x2, tape.constant(y)).value(), 3.0 * s);
        assert_eq!(log.energy(&p, x2, tape.constant(y)).value(), 1.5 * s);
    }
    assert_eq!(per.energy(&p, x, tape.constant(1.0)).value(), 0.0);
    assert_eq!(per.energies(&p, x2).to_vec(), vec![3.0, -3.0]);
    assert_eq!(log.energies(&p, x2).to_vec(), vec![1.5, -1.5]);
    // Y̌ = sign(W'X): label index 1 is Y = +1
    let r = infer::run(&per, &store, &t(&[3], &[2.0, 1.0, 1.0]));
    assert_eq!(Perceptron::LABELS[r.answer], 1.0);
    // ∂E/∂W = −Y X
    let g = tape.backward(per.energy(&p, x2, tape.constant(1.0)));
    assert_eq!(p.grad(&g, per.w()), &[-2.0, -1.0, -1.0]);
    drop(g);
    gradcheck_params(&store, &t(&[3], &[0.3, 0.2, -0.1]), |p, x| {
        log.energies(p, x)
    })
    .unwrap();
}

#[test]
fn matcher_is_distance_between_both_embeddings() {
    let mut store = ParamStore::<f64>::new();
    let mut rng = init::rng(4);
    let g1 = Sequential::two_layer(&mut store, "g1", 1, 4, 2, &mut rng);
    let g2 = Sequential::two_layer(&mut store, "g2", 1, 4, 2, &mut rng);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.constant_tensor([1], vec![0.5]);
    let y = tape.constant_tensor([1], vec![0.25]);
    let (a, b) = (g1.forward(&p, x).to_vec(), g2.forward(&p, y).to_vec());
    let m = Matcher::new(g1, g2);
    let want = 0.5 * ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2));
    assert_abs_diff_eq!(m.energy(&p, x, y).value(), want, epsilon = 1e-14);
}

#[test]
fn energy_gradients_by_finite_differences() {
    // the energies with Y recorded on the checking tape (as a constant built from X's tape)
    let mut store = ParamStore::<f64>::new();
    let mut rng = init::rng(5);
    let g1 = Sequential::two_layer(&mut store, "g1", 1, 3, 1, &mut rng);
    let g2 = Sequential::two_layer(&mut store, "g2", 1, 3, 1, &mut rng);
    let m = Matcher::new(g1, g2);
    gradcheck_params(&store, &t(&[1], &[0.4]), |p, x| {
        m.energy(p, x, x.tape().constant_tensor([1], vec![0.16]))
    })
    .unwrap();
    let mut s2 = ParamStore::new();
    let r = Regressor::new(Sequential::mlp(&mut s2, "g", &[2, 3, 1], &mut rng));
    gradcheck_params(&s2, &t(&[2], &[0.4, -0.3]), |p, x| {
        r.energy(p, x, x.tape().constant_tensor([1], vec![0.7]))
    })
    .unwrap();
    let mut s3 = ParamStore::new();
    let hybrid = Classifier::nn_rbf(&mut s3, "h", 2, 3, 4, &mut rng);
    assert_eq!(LabelEnergy::<f64>::n_labels(&hybrid), 4);
    gradcheck_params(&s3, &t(&[2], &[0.4, -0.3]), |p, x| hybrid.energies(p, x)).unwrap();
}

#[test]
fn nn_rbf_energies_are_squared_distances_to_prototypes() {
    let mut store = ParamStore::<f64>::new();
    let h = Classifier::nn_rbf(&mut store, "h", 2, 2, 3, &mut init::rng(6));
    let w = store.get(store.key("h.1.w").unwrap()).clone();
    let c = store.get(store.key("h.2.c").unwrap()).clone();
    let x = [0.3f64, 0.9];
    let hid: Vec<f64> = (0..2)
        .map(|i| (w.get(&[i, 0]) * x[0] + w.get(&[i, 1]) * x[1]).tanh())
        .collect();
    let r = infer::run(&h, &store, &t(&[2], &x));
    for k in 0..3 {
        let d = (hid[0] - c.get(&[k, 0])).powi(2) + (hid[1] - c.get(&[k, 1])).powi(2);
        assert_abs_diff_eq!(r.energies[k], d, epsilon = 1e-14);
    }
}

#[test]
fn from_fn_adapters() {
    let mut store = ParamStore::<f64>::new();
    let a = store.insert("a", t(&[], &[2.0]));
    let e = from_fn(move |p, x, y| {
        let d = y - p.var(a) * x;
        (d * d).sum_all()
    });
    let tape = Tape::new();
    let p = store.bind(&tape);
    let v = e.energy(&p, tape.constant(1.5), tape.constant(4.0));
    assert_eq!(v.value(), 1.0);
    assert_eq!(p.grad(&tape.backward(v), a), &[-3.0]); // −2 (y − a x) x
}

#[test]
fn latent_discrete_is_min_over_z() {
    // E = ½(Y − W X − Z)², Z ∈ {−1, 0, 2}
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", t(&[], &[1.0]));
    let le = latent_from_fn(move |p, x, y, z| {
        let d = y - p.var(w) * x - z;
        (d * d).sum_all() * 0.5
    });
    let zs: Vec<_> = [-1.0, 0.0, 2.0]
        .iter()
        .map(|&z| Tensor::scalar(z))
        .collect();
    let model = Latent::new(le, ZSearch::Discrete(zs));
    let tape = Tape::new();
    let p = store.bind(&tape);
    // Y − W X = 1.5: Z = 2 gives ½·0.25, Z = 0 gives ½·2.25
    let e = model.energy(&p, tape.constant(1.0), tape.constant(2.5));
    assert_eq!(e.value(), 0.125);
    // gradient through the minimising z only: ∂E/∂W = −(Y − W X − z*) X = 0.5
    assert_eq!(p.grad(&tape.backward(e), w), &[0.5]);
}

#[test]
fn latent_continuous_is_min_over_z_with_envelope_gradient() {
    // E = (Y − W X − Z)² + Z²: z* = (Y − W X)/2, Ě = (Y − W X)²/2, ∂Ě/∂W = −(Y − W X) X
    let mut store = ParamStore::<f64>::new();
    let w = store.insert("w", t(&[], &[0.5]));
    let le = latent_from_fn(move |p, x, y, z| {
        let d = y - p.var(w) * x - z;
        (d * d + z * z).sum_all()
    });
    let opts = GdOptions {
        step: 0.2,
        max_iters: 500,
        tol: 1e-12,
    };
    let model = Latent::new(
        le,
        ZSearch::Descent {
            z0: Tensor::scalar(0.0),
            opts,
        },
    );
    let tape = Tape::new();
    let p = store.bind(&tape);
    let e = model.energy(&p, tape.constant(2.0), tape.constant(3.0)); // Y − W X = 2
    assert_abs_diff_eq!(e.value(), 2.0, epsilon = 1e-9);
    assert_abs_diff_eq!(p.grad(&tape.backward(e), w)[0], -4.0, epsilon = 1e-6);
}

#[test]
fn works_in_f32() {
    let mut store = ParamStore::<f32>::new();
    let model = Classifier::nn_rbf(&mut store, "h", 2, 4, 3, &mut init::rng(7));
    let r = infer::run(&model, &store, &Tensor::new([2], vec![0.5f32, -0.5]));
    assert_eq!(r.energies.len(), 3);
    assert!(r.energies.iter().all(|e| e.is_finite() && *e >= 0.0));
    let reg = LinearRegression::new(&mut store, "lr", 2, 1, &mut init::rng(7));
    let d = infer::descend(
        &reg,
        &store,
        &Tensor::new([2], vec![1.0f32, 2.0]),
        Tensor::new([1], vec![0.0f32]),
        GdOptions {
            step: 0.5,
            max_iters: 200,
            tol: 1e-6,
        },
    );
    assert!(d.converged && d.energy < 1e-10);
}
