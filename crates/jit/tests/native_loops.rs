//! The loop lowering keeps in registers what no other repetition reads: a value read only by
//! its own repetition is never stored, one read by the next repetition (a running sum) is
//! carried in a register. Checked against the interpreter on planted loops whose values are
//! mostly internal (so the elided stores matter), and on the slots themselves (packed: a
//! repetition's stored values are adjacent).
#![cfg(feature = "cranelift")]
use proptest::prelude::*;
use wengert_jit::interp::Interp;
use wengert_jit::ir::{BinOp, Inst, Program, Region, UnOp, Val};
use wengert_jit::kernel::Kernel;
use wengert_jit::{native, roll::roll};

/// s = Σ sin(x_k) · x_k written out: per repetition a Sin, a Mul (internal) and an Add that
/// the next repetition reads (carried); only the final sum is an output.
fn running_sum(n: u32) -> Program<f64> {
    let mut p = Program::new(1);
    let x: Vec<Val> = (0..n).map(|k| p.push(Inst::Input(k))).collect();
    let mut s = p.push(Inst::Const(0.0));
    for &xk in &x {
        let a = p.push(Inst::Un(UnOp::Sin, xk));
        let b = p.push(Inst::Bin(BinOp::Mul, a, xk));
        s = p.push(Inst::Bin(BinOp::Add, s, b));
    }
    p.push(Inst::Output(0, s));
    p
}

#[test]
fn a_running_sum_stays_in_registers() {
    let n = 40;
    let p = running_sum(n);
    let r = roll(&p);
    let l = r
        .loops()
        .find(|l| l.period == 3)
        .expect("the sum's loop is found");
    let k = native::compile(&r).expect("native code");
    let x: Vec<f64> = (0..n).map(|k| 0.1 * k as f64 - 1.0).collect();
    let mut scratch = vec![f64::NAN; k.scratch_len()];
    let mut out = [0.0];
    k.run(&x, &mut out, &mut scratch).unwrap();
    let want: f64 = x.iter().fold(0.0, |s, &xk| s + xk.sin() * xk);
    assert_eq!(out[0].to_bits(), want.to_bits());
    // Sin and Mul are read in their repetition only, the Add by the next one and, in the
    // last repetition, by the output after the loop: the final sum alone is stored, once,
    // after the loop, at its packed slot (native/slots.rs: one value per repetition from the
    // start of the loop's span); the rest of the span is untouched.
    let span = &scratch[l.start as usize..(l.start + 3 * l.count) as usize];
    let written: Vec<usize> = (0..span.len()).filter(|&i| !span[i].is_nan()).collect();
    assert_eq!(
        written,
        vec![l.count as usize - 1],
        "only the final sum is stored"
    );
}

/// A program of planted loops in which each value reads the newest values (same or previous
/// repetition), inputs, and invariants (an input's value, a constant); only the last `keep` values are outputs, so most values are
/// internal to their repetition.
fn build(segs: &[(Vec<(u8, u8)>, u8)], inputs: u32, keep: usize) -> Program<f64> {
    let mut p = Program::new(0);
    for k in 0..inputs {
        p.push(Inst::Input(k));
    }
    p.push(Inst::Const(0.5));
    for (body, count) in segs {
        for r in 0..*count as u32 {
            for &(k, d) in body {
                let n = p.len() as u32;
                let a = n - 1 - (d as u32 % 4).min(n - 1);
                let b = if d % 7 == 3 {
                    // Invariants read from the loop: an input's value and a constant.
                    0
                } else if d % 7 == 5 {
                    inputs
                } else if d % 2 == 0 {
                    p.push(Inst::Input((d as u32 + r) % inputs)).0
                } else {
                    n - 1
                };
                p.push(match k % 5 {
                    0 => Inst::Bin(BinOp::Add, Val(a), Val(b)),
                    1 => Inst::Bin(BinOp::Mul, Val(a), Val(b)),
                    2 => Inst::Bin(BinOp::Sub, Val(b), Val(a)),
                    3 => Inst::Un(UnOp::Sin, Val(a)),
                    _ => Inst::Un(UnOp::Tanh, Val(b)),
                });
            }
        }
    }
    let n = p.len();
    let outs: Vec<usize> = (n.saturating_sub(keep)..n).collect();
    let mut q = Program::new(outs.len() as u32);
    q.insts = p.insts;
    for (o, v) in outs.into_iter().enumerate() {
        q.push(Inst::Output(o as u32, Val(v as u32)));
    }
    q.set_inputs(inputs);
    q
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn loops_with_internal_values_native_equals_interpreter(
        segs in prop::collection::vec(
            (prop::collection::vec((any::<u8>(), any::<u8>()), 1..6), 3..30u8),
            1..5,
        ),
        keep in 1..4usize,
        x in prop::collection::vec(-2.0..2.0f64, 4),
    ) {
        let p = build(&segs, 4, keep);
        prop_assert!(p.validate().is_ok());
        let r = roll(&p);
        let k = native::compile(&r).expect("native code");
        let i = Interp::new(p.clone());
        let run = |k: &dyn Kernel<f64>| {
            let mut out = vec![0.0; p.outputs()];
            let mut s = vec![f64::NAN; k.scratch_len()];
            k.run(&x, &mut out, &mut s).unwrap();
            out
        };
        let (on, oi) = (run(&*k), run(&i));
        prop_assert!(
            on.iter().zip(&oi).all(|(a, b)| a.to_bits() == b.to_bits()),
            "native {:?} interp {:?} regions {:?}", on, oi,
            r.regions.iter().filter(|r| matches!(r, Region::Loop(_))).count()
        );
    }
}
