//! `infer::minimize`: Armijo descent (free and on a box) and L-BFGS reach the minimiser and
//! report it; bad options are errors naming the op.
use wengert_ebm::energy::{from_fn, latent_from_fn};
use wengert_ebm::infer::{self, Method, MinimizeOptions};
use wengert_tape::{ErrorKind, ParamStore, Tensor};

#[test]
fn box_minimum_on_the_boundary() {
    // E = Σ (Yᵢ − cᵢ)², c = (3, −2, 0.5), box [0, 1]: Y̌ = (1, 0, 0.5), E = 4 + 4 + 0 = 8;
    // the projected gradient P(Y − ∇E) − Y is 0 there although ∇E = (−4, 4, 0) is not.
    let model = from_fn(|_p, _x, y| {
        let c = y.tape().constant_tensor([3], vec![3.0, -2.0, 0.5]);
        ((y - c) * (y - c)).sum_all()
    });
    let opts = MinimizeOptions {
        bounds: Some((0.0, 1.0)),
        ..Default::default()
    };
    let y0 = Tensor::new([3], vec![0.2, 0.9, 5.0]); // the start is projected into the box
    let r = infer::minimize(&model, &ParamStore::new(), &Tensor::scalar(0.0), y0, opts);
    assert!(r.converged && r.grad_norm <= 1e-6, "{r:?}");
    assert!(
        r.y.data()
            .iter()
            .zip([1.0, 0.0, 0.5])
            .all(|(a, b)| (a - b).abs() < 1e-6),
        "{r:?}"
    );
    assert!((r.energy - 8.0).abs() < 1e-6);
}

#[test]
fn armijo_and_lbfgs_on_an_ill_conditioned_quadratic() {
    // E = ½ (Y₀² + 100 Y₁²): fixed-step descent needs η < 0.02 here; both methods converge
    // from (1, 1) to 0 with ‖∇E‖ ≤ 1e-8.
    let model = from_fn(|_p, _x, y| {
        let w = y.tape().constant_tensor([2], vec![0.5, 50.0]);
        (y * y * w).sum_all()
    });
    for method in [Method::Armijo, Method::Lbfgs { memory: 3 }] {
        let opts = MinimizeOptions {
            method,
            grad_tol: 1e-8,
            ..Default::default()
        };
        let r = infer::minimize(
            &model,
            &ParamStore::new(),
            &Tensor::scalar(0.0),
            Tensor::new([2], vec![1.0, 1.0]),
            opts,
        );
        assert!(r.converged && r.grad_norm <= 1e-8, "{method:?}: {r:?}");
        assert!(
            r.y.data().iter().all(|v| v.abs() < 1e-8),
            "{method:?}: {r:?}"
        );
        assert!(r.iters < 1000);
    }
}

#[test]
fn latent_minimum() {
    // E = (Y − Z)² + Z² + Z⁴/4: ∂E/∂Z = −2(Y − Z) + 2Z + Z³, zero at Y = 3 where
    // Z³ + 4Z − 6 = 0 (one real root, E convex in Z): checked by the residual.
    let e = latent_from_fn::<f64, _>(|_p, _x, y, z| {
        let d = y - z;
        (d * d + z * z + z * z * z * z * 0.25).sum_all()
    });
    let r = infer::minimize_z(
        &e,
        &ParamStore::new(),
        &Tensor::scalar(0.0),
        &Tensor::scalar(3.0),
        Tensor::scalar(-2.0),
        MinimizeOptions::default(),
    );
    let z = r.y.data()[0];
    assert!(
        r.converged && (z * z * z + 4.0 * z - 6.0).abs() < 1e-5,
        "{r:?}"
    );
}

#[test]
fn bad_options_are_errors() {
    let model = from_fn(|_p, _x, y| (y * y).sum_all());
    let run = |opts| {
        infer::try_minimize(
            &model,
            &ParamStore::new(),
            &Tensor::scalar(0.0),
            Tensor::new([1], vec![1.0]),
            opts,
        )
        .unwrap_err()
    };
    let d = MinimizeOptions::default();
    for (opts, want) in [
        (
            MinimizeOptions { step: 0.0, ..d },
            "the step must be finite and > 0, got 0",
        ),
        (
            MinimizeOptions {
                grad_tol: f64::NAN,
                ..d
            },
            "gradient tolerance",
        ),
        (
            MinimizeOptions {
                bounds: Some((1.0, 0.0)),
                ..d
            },
            "lo <= hi",
        ),
        (
            MinimizeOptions {
                method: Method::Lbfgs { memory: 0 },
                ..d
            },
            "memory must be >= 1",
        ),
        (
            MinimizeOptions {
                method: Method::Lbfgs { memory: 3 },
                bounds: Some((0.0, 1.0)),
                ..d
            },
            "L-BFGS takes no box",
        ),
    ] {
        let e = run(opts);
        assert!(
            matches!(
                e.kind(),
                ErrorKind::InvalidArgument {
                    op: "infer::minimize",
                    ..
                }
            ),
            "{e}"
        );
        assert!(
            e.to_string().contains(want) && e.to_string().contains("minimize.rs"),
            "{e}"
        );
    }
}
