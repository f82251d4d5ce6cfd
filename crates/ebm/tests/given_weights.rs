//! Modules built from given weights: shape checks that name the module and the caller,
//! keys in order, and the stacked-experts module against the boxed mixture of experts.
use proptest::prelude::*;
use wengert_ebm::module::{
    gradcheck_params, Linear, MixtureOfExperts, Module, Sequential, StackedExperts,
};
use wengert_tape::{ParamStore, Tape, Tensor};

#[test]
fn a_bad_shape_names_module_shapes_and_the_callers_line() {
    let mut store = ParamStore::<f64>::new();
    let err = Linear::try_from_weights(&mut store, "enc", Tensor::zeros([2]), None).unwrap_err();
    let line = line!() - 1;
    let msg = err.to_string();
    assert!(
        msg.contains("Linear::from_weights: module \"enc\""),
        "{msg}"
    );
    assert!(msg.contains("got shape [2]"), "{msg}");
    assert!(msg.contains(&format!("given_weights.rs:{line}")), "{msg}");
    let panic = std::panic::catch_unwind(|| {
        let mut s = ParamStore::<f64>::new();
        Linear::from_weights(
            &mut s,
            "dec",
            Tensor::zeros([3, 2]),
            Some(Tensor::zeros([2])),
        )
    });
    let msg = *panic.unwrap_err().downcast::<String>().unwrap();
    assert!(
        msg.contains("bias shape [2] does not match the weights [3, 2] (want [3])"),
        "{msg}"
    );
    assert!(msg.contains("given_weights.rs"), "{msg}");
}

#[test]
fn sequential_reports_its_keys_in_layer_order() {
    let mut store = ParamStore::<f64>::new();
    let l1 = Linear::from_weights(&mut store, "a", Tensor::new([2, 1], vec![1.0, -1.0]), None);
    let l2 = Linear::from_weights(
        &mut store,
        "b",
        Tensor::new([1, 2], vec![3.0, 4.0]),
        Some(Tensor::new([1], vec![0.5])),
    );
    let net = Sequential::new().with(l1).with(l2);
    let names: Vec<_> = net
        .keys()
        .iter()
        .map(|&k| store.name(k).to_string())
        .collect();
    assert_eq!(names, ["a.w", "b.w", "b.b"]);
    // y = 3x − 4x + 0.5 at x = 2
    let tape = Tape::new();
    let y = net.forward(&store.bind(&tape), tape.constant_tensor([1], vec![2.0]));
    assert_eq!(y.to_vec(), vec![-1.5]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// Invariance: K stacked experts equal K boxed linear experts with the same weights;
    /// and the stacked module's gradients pass the finite-difference check.
    #[test]
    fn stacked_equals_boxed_and_passes_gradcheck(
        w in prop::collection::vec(-1.0f64..1.0, 3 * 2 * 4),
        g in prop::collection::vec(-1.0f64..1.0, 3 * 4),
        x in prop::collection::vec(-1.0f64..1.0, 4),
    ) {
        let mut store = ParamStore::<f64>::new();
        let gate = |s: &mut ParamStore<f64>, n: &str| Linear::from_weights(s, n, Tensor::new([3, 4], g.clone()), None);
        let g1 = gate(&mut store, "g1");
        let stacked = StackedExperts::from_weights(&mut store, "s", Tensor::new([3, 2, 4], w.clone()), g1, 2.0);
        let experts: Vec<_> = (0..3)
            .map(|k| Linear::from_weights(&mut store, &format!("e{k}"), Tensor::new([2, 4], w[k * 8..(k + 1) * 8].to_vec()), None))
            .collect();
        let g2 = gate(&mut store, "g2");
        let boxed = MixtureOfExperts::from_modules(experts, g2, 2.0);
        let tape = Tape::new();
        let p = store.bind(&tape);
        let xv = tape.constant_tensor([4], x.clone());
        let (a, b) = (stacked.forward(&p, xv).to_vec(), boxed.forward(&p, xv).to_vec());
        for (a, b) in a.iter().zip(&b) {
            prop_assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        prop_assert_eq!(stacked.keys().len(), 2);
        prop_assert_eq!(boxed.keys().len(), 4);
        gradcheck_params(&store, &Tensor::new([4], x.clone()), |p, x| stacked.forward(p, x)).unwrap();
    }
}

#[test]
fn stacked_literal_gradient() {
    // K = 2, n_out = n_in = 1, constant gate weights (½, ½): F = ½(a + b)x,
    // ∂F/∂a = ∂F/∂b = x/2
    let mut store = ParamStore::<f64>::new();
    let gate = Linear::from_weights(&mut store, "g", Tensor::zeros([2, 1]), None);
    let m = StackedExperts::from_weights(
        &mut store,
        "m",
        Tensor::new([2, 1, 1], vec![1.0, 3.0]),
        gate,
        1.0,
    );
    let tape = Tape::new();
    let p = store.bind(&tape);
    let y = m
        .forward(&p, tape.constant_tensor([1], vec![4.0]))
        .sum_all();
    assert!((y.value() - 8.0).abs() < 1e-12);
    let g = tape.backward(y);
    let gw = p.grad(&g, m.w());
    assert!((gw[0] - 2.0).abs() < 1e-12 && (gw[1] - 2.0).abs() < 1e-12);
}
