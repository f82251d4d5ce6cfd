//! Plain Rust loops compiled like `fori_loop`s (`src/chain.rs`): a prologue computing the
//! initial carries, one re-rolled loop, outputs of the final carries. Checked against the
//! tape on random loops of that pattern and of patterns it must refuse.
use proptest::prelude::*;
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;
use wengert_tape::{Tape, Var};

/// One random loop: `c` carries, each iteration reads `x[i + off]`; `op` picks each
/// carry's update; `init` how the prologue starts the carries; `invariant` makes every
/// iteration of every loop read a value computed before the first loop (an invariant,
/// carried unchanged through every loop before the one that reads it).
#[derive(Clone, Debug)]
struct Case {
    n: usize,
    c: usize,
    offs: [usize; 2],
    op: [u8; 2],
    init: u8,
    invariant: bool,
    /// Loops one after the other (1 to 3), and what runs between two: nothing, `s · x₀`
    /// (a prologue reading the previous loop's carry and an input), or `s + 1`.
    loops: usize,
    mid: u8,
}

fn f<'t>(k: &Case, x: &[Var<'t, f64>]) -> Vec<Var<'t, f64>> {
    let inv = x[0].sin() * 0.5;
    let mut s: Vec<Var<'t, f64>> = (0..k.c)
        .map(|j| match k.init {
            0 => x[j] * x[j + 1],
            1 => x[j].sin() + 0.25,
            _ => x[0] * 0.0 + 1.5,
        })
        .collect();
    for lp in 0..k.loops {
        if lp > 0 {
            for sj in &mut s {
                *sj = match k.mid {
                    0 => *sj,
                    1 => *sj * x[0],
                    _ => *sj + 1.0,
                };
            }
        }
        s = one_loop(k, x, s, lp, inv);
    }
    s
}

/// Loop `lp` of case `k`, from the carry `s`.
fn one_loop<'t>(
    k: &Case,
    x: &[Var<'t, f64>],
    mut s: Vec<Var<'t, f64>>,
    lp: usize,
    inv: Var<'t, f64>,
) -> Vec<Var<'t, f64>> {
    for i in 1..k.n - 2 {
        let (a, b) = (x[i + k.offs[0]], x[i + k.offs[1]]);
        let mut next = s.clone();
        for j in 0..k.c {
            let other = s[(j + 1) % k.c];
            next[j] = match (k.op[j] as usize + lp) % 4 {
                0 => s[j] + a * b,
                1 => s[j] * 0.5 + (a - 1.0) * (a - 1.0) + other * 0.1,
                2 => s[j] + (a * b).sin() - b * 0.25,
                _ => (s[j] * 0.3).tanh() + a * other,
            };
            if k.invariant {
                next[j] = next[j] + inv * a;
            }
        }
        s = next;
    }
    s
}

fn tape_grad(k: &Case, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let tape = Tape::<f64>::new();
    let v: Vec<_> = x.iter().map(|&a| tape.var(a)).collect();
    let y = f(k, &v);
    let g = tape.backward(y[0]);
    (
        y.iter().map(|y| y.value()).collect(),
        v.iter().map(|&vi| g[vi]).collect(),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * (1.0 + a.abs().max(b.abs()))
}

fn cases() -> impl Strategy<Value = Case> {
    (
        12usize..60,
        1usize..3,
        [0usize..3, 0usize..3],
        [0u8..4, 0u8..4],
        0u8..3,
        prop::bool::weighted(0.2),
        (1usize..4, 0u8..3),
    )
        .prop_map(|(n, c, offs, op, init, invariant, (loops, mid))| Case {
            n,
            c,
            offs,
            op,
            init,
            invariant,
            loops,
            mid,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn chained_loops_agree_with_the_tape(k in cases(), seed in 0u32..1000) {
        let x0: Vec<f64> = (0..k.n).map(|i| 0.2 + 0.6 * ((i * 7 + 3) % 11) as f64 / 11.0).collect();
        let x: Vec<f64> = x0.iter().enumerate()
            .map(|(i, v)| v + 0.01 * ((i as u32 * 31 + seed) % 17) as f64)
            .collect();
        let c = Compiled::trace_many(&x0, |_, v| f(&k, v)).unwrap();
        let (vals, grad) = tape_grad(&k, &x);
        let mut g = vec![0.0; k.n];
        let y = c.value_and_grad(&x, &mut g).unwrap();
        prop_assert!(close(y, vals[0]), "value {} vs tape {}", y, vals[0]);
        for (i, (a, b)) in g.iter().zip(&grad).enumerate() {
            prop_assert!(close(*a, *b), "∂/∂x{}: {} vs tape {}", i, a, b);
        }
        let mut out = vec![0.0; k.c];
        c.values(&x, &mut out).unwrap();
        for (a, b) in out.iter().zip(&vals) {
            prop_assert!(close(*a, *b), "values {} vs tape {}", a, b);
        }
    }
}

/// Rosenbrock written as a plain loop with its first term peeled.
fn rosenbrock<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let (a, b) = (x[0] - 1.0, x[1] - x[0] * x[0]);
    let mut s = a * a + b * b * 100.0;
    for i in 1..x.len() - 1 {
        let a = x[i] - 1.0;
        let b = x[i + 1] - x[i] * x[i];
        s = s + (a * a + b * b * 100.0);
    }
    s
}

/// The tape's Rosenbrock value and gradient at `x`.
fn tape_rosenbrock(x: &[f64]) -> (f64, Vec<f64>) {
    let tape = Tape::<f64>::new();
    let v: Vec<_> = x.iter().map(|&a| tape.var(a)).collect();
    let y = rosenbrock(&v);
    let g = tape.backward(y);
    (y.value(), v.iter().map(|&vi| g[vi]).collect())
}

#[test]
fn rosenbrock_compiles_from_its_body_and_matches_the_tape_exactly() {
    let n = 2000;
    let x: Vec<f64> = (0..n).map(|i| 0.5 + 0.001 * i as f64).collect();
    let c = Compiled::trace(&x, |_, v| rosenbrock(v)).unwrap();
    let mut g = vec![0.0; n];
    let y = c.value_and_grad(&x, &mut g).unwrap();
    // The program run is the body's VJP, not the flat one (≈ 25 n instructions).
    assert!(c.grad_program().unwrap().len() < 40);
    let (yt, gt) = tape_rosenbrock(&x);
    assert_eq!(y, yt);
    // ∂/∂x_i = 2(x_i − 1) − 400 x_i (x_{i+1} − x_i²) + 200 (x_i − x_{i−1}²), summed in the
    // tape's order: the same operations, so the same bits.
    for (i, (&gi, &ti)) in g.iter().zip(&gt).enumerate() {
        assert_eq!(gi, ti, "x{i}");
    }
}

#[test]
fn a_branch_in_the_prologue_is_a_guard() {
    let x = vec![0.75; 30];
    let c = Compiled::trace(&x, |_, v| {
        let mut s = if v[0] > v[1] * 0.5 { v[0] * 2.0 } else { v[1] };
        for &vi in &v[1..] {
            s = s + vi * vi;
        }
        s
    })
    .unwrap();
    let mut g = vec![0.0; 30];
    // ∂/∂x₀ = 2, ∂/∂x_i = 2 x_i = 1.5.
    assert_eq!(c.value_and_grad(&x, &mut g).unwrap(), 1.5 + 29.0 * 0.5625);
    assert_eq!((g[0], g[1], g[29]), (2.0, 1.5, 1.5));
    assert!(
        c.grad_program().unwrap().len() < 40,
        "the chain compiled it"
    );
    let mut flipped = x.clone();
    flipped[0] = 0.25;
    let e = c.value_and_grad(&flipped, &mut g).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Guard { .. }), "{e}");
}

#[test]
fn a_value_computed_before_the_loop_is_carried_unchanged() {
    let n = 50;
    let x: Vec<f64> = (0..n).map(|i| 0.1 + 0.02 * i as f64).collect();
    // s = Σ_{i≥1} a x_i with a = sin x₀: ∂s/∂x₀ = cos x₀ Σ_{i≥1} x_i, ∂s/∂x_i = a.
    fn f<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
        let a = v[0].sin();
        let mut s = a * v[1];
        for &vi in &v[2..] {
            s = s + a * vi;
        }
        s
    }
    let c = Compiled::trace(&x, |_, v| f(v)).unwrap();
    let mut g = vec![0.0; n];
    let y = c.value_and_grad(&x, &mut g).unwrap();
    assert!(
        c.grad_program().unwrap().inputs() < n,
        "the chain compiled it"
    );
    let rest: f64 = x[1..].iter().sum();
    assert!((y - x[0].sin() * rest).abs() < 1e-12);
    assert!((g[0] - x[0].cos() * rest).abs() < 1e-12, "{}", g[0]);
    assert!(g[1..].iter().all(|&gi| (gi - x[0].sin()).abs() < 1e-15));
}

/// A one-output VJP is `w₀ ∇f` from the gradient stage (compiled from the loop's body),
/// not the flat VJP program: equal to `w₀` times the tape's gradient, bit for bit.
#[test]
fn a_scalar_vjp_uses_the_loop_compiled_gradient() {
    let n = 500;
    let x: Vec<f64> = (0..n).map(|i| 0.3 + 0.002 * i as f64).collect();
    let c = Compiled::trace(&x, |_, v| rosenbrock(v)).unwrap();
    let mut out = vec![0.0; n];
    c.vjp(&x, &[-2.5], &mut out).unwrap();
    let (_, gt) = tape_rosenbrock(&x);
    for (i, (&oi, &ti)) in out.iter().zip(&gt).enumerate() {
        assert_eq!(oi, -2.5 * ti, "x{i}");
    }
    // Wrong lengths are still named.
    let e = c.vjp(&x, &[1.0, 2.0], &mut out).unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::Length {
            what: "w",
            got: 2,
            expected: 1,
            ..
        }
    ));
}
