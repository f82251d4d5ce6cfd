//! The logsumexp family's gradients at every magnitude: logsumexp (all and along an axis),
//! logsum(β), softmax and log-softmax (plain and with β), the NLL loss and the free energy, in
//! f32 up to 1e30 and f64 up to 1e300, against an exact reference.
//!
//! Their backward used to be computed from the rounded output (`exp(s (x − y))`): `y` is
//! rounded to its own magnitude, so in f64 above 1e16 the logsumexp gradient of `[M, M]` was
//! `[1, 1]` and in f32 at 1e4 with β ≈ 1e3 the NLL gradient was 0.623 for 0.5 (issue 13,
//! cause 3). Now it comes from the shifted inputs `x − max`, as JAX computes it.
//!
//! The test points are neighbours of `±M`: `[M, M, M⁻, M⁻⁻⁻]` (one and three ulps below),
//! whose differences are exact in f64, so the reference softmax of `s·(x − x₀)` is exact up
//! to f64 rounding. β is `1/(2 ulp)`, so neighbouring exponents differ by ½; plain β = 1
//! makes the lane one-hot between the two equal maxima (`[½, ½, 0, 0]` above 1e16).
use wengert::ebm::{infer, loss};
use wengert::ops::reduce::{log_softmax, log_softmax_beta, logsumexp_axis, softmax, softmax_beta};
use wengert::prelude::*;

trait Fp: Real {
    fn down(self) -> Self;
    fn to64(self) -> f64;
    const MAGS: &'static [f64];
    const TOL: f64;
}
impl Fp for f32 {
    fn down(self) -> Self {
        self.next_down()
    }
    fn to64(self) -> f64 {
        self as f64
    }
    const MAGS: &'static [f64] = &[1.0, 1e4, 1e15, 1e16, 1e30];
    const TOL: f64 = 2e-6;
}
impl Fp for f64 {
    fn down(self) -> Self {
        self.next_down()
    }
    fn to64(self) -> f64 {
        self
    }
    const MAGS: &'static [f64] = &[1.0, 1e4, 1e15, 1e16, 1e17, 1e100, 1e300];
    const TOL: f64 = 1e-13;
}

/// `[M, M, M⁻, M⁻⁻⁻]` and `1/(2 ulp(M))`.
fn point<T: Fp>(m: f64) -> (Vec<T>, T) {
    let m = T::lit(m);
    let d1 = m.down();
    let d3 = d1.down().down();
    (vec![m, m, d1, d3], T::one() / (T::lit(2.0) * (m - d1)))
}

/// The softmax of `s·x`, from the exact differences `x − x₀` (in f64).
fn reference<T: Fp>(x: &[T], s: f64) -> Vec<f64> {
    let z: Vec<f64> = x.iter().map(|&v| s * (v.to64() - x[0].to64())).collect();
    let zmax = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|&v| (v - zmax).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

fn close<T: Fp>(got: &[T], want: &[f64], what: &str, m: f64) {
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g.to64() - w).abs() <= T::TOL * (1.0 + w.abs()),
            "{what} at M = {m:e} ({}): element {k} is {g:?}, exactly {w:e}; all {got:?}",
            std::any::type_name::<T>()
        );
    }
}

fn family<T: Fp>() {
    for &mag in T::MAGS {
        for m in [mag, -mag] {
            let (x, beta) = point::<T>(m);
            let b = beta.to64();
            let tape = Tape::<T>::new();
            let v = tape.tensor([4], x.clone());
            let p1 = reference(&x, 1.0);
            let pb = reference(&x, b);
            let pn = reference(&x, -b);
            close(tape.backward(v.logsumexp()).wrt(v), &p1, "logsumexp", m);
            let v2 = tape.tensor([2, 4], [x.clone(), x.clone()].concat());
            let y2 = logsumexp_axis(v2, Axis(1)).sum();
            let g2 = tape.backward(y2).wrt(v2).to_vec();
            close(&g2, &[p1.clone(), p1.clone()].concat(), "logsumexp_axis", m);
            close(tape.backward(v.logsum(beta)).wrt(v), &pn, "logsum(β)", m);

            // A cotangent c: softmax x̄ = p ⊙ (c − Σ p c); log-softmax x̄ = c − p Σ c.
            let c = [1.0, -2.0, 0.5, 3.0];
            let ct: Vec<T> = c.iter().map(|&v| T::lit(v)).collect();
            let soft = |p: &[f64], scale: f64| -> Vec<f64> {
                let pc: f64 = p.iter().zip(&c).map(|(p, c)| p * c).sum();
                p.iter()
                    .zip(&c)
                    .map(|(p, c)| scale * p * (c - pc))
                    .collect()
            };
            let logsoft = |p: &[f64], scale: f64| -> Vec<f64> {
                let sc: f64 = c.iter().sum();
                p.iter()
                    .zip(&c)
                    .map(|(p, c)| scale * (c - p * sc))
                    .collect()
            };
            let g = |y: Var<'_, T>| tape.vjp(y, &ct).wrt(v).to_vec();
            close(&g(softmax(v, Axis(0))), &soft(&p1, 1.0), "softmax", m);
            close(
                &g(log_softmax(v, Axis(0))),
                &logsoft(&p1, 1.0),
                "log_softmax",
                m,
            );
            // With β the gradient scales by β: compare x̄/β.
            let unscale = |g: Vec<T>| -> Vec<T> { g.into_iter().map(|d| d / beta).collect() };
            let sb = unscale(g(softmax_beta(v, Axis(0), beta)));
            close(&sb, &soft(&pb, 1.0), "softmax_beta", m);
            let lb = unscale(g(log_softmax_beta(v, Axis(0), beta)));
            close(&lb, &logsoft(&pb, 1.0), "log_softmax_beta", m);

            // NLL of label 0: ∂L/∂E = onehot(0) − softmax(−βE).
            let onehot: Vec<f64> = (0..4).map(|k| (k == 0) as u8 as f64 - pn[k]).collect();
            close(
                tape.backward(loss::nll(v, 0, beta)).wrt(v),
                &onehot,
                "nll",
                m,
            );
            // The free energy's value: min E − ln Σ exp(−β (E − min E)) / β.
            let fe = infer::free_energy(&x, beta).to64();
            let lo = x.iter().map(|v| v.to64()).fold(f64::INFINITY, f64::min);
            let s: f64 = x.iter().map(|v| (-b * (v.to64() - lo)).exp()).sum();
            let want = lo - s.ln() / b;
            assert!(
                (fe - want).abs() <= 4.0 * T::TOL * want.abs().max(1.0 / b),
                "free energy at {m:e}: {fe:e}, exactly {want:e}"
            );
        }
    }
}

#[test]
fn logsumexp_family_gradients_are_exact_in_f32_up_to_1e30() {
    family::<f32>();
}

#[test]
fn logsumexp_family_gradients_are_exact_in_f64_up_to_1e300() {
    family::<f64>();
}
