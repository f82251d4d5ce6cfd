//! Rosenbrock minimised by argmin's L-BFGS through the wengert bridge: the tape gives the
//! gradient (one recording and one sweep per point), argmin does the optimization.
//!
//! ```text
//! cargo run --release --example argmin_rosenbrock
//! ```
use argmin::core::{Executor, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use wengert::tape::bridge::argmin::ScalarProblem;
use wengert::tape::Var;

/// Extended Rosenbrock `Σᵢ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)²`: minimum 0 at `(1, …, 1)`.
fn rosenbrock<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = x[0] * 0.0;
    for w in x.windows(2) {
        let (a, b) = (w[0] - 1.0, w[1] - w[0] * w[0]);
        s = s + a * a + b * b * 100.0;
    }
    s
}

fn main() -> Result<(), argmin::core::Error> {
    println!("| n | iterations | recordings | f(x*) | max abs(x* − 1) | stop |");
    println!("| ---: | ---: | ---: | ---: | ---: | --- |");
    for n in [2, 10, 100, 1000] {
        // The classic start (−1.2, 1, −1.2, 1, …).
        let x0: Vec<f64> = (0..n)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect();
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(1e-8)?;
        let res = Executor::new(ScalarProblem::new(rosenbrock), solver)
            .configure(|s| s.param(x0).max_iters(10_000))
            .run()?;
        let state = res.state();
        let x = state.get_best_param().expect("a best point");
        let err = x.iter().fold(0.0_f64, |m, &v| m.max((v - 1.0).abs()));
        let recordings = res
            .problem()
            .problem
            .as_ref()
            .map_or(0, |p| p.evaluations());
        println!(
            "| {n} | {} | {recordings} | {:.2e} | {err:.2e} | {} |",
            state.get_iter(),
            state.get_best_cost(),
            state.get_termination_status()
        );
        // The minimum is (1, …, 1) with f = 0: the run must have found it.
        assert!(
            err < 1e-6 && state.get_best_cost() < 1e-12,
            "n = {n}: not converged"
        );
    }
    Ok(())
}
