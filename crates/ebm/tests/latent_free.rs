//! The free energy over a discrete latent set: values by hand, gradients by finite
//! differences, and the β → ∞ limit equal to the min over Z.
use proptest::prelude::*;
use wengert_ebm::energy::latent_from_fn;
use wengert_ebm::infer::{free_energy_over_z, min_over_z};
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{ParamStore, Tape, Tensor};

fn zs(v: &[f64]) -> Vec<Tensor<f64>> {
    v.iter().map(|&z| Tensor::new([2], vec![z, -z])).collect()
}

#[test]
fn literal_value_and_gradient() {
    // E(z) = ‖y − z‖² with y = (1, 0), z ∈ {(0,0), (1,−1)}: energies 1 and 1, so
    // F_β=2 = −½ log(2 e^{−2}) = 1 − ½ log 2; ∂F/∂y = ½·2(y − z₁) + ½·2(y − z₂) = (1, 1).
    let e = latent_from_fn(|_p, _x, y, z| {
        let d = y - z;
        (d * d).sum_all()
    });
    let store = ParamStore::<f64>::new();
    let tape = Tape::new();
    let y = tape.tensor([2], vec![1.0, 0.0]);
    let f = free_energy_over_z(
        &e,
        &store.bind(&tape),
        tape.constant(0.0),
        y,
        &zs(&[0.0, 1.0]),
        2.0,
    );
    assert!((f.value() - (1.0 - 0.5 * 2f64.ln())).abs() < 1e-12);
    let g = tape.backward(f).wrt(y).to_vec();
    assert!(
        (g[0] - 1.0).abs() < 1e-12 && (g[1] - 1.0).abs() < 1e-12,
        "{g:?}"
    );
}

proptest! {
    #[test]
    fn gradient_matches_finite_differences(
        y in prop::collection::vec(-2.0f64..2.0, 2),
        z in prop::collection::vec(-2.0f64..2.0, 3),
        beta in 0.2f64..5.0,
    ) {
        let set = zs(&z);
        let e = latent_from_fn(|_p, _x, y, z| {
            let d = y - z;
            (d * d * y).sum_all()
        });
        let store = ParamStore::<f64>::new();
        let r = gradcheck(
            |tape, v| free_energy_over_z(&e, &store.bind(tape), tape.constant(0.0), v[0], &set, beta),
            &[Tensor::new([2], y)],
        );
        prop_assert!(r.is_ok(), "{r:?}");
    }

    #[test]
    fn large_beta_tends_to_the_min_from_below(
        y in prop::collection::vec(-2.0f64..2.0, 2),
        z in prop::collection::vec(-2.0f64..2.0, 4),
    ) {
        let set = zs(&z);
        let e = latent_from_fn(|_p, _x, y, z| {
            let d = y - z;
            (d * d).sum_all()
        });
        let store = ParamStore::<f64>::new();
        let tape = Tape::new();
        let p = store.bind(&tape);
        let (x, yv) = (tape.constant(0.0), tape.tensor([2], y));
        let (_, m) = min_over_z(&e, &p, x, yv, &set);
        for beta in [1.0, 1e2, 1e6] {
            let f = free_energy_over_z(&e, &p, x, yv, &set, beta).value();
            // min − log 4/β ≤ F ≤ min
            prop_assert!(f <= m.value() + 1e-12 && f >= m.value() - 4f64.ln() / beta - 1e-12);
        }
        let f = free_energy_over_z(&e, &p, x, yv, &set, 1e9).value();
        prop_assert!((f - m.value()).abs() < 1e-8);
    }
}
