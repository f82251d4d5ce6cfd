//! Numerical stability at extreme scales: logsumexp, softmax, the tutorial's logsum, sigmoid,
//! softplus, the free energy, the Gibbs distribution and the NLL loss give finite values and
//! gradients that match closed forms for energies up to 1e4 in magnitude and β from 1e-3 up
//! to 1e3 (so that β·E reaches 1e7, far past `exp`'s overflow at 709).
//!
//! The test points are built so that the answer is known exactly: energies
//! `a + [0, ln 2, 2 ln 2]/β` have Gibbs weights proportional to `1, 1/2, 1/4`, hence
//! `P = [4, 2, 1]/7`, `Σ exp(−β(E − a)) = 7/4` and `logsum_β(E) = a − ln(7/4)/β`.
use approx::assert_relative_eq;
use wengert::ebm::{infer, loss};
use wengert::prelude::*;

const OFFSETS: [f64; 3] = [-1e4, 0.0, 1e4];
const BETAS: [f64; 4] = [1e-3, 1.0, 37.5, 1e3];
const P: [f64; 3] = [4.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0];

/// Energies `a + [0, ln 2, 2 ln 2]/β`, with Gibbs distribution `P` at β.
fn energies(a: f64, beta: f64) -> Vec<f64> {
    let d = 2f64.ln() / beta;
    vec![a, a + d, a + 2.0 * d]
}

/// Rounding of `a + d` is up to ulp(1e4) ≈ 2e-12, times β = 1e3 in the exponent.
const TOL: f64 = 1e-8;

fn assert_all_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(g.is_finite(), "{got:?}");
        assert_relative_eq!(*g, *w, epsilon = TOL, max_relative = TOL);
    }
}

#[test]
fn logsum_and_its_gradient() {
    for a in OFFSETS {
        for beta in BETAS {
            let tape = Tape::<f64>::new();
            let e = tape.tensor([3], energies(a, beta));
            let y = e.logsum(beta);
            // logsum = a − ln(7/4)/β, ∂/∂E = P
            assert_relative_eq!(y.value(), a - (1.75f64).ln() / beta, epsilon = TOL);
            assert_all_close(tape.backward(y).wrt(e), &P);
        }
    }
}

#[test]
fn logsumexp_and_its_gradient() {
    for a in OFFSETS {
        let tape = Tape::<f64>::new();
        // x = a − [0, ln 2, 2 ln 2]: logsumexp = a + ln(7/4), ∂/∂x = softmax(x) = P
        let x = tape.tensor([3], energies(-a, 1.0).iter().map(|e| -e).collect());
        let y = x.logsumexp();
        assert_relative_eq!(y.value(), a + 1.75f64.ln(), epsilon = TOL);
        assert_all_close(tape.backward(y).wrt(x), &P);
        // Far-apart entries: the small one's weight underflows to exactly 0, not NaN.
        let x = tape.tensor([2], vec![a, a - 2e4]);
        let y = x.logsumexp();
        assert_eq!(y.value(), a);
        assert_eq!(tape.backward(y).wrt(x), &[1.0, 0.0]);
    }
}

#[test]
fn softmax_and_its_gradient() {
    let w = [1.0, 2.0, 3.0];
    let wp: f64 = w.iter().zip(P).map(|(w, p)| w * p).sum();
    for a in OFFSETS {
        for beta in BETAS {
            let tape = Tape::<f64>::new();
            // softmax(β x) with x = −E: P; the same rows with a plain softmax at β = 1.
            let e = energies(a, beta);
            let x = tape.tensor([1, 3], e.iter().map(|e| -e).collect());
            let s = x.softmax_beta(Axis(1), beta);
            assert_all_close(&s.to_vec(), &P);
            // L = Σ wᵢ sᵢ: ∂L/∂xᵢ = β sᵢ (wᵢ − Σⱼ sⱼ wⱼ)
            let l = (s * tape.constant_tensor([3], w.to_vec())).sum();
            let want: Vec<f64> = (0..3).map(|i| beta * P[i] * (w[i] - wp)).collect();
            assert_all_close(tape.backward(l).wrt(x), &want);

            let xb = tape.tensor([3], e.iter().map(|e| -beta * e).collect());
            let s = xb.softmax(Axis(0));
            assert_all_close(&s.to_vec(), &P);
            let ls = xb.log_softmax(Axis(0)).to_vec();
            assert_all_close(&ls, &P.map(f64::ln));
        }
    }
}

#[test]
fn sigmoid_and_softplus_at_large_magnitudes() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([4], vec![1e4, -1e4, 40.0, -40.0]);
    let s = x.sigmoid();
    let sp = x.softplus();
    let (e40, sig40) = ((-40f64).exp(), 1.0 / (1.0 + (-40f64).exp()));
    // σ(x) = 1/(1 + e⁻ˣ); σ(−40) = e⁻⁴⁰/(1 + e⁻⁴⁰) to full relative precision
    assert_all_close(&s.to_vec(), &[1.0, 0.0, sig40, e40 / (1.0 + e40)]);
    // softplus(x) = ln(1 + eˣ): x + ln(1 + e⁻ˣ) for large x, ≈ eˣ for very negative x
    assert_all_close(&sp.to_vec(), &[1e4, 0.0, 40.0 + e40.ln_1p(), e40.ln_1p()]);
    // d σ/dx = σ(1 − σ), d softplus/dx = σ(x)
    let g = tape.backward(s.sum());
    assert_all_close(
        g.wrt(x),
        &[
            0.0,
            0.0,
            e40 / (1.0 + e40).powi(2),
            e40 / (1.0 + e40).powi(2),
        ],
    );
    let g = tape.backward(sp.sum());
    assert_all_close(g.wrt(x), &[1.0, 0.0, sig40, e40 / (1.0 + e40)]);
    // The scalar fast path too.
    let v = tape.var(-1e4);
    assert_eq!((v.sigmoid().value(), v.softplus().value()), (0.0, 0.0));
    let g = tape.backward(v.softplus() + v.sigmoid());
    assert_eq!(g[v], 0.0);
}

#[test]
fn nll_loss_and_its_gradient() {
    for a in OFFSETS {
        for beta in BETAS {
            for correct in 0..3 {
                let tape = Tape::<f64>::new();
                let e = energies(a, beta);
                let ev = tape.tensor([3], e.clone());
                let l = loss::nll(ev, correct, beta);
                // L = E(Yⁱ) − logsum_β(E) = E(Yⁱ) − a + ln(7/4)/β, ∂L/∂E(y) = [y = Yⁱ] − P(y)
                let want = e[correct] - a + 1.75f64.ln() / beta;
                assert_relative_eq!(l.value(), want, epsilon = TOL, max_relative = TOL);
                let mut grad = P.map(|p| -p);
                grad[correct] += 1.0;
                assert_all_close(tape.backward(l).wrt(ev), &grad);
            }
        }
    }
}

#[test]
fn free_energy_and_gibbs_distribution() {
    for a in OFFSETS {
        for beta in BETAS {
            let e = energies(a, beta);
            let f = infer::free_energy(&e, beta);
            assert_relative_eq!(f, a - 1.75f64.ln() / beta, epsilon = TOL);
            assert_all_close(&infer::gibbs(&e, beta), &P);
        }
    }
}
