//! Inputs read straight from `x`, outputs stored straight into `out`, packed loop slots
//! (native/direct.rs, native/slots.rs): the gradients stay right, including for functions
//! that ignore some inputs, and the copies they replace are gone.
#![cfg(feature = "cranelift")]
use wengert_jit::ir::Inst;
use wengert_jit::{grad, native, opt, roll::roll, Compiled};

#[test]
fn functions_that_ignore_inputs_compile_and_differentiate() {
    // f(x, y, z) = x²: y and z have no instruction left after dead-code elimination.
    let f = Compiled::trace(&[1.0, 2.0, 3.0], |_, x| x[0] * x[0]).unwrap();
    let mut g = [9.0; 3];
    assert_eq!(f.value_and_grad(&[3.0, 5.0, 7.0], &mut g).unwrap(), 9.0);
    // (2x, 0, 0)
    assert_eq!(g, [6.0, 0.0, 0.0]);
    // A loop over the first half only.
    let n = 40;
    let x: Vec<f64> = (0..n).map(|i| 0.1 * i as f64).collect();
    let f = Compiled::trace(&x, |_, v| {
        let mut s = v[0] * v[0];
        for xi in &v[1..n / 2] {
            s = s + *xi * *xi;
        }
        s
    })
    .unwrap();
    let mut g = vec![1.0; n];
    f.value_and_grad(&x, &mut g).unwrap();
    for (i, gi) in g.iter().enumerate() {
        let want = if i < n / 2 { 2.0 * x[i] } else { 0.0 };
        assert!((gi - want).abs() < 1e-12, "{i}: {gi} vs {want}");
    }
}

#[test]
fn the_rolled_rosenbrock_gradient_reads_x_and_writes_out_directly() {
    let n = 50;
    let x: Vec<f64> = (0..n).map(|i| 0.5 * (i as f64).sin() + 0.1).collect();
    let f = Compiled::trace(&x, |_, v| {
        let mut s = v[0] * 0.0;
        for i in 0..v.len() - 1 {
            let (a, b) = (1.0 - v[i], v[i + 1] - v[i] * v[i]);
            s = s + a * a + 100.0 * b * b;
        }
        s
    })
    .unwrap();
    // The flat program (the compiled path compiles this loop from its body).
    let p = &opt::optimize(&grad::grad(f.traced()).unwrap().program);
    let k = native::compile(&roll(p)).expect("native code");
    let mut scratch = vec![f64::NAN; k.scratch_len()];
    let mut out = vec![0.0; 1 + n];
    k.run(&x, &mut out, &mut scratch).unwrap();
    // ∂f/∂x_i = −2(1 − x_i) − 400 x_i (x_{i+1} − x_i²) + 200 (x_i − x_{i−1}²)
    for i in 0..n {
        let mut d = 0.0;
        if i + 1 < n {
            d += -2.0 * (1.0 - x[i]) - 400.0 * x[i] * (x[i + 1] - x[i] * x[i]);
        }
        if i > 0 {
            d += 200.0 * (x[i] - x[i - 1] * x[i - 1]);
        }
        assert!((out[1 + i] - d).abs() <= 1e-9 * d.abs().max(1.0), "{i}");
    }
    // No input's slot and no output value's slot was written: x was read in place and the
    // gradient went straight to `out`.
    for (i, inst) in p.insts.iter().enumerate() {
        if matches!(inst, Inst::Input(_)) {
            assert!(scratch[i].is_nan(), "input slot {i} written");
        }
    }
    let written = scratch.iter().filter(|v| !v.is_nan()).count();
    // The forward loop's 3 stored values per repetition, the sweep's 2, a few straight ones.
    assert!(written <= 6 * n, "{written} slots written for n = {n}");
}
