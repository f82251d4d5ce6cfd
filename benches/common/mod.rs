//! The two test functions, written once as macros and instantiated for every number type the
//! benchmarks compare, so that every variant performs literally the same operations:
//!
//! * Rosenbrock `f(x) = Σ_{i<n-1} (x_i − 1)² + 100 (x_{i+1} − x_i²)²`
//!   (7 arithmetic operations per term plus one addition into the sum);
//! * `g(x) = Σ_i sin x_i + Σ_{i<n-1} ln(exp(x_i x_{i+1}) + 1)`, the pair term written naively
//!   as `(e + 1.0).ln()` (no fused softplus; the constant is on the right because num-dual has
//!   no `f64 + Dual`).
// Each bench uses only some instances; `s = s + t` rather than `s += t` because not every
// number type here has `AddAssign`, and the bodies must be the same for all of them.
#![allow(dead_code, clippy::assign_op_pattern, clippy::needless_range_loop)]

/// Rosenbrock on a slice of any number type with `T - f64`, `T * f64` and `T op T`.
macro_rules! rosenbrock {
    ($x:expr) => {{
        let x = $x;
        let n = x.len();
        let a = x[0] - 1.0;
        let b = x[1] - x[0] * x[0];
        let mut s = a * a + b * b * 100.0;
        for i in 1..n - 1 {
            let a = x[i] - 1.0;
            let b = x[i + 1] - x[i] * x[i];
            s = s + (a * a + b * b * 100.0);
        }
        s
    }};
}

/// `g(x) = Σ sin x_i + Σ ln(exp(x_i x_{i+1}) + 1)` on a slice of any number type with
/// `sin`, `exp`, `ln` methods in scope.
macro_rules! softplus_sin {
    ($x:expr) => {{
        let x = $x;
        let n = x.len();
        let mut s = x[0].sin();
        for i in 1..n {
            s = s + x[i].sin();
        }
        for i in 0..n - 1 {
            s = s + ((x[i] * x[i + 1]).exp() + 1.0).ln();
        }
        s
    }};
}

/// Plain `f64` evaluation.
pub mod plain {
    pub fn rosen(x: &[f64]) -> f64 {
        rosenbrock!(x)
    }
    pub fn softplus(x: &[f64]) -> f64 {
        softplus_sin!(x)
    }
}

/// Hand-written gradients into a caller's buffer (no allocation).
pub mod hand {
    pub fn rosen_grad(x: &[f64], g: &mut [f64]) {
        g.fill(0.0);
        for i in 0..x.len() - 1 {
            let t = x[i + 1] - x[i] * x[i];
            g[i] += 2.0 * (x[i] - 1.0) - 400.0 * x[i] * t;
            g[i + 1] += 200.0 * t;
        }
    }
    pub fn softplus_grad(x: &[f64], g: &mut [f64]) {
        for (gi, xi) in g.iter_mut().zip(x) {
            *gi = xi.cos();
        }
        for i in 0..x.len() - 1 {
            let s = 1.0 / (1.0 + (-(x[i] * x[i + 1])).exp()); // σ(x_i x_{i+1})
            g[i] += s * x[i + 1];
            g[i + 1] += s * x[i];
        }
    }
}

/// wengert reverse mode: scalar `Var`s on a tape (methods from the ops crate).
pub mod wengert_rev {
    use wengert::prelude::*;

    /// The gradient of `f` at `x` into `g`: recorded on a reused `tape` (cleared first), one
    /// backward sweep, read into the caller's buffer.
    pub fn grad(
        f: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>,
        tape: &mut Tape<f64>,
        x: &[f64],
        g: &mut [f64],
    ) {
        tape.clear();
        let xs = tape.vars(x);
        let y = f(&xs);
        let grads = tape.backward(y);
        for (gi, &xi) in g.iter_mut().zip(&xs) {
            *gi = grads[xi];
        }
    }

    pub fn rosen<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
        rosenbrock!(x)
    }
    pub fn softplus<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
        softplus_sin!(x)
    }
}

/// wengert forward mode: tape-free `Dual<f64>` (n passes).
pub mod wengert_dual {
    use num_traits::Float;
    use wengert::tape::dual::Dual;
    pub fn rosen(x: &[Dual<f64>]) -> Dual<f64> {
        rosenbrock!(x)
    }
    pub fn softplus(x: &[Dual<f64>]) -> Dual<f64> {
        softplus_sin!(x)
    }
}

/// wengert forward mode: tape-free `DualVec<f64, 8>` (⌈n/8⌉ passes).
pub mod wengert_dualvec {
    use num_traits::Float;
    use wengert::tape::dual::DualVec;
    pub fn rosen(x: &[DualVec<f64, 8>]) -> DualVec<f64, 8> {
        rosenbrock!(x)
    }
    pub fn softplus(x: &[DualVec<f64, 8>]) -> DualVec<f64, 8> {
        softplus_sin!(x)
    }
}

/// The test point: `x_i = 0.5 sin(i) + 0.1`, values of order one so that no term overflows.
pub fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.5 * (i as f64).sin() + 0.1).collect()
}

/// Panics unless `got` matches `want` to 1e-10 relative (run once per bench, before timing).
pub fn check(name: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{name}: length");
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-10 * (1.0 + b.abs()),
            "{name}: gradient[{i}] = {a}, hand-written {b}"
        );
    }
}

/// Seconds for `reps` calls of `f`.
pub fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    let t = std::time::Instant::now();
    for _ in 0..reps {
        f();
    }
    t.elapsed().as_secs_f64()
}

/// The median and quartiles of `rounds` ratios `a / b`, each round timing `reps` calls of both
/// in alternating order, so that both run under the same load.
pub fn interleaved(
    rounds: usize,
    reps: usize,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> [f64; 3] {
    time(reps, &mut a);
    time(reps, &mut b);
    let mut r: Vec<f64> = (0..rounds)
        .map(|k| {
            if k % 2 == 0 {
                let ta = time(reps, &mut a);
                ta / time(reps, &mut b)
            } else {
                let tb = time(reps, &mut b);
                time(reps, &mut a) / tb
            }
        })
        .collect();
    r.sort_by(f64::total_cmp);
    [r[rounds / 2], r[rounds / 4], r[3 * rounds / 4]]
}
