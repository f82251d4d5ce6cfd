//! A `fori_loop` compiled from its body alone (`Compiled::from(fori)`) computes what the flat
//! program does (`Compiled::new(fori.into_traced())`, itself checked against the tape in
//! tests/fori.rs): value and gradient on bodies of one and two carries, reads forward,
//! backward, fixed and strided, transcendental ops, and guards.
use approx::assert_relative_eq;
use wengert_jit::fori::{fori_loop, Fori, Read};
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;
use wengert_tape::Var;

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.3 + 0.7 * ((i * 7) % 11) as f64 / 11.0)
        .collect()
}

/// Both compilations of `f` agree at `x` (value and gradient).
fn agree(f: Fori<f64>, x: &[f64]) -> (f64, Vec<f64>) {
    let flat = Compiled::new(f.traced().clone());
    let body = Compiled::from(f);
    // The body's program (what was lowered) is the body's size, not the loop's: the
    // structured path ran, not the flat fallback.
    assert!(
        body.grad_program().unwrap().len() < 100,
        "{}",
        body.grad_program().unwrap().len()
    );
    let n = x.len();
    let (mut g1, mut g2) = (vec![0.0; n], vec![0.0; n]);
    let y1 = body.value_and_grad(x, &mut g1).unwrap();
    let y2 = flat.value_and_grad(x, &mut g2).unwrap();
    assert_relative_eq!(y1, y2, max_relative = 1e-13);
    for (a, b) in g1.iter().zip(&g2) {
        assert_relative_eq!(*a, *b, max_relative = 1e-12, epsilon = 1e-12);
    }
    // The value alone: the forward loop, compiled from the body too; as the gradient call
    // computes it.
    assert_eq!(body.value(x).unwrap().to_bits(), y1.to_bits());
    assert_relative_eq!(flat.value(x).unwrap(), y1, max_relative = 1e-13);
    // The handle takes the same path.
    let mut g3 = vec![0.0; n];
    assert_eq!(body.grad_fn().unwrap().call(x, &mut g3).unwrap(), y1);
    assert_eq!(g3, g1);
    (y1, g1)
}

const PAIRS: [Read; 2] = [Read { base: 0, stride: 1 }, Read { base: 1, stride: 1 }];

#[test]
fn rosenbrock_from_its_body() {
    for n in [2, 3, 10, 1000] {
        let x = point(n);
        let f = fori_loop(&x, n as u32 - 1, &[0.0], &PAIRS, |_, c, r| {
            let (a, b) = (r[0] - 1.0, r[1] - r[0] * r[0]);
            vec![c[0] + (a * a + b * b * 100.0)]
        })
        .unwrap();
        let (_, g) = agree(f, &x);
        // ∂/∂x₀ = 2(x₀ − 1) − 400 x₀ (x₁ − x₀²), by hand.
        let want = 2.0 * (x[0] - 1.0) - 400.0 * x[0] * (x[1] - x[0] * x[0]);
        assert_relative_eq!(g[0], want, max_relative = 1e-12);
    }
}

#[test]
fn transcendental_sum_from_its_body() {
    let x = point(500);
    let f = fori_loop(&x, 499, &[0.0], &PAIRS, |_, c, r| {
        vec![c[0] + (r[0].sin() + ((r[0] * r[1]).exp() + 1.0).ln())]
    })
    .unwrap();
    agree(f, &x);
}

#[test]
fn two_carries_and_every_kind_of_read() {
    // A product and a sum carried together; reads backward from the end, fixed (input 0),
    // and every other input.
    let x = point(41);
    let reads = [
        Read {
            base: 40,
            stride: -1,
        },
        Read { base: 0, stride: 0 },
        Read { base: 1, stride: 2 },
    ];
    let f = fori_loop(&x, 20, &[1.0, 0.5], &reads, |_, c, r| {
        let p = c[0] * (r[0] * 0.5 + r[2].cos() * 0.25);
        vec![p, c[1] + p.tanh() * r[1]]
    })
    .unwrap();
    agree(f, &x);
}

#[test]
fn a_carry_passed_on_unchanged_and_an_unused_input() {
    let x = point(12);
    let r = [Read { base: 0, stride: 1 }];
    let f = fori_loop(&x, 10, &[0.0, 3.0], &r, |_, c, r| {
        vec![c[0] + r[0] * c[1], c[1]]
    })
    .unwrap();
    let (y, g) = agree(f, &x);
    assert_relative_eq!(y, 3.0 * x[..10].iter().sum::<f64>(), max_relative = 1e-14);
    assert_eq!(g[..10], [3.0; 10]);
    assert_eq!(g[10..], [0.0; 2]);
}

#[test]
fn a_guard_in_the_body_fails_on_the_iteration_that_flips() {
    let x = point(20);
    let r = [Read { base: 0, stride: 1 }];
    let f = fori_loop(&x, 20, &[0.0], &r, |_, c, r| {
        vec![if r[0] > 0.0 {
            c[0] + r[0] * r[0]
        } else {
            c[0] - r[0]
        }]
    })
    .unwrap();
    let c = Compiled::from(f);
    let mut g = vec![0.0; 20];
    let y = c.value_and_grad(&x, &mut g).unwrap();
    assert_relative_eq!(
        y,
        x.iter().map(|v| v * v).sum::<f64>(),
        max_relative = 1e-14
    );
    let mut bad = x.clone();
    bad[13] = -1.0;
    let e = c.value_and_grad(&bad, &mut g).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Guard { .. }), "{e}");
    let e = c.value(&bad).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Guard { .. }), "{e}");
    assert_relative_eq!(c.value(&x).unwrap(), y, max_relative = 1e-14);
}

/// Reads of random strides (−2..=2) and bases valid for every iteration.
fn reads_for(n: i64, count: i64, picks: &[(i8, u8)]) -> Vec<Read> {
    picks
        .iter()
        .map(|&(s, b)| {
            let s = i64::from(s);
            // Iterations 0 and count − 1 must both land in 0..n.
            let lo = 0.max(-s * (count - 1));
            let hi = (n - 1).min(n - 1 - s * (count - 1));
            let base = lo + i64::from(b) % (hi - lo + 1);
            Read {
                base: base as u32,
                stride: s as i32,
            }
        })
        .collect()
}

type Body = for<'t> fn(&[Var<'t, f64>], &[Var<'t, f64>]) -> Vec<Var<'t, f64>>;

/// `body` over reads picked by [`reads_for`], both compilations compared.
fn check_reads(n: usize, count: u32, picks: &[(i8, u8)], body: Body) {
    let x = point(n);
    let reads = reads_for(n as i64, i64::from(count), picks);
    let f = fori_loop(&x, count, &[0.25], &reads, |_, c, r| body(c, r)).unwrap();
    agree(f, &x);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_reads_agree_with_the_flat_program(
        n in 16usize..24,
        count in 1u32..8,
        picks in proptest::collection::vec((-2i8..=2, 0u8..=255), 1..4),
    ) {
        // The carry's cotangent changes every iteration: a forward and a reverse loop.
        check_reads(n, count, &picks, |c, r| {
            let mut s = c[0] * 0.5;
            for (k, &rk) in r.iter().enumerate() {
                s = s + (rk * (k as f64 + 1.0)).sin() * c[0] + rk * rk;
            }
            vec![s]
        });
    }

    /// A sum (the carry's cotangent passed on unchanged): one loop, no reverse loop.
    #[test]
    fn any_reads_of_a_sum_agree_with_the_flat_program(
        n in 16usize..24,
        count in 1u32..8,
        picks in proptest::collection::vec((-2i8..=2, 0u8..=255), 1..4),
    ) {
        check_reads(n, count, &picks, |c, r| {
            let mut s = c[0];
            for (k, &rk) in r.iter().enumerate() {
                s = s + (rk * (k as f64 + 1.0)).sin() * rk;
            }
            vec![s]
        });
    }
}

/// Found by the property above: the flat program's roller made a loop in which a value is
/// read, with a stride other than the loop's period, by the next repetition (and, in the
/// first repetitions, from before the loop). Native code took that read for a carried
/// register and never stored the value: a wrong value (now fixed in `native::loop_stores`).
#[test]
fn a_strided_read_into_the_previous_repetition_is_stored() {
    use wengert_jit::kernel::Kernel;
    use wengert_jit::{interp::Interp, native, opt, roll::roll};
    let x = point(16);
    let reads = [
        Read {
            base: 14,
            stride: -2,
        },
        Read {
            base: 10,
            stride: 0,
        },
        Read {
            base: 6,
            stride: -1,
        },
    ];
    let body = |c: f64, r: &[f64]| {
        let mut s = c * 0.5;
        for (k, &rk) in r.iter().enumerate() {
            s += (rk * (k as f64 + 1.0)).sin() * c + rk * rk;
        }
        s
    };
    let mut want = 0.25;
    for i in 0..7 {
        let r: Vec<f64> = reads
            .iter()
            .map(|rd| x[(i64::from(rd.base) + i64::from(rd.stride) * i) as usize])
            .collect();
        want = body(want, &r);
    }
    let f = fori_loop(&x, 7, &[0.25], &reads, |_, c, r| {
        let mut s = c[0] * 0.5;
        for (k, &rk) in r.iter().enumerate() {
            s = s + (rk * (k as f64 + 1.0)).sin() * c[0] + rk * rk;
        }
        vec![s]
    })
    .unwrap();
    let p = opt::optimize(&f.traced().program);
    let r = roll(&p);
    assert!(r
        .loops()
        .any(|l| l.strides.iter().flatten().any(|&s| s > l.period as i32)));
    let run = |k: &dyn Kernel<f64>| {
        let mut o = [0.0];
        k.run(&x, &mut o, &mut vec![f64::NAN; k.scratch_len()])
            .unwrap();
        o[0]
    };
    let native = run(&*native::compile(&r).unwrap());
    assert_eq!(native.to_bits(), run(&Interp::new(p.clone())).to_bits());
    // The optimizer folds and reorders: within rounding of the plain loop (before the fix,
    // 1332.90 against 1333.14).
    assert_relative_eq!(native, want, max_relative = 1e-14);
    assert_relative_eq!(
        Compiled::from(f).value(&x).unwrap(),
        want,
        max_relative = 1e-14
    );
}
