//! A user-written energy built on a user-written op.
//!
//! The op is the pseudo-Huber distance between two tensors of one shape,
//!
//! ```text
//! ρ_δ(A, B) = Σ_i δ² (√(1 + (r_i/δ)²) − 1),   r = A − B,
//! ∂ρ/∂A_i = r_i / √(1 + (r_i/δ)²) = −∂ρ/∂B_i,
//! ```
//!
//! quadratic (`½ r²`) for small residuals and linear (`δ |r|`) for large ones, implemented
//! through the open op interface (`wengert_tape::Op`: forward and VJP side by side). The same
//! function elementwise is also written as an `op::Unary` and used with `Var::map`.
//!
//! The energy is a robust regressor `E(W, Y, X) = ρ_δ(Y, G(W, X))`, `G` a small tanh net. It
//! is gradient-checked, trained with the energy loss on data with 15% gross outliers next to
//! the usual `½‖Y − G‖²` regressor, and queried with gradient-descent inference
//! (`infer::descend`), which finds `Y̌ = G(W, X)`.
//!
//! Run: `cargo run --release --example custom_energy`
use rand::Rng as _;
use wengert::ebm::energy::{Energy, Regressor};
use wengert::ebm::infer::{self, GdOptions};
use wengert::ebm::module::{gradcheck_params, Module, Sequential};
use wengert::ebm::train::{Sgd, Trainer};
use wengert::ebm::{init, loss};
use wengert::tape::gradcheck::gradcheck;
use wengert::tape::op::Unary;
use wengert::tape::{Bound, Error, ErrorKind, Op, Real, Shape, Tensor, TensorRef, Var};

/// The pseudo-Huber distance as a tensor op with two inputs and a rank-0 output.
struct PseudoHuber<T> {
    delta: T,
}

impl<T: Real> Op<T> for PseudoHuber<T> {
    fn name(&self) -> &'static str {
        "pseudo_huber"
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let d = self.delta;
        out[0] = inputs[0]
            .data
            .iter()
            .zip(inputs[1].data)
            .map(|(&a, &b)| {
                let q = (a - b) / d;
                d * d * ((T::one() + q * q).sqrt() - T::one())
            })
            .sum();
    }

    fn vjp(
        &self,
        input: usize,
        inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        // ∂ρ/∂A_i = r_i / √(1 + (r_i/δ)²); B gets the opposite sign.
        let sign = if input == 0 { T::one() } else { -T::one() };
        let g = grad_out[0] * sign;
        for ((gi, &a), &b) in grad_in.iter_mut().zip(inputs[0].data).zip(inputs[1].data) {
            let r = a - b;
            let q = r / self.delta;
            *gi += g * r / (T::one() + q * q).sqrt();
        }
    }
}

/// Records `ρ_δ(a, b)`; the shapes are checked before recording.
#[track_caller]
fn try_pseudo_huber<'t, T: Real>(
    a: Var<'t, T>,
    b: Var<'t, T>,
    delta: T,
) -> Result<Var<'t, T>, Error> {
    if a.shape() != b.shape() {
        return Err(Error::here(ErrorKind::ShapeMismatch {
            op: "pseudo_huber",
            lhs: a.shape(),
            rhs: b.shape(),
        }));
    }
    Ok(a.tape()
        .record_op(PseudoHuber { delta }, &[a, b], Shape::scalar()))
}

/// `ρ_δ(a, b)`.
///
/// # Panics
/// If `a` and `b` differ in shape.
#[track_caller]
fn pseudo_huber<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>, delta: T) -> Var<'t, T> {
    try_pseudo_huber(a, b, delta).unwrap_or_else(|e| panic!("{e}"))
}

/// The same function elementwise with δ = 1, `ρ(r) = √(1 + r²) − 1`, `ρ'(r) = r / (ρ + 1)`.
struct Rho;
impl<T: Real> Unary<T> for Rho {
    const NAME: &'static str = "rho";
    fn f(r: T) -> T {
        (T::one() + r * r).sqrt() - T::one()
    }
    fn df(r: T, y: T) -> T {
        r / (y + T::one())
    }
}

/// The robust regressor `E(W, Y, X) = ρ_δ(Y, G(W, X))`.
struct RobustRegressor<G, T> {
    g: G,
    delta: T,
}

impl<T: Real, G: Module<T>> Energy<T> for RobustRegressor<G, T> {
    fn energy<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
        pseudo_huber(y, self.g.forward(p, x), self.delta)
    }
}

/// `n` points `x ∈ [−2, 2)`, `y = sin(1.5x) + noise`; a fraction `outliers` of the targets
/// replaced by gross errors in `[2, 4)`.
fn dataset(n: usize, outliers: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = init::rng(seed);
    let xs: Vec<f64> = (0..n).map(|_| rng.gen_range(-2.0..2.0)).collect();
    let ys = xs
        .iter()
        .map(|&x| {
            if rng.gen::<f64>() < outliers {
                rng.gen_range(2.0..4.0)
            } else {
                (1.5 * x).sin() + 0.05 * init::normal(&mut rng)
            }
        })
        .collect();
    (xs, ys)
}

/// Full-batch training with the energy loss `L = E(W, Yⁱ, Xⁱ)` averaged over the set (the
/// whole set is one `[n, 1]` batch through the net).
fn fit(
    model: &impl Energy<f64>,
    store: wengert::tape::ParamStore<f64>,
    xs: &[f64],
    ys: &[f64],
) -> Trainer<f64> {
    let n = xs.len();
    let mut trainer = Trainer::new(store, Sgd::new(0.05).with_momentum(0.9), 1);
    for _ in 0..3000 {
        trainer.learn_sample(|tape, p| {
            let x = tape.constant_tensor([n, 1], xs.to_vec());
            let y = tape.constant_tensor([n, 1], ys.to_vec());
            let e = model.energy(p, x, y);
            loss::energy_pair(e) * (1.0 / n as f64)
        });
    }
    trainer
}

/// Root-mean-square error of the net against the clean curve on a grid.
fn clean_rmse(g: &impl Module<f64>, store: &wengert::tape::ParamStore<f64>) -> f64 {
    let tape = wengert::tape::Tape::new();
    let p = store.bind(&tape);
    let xs: Vec<f64> = (0..101).map(|i| -2.0 + 0.04 * i as f64).collect();
    let out = g.forward(&p, tape.constant_tensor([xs.len(), 1], xs.clone()));
    let se: f64 = out
        .to_vec()
        .iter()
        .zip(&xs)
        .map(|(o, x)| (o - (1.5 * x).sin()).powi(2))
        .sum();
    (se / xs.len() as f64).sqrt()
}

fn main() {
    // 1. The op against centered differences, for both inputs, and against the Unary form.
    let a = Tensor::new([4], vec![0.3, -2.0, 5.0, 0.01]);
    let b = Tensor::new([4], vec![-0.1, 1.0, 0.5, 0.0]);
    let r = gradcheck(
        |_, v| pseudo_huber(v[0], v[1], 1.0),
        &[a.clone(), b.clone()],
    );
    println!(
        "gradcheck of the pseudo_huber op (both inputs): {}",
        show(&r)
    );
    let r = gradcheck(
        |_, v| (v[0] - v[1]).map::<Rho>().sum_all(),
        &[a.clone(), b.clone()],
    );
    println!(
        "gradcheck of the Rho unary op via map:          {}",
        show(&r)
    );
    let tape = wengert::tape::Tape::<f64>::new();
    let (av, bv) = (
        tape.tensor([4], a.into_data()),
        tape.tensor([4], b.into_data()),
    );
    let (op, un) = (pseudo_huber(av, bv, 1.0), (av - bv).map::<Rho>().sum_all());
    println!(
        "ρ₁(a, b): Op {:.16e}, Unary {:.16e}",
        op.value(),
        un.value()
    );
    let err = try_pseudo_huber(av, tape.tensor([3], vec![0.0; 3]), 1.0).unwrap_err();
    println!("a shape mismatch is reported, not recorded: {err}");

    // 2. The energy: gradient with respect to every parameter and to X, then to Y.
    let mut store = wengert::tape::ParamStore::<f64>::new();
    let g = Sequential::mlp(&mut store, "g", &[1, 16, 1], &mut init::rng(7));
    let robust = RobustRegressor { g, delta: 0.2 };
    let y = Tensor::new([1], vec![0.4]);
    let r = gradcheck_params(&store, &Tensor::new([1], vec![0.7]), |p, x| {
        robust.energy(p, x, x.tape().constant_tensor([1], y.data().to_vec()))
    });
    println!(
        "gradcheck of E(W, Y, X) in W and X:             {}",
        show(&r)
    );

    // 3. Training on outlier-ridden data: robust energy vs the squared-distance regressor,
    // from the same initial weights.
    let (xs, ys) = dataset(200, 0.15, 3);
    let n_out = ys.iter().filter(|&&y| y >= 2.0).count();
    println!(
        "\ntraining on {} points, {n_out} of them gross outliers (targets in [2, 4))",
        xs.len()
    );
    let robust_trainer = fit(&robust, store.clone(), &xs, &ys);
    let mut sq_store = wengert::tape::ParamStore::<f64>::new();
    let g2 = Sequential::mlp(&mut sq_store, "g", &[1, 16, 1], &mut init::rng(7));
    let squared = Regressor::new(g2);
    let sq_trainer = fit(&squared, sq_store, &xs, &ys);
    let rmse_robust = clean_rmse(&robust.g, robust_trainer.store());
    let rmse_sq = clean_rmse(squared.g(), sq_trainer.store());
    println!("  RMSE against the clean curve sin(1.5x):");
    println!("    robust energy ρ_0.2(Y, G(W, X))  {rmse_robust:.4}");
    println!("    squared energy ½‖Y − G(W, X)‖²   {rmse_sq:.4}");

    // 4. Inference by gradient descent on Y: Y̌ = argmin_Y E(W, Y, X) = G(W, X).
    println!("\ninference Y̌ = argmin_Y ρ(Y, G(W, X)) by infer::descend from Y = 0:");
    let store = robust_trainer.store();
    for x in [-1.5, 0.0, 0.8] {
        let d = infer::descend(
            &robust,
            store,
            &Tensor::new([1], vec![x]),
            Tensor::new([1], vec![0.0]),
            GdOptions {
                step: 0.5,
                max_iters: 2000,
                tol: 1e-9,
            },
        );
        let tape = wengert::tape::Tape::new();
        let gx = robust
            .g
            .forward(&store.bind(&tape), tape.constant_tensor([1], vec![x]))
            .value();
        println!(
            "  x = {x:>5}: Y̌ = {:.6} after {} steps (converged: {}), G(x) = {gx:.6}, sin(1.5x) = {:.6}",
            d.y.data()[0],
            d.iters,
            d.converged,
            (1.5 * x).sin()
        );
    }
}

fn show(r: &Result<(), Error>) -> String {
    match r {
        Ok(()) => "passed".into(),
        Err(e) => format!("FAILED: {e}"),
    }
}
