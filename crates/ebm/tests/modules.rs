//! Each module's forward against a hand computation, and its gradients against finite
//! differences.
use approx::assert_abs_diff_eq;
use wengert_ebm::init;
use wengert_ebm::module::*;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{ParamStore, Tape, Tensor};

fn t(shape: &[usize], v: &[f64]) -> Tensor<f64> {
    Tensor::new(shape, v.to_vec())
}

#[test]
fn init_is_seeded_and_fan_in_scaled() {
    let a = init::fan_in::<f64>(&mut init::rng(5), [10, 16], 16);
    let b = init::fan_in::<f64>(&mut init::rng(5), [10, 16], 16);
    let c = init::fan_in::<f64>(&mut init::rng(6), [10, 16], 16);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.data().iter().all(|v| v.abs() <= 0.25));
    // uniform on ±¼ has variance (¼)²/3; 160 draws land near it
    let var = a.data().iter().map(|v| v * v).sum::<f64>() / 160.0;
    assert!((var - 0.0625 / 3.0).abs() < 0.008, "{var}");
}

#[test]
fn linear_forward_and_grads() {
    let mut store = ParamStore::<f64>::new();
    let lin = Linear::with_bias(&mut store, "l", 3, 2, &mut init::rng(0));
    *store.get_mut(lin.w()) = t(&[2, 3], &[1.0, -2.0, 0.5, 0.0, 3.0, -1.0]);
    *store.get_mut(lin.b().unwrap()) = t(&[2], &[0.25, -0.25]);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.tensor([3], vec![2.0, 1.0, 4.0]);
    let y = lin.forward(&p, x);
    // [2 − 2 + 2 + ¼, 0 + 3 − 4 − ¼]
    assert_eq!(y.to_vec(), vec![2.25, -1.25]);
    // E = y₀ + 2 y₁: ∂E/∂x = W'[1, 2] = [1, 4, −1.5]; ∂E/∂W = [1, 2] ⊗ x
    let g = tape.vjp(y, &[1.0, 2.0]);
    assert_eq!(g.wrt(x), &[1.0, 4.0, -1.5]);
    assert_eq!(p.grad(&g, lin.w()), &[2.0, 1.0, 4.0, 4.0, 2.0, 8.0]);
    assert_eq!(p.grad(&g, lin.b().unwrap()), &[1.0, 2.0]);
    drop(g);
    gradcheck_params(&store, &t(&[3], &[0.3, -1.0, 0.7]), |p, x| {
        lin.forward(p, x)
    })
    .unwrap();
}

#[test]
fn tanh_and_sigmoid_modules() {
    let mut store = ParamStore::<f64>::new();
    let th = Tanh::new(&mut store, "t", 2);
    let sg = Sigmoid::new(&mut store, "s", 2);
    *store.get_mut(th.b()) = t(&[2], &[0.1, -0.2]);
    *store.get_mut(sg.b()) = t(&[2], &[0.3, 0.4]);
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.tensor([2], vec![0.5, 1.5]);
    let a = th.forward(&p, x).to_vec();
    assert_abs_diff_eq!(a[0], 0.6f64.tanh(), epsilon = 1e-15);
    assert_abs_diff_eq!(a[1], 1.3f64.tanh(), epsilon = 1e-15);
    let s = sg.forward(&p, x);
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    assert_abs_diff_eq!(s.to_vec()[1], sig(1.9), epsilon = 1e-15);
    // ∂σ/∂b = σ(1 − σ)
    let g = tape.backward(s.sum_all());
    assert_abs_diff_eq!(
        p.grad(&g, sg.b())[0],
        sig(0.8) * (1.0 - sig(0.8)),
        epsilon = 1e-15
    );
    drop(g);
    let x0 = t(&[2], &[0.2, -0.9]);
    gradcheck_params(&store, &x0, |p, x| th.forward(p, x)).unwrap();
    gradcheck_params(&store, &x0, |p, x| sg.forward(p, x)).unwrap();
}

#[test]
fn two_layer_net_and_mlp() {
    let mut store = ParamStore::<f64>::new();
    let net = Sequential::two_layer(&mut store, "net", 2, 3, 2, &mut init::rng(2));
    assert_eq!(store.len(), 4);
    assert_eq!(
        store
            .key("net.2.w")
            .map(|k| store.get(k).shape().dims().to_vec()),
        Some(vec![2, 3])
    );
    // hand computation: tanh(W2 tanh(W1 x + b1) + b2)
    let w1 = store.get(store.key("net.1.w").unwrap()).clone();
    let w2 = store.get(store.key("net.2.w").unwrap()).clone();
    let x = [0.4f64, -0.6];
    let h: Vec<f64> = (0..3)
        .map(|i| (w1.get(&[i, 0]) * x[0] + w1.get(&[i, 1]) * x[1]).tanh())
        .collect();
    let want: Vec<f64> = (0..2)
        .map(|i| (0..3).map(|j| w2.get(&[i, j]) * h[j]).sum::<f64>().tanh())
        .collect();
    let tape = Tape::new();
    let got = net
        .forward(&store.bind(&tape), tape.constant_tensor([2], x.to_vec()))
        .to_vec();
    assert_abs_diff_eq!(got[0], want[0], epsilon = 1e-14);
    assert_abs_diff_eq!(got[1], want[1], epsilon = 1e-14);
    gradcheck_params(&store, &t(&[2], &x), |p, x| net.forward(p, x)).unwrap();

    let mut s2 = ParamStore::new();
    let mlp = Sequential::mlp(&mut s2, "m", &[2, 4, 3, 1], &mut init::rng(3));
    assert_eq!((mlp.len(), s2.len()), (3, 6));
    gradcheck_params(&s2, &t(&[2], &x), |p, x| mlp.forward(p, x)).unwrap();
}

#[test]
fn euclidean_value_and_grads() {
    let tape = Tape::new();
    let a = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let b = tape.tensor([3], vec![0.0, 4.0, 3.5]);
    let e = euclidean(a, b);
    assert_eq!(e.value(), 0.5 * (1.0 + 4.0 + 0.25));
    let g = tape.backward(e);
    assert_eq!(g.wrt(a), &[1.0, -2.0, -0.5]); // X_in − Y
    assert_eq!(g.wrt(b), &[-1.0, 2.0, 0.5]);
    gradcheck(
        |_, v| euclidean(v[0], v[1]),
        &[t(&[2], &[0.3, -0.1]), t(&[2], &[1.0, 2.0])],
    )
    .unwrap();
}

#[test]
#[should_panic(expected = "euclidean: shape mismatch: [2] and [3]")]
fn euclidean_shape_mismatch_panics_with_shapes() {
    let tape = Tape::<f64>::new();
    euclidean(
        tape.tensor([2], vec![0.0; 2]),
        tape.tensor([3], vec![0.0; 3]),
    );
}

#[test]
fn branch_plus_switch() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2], vec![1.0, 2.0]);
    let ys = branch(x, 3);
    let s = plus(&[ys[0], ys[1] * 2.0, ys[2] * 3.0]);
    assert_eq!(s.to_vec(), vec![6.0, 12.0]);
    // branch: gradients of the copies add up
    assert_eq!(tape.backward(s.sum_all()).wrt(x), &[6.0, 6.0]);
    let vs = tape.vars(&[5.0, 6.0, 7.0]);
    let o = switch(&vs, 1) * 2.0;
    let g = tape.backward(o);
    assert_eq!([g[vs[0]], g[vs[1]], g[vs[2]]], [0.0, 2.0, 0.0]);
}

#[test]
#[should_panic(expected = "switch: index 3 is out of range for length 3")]
fn switch_out_of_range_panics() {
    let tape = Tape::<f64>::new();
    switch(&tape.vars(&[1.0, 2.0, 3.0]), 3);
}

#[test]
fn rbf_layer() {
    let mut store = ParamStore::<f64>::new();
    let rbf = Rbf::from_centers(
        &mut store,
        "r",
        t(&[3, 2], &[0.0, 0.0, 1.0, 1.0, -1.0, 2.0]),
    );
    let tape = Tape::new();
    let p = store.bind(&tape);
    let x = tape.tensor([2], vec![0.5, 1.0]);
    let d = rbf.forward(&p, x);
    assert_eq!(d.to_vec(), vec![1.25, 0.25, 3.25]);
    // ∂(Σ_i c_i d_i)/∂x = Σ_i c_i 2 (x − W_i) with c = [1, 0, 0]: 2x
    assert_eq!(tape.vjp(d, &[1.0, 0.0, 0.0]).wrt(x), &[1.0, 2.0]);
    gradcheck_params(&store, &t(&[2], &[0.2, -0.4]), |p, x| rbf.forward(p, x)).unwrap();
}

#[test]
fn rbf_net() {
    let mut store = ParamStore::<f64>::new();
    let net = RbfNet::new(&mut store, "n", 2, 3, 2, &mut init::rng(9));
    *store.get_mut(net.widths()) = t(&[3], &[0.5, 1.0, 2.0]);
    let c = store.get(net.centers()).clone();
    let u = store.get(net.u()).clone();
    let x = [0.3, -0.2];
    let phi: Vec<f64> = (0..3)
        .map(|i| {
            let d2 = (x[0] - c.get(&[i, 0])).powi(2) + (x[1] - c.get(&[i, 1])).powi(2);
            (-[0.5, 1.0, 2.0][i] * d2).exp()
        })
        .collect();
    let tape = Tape::new();
    let f = net
        .forward(&store.bind(&tape), tape.constant_tensor([2], x.to_vec()))
        .to_vec();
    for (o, fo) in f.iter().enumerate() {
        let want: f64 = (0..3).map(|i| u.get(&[o, i]) * phi[i]).sum();
        assert_abs_diff_eq!(*fo, want, epsilon = 1e-14);
    }
    gradcheck_params(&store, &t(&[2], &x), |p, x| net.forward(p, x)).unwrap();
}

#[test]
fn softmax_module() {
    let store = ParamStore::new();
    let sm = Softmax::new(2.0);
    let tape = Tape::new();
    let y = sm.forward(
        &store.bind(&tape),
        tape.constant_tensor([3], vec![0.0, 0.5, 1.0]),
    );
    let z: f64 = [0.0, -1.0, -2.0].iter().map(|v: &f64| v.exp()).sum();
    let v = y.to_vec();
    assert_abs_diff_eq!(v[0], 1.0 / z, epsilon = 1e-15);
    assert_abs_diff_eq!(v[2], (-2.0f64).exp() / z, epsilon = 1e-15);
    assert_abs_diff_eq!(v.iter().sum::<f64>(), 1.0, epsilon = 1e-15);
    gradcheck_params(&store, &t(&[3], &[0.1, -0.3, 0.8]), |p, x| sm.forward(p, x)).unwrap();
    assert!(Softmax::try_new(0.0).is_err() && Softmax::try_new(f64::NAN).is_err());
}

#[test]
fn logsum_module() {
    let store = ParamStore::new();
    let ls = LogSum::new(0.5);
    let tape = Tape::new();
    let x = tape.tensor([3], vec![1.0, 2.0, 4.0]);
    let y = ls.forward(&store.bind(&tape), x);
    let s: f64 = [1.0, 2.0, 4.0].iter().map(|v: &f64| (-0.5 * v).exp()).sum();
    assert_abs_diff_eq!(y.value(), -2.0 * s.ln(), epsilon = 1e-14);
    // ∂X_out/∂X_k = P_k = exp(−β X_k)/Σ
    let g = tape.backward(y);
    for (k, v) in [1.0f64, 2.0, 4.0].iter().enumerate() {
        assert_abs_diff_eq!(g.wrt(x)[k], (-0.5 * v).exp() / s, epsilon = 1e-14);
    }
    drop(g);
    gradcheck_params(&store, &t(&[3], &[0.1, -0.3, 0.8]), |p, x| ls.forward(p, x)).unwrap();
    assert!(LogSum::try_new(-1.0).is_err());
}

#[test]
fn mixture_of_experts() {
    let mut store = ParamStore::<f64>::new();
    let mut rng = init::rng(4);
    let e1 = Linear::new(&mut store, "e1", 2, 1, &mut rng);
    let e2 = Linear::new(&mut store, "e2", 2, 1, &mut rng);
    let gate = Linear::new(&mut store, "gate", 2, 2, &mut rng);
    let moe = MixtureOfExperts::new(vec![Box::new(e1), Box::new(e2)], Box::new(gate), 1.5);
    let x = [0.7f64, -0.4];
    let dotw = |k, row: usize| {
        let w = store.get(k);
        w.get(&[row, 0]) * x[0] + w.get(&[row, 1]) * x[1]
    };
    let (g0, g1) = (dotw(gate.w(), 0), dotw(gate.w(), 1));
    let z = (-1.5 * g0).exp() + (-1.5 * g1).exp();
    let want = ((-1.5 * g0).exp() * dotw(e1.w(), 0) + (-1.5 * g1).exp() * dotw(e2.w(), 0)) / z;
    let tape = Tape::new();
    let f = moe.forward(&store.bind(&tape), tape.constant_tensor([2], x.to_vec()));
    assert_abs_diff_eq!(f.to_vec()[0], want, epsilon = 1e-14);
    gradcheck_params(&store, &t(&[2], &x), |p, x| moe.forward(p, x)).unwrap();
}

#[test]
fn gradcheck_params_catches_a_wrong_gradient() {
    use wengert_tape::{Bound, ParamKey, Real, Var};
    // d/dw of (w x) through a detached w is 0 on the tape but x numerically
    struct Broken(ParamKey);
    impl<T: Real> Module<T> for Broken {
        fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
            p.var(self.0).detach() * x
        }
    }
    let mut store = ParamStore::<f64>::new();
    let m = Broken(store.insert("w", t(&[1], &[2.0])));
    let err = gradcheck_params(&store, &t(&[1], &[3.0]), |p, x| m.forward(p, x)).unwrap_err();
    assert!(err.to_string().contains("gradcheck"), "{err}");
}

#[test]
fn linear_on_a_batch_of_rows_matches_row_by_row() {
    let mut store = ParamStore::<f64>::new();
    let lin = Linear::with_bias(&mut store, "l", 3, 2, &mut init::rng(8));
    *store.get_mut(lin.b().unwrap()) = t(&[2], &[0.5, -0.5]);
    let rows = [[0.1, 0.2, 0.3], [-1.0, 0.5, 2.0]];
    let tape = Tape::new();
    let p = store.bind(&tape);
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    let batch = lin.forward(&p, tape.constant_tensor([2, 3], flat.clone()));
    assert_eq!(batch.shape().dims(), &[2, 2]);
    for (i, r) in rows.iter().enumerate() {
        let one = lin
            .forward(&p, tape.constant_tensor([3], r.to_vec()))
            .to_vec();
        assert_abs_diff_eq!(batch.to_vec()[2 * i], one[0], epsilon = 1e-15);
        assert_abs_diff_eq!(batch.to_vec()[2 * i + 1], one[1], epsilon = 1e-15);
    }
    gradcheck_params(&store, &t(&[2, 3], &flat), |p, x| lin.forward(p, x)).unwrap();
}
