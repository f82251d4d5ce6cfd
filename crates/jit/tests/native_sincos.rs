//! A `sin` and a `cos` of one operand, side by side, are one `sincos` call in native code
//! (where the C library has one); the values must still be exactly `f64::sin` and
//! `f64::cos`, as the interpreter computes them, in straight code and in loops, in either
//! order, for every argument (huge ones, where the argument reduction differs, NaN, ±∞).
#![cfg(feature = "cranelift")]
use proptest::prelude::*;
use wengert_jit::interp::Interp;
use wengert_jit::ir::{Inst, Program, Region, UnOp};
use wengert_jit::kernel::Kernel;
use wengert_jit::{native, roll::roll};

/// Every input's `first` then `second` (a pair when they are sin and cos), one output each.
fn pairs(n: u32, first: UnOp, second: UnOp) -> Program<f64> {
    let mut p = Program::new(2 * n);
    let x: Vec<_> = (0..n).map(|k| p.push(Inst::Input(k))).collect();
    for (k, &xk) in x.iter().enumerate() {
        let a = p.push(Inst::Un(first, xk));
        let b = p.push(Inst::Un(second, xk));
        p.push(Inst::Output(2 * k as u32, a));
        p.push(Inst::Output(2 * k as u32 + 1, b));
    }
    p
}

/// Native and interpreted outputs of `p` at `x`.
fn run(p: &Program<f64>, x: &[f64]) -> [Vec<f64>; 2] {
    let k = native::compile(&roll(p)).expect("native code");
    let i = Interp::new(p.clone());
    [&*k as &dyn Kernel<f64>, &i].map(|k| {
        let mut out = vec![0.0; p.outputs()];
        k.run(x, &mut out, &mut vec![f64::NAN; k.scratch_len()])
            .unwrap();
        out
    })
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn check(x: &[f64]) {
    let n = x.len() as u32;
    for (first, second) in [(UnOp::Sin, UnOp::Cos), (UnOp::Cos, UnOp::Sin)] {
        let p = pairs(n, first, second);
        let [native, interp] = run(&p, x);
        assert_eq!(bits(&native), bits(&interp), "{first:?} then {second:?}");
        for (k, &xk) in x.iter().enumerate() {
            let (s, c) = (xk.sin(), xk.cos());
            let want = if first == UnOp::Sin { [s, c] } else { [c, s] };
            assert_eq!(bits(&native[2 * k..2 * k + 2]), bits(&want), "x = {xk:e}");
        }
    }
}

#[test]
fn straight_pairs_are_exactly_sin_and_cos() {
    // Two inputs: too few repetitions for a loop, so the pairs are straight code.
    let p = pairs(2, UnOp::Sin, UnOp::Cos);
    assert!(roll(&p).loops().next().is_none());
    check(&[0.5, -3.0]);
    check(&[f64::NAN, f64::INFINITY]);
    check(&[1e300, -0.0]);
}

#[test]
fn pairs_in_a_loop_are_exactly_sin_and_cos() {
    let x: Vec<f64> = (0..64).map(|i| (i as f64 - 30.0) * 0.37).collect();
    let p = pairs(64, UnOp::Sin, UnOp::Cos);
    assert!(roll(&p)
        .regions
        .iter()
        .any(|r| matches!(r, Region::Loop(l) if l.period == 4)));
    check(&x);
}

proptest! {
    #[test]
    fn any_argument(x in prop::collection::vec(prop::num::f64::ANY, 1..40)) {
        check(&x);
    }
}
