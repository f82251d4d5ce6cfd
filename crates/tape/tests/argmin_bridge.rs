//! The argmin bridge (feature `argmin`): costs, gradients and Hessians agree with the tape's
//! transforms and with hand-derived values, and argmin's L-BFGS minimises through it.
#![cfg(feature = "argmin")]
use argmin::core::{CostFunction, Executor, Gradient, Hessian, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use proptest::prelude::*;
use wengert_tape::bridge::argmin::{RealFn, ScalarProblem, TensorProblem, TwiceProblem};
use wengert_tape::transforms::value_and_grad;
use wengert_tape::{ErrorKind, Real, Var};

/// Extended Rosenbrock, Σ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)², written once for every element type.
struct Rosen;
impl RealFn for Rosen {
    fn eval<'t, R: Real>(&self, v: &[Var<'t, R>]) -> Var<'t, R> {
        let mut s = v[0] * R::zero();
        for w in v.windows(2) {
            let (a, b) = (w[0] - R::one(), w[1] - w[0] * w[0]);
            s = s + a * a + b * b * R::lit(100.0);
        }
        s
    }
}

fn rosen<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    Rosen.eval(v)
}

#[test]
fn rosenbrock_literal_gradient_and_hessian() {
    // f(x, y) = (1 − x)² + 100 (y − x²)² at (x, y) = (0.5, 2):
    // ∂f/∂x = −2(1 − x) − 400x(y − x²) = −1 − 200 · 1.75 = −351
    // ∂f/∂y = 200 (y − x²) = 350
    // H = [[2 − 400(y − x²) + 800x², −400x], [−400x, 200]] = [[2 − 700 + 200, −200], [−200, 200]]
    let p = TwiceProblem::new(Rosen);
    let x = vec![0.5, 2.0];
    assert_eq!(p.cost(&x).unwrap(), 0.25 + 100.0 * 1.75 * 1.75);
    assert_eq!(p.gradient(&x).unwrap(), vec![-351.0, 350.0]);
    assert_eq!(
        p.hessian(&x).unwrap(),
        vec![vec![-498.0, -200.0], vec![-200.0, 200.0]]
    );
}

#[test]
fn lbfgs_minimises_rosenbrock_through_the_bridge() {
    let problem = ScalarProblem::new(rosen);
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-10)
        .unwrap();
    let x0: Vec<f64> = (0..10)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let res = Executor::new(problem, solver)
        .configure(|s| s.param(x0).max_iters(500))
        .run()
        .unwrap();
    let best = res.state().get_best_param().unwrap();
    assert!(best.iter().all(|&v| (v - 1.0).abs() < 1e-6), "{best:?}");
    assert!(res.state().get_best_cost() < 1e-12);
    // the cost and the gradient at one point share a recording
    let counts = &res.problem().counts;
    let asked = counts["cost_count"] + counts["gradient_count"];
    let evals = res.problem().problem.as_ref().unwrap().evaluations() as u64;
    assert!(
        evals < asked && evals <= counts["cost_count"],
        "{evals} {counts:?}"
    );
}

#[test]
fn tensor_problem_matches_scalar_problem() {
    // f(Y) = Σ_ij Y_ij² w_ij with w = (1, 2, 3, 4, 5, 6) on a [2, 3] Y: ∇f = 2 w ⊙ Y
    let t = TensorProblem::new([2, 3], |y| {
        let w = y
            .tape()
            .constant_tensor([2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        (y * y * w).sum_all()
    });
    let x = vec![1.0, -1.0, 0.5, 2.0, 0.0, -0.5];
    let (v, g) = t.value_and_grad(&x).unwrap();
    assert_eq!(v, 1.0 + 2.0 + 0.75 + 16.0 + 0.0 + 1.5);
    assert_eq!(g, vec![2.0, -4.0, 3.0, 16.0, 0.0, -6.0]);
    let err = t.value_and_grad(&[1.0]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ShapeMismatch { .. }),
        "{err}"
    );
}

#[test]
fn bad_functions_are_errors_not_wrong_gradients() {
    // d(1/x)/dx at 0 is −∞: an error naming the point, not a gradient handed to a solver
    let p = ScalarProblem::new(|v: &[Var<'_, f64>]| v[0].tape().constant(1.0) / v[0]);
    let err = p.gradient(&vec![0.0]).unwrap_err().to_string();
    assert!(
        err.contains("gradient element 0") && err.contains("[0.0]"),
        "{err}"
    );
    // a vector output has no gradient
    let t = TensorProblem::new([2], |y| y * 2.0);
    let err = t.value_and_grad(&[1.0, 2.0]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NonScalarBackward { .. }),
        "{err}"
    );
}

proptest! {
    #[test]
    fn bridge_agrees_with_value_and_grad(x in prop::collection::vec(-2.0f64..2.0, 2..6)) {
        let f = rosen;
        let (v0, g0) = value_and_grad(f, &x);
        let p = TwiceProblem::new(Rosen);
        prop_assert_eq!(p.cost(&x).unwrap(), v0);
        prop_assert_eq!(p.gradient(&x).unwrap(), g0.clone());
        let s = ScalarProblem::new(f);
        prop_assert_eq!(s.value_and_grad(&x).unwrap(), (v0, g0.clone()));
        // the Hessian's rows are finite differences of the gradient
        let h = p.hessian(&x).unwrap();
        let eps = 1e-6;
        for j in 0..x.len() {
            let (mut a, mut b) = (x.clone(), x.clone());
            a[j] += eps;
            b[j] -= eps;
            let (ga, gb) = (value_and_grad(f, &a).1, value_and_grad(f, &b).1);
            for i in 0..x.len() {
                let fd = (ga[i] - gb[i]) / (2.0 * eps);
                prop_assert!((h[i][j] - fd).abs() <= 1e-4 * (1.0 + fd.abs()), "{} {}", h[i][j], fd);
            }
        }
    }
}
