//! Native code agrees with the interpreter bit for bit (both compute each op the same way),
//! on traced gradients (Rosenbrock, the transcendental sum: loops found by the roller, so the
//! loop lowering runs), guards, select, and random programs with planted loops.
#![cfg(feature = "cranelift")]
use proptest::prelude::*;
use wengert_jit::interp::Interp;
use wengert_jit::ir::{BinOp, Cmp, Inst, Program, Region, UnOp, Val};
use wengert_jit::kernel::{GuardFailed, Kernel};
use wengert_jit::{grad, native, opt, roll::roll, Compiled};
use wengert_ops::prelude::*;
use wengert_tape::{Tape, Var};

/// Runs `p` natively and on the interpreter; both results, and whether a loop was lowered.
fn both(p: &Program<f64>, x: &[f64]) -> [(Result<(), GuardFailed>, Vec<f64>); 2] {
    let r = roll(p);
    let k = native::compile(&r).expect("native code");
    let i = Interp::new(p.clone());
    [&*k as &dyn Kernel<f64>, &i].map(|k| {
        let mut out = vec![0.0; p.outputs()];
        let mut s = vec![f64::NAN; k.scratch_len()];
        (k.run(x, &mut out, &mut s), out)
    })
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn has_loop(p: &Program<f64>) -> bool {
    roll(p).regions.iter().any(|r| matches!(r, Region::Loop(_)))
}

fn rosenbrock<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = (x[0] - 1.0) * (x[0] - 1.0) * 0.0;
    for i in 0..x.len() - 1 {
        let (a, b) = (x[i] - 1.0, x[i + 1] - x[i] * x[i]);
        s = s + a * a + b * b * 100.0;
    }
    s
}

fn softsum<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let mut s = x[0].sin();
    for i in 0..x.len() - 1 {
        s = s + ((x[i] * x[i + 1]).exp() + 1.0).ln() + x[i + 1].sin();
    }
    s
}

fn check_traced(n: usize, f: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>) {
    let x0: Vec<f64> = (0..n)
        .map(|i| 0.3 + 0.7 * ((i * 7) % 11) as f64 / 11.0)
        .collect();
    let c = Compiled::trace(&x0, |_, v| f(v)).unwrap();
    // The flat program (the compiled path itself compiles these loops from their bodies,
    // `src/chain.rs`; the comparison with the tape below runs that).
    let p = opt::optimize(&grad::grad(c.traced()).unwrap().program);
    assert!(
        has_loop(&p),
        "the roller finds the loop, so native loops run"
    );
    let x: Vec<f64> = x0.iter().map(|v| v * 0.9 + 0.05).collect();
    let [(rn, on), (ri, oi)] = both(&p, &x);
    assert_eq!((rn, ri), (Ok(()), Ok(())));
    assert!(same(&on, &oi), "native == interpreter bit for bit");
    // And == the tape, through the public API (which runs native code for f64).
    let mut g = vec![0.0; n];
    let v = c.value_and_grad(&x, &mut g).unwrap();
    let tape = Tape::<f64>::new();
    let vars: Vec<_> = x.iter().map(|&a| tape.var(a)).collect();
    let y = f(&vars);
    let grads = tape.backward(y);
    let rel = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
    assert!(rel(v, y.value()));
    for (gi, xi) in g.iter().zip(&vars) {
        assert!(rel(*gi, grads[*xi]), "{gi} vs {}", grads[*xi]);
    }
}

#[test]
fn rosenbrock_native_equals_interpreter_and_tape() {
    check_traced(1000, rosenbrock);
    check_traced(10_000, rosenbrock);
}

#[test]
fn transcendental_sum_native_equals_interpreter_and_tape() {
    check_traced(1000, softsum);
}

#[test]
fn guard_and_select_agree_with_the_interpreter() {
    let mut p = Program::<f64>::new(2);
    let x = p.push(Inst::Input(0));
    let y = p.push(Inst::Input(1));
    let s = p.push(Inst::Select {
        cmp: Cmp::Lt,
        a: x,
        b: y,
        t: x,
        f: y,
    });
    p.push(Inst::Output(0, s));
    p.guard_sites.push(wengert_jit::ir::GuardSite {
        loc: std::panic::Location::caller(),
    });
    p.push(Inst::Guard {
        cmp: Cmp::Gt,
        a: x,
        b: y,
        expect: false,
        id: 0,
    });
    let e = p.push(Inst::Un(UnOp::Exp, x));
    p.push(Inst::Output(1, e));
    for (xs, ok) in [
        ([1.0, 2.0], true),
        ([3.0, 2.0], false),
        ([f64::NAN, 0.0], true),
    ] {
        let [(rn, on), (ri, oi)] = both(&p, &xs);
        assert_eq!(rn, ri);
        assert_eq!(rn.is_ok(), ok, "{xs:?}");
        if ok {
            assert!(same(&on, &oi));
        }
    }
    let [(r, o), _] = both(&p, &[1.0, 2.0]);
    assert_eq!((r, o[0], o[1]), (Ok(()), 1.0, 1f64.exp()));
    let [(r, _), _] = both(&p, &[3.0, 2.0]);
    assert_eq!(r, Err(GuardFailed { id: 0 }));
}

/// One random instruction reading `a`, `b`.
fn inst(k: u8, a: Val, b: Val) -> Inst<f64> {
    let un = [
        UnOp::Neg,
        UnOp::Recip,
        UnOp::Square,
        UnOp::Abs,
        UnOp::Signum,
        UnOp::Sqrt,
        UnOp::Exp,
        UnOp::ExpM1,
        UnOp::Ln,
        UnOp::Ln1p,
        UnOp::Sin,
        UnOp::Cos,
        UnOp::Tan,
        UnOp::Tanh,
        UnOp::Sigmoid,
        UnOp::Softplus,
        UnOp::Powi(3),
    ];
    let bin = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::Max,
        BinOp::Min,
        BinOp::Powf,
    ];
    let k = k as usize % (un.len() + bin.len() + 1);
    if k < un.len() {
        Inst::Un(un[k], a)
    } else if k < un.len() + bin.len() {
        Inst::Bin(bin[k - un.len()], a, b)
    } else {
        Inst::Select {
            cmp: Cmp::Le,
            a,
            b,
            t: b,
            f: a,
        }
    }
}

/// A segment: its instructions as `(op, operand a, operand b)` codes, and its repeat count.
type Segment = (Vec<(u8, u8, u8)>, u8);

/// A program of straight code and planted loops (bodies reading the same or the previous
/// repetition, invariants and fresh inputs); every value is an output.
fn build(segs: &[Segment], inputs: u32) -> Program<f64> {
    let mut p = Program::new(0);
    for k in 0..inputs {
        p.push(Inst::Input(k));
    }
    for (body, count) in segs {
        for r in 0..*count as u32 {
            for &(k, da, db) in body {
                let n = p.len() as u32;
                let a = if da % 3 == 0 {
                    p.push(Inst::Input((da as u32 + r) % inputs)).0
                } else {
                    n.saturating_sub(1 + da as u32 % 8)
                };
                let n = p.len() as u32;
                let b = if db % 4 == 0 {
                    db as u32 % inputs
                } else {
                    n.saturating_sub(1 + db as u32 % 8)
                };
                p.push(inst(k, Val(a), Val(b)));
            }
        }
    }
    let vals: Vec<u32> = (0..p.len() as u32).collect();
    let mut q = Program::new(vals.len() as u32);
    q.insts = p.insts.clone();
    for (o, v) in vals.into_iter().enumerate() {
        q.push(Inst::Output(o as u32, Val(v)));
    }
    q.set_inputs(inputs);
    q
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_programs_native_equals_interpreter(
        segs in prop::collection::vec(
            (prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 1..8), 1..40u8),
            1..6,
        ),
        x in prop::collection::vec(-3.0..3.0f64, 4),
    ) {
        let p = build(&segs, 4);
        prop_assert!(p.validate().is_ok());
        let [(rn, on), (ri, oi)] = both(&p, &x);
        prop_assert_eq!(rn, ri);
        prop_assert!(same(&on, &oi), "native {:?} interp {:?}", on, oi);
    }
}
