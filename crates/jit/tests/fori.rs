//! The structured loop: values and gradients equal the plain-loop version's, and the known
//! region is the loop the roller would find.

use approx::assert_relative_eq;
use wengert_jit::fori::{fori_loop, Read};
use wengert_jit::roll::roll;
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.3 + 0.7 * ((i * 7) % 11) as f64 / 11.0)
        .collect()
}

const PAIR: [Read; 2] = [Read { base: 0, stride: 1 }, Read { base: 1, stride: 1 }];

fn rosen_fori(x: &[f64]) -> wengert_jit::fori::Fori<f64> {
    fori_loop(x, x.len() as u32 - 1, &[0.0], &PAIR, |_, c, r| {
        let (a, b) = (r[0] - 1.0, r[1] - r[0] * r[0]);
        vec![c[0] + (a * a + b * b * 100.0)]
    })
    .unwrap()
}

#[test]
fn rosenbrock_values_and_gradients_equal_the_plain_loop() {
    let n = 40;
    let x = point(n);
    let fori = Compiled::new(rosen_fori(&x).into_traced());
    let plain = Compiled::trace(&x, |_, x| {
        let (a, b) = (x[0] - 1.0, x[1] - x[0] * x[0]);
        let mut s = a * a + b * b * 100.0;
        for i in 1..x.len() - 1 {
            let a = x[i] - 1.0;
            let b = x[i + 1] - x[i] * x[i];
            s = s + (a * a + b * b * 100.0);
        }
        s
    })
    .unwrap();
    // At a new point, not the one traced.
    let y: Vec<f64> = x.iter().map(|v| 1.5 - v).collect();
    let (mut gf, mut gp) = (vec![0.0; n], vec![0.0; n]);
    let vf = fori.value_and_grad(&y, &mut gf).unwrap();
    let vp = plain.value_and_grad(&y, &mut gp).unwrap();
    // Same operations in the same order; 0 + t_0 = t_0 exactly.
    assert_eq!(vf, vp);
    let mut hand = vec![0.0; n];
    for i in 0..n - 1 {
        let t = y[i + 1] - y[i] * y[i];
        hand[i] += 2.0 * (y[i] - 1.0) - 400.0 * y[i] * t;
        hand[i + 1] += 200.0 * t;
    }
    for k in 0..n {
        assert_relative_eq!(gf[k], gp[k], max_relative = 1e-13);
        assert_relative_eq!(gf[k], hand[k], max_relative = 1e-12, epsilon = 1e-12);
    }
}

#[test]
fn the_known_region_is_what_the_roller_finds() {
    let x = point(30);
    let f = rosen_fori(&x);
    let l = f.region().cloned().unwrap();
    // The constant 0, iteration 0 (two inputs, the constants 1 and 100 as traced, eight
    // operations), then 28 more iterations.
    assert_eq!((l.start, l.period, l.count), (13, 12, 28));
    let known = f.rolled();
    assert_eq!(known.validate(), Ok(()));
    assert_eq!(known.expand().insts, f.traced().program.insts);
    assert!(roll(&f.traced().program).loops().any(|r| *r == l));
}

#[test]
fn softplus_sin_with_a_backward_read_and_two_carries() {
    // Carries (s, p): s += sin x_i + ln(exp(x_i x_{n-1-i}) + 1), p *= x_i, i < n.
    let n = 24;
    let x = point(n);
    let reads = [
        Read { base: 0, stride: 1 },
        Read {
            base: n as u32 - 1,
            stride: -1,
        },
    ];
    let f = fori_loop(&x, n as u32, &[0.0, 1.0], &reads, |_, c, r| {
        let t = r[0].sin() + ((r[0] * r[1]).exp() + 1.0).ln();
        vec![c[0] + t, c[1] * r[0]]
    })
    .unwrap();
    assert_eq!(f.region().unwrap().count, n as u32 - 1);
    assert_eq!(f.rolled().validate(), Ok(()));
    let fori = Compiled::new(f.into_traced());
    let plain = Compiled::trace_many(&x, |t, x| {
        let (mut s, mut p) = (t.constant(0.0), t.constant(1.0));
        for i in 0..x.len() {
            s = s + (x[i].sin() + ((x[i] * x[x.len() - 1 - i]).exp() + 1.0).ln());
            p = p * x[i];
        }
        vec![s, p]
    })
    .unwrap();
    let y: Vec<f64> = x.iter().map(|v| v * 0.9 - 0.1).collect();
    let (mut of, mut op) = ([0.0; 2], [0.0; 2]);
    fori.values(&y, &mut of).unwrap();
    plain.values(&y, &mut op).unwrap();
    assert_relative_eq!(of[0], op[0], max_relative = 1e-14);
    assert_relative_eq!(of[1], op[1], max_relative = 1e-14);
    let (mut gf, mut gp) = (vec![0.0; n], vec![0.0; n]);
    fori.value_and_grad(&y, &mut gf).unwrap();
    plain.value_and_grad(&y, &mut gp).unwrap();
    for k in 0..n {
        // ∂s/∂x_k = cos x_k + σ(x_k x_{n-1-k}) x_{n-1-k} + σ(x_{n-1-k} x_k) x_{n-1-k}
        let m = y[n - 1 - k];
        let sig = 1.0 / (1.0 + (-(y[k] * m)).exp());
        assert_relative_eq!(gf[k], y[k].cos() + 2.0 * sig * m, max_relative = 1e-12);
        assert_relative_eq!(gf[k], gp[k], max_relative = 1e-12);
    }
}

#[test]
fn bad_reads_and_carries_are_errors() {
    let x = [1.0; 5];
    // A backward read that runs below input 0 at the last iteration.
    let r = [Read {
        base: 2,
        stride: -1,
    }];
    let e = fori_loop(&x, 4, &[0.0], &r, |_, c, r| vec![c[0] + r[0]]).unwrap_err();
    assert!(e.to_string().contains("input -1 at iteration 3"), "{e}");
    // A body that drops its carry.
    let r = [Read { base: 0, stride: 1 }];
    let e = fori_loop(&x, 4, &[0.0, 0.0], &r, |_, c, _| vec![c[0]]).unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::Length {
            got: 1,
            expected: 2,
            ..
        }
    ));
}

#[test]
fn two_iterations_have_no_region() {
    let x = [1.0, 2.0];
    let r = [Read { base: 0, stride: 1 }];
    let f = fori_loop(&x, 2, &[0.0], &r, |_, c, r| vec![c[0] + r[0].exp()]).unwrap();
    assert!(f.region().is_none());
    let c = Compiled::new(f.into_traced());
    assert_relative_eq!(c.value(&x).unwrap(), 1f64.exp() + 2f64.exp());
}
