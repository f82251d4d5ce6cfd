//! First and second derivatives of the CMU autodiff lecture's worked examples, through the
//! function transforms (reverse mode for gradients, forward-over-reverse for Hessians) and
//! the ops crate's elementwise functions. Second derivatives are derived by hand below and
//! also checked against centered differences of the hand-derived gradient.
use approx::assert_relative_eq;
use num_traits::Float;
use wengert::ops::elementwise::{cos, exp, ln, sin};
use wengert::tape::transforms::{forward, grad, hessian, hvp, jacfwd, jvp, value_and_grad};
use wengert::tape::{Real, Var};

/// y = exp(xz) + xz / ln x + sin(ln x) / exp(xz), inputs (x, z).
fn cmu_y<'t, R: Real>(v: &[Var<'t, R>]) -> Var<'t, R> {
    let (x, z) = (v[0], v[1]);
    let u = x * z;
    exp(u) + u / ln(x) + sin(ln(x)) / exp(u)
}

/// The same over plain floats, for the tape-free forward mode.
fn cmu_y_f<F: Float>(v: &[F]) -> F {
    let (x, z) = (v[0], v[1]);
    let u = x * z;
    u.exp() + u / x.ln() + x.ln().sin() / u.exp()
}

// With u = xz, L = ln x:
//   y_x = z eᵘ + z/L − z/L² + e⁻ᵘ (cos L / x − z sin L)
//   y_z = x eᵘ + x/L − x sin L e⁻ᵘ
fn cmu_grad(x: f64, z: f64) -> [f64; 2] {
    let (u, l) = (x * z, x.ln());
    let (e, ei) = (u.exp(), (-u).exp());
    [
        z * e + z / l - z / (l * l) + ei * (l.cos() / x - z * l.sin()),
        x * e + x / l - x * l.sin() * ei,
    ]
}

// Differentiating once more (d/dx cos L / x = −(sin L + cos L)/x², d/dx 1/L = −1/(x L²)):
//   y_xx = z² eᵘ − z/(x L²) + 2z/(x L³) + e⁻ᵘ (z² sin L − 2z cos L / x − (sin L + cos L)/x²)
//   y_xz = eᵘ (1 + u) + 1/L − 1/L² + e⁻ᵘ ((u − 1) sin L − cos L)     (= ∂/∂x y_z, checked)
//   y_zz = x² eᵘ + x² sin L e⁻ᵘ
fn cmu_hess(x: f64, z: f64) -> [f64; 4] {
    let (u, l) = (x * z, x.ln());
    let (e, ei) = (u.exp(), (-u).exp());
    let (s, c) = (l.sin(), l.cos());
    let xx = z * z * e - z / (x * l * l)
        + 2.0 * z / (x * l * l * l)
        + ei * (z * z * s - 2.0 * z * c / x - (s + c) / (x * x));
    let xz = e * (1.0 + u) + 1.0 / l - 1.0 / (l * l) + ei * ((u - 1.0) * s - c);
    let zz = x * x * e + x * x * s * ei;
    [xx, xz, xz, zz]
}

/// J = cos(sin(x²) + 3x²), one input.
fn cmu_j<'t, R: Real>(v: &[Var<'t, R>]) -> Var<'t, R> {
    let x2 = v[0] * v[0];
    cos(sin(x2) + x2 * R::lit(3.0))
}

// With s = sin(x²) + 3x²: s' = 2x cos(x²) + 6x, s'' = 2 cos(x²) − 4x² sin(x²) + 6,
//   J' = −sin(s) s',   J'' = −cos(s) s'² − sin(s) s''.
fn cmu_j_derivs(x: f64) -> (f64, f64, f64) {
    let s = (x * x).sin() + 3.0 * x * x;
    let ds = 2.0 * x * (x * x).cos() + 6.0 * x;
    let dds = 2.0 * (x * x).cos() - 4.0 * x * x * (x * x).sin() + 6.0;
    (s.cos(), -s.sin() * ds, -s.cos() * ds * ds - s.sin() * dds)
}

#[test]
fn cmu_y_value_and_gradient_at_2_3() {
    let (x, z) = (2.0_f64, 3.0);
    let want = (6.0f64).exp() + 6.0 / x.ln() + x.ln().sin() / (6.0f64).exp();
    let (y, g) = value_and_grad(cmu_y, &[x, z]);
    assert_relative_eq!(y, want, max_relative = 1e-15);
    let [gx, gz] = cmu_grad(x, z);
    assert_relative_eq!(g[0], gx, max_relative = 1e-14);
    assert_relative_eq!(g[1], gz, max_relative = 1e-14);
    // Tape-free forward mode agrees.
    let gf = forward::gradient(cmu_y_f, &[x, z]);
    assert_relative_eq!(gf[0], gx, max_relative = 1e-14);
    assert_relative_eq!(gf[1], gz, max_relative = 1e-14);
    assert_eq!(forward::gradient_chunked::<2, _>(cmu_y_f, &[x, z]), gf);
}

#[test]
fn cmu_y_second_derivatives_at_2_3() {
    let (x, z) = (2.0_f64, 3.0);
    let want = cmu_hess(x, z);
    let h = hessian(cmu_y, &[x, z]);
    for (a, b) in h.data().iter().zip(&want) {
        assert_relative_eq!(*a, *b, max_relative = 1e-13);
    }
    // hvp with a generic direction.
    let hv = hvp(cmu_y, &[x, z], &[0.5, -2.0]);
    assert_relative_eq!(hv[0], 0.5 * want[0] - 2.0 * want[1], max_relative = 1e-13);
    assert_relative_eq!(hv[1], 0.5 * want[2] - 2.0 * want[3], max_relative = 1e-13);
    // Independent check of the hand derivation: centered differences of the hand gradient.
    let eps = 1e-6;
    for j in 0..2 {
        let d = if j == 0 { (eps, 0.0) } else { (0.0, eps) };
        let gp = cmu_grad(x + d.0, z + d.1);
        let gm = cmu_grad(x - d.0, z - d.1);
        for i in 0..2 {
            let fd = (gp[i] - gm[i]) / (2.0 * eps);
            assert_relative_eq!(h.get(&[i, j]), fd, max_relative = 1e-7);
        }
    }
}

#[test]
fn cmu_j_first_and_second_derivative() {
    for x in [2.0_f64, 0.3, -1.1] {
        let (j, dj, ddj) = cmu_j_derivs(x);
        let (v, g) = value_and_grad(cmu_j, &[x]);
        assert_relative_eq!(v, j, max_relative = 1e-14);
        assert_relative_eq!(g[0], dj, max_relative = 1e-12);
        let h = hessian(cmu_j, &[x]);
        assert_relative_eq!(h.data()[0], ddj, max_relative = 1e-12);
        // Forward mode: jvp with v = 1 is J'; jacfwd of the gradient-free function likewise.
        let (_, t) = jvp(|v| vec![cmu_j(v)], &[x], &[1.0]);
        assert_relative_eq!(t[0], dj, max_relative = 1e-12);
        assert_relative_eq!(
            jacfwd(|v| vec![cmu_j(v)], &[x]).data()[0],
            dj,
            max_relative = 1e-12
        );
        // J'' against centered differences of the hand-derived J'.
        let eps = 1e-6;
        let fd = (cmu_j_derivs(x + eps).1 - cmu_j_derivs(x - eps).1) / (2.0 * eps);
        assert_relative_eq!(ddj, fd, max_relative = 1e-6);
    }
    // At x = 2: s = sin 4 + 12.
    let s = 4.0f64.sin() + 12.0;
    let g = grad(cmu_j, &[2.0]);
    assert_relative_eq!(
        g[0],
        -s.sin() * (4.0 * 4.0f64.cos() + 12.0),
        max_relative = 1e-13
    );
}
