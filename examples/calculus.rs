//! The CMU autodiff lecture's worked examples (seeds/004), on the tape.
//!
//! 1. "Calculus quiz #1": `y = exp(xz) + xz / ln x + sin(ln x) / exp(xz)` at `x = 2, z = 3`.
//! 2. The reverse-mode "simple example": `J = cos(sin(x²) + 3x²)`, here at `x = 0.5`.
//!
//! For each: the value and first derivatives from one backward sweep, printed with 17
//! significant digits next to the hand-derived formulas; a finite-difference check with
//! `gradcheck`; and the second derivatives with `transforms::hessian` (forward-over-reverse,
//! dual numbers on the tape) next to their hand-derived forms.
//!
//! Run: `cargo run --release --example calculus`
use wengert::ops::elementwise::{cos, exp, ln, sin};
use wengert::tape::gradcheck::gradcheck;
use wengert::tape::transforms::{hessian, value_and_grad};
use wengert::tape::{Real, Tape, Tensor, Var};

/// `y = exp(xz) + xz / ln x + sin(ln x) / exp(xz)`, inputs `(x, z)`. Generic over the element
/// type so the same function runs on `f64` (gradient) and on dual numbers (Hessian).
fn quiz<'t, R: Real>(v: &[Var<'t, R>]) -> Var<'t, R> {
    let (x, z) = (v[0], v[1]);
    let u = x * z;
    exp(u) + u / ln(x) + sin(ln(x)) / exp(u)
}

/// `J = cos(sin(x²) + 3x²)`, written as the lecture's forward pass `t = x²`, `u₁ = sin t`,
/// `u₂ = 3t`, `u = u₁ + u₂`, `J = cos u`.
fn simple<'t, R: Real>(v: &[Var<'t, R>]) -> Var<'t, R> {
    let t = v[0] * v[0];
    let u1 = sin(t);
    let u2 = t * R::lit(3.0);
    cos(u1 + u2)
}

fn row(name: &str, tape: f64, hand: f64) {
    let rel = if hand == 0.0 {
        (tape - hand).abs()
    } else {
        ((tape - hand) / hand).abs()
    };
    println!("  {name:<8} tape {tape:>24.16e}   hand {hand:>24.16e}   rel.diff {rel:.1e}");
}

fn quiz_example() {
    println!("== y = exp(xz) + xz/ln x + sin(ln x)/exp(xz) at x = 2, z = 3");
    let (x, z) = (2.0_f64, 3.0);
    let (y, g) = value_and_grad(quiz, &[x, z]);

    // Hand derivation, with u = xz and L = ln x:
    //   y   = eᵘ + u/L + e⁻ᵘ sin L
    //   y_x = z eᵘ + z/L − z/L² + e⁻ᵘ (cos L / x − z sin L)
    //   y_z = x eᵘ + x/L − x e⁻ᵘ sin L
    let (u, l) = (x * z, x.ln());
    let (e, ei) = (u.exp(), (-u).exp());
    let (s, c) = (l.sin(), l.cos());
    let y_hand = e + u / l + ei * s;
    let yx = z * e + z / l - z / (l * l) + ei * (c / x - z * s);
    let yz = x * e + x / l - x * s * ei;
    row("y", y, y_hand);
    row("dy/dx", g[0], yx);
    row("dy/dz", g[1], yz);

    // The same function recorded on a tape by hand, then checked against centered differences.
    let tape = Tape::<f64>::new();
    let (xv, zv) = (tape.var(x), tape.var(z));
    let yv = quiz(&[xv, zv]);
    let grads = tape.backward(yv);
    println!(
        "  one recording: {} tape entries, dy/dx = {:.16e}",
        tape.len(),
        grads[xv]
    );
    let check = gradcheck(|_, v| quiz(v), &[Tensor::scalar(x), Tensor::scalar(z)]);
    println!(
        "  gradcheck (centered differences, eps 1e-6): {}",
        verdict(&check)
    );

    // Second derivatives (differentiate y_x and y_z once more):
    //   y_xx = z² eᵘ − z/(x L²) + 2z/(x L³) + e⁻ᵘ (z² sin L − 2z cos L / x − (sin L + cos L)/x²)
    //   y_xz = eᵘ (1 + u) + 1/L − 1/L² + e⁻ᵘ ((u − 1) sin L − cos L)
    //   y_zz = x² eᵘ + x² e⁻ᵘ sin L
    let h = hessian(quiz, &[x, z]);
    let yxx = z * z * e - z / (x * l * l)
        + 2.0 * z / (x * l * l * l)
        + ei * (z * z * s - 2.0 * z * c / x - (s + c) / (x * x));
    let yxz = e * (1.0 + u) + 1.0 / l - 1.0 / (l * l) + ei * ((u - 1.0) * s - c);
    let yzz = x * x * e + x * x * s * ei;
    println!("  Hessian (transforms::hessian, forward over reverse):");
    row("y_xx", h.get(&[0, 0]), yxx);
    row("y_xz", h.get(&[0, 1]), yxz);
    row("y_zx", h.get(&[1, 0]), yxz);
    row("y_zz", h.get(&[1, 1]), yzz);
}

fn simple_example() {
    let x = 0.5_f64;
    println!("\n== J = cos(sin(x²) + 3x²) at x = {x}");
    let (j, g) = value_and_grad(simple, &[x]);

    // The lecture's backward pass, by hand, in reverse topological order:
    //   dJ/du = −sin u;  dJ/du₁ = dJ/du₂ = dJ/du;  dJ/dt = dJ/du₁ cos t + 3 dJ/du₂;
    //   dJ/dx = dJ/dt · 2x.
    let t = x * x;
    let u = t.sin() + 3.0 * t;
    let dj_du = -u.sin();
    let dj_dt = dj_du * t.cos() + dj_du * 3.0;
    let dj_dx = dj_dt * 2.0 * x;
    println!(
        "  forward: t = {t}, u1 = {:.16e}, u2 = {}, u = {u:.16e}",
        t.sin(),
        3.0 * t
    );
    println!("  backward: dJ/du = {dj_du:.16e}, dJ/dt = {dj_dt:.16e}");
    row("J", j, u.cos());
    row("dJ/dx", g[0], dj_dx);
    let check = gradcheck(|_, v| simple(v), &[Tensor::scalar(x)]);
    println!(
        "  gradcheck (centered differences, eps 1e-6): {}",
        verdict(&check)
    );

    // With s = sin t + 3t, t = x²: s' = 2x cos x² + 6x, s'' = 2 cos x² − 4x² sin x² + 6,
    //   J'' = −cos(s) s'² − sin(s) s''.
    let ds = 2.0 * x * t.cos() + 6.0 * x;
    let dds = 2.0 * t.cos() - 4.0 * t * t.sin() + 6.0;
    let h = hessian(simple, &[x]);
    row(
        "d2J/dx2",
        h.get(&[0, 0]),
        -u.cos() * ds * ds - u.sin() * dds,
    );
}

fn verdict(r: &Result<(), wengert::tape::Error>) -> String {
    match r {
        Ok(()) => "passed".into(),
        Err(e) => format!("FAILED: {e}"),
    }
}

fn main() {
    quiz_example();
    simple_example();
}
