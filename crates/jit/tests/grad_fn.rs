//! `GradFn`, the thin gradient call: the same values, errors and guards as
//! `Compiled::value_and_grad`, on its stack path (a tiny program) and its fallback (a large
//! one), and from many threads.
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;

#[test]
fn hello_equals_value_and_grad() {
    let f = Compiled::trace(&[1.5], |_, x| x[0] * x[0]).unwrap();
    let df = f.grad_fn().unwrap();
    for x in [1.5, -2.0, 0.0, 1e200, f64::INFINITY] {
        let (mut g1, mut g2) = ([0.0], [0.0]);
        let y1 = df.call(&[x], &mut g1).unwrap();
        let y2 = f.value_and_grad(&[x], &mut g2).unwrap();
        // x² and 2x, exactly.
        assert_eq!(
            (y1.to_bits(), g1[0].to_bits()),
            (y2.to_bits(), g2[0].to_bits())
        );
        assert_eq!((y1, g1[0]), (x * x, 2.0 * x));
    }
}

#[test]
fn a_large_program_falls_back_to_the_pooled_call() {
    let n = 200;
    let x: Vec<f64> = (0..n).map(|i| 0.3 + 0.01 * i as f64).collect();
    let f = Compiled::trace(&x, |_, v| {
        let mut s = v[0] * 0.0;
        for i in 0..v.len() - 1 {
            let (a, b) = (1.0 - v[i], v[i + 1] - v[i] * v[i]);
            s = s + a * a + 100.0 * b * b;
        }
        s
    })
    .unwrap();
    let (mut g1, mut g2) = (vec![0.0; n], vec![0.0; n]);
    let y1 = f.grad_fn().unwrap().call(&x, &mut g1).unwrap();
    let y2 = f.value_and_grad(&x, &mut g2).unwrap();
    assert_eq!(y1, y2);
    assert_eq!(g1, g2);
    // ∂/∂x₀ = −2(1 − x₀) − 400 x₀ (x₁ − x₀²)
    let want = -2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]);
    assert!((g1[0] - want).abs() < 1e-12 * want.abs().max(1.0));
}

#[test]
fn lengths_and_guards_are_errors_at_the_callers_line() {
    // A comparison of a `Var` decides the branch: it is traced as a guard.
    let f = Compiled::trace(
        &[2.0],
        |_, x| {
            if x[0] > 1.0 {
                x[0] * x[0]
            } else {
                x[0] * 3.0
            }
        },
    )
    .unwrap();
    let df = f.grad_fn().unwrap();
    let mut g = [0.0];
    let e = df.call(&[1.0, 2.0], &mut g).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Length { .. }), "{e}");
    assert!(e.to_string().contains(file!()), "{e}");
    assert_eq!(df.call(&[3.0], &mut g).unwrap(), 9.0);
    let (e, line) = (df.call(&[0.5], &mut g).unwrap_err(), line!());
    assert!(matches!(e.kind(), ErrorKind::Guard { .. }), "{e}");
    assert!(
        e.to_string().contains(&format!("{}:{line}", file!())),
        "{e}"
    );
    let none = Compiled::trace_many(&[1.0], |_, _| vec![]).unwrap();
    assert!(none.grad_fn().is_err(), "no output 0");
}

#[test]
fn one_handle_serves_many_threads() {
    use rayon::prelude::*;
    let f = Compiled::trace(&[1.0, 1.0], |_, x| (x[0] * x[1]).sin()).unwrap();
    let df = f.grad_fn().unwrap();
    let ok = (0..1000).into_par_iter().all(|i| {
        let (a, b) = (i as f64 * 0.01, 0.5);
        let mut g = [0.0; 2];
        let y = df.call(&[a, b], &mut g).unwrap();
        y == (a * b).sin() && g == [b * (a * b).cos(), a * (a * b).cos()]
    });
    assert!(ok);
}
