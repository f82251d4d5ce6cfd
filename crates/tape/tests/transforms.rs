//! The function transforms against closed forms and finite differences: Rosenbrock's
//! gradient and Hessian (n = 2 and the banded n = 5 form), jvp / vjp against jacfwd / jacrev
//! on a vector function, hvp = H·v, Hessian symmetry, and forward-mode gradients (one
//! direction or N per pass) against reverse mode.
use approx::assert_relative_eq;
use num_traits::Float;
use proptest::prelude::*;
use wengert_tape::transforms::{
    forward, grad, hessian, hvp, jacfwd, jacfwd_chunked, jacrev, jvp, value_and_grad, vjp,
};
use wengert_tape::{Real, Tensor, Var};

mod common;
use common::Exp;

/// Rosenbrock over Vars: f = Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)².
fn rosen<'t, R: Real>(x: &[Var<'t, R>]) -> Var<'t, R> {
    let mut s = x[0].cst(R::zero());
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = x[i] - R::one();
        s = s + a * a * R::lit(100.0) + b * b;
    }
    s
}

/// The same function over plain floats (for the tape-free forward mode).
fn rosen_f<F: Float>(x: &[F]) -> F {
    let h = F::from(100.0).unwrap();
    (0..x.len() - 1).fold(F::zero(), |s, i| {
        let a = x[i + 1] - x[i] * x[i];
        let b = x[i] - F::one();
        s + h * a * a + b * b
    })
}

/// ∂f/∂xⱼ = −400 xⱼ (xⱼ₊₁ − xⱼ²) − 2 (1 − xⱼ) [j < n−1]  +  200 (xⱼ − xⱼ₋₁²) [j > 0].
fn rosen_grad(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    (0..n)
        .map(|j| {
            let mut g = 0.0;
            if j + 1 < n {
                g += -400.0 * x[j] * (x[j + 1] - x[j] * x[j]) - 2.0 * (1.0 - x[j]);
            }
            if j > 0 {
                g += 200.0 * (x[j] - x[j - 1] * x[j - 1]);
            }
            g
        })
        .collect()
}

/// Banded: Hⱼⱼ = (1200 xⱼ² − 400 xⱼ₊₁ + 2) [j < n−1] + 200 [j > 0];
/// Hⱼ,ⱼ₊₁ = Hⱼ₊₁,ⱼ = −400 xⱼ; zero elsewhere. For n = 2 this is
/// [[1200x² − 400y + 2, −400x], [−400x, 200]].
fn rosen_hess(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut h = vec![0.0; n * n];
    for j in 0..n {
        if j + 1 < n {
            h[j * n + j] += 1200.0 * x[j] * x[j] - 400.0 * x[j + 1] + 2.0;
            h[j * n + j + 1] = -400.0 * x[j];
            h[(j + 1) * n + j] = -400.0 * x[j];
        }
        if j > 0 {
            h[j * n + j] += 200.0;
        }
    }
    h
}

fn assert_close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()),
            "element {i}: {x} vs {y}\n{a:?}\n{b:?}"
        );
    }
}

#[test]
fn rosenbrock_2d_literal() {
    let (x, y) = (1.5, 2.0);
    // f = (1 − x)² + 100 (y − x²)² = 0.25 + 100·0.0625 = 6.5
    // ∇f = (2(x − 1) − 400x(y − x²), 200(y − x²)) = (1 + 150, −50)
    let (v, g) = value_and_grad(rosen, &[x, y]);
    assert_relative_eq!(v, 6.5);
    assert_close(&g, &[151.0, -50.0], 1e-14);
    // H = [[1200x² − 400y + 2, −400x], [−400x, 200]] = [[1902, −600], [−600, 200]]
    let h = hessian(rosen, &[x, y]);
    assert_eq!(h.shape().dims(), &[2, 2]);
    assert_close(h.data(), &[1902.0, -600.0, -600.0, 200.0], 1e-14);
}

#[test]
fn rosenbrock_5d_closed_form_and_finite_differences() {
    let x = [0.3, -1.2, 0.8, 1.1, -0.4];
    let g = grad(rosen, &x);
    assert_close(&g, &rosen_grad(&x), 1e-13);
    // Centered differences of the plain function.
    let eps = 1e-6;
    let fd: Vec<f64> = (0..x.len())
        .map(|i| {
            let (mut p, mut m) = (x, x);
            p[i] += eps;
            m[i] -= eps;
            (rosen_f(&p) - rosen_f(&m)) / (2.0 * eps)
        })
        .collect();
    assert_close(&g, &fd, 1e-6);
    let h = hessian(rosen, &x);
    assert_close(h.data(), &rosen_hess(&x), 1e-13);
    // The Hessian against centered differences of the closed-form gradient.
    for j in 0..x.len() {
        let (mut p, mut m) = (x, x);
        p[j] += eps;
        m[j] -= eps;
        let (gp, gm) = (rosen_grad(&p), rosen_grad(&m));
        for i in 0..x.len() {
            let fd = (gp[i] - gm[i]) / (2.0 * eps);
            assert!((h.get(&[i, j]) - fd).abs() < 1e-5 * (1.0 + fd.abs()));
        }
    }
}

/// f: R³ → R⁴, two scalar outputs and a two-element tensor:
/// (x₀x₁, x₁ + x₂²/x₀, [1, 2]·x₀ + x₁x₂).
fn vecf<'t, R: Real>(x: &[Var<'t, R>]) -> Vec<Var<'t, R>> {
    let c = x[0]
        .tape()
        .constant_tensor([2], vec![R::one(), R::lit(2.0)]);
    vec![
        x[0] * x[1],
        x[1] + x[2] * x[2] / x[0],
        c * x[0] + x[1] * x[2],
    ]
}

fn vecf_value(x: &[f64]) -> Vec<f64> {
    vec![
        x[0] * x[1],
        x[1] + x[2] * x[2] / x[0],
        x[0] + x[1] * x[2],
        2.0 * x[0] + x[1] * x[2],
    ]
}

/// J = [[x₁, x₀, 0], [−x₂²/x₀², 1, 2x₂/x₀], [1, x₂, x₁], [2, x₂, x₁]].
fn vecf_jac(x: &[f64]) -> Vec<f64> {
    let (a, b, c) = (x[0], x[1], x[2]);
    vec![
        b,
        a,
        0.0,
        -c * c / (a * a),
        1.0,
        2.0 * c / a,
        1.0,
        c,
        b,
        2.0,
        c,
        b,
    ]
}

fn matvec(j: &[f64], m: usize, n: usize, v: &[f64], transpose: bool) -> Vec<f64> {
    if transpose {
        (0..n)
            .map(|c| (0..m).map(|r| j[r * n + c] * v[r]).sum())
            .collect()
    } else {
        (0..m)
            .map(|r| (0..n).map(|c| j[r * n + c] * v[c]).sum())
            .collect()
    }
}

#[test]
fn jacobians_of_a_vector_function() {
    let x = [1.5, -0.5, 2.0];
    let want = vecf_jac(&x);
    for j in [
        jacrev(vecf, &x),
        jacfwd(vecf, &x),
        jacfwd_chunked::<2, _, _>(vecf, &x),
        jacfwd_chunked::<3, _, _>(vecf, &x),
        jacfwd_chunked::<8, _, _>(vecf, &x),
    ] {
        assert_eq!(j.shape().dims(), &[4, 3]);
        assert_close(j.data(), &want, 1e-14);
    }
}

#[test]
#[should_panic(expected = "vjp")]
fn vjp_checks_the_cotangent_length() {
    let _ = vjp(vecf, &[1.0, 2.0, 3.0], &[1.0, 2.0]);
}

#[test]
#[should_panic(expected = "jvp")]
fn jvp_checks_the_tangent_length() {
    let _ = jvp(vecf, &[1.0, 2.0, 3.0], &[1.0]);
}

#[test]
fn scalar_output_through_vector_transforms() {
    // A scalar function wrapped as vec![y]: jvp is ∇f·v and jacrev is ∇fᵀ.
    let x = [0.3, -1.2, 0.8];
    let (v, t) = jvp(|x| vec![rosen(x)], &x, &[1.0, 0.0, 2.0]);
    let g = rosen_grad(&x);
    assert_relative_eq!(v[0], rosen_f(&x));
    assert_relative_eq!(t[0], g[0] + 2.0 * g[2], max_relative = 1e-14);
    assert_close(jacrev(|x| vec![rosen(x)], &x).data(), &g, 1e-14);
}

/// A function with transcendental pieces, for symmetry and nested differences:
/// f = exp(x₀x₁) / (1 + x₂²) + x₀ x₂³.
fn smooth<'t, R: Real>(x: &[Var<'t, R>]) -> Var<'t, R> {
    (x[0] * x[1]).map::<Exp>() / (x[2] * x[2] + R::one()) + x[0] * x[2] * x[2] * x[2]
}

#[test]
fn hessian_is_symmetric_and_matches_differences_of_the_gradient() {
    let x = [0.4, -0.7, 1.3];
    let n = x.len();
    let h = hessian(smooth, &x);
    let eps = 1e-6;
    for i in 0..n {
        for j in 0..n {
            assert_relative_eq!(h.get(&[i, j]), h.get(&[j, i]), max_relative = 1e-13);
        }
        let (mut p, mut m) = (x, x);
        p[i] += eps;
        m[i] -= eps;
        let (gp, gm) = (grad(smooth, &p), grad(smooth, &m));
        for k in 0..n {
            let fd = (gp[k] - gm[k]) / (2.0 * eps);
            assert!((h.get(&[k, i]) - fd).abs() < 1e-6 * (1.0 + fd.abs()));
        }
    }
}

#[test]
fn works_in_f32() {
    // f = x² y in f32 through the dual tape: H = [[2y, 2x], [2x, 0]]
    let h = hessian(|v| v[0] * v[0] * v[1], &[3.0f32, 2.0]);
    assert_eq!(h.data(), &[4.0f32, 6.0, 6.0, 0.0]);
}

fn vec_in(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-2.0..2.0f64, n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn jvp_and_vjp_agree_with_the_jacobians(
        x in prop::collection::vec(0.5..2.0f64, 3),
        v in vec_in(3),
        u in vec_in(4),
    ) {
        let jf = jacfwd(vecf, &x);
        let jr = jacrev(vecf, &x);
        assert_close(jf.data(), &vecf_jac(&x), 1e-12);
        assert_close(jr.data(), jf.data(), 1e-12);
        let (y, jv) = jvp(vecf, &x, &v);
        assert_close(&y, &vecf_value(&x), 1e-14);
        assert_close(&jv, &matvec(jf.data(), 4, 3, &v, false), 1e-12);
        let (y, ju) = vjp(vecf, &x, &u);
        assert_close(&y, &vecf_value(&x), 1e-14);
        assert_close(&ju, &matvec(jr.data(), 4, 3, &u, true), 1e-12);
    }

    #[test]
    fn hvp_is_h_times_v(x in vec_in(5), v in vec_in(5)) {
        let h = rosen_hess(&x);
        assert_close(&hvp(rosen, &x, &v), &matvec(&h, 5, 5, &v, false), 1e-12);
        assert_close(hessian(rosen, &x).data(), &h, 1e-12);
    }

    #[test]
    fn forward_gradients_equal_reverse(x in vec_in(5)) {
        let g = grad(rosen, &x);
        assert_close(&g, &rosen_grad(&x), 1e-12);
        assert_close(&forward::gradient(rosen_f, &x), &g, 1e-12);
        let (v, gf) = forward::value_and_gradient(rosen_f, &x);
        assert_relative_eq!(v, rosen_f(&x));
        assert_close(&gf, &g, 1e-12);
        assert_close(&forward::gradient_chunked::<1, _>(rosen_f, &x), &g, 1e-12);
        assert_close(&forward::gradient_chunked::<2, _>(rosen_f, &x), &g, 1e-12);
        assert_close(&forward::gradient_chunked::<3, _>(rosen_f, &x), &g, 1e-12);
        assert_close(&forward::gradient_chunked::<5, _>(rosen_f, &x), &g, 1e-12);
        assert_close(&forward::gradient_chunked::<8, _>(rosen_f, &x), &g, 1e-12);
        let d: f64 = g.iter().sum();
        let (_, t) = forward::jvp(rosen_f, &x, &[1.0; 5]);
        assert_relative_eq!(t, d, max_relative = 1e-12, epsilon = 1e-12);
    }

    #[test]
    fn jacfwd_chunked_any_width(x in prop::collection::vec(0.5..2.0f64, 3)) {
        let j = jacfwd(vecf, &x);
        assert_close(jacfwd_chunked::<1, _, _>(vecf, &x).data(), j.data(), 1e-14);
        assert_close(jacfwd_chunked::<2, _, _>(vecf, &x).data(), j.data(), 1e-14);
    }
}

#[test]
fn unused_input_has_zero_derivatives() {
    // f(x, y) = x²: y does not reach the output, its derivatives are zero.
    let h: Tensor<f64> = hessian(|v| v[0] * v[0], &[1.0, 5.0]);
    assert_eq!(h.data(), &[2.0, 0.0, 0.0, 0.0]);
    assert_eq!(grad(|v| v[0] * v[0], &[3.0, 5.0]), vec![6.0, 0.0]);
    assert_eq!(forward::gradient(|v: &[_]| v[0] * 2.0, &[1.0]), vec![2.0]);
}

/// The example of docs/guide.md (transforms section).
#[test]
fn guide_example() {
    fn rosen2<'t, R: Real>(v: &[Var<'t, R>]) -> Var<'t, R> {
        let a = v[0] - R::one();
        let b = v[1] - v[0] * v[0];
        a * a + b * b * R::lit(100.0)
    }
    let x = [1.5_f64, 2.0];
    let g = grad(rosen2, &x);
    let h = hessian(rosen2, &x);
    let hv = hvp(rosen2, &x, &[0.0, 1.0]);
    let (_, t) = jvp(|v| vec![rosen2(v)], &x, &[1.0, 0.0]);
    assert_eq!(hv, vec![-600.0, 200.0]);
    assert_eq!(t[0], g[0]);
    assert_eq!(h.get(&[0, 1]), -600.0);
}
