//! Each optimization pass on its own, on small literal programs (instruction counts and
//! values), then the whole pipeline on traced programs: values kept, loops kept periodic.
use wengert_jit::interp::Interp;
use wengert_jit::ir::{BinOp, Cmp, Inst, Program, UnOp};
use wengert_jit::kernel::Kernel;
use wengert_jit::opt::{cse, dce, fold, optimize, reuse};
use wengert_jit::{grad, trace};
use wengert_ops::prelude::*;

fn run(p: &Program<f64>, x: &[f64]) -> Vec<f64> {
    let k = Interp::new(p.clone());
    let (mut out, mut s) = (vec![0.0; p.outputs()], vec![0.0; k.scratch_len()]);
    k.run(x, &mut out, &mut s).unwrap();
    out
}

#[test]
fn dce_keeps_effects_and_their_operands_only() {
    let mut p = Program::<f64>::new(1);
    let x = p.push(Inst::Input(0));
    let dead = p.push(Inst::Un(UnOp::Exp, x));
    p.push(Inst::Bin(BinOp::Mul, dead, dead));
    let zero = p.push(Inst::Const(0.0));
    p.push(Inst::Guard {
        cmp: Cmp::Gt,
        a: x,
        b: zero,
        expect: true,
        id: 0,
    });
    let y = p.push(Inst::Un(UnOp::Sin, x));
    p.push(Inst::Output(0, y));
    p.guard_sites.push(wengert_jit::ir::GuardSite {
        loc: std::panic::Location::caller(),
    });
    let q = dce::dce(&p);
    assert_eq!(q.len(), 5); // input, 0, guard, sin, output
    assert!(q.validate().is_ok());
    assert_eq!(run(&q, &[0.5]), [0.5f64.sin()]);
}

#[test]
fn cse_merges_commuted_operands_and_constants_but_never_effects() {
    let mut p = Program::<f64>::new(2);
    let x = p.push(Inst::Input(0));
    let y = p.push(Inst::Input(1));
    let c1 = p.push(Inst::Const(2.0));
    let a = p.push(Inst::Bin(BinOp::Mul, x, y));
    let c2 = p.push(Inst::Const(2.0));
    let b = p.push(Inst::Bin(BinOp::Mul, y, x)); // = a
    let d = p.push(Inst::Bin(BinOp::Sub, a, c1));
    let e = p.push(Inst::Bin(BinOp::Sub, b, c2)); // = d
    let nz = p.push(Inst::Const(-0.0)); // not 0.0: kept apart
    let f = p.push(Inst::Bin(BinOp::Add, d, e));
    let g = p.push(Inst::Bin(BinOp::Add, f, nz));
    p.push(Inst::Output(0, g));
    p.push(Inst::Output(1, g)); // two outputs of one value stay two
    let q = cse::cse(&p);
    assert_eq!(q.insts[0], Inst::Const(2.0)); // constants first
    assert_eq!(q.insts[1], Inst::Const(-0.0));
    let muls = q
        .insts
        .iter()
        .filter(|i| matches!(i, Inst::Bin(BinOp::Mul, ..)))
        .count();
    let subs = q
        .insts
        .iter()
        .filter(|i| matches!(i, Inst::Bin(BinOp::Sub, ..)))
        .count();
    assert_eq!((muls, subs, q.len()), (1, 1, 10));
    assert_eq!(run(&q, &[3.0, 4.0]), run(&p, &[3.0, 4.0]));
    assert_eq!(run(&q, &[3.0, 4.0]), [20.0, 20.0]);
}

#[test]
fn fold_computes_constants_and_exact_identities_only() {
    let mut p = Program::<f64>::new(1);
    let x = p.push(Inst::Input(0));
    let one = p.push(Inst::Const(1.0));
    let zero = p.push(Inst::Const(0.0));
    let two = p.push(Inst::Const(2.0));
    let l = p.push(Inst::Un(UnOp::Ln, two)); // constant
    let a = p.push(Inst::Bin(BinOp::Mul, x, one)); // x
    let b = p.push(Inst::Bin(BinOp::Add, zero, a)); // x
    let c = p.push(Inst::Bin(BinOp::Mul, b, zero)); // kept: ∞·0 is NaN
    let n = p.push(Inst::Un(UnOp::Neg, x));
    let nn = p.push(Inst::Un(UnOp::Neg, n)); // x
    let s = p.push(Inst::Select {
        cmp: Cmp::Lt,
        a: one,
        b: two,
        t: nn,
        f: c,
    }); // nn
    p.push(Inst::Guard {
        cmp: Cmp::Lt,
        a: zero,
        b: one,
        expect: true,
        id: 0,
    }); // holds: gone
    let y = p.push(Inst::Bin(BinOp::Add, s, l));
    p.push(Inst::Output(0, y));
    p.guard_sites.push(wengert_jit::ir::GuardSite {
        loc: std::panic::Location::caller(),
    });
    let q = dce::dce(&fold::fold(&p));
    // ln 2 folded, input, x + ln 2, output
    assert_eq!(q.len(), 4, "{:?}", q.insts);
    assert_eq!(q.insts[0], Inst::Const(2f64.ln())); // dce moves the constants first
    assert_eq!(run(&q, &[3.0]), [3.0 + 2f64.ln()]);
    // x·0 survives when it is used.
    let mut p = Program::<f64>::new(1);
    let x = p.push(Inst::Input(0));
    let z = p.push(Inst::Const(0.0));
    let y = p.push(Inst::Bin(BinOp::Mul, x, z));
    p.push(Inst::Output(0, y));
    assert_eq!(fold::fold(&p).len(), 4);
    assert!(run(&fold::fold(&p), &[f64::INFINITY])[0].is_nan());
}

#[test]
fn reuse_writes_squares_one_way_and_pairs_sin_with_cos() {
    let mut p = Program::<f64>::new(1);
    let x = p.push(Inst::Input(0));
    let m = p.push(Inst::Bin(BinOp::Mul, x, x));
    let s = p.push(Inst::Un(UnOp::Square, x));
    let sin = p.push(Inst::Un(UnOp::Sin, x));
    let t = p.push(Inst::Bin(BinOp::Add, m, s));
    let u = p.push(Inst::Bin(BinOp::Mul, t, sin));
    let cos = p.push(Inst::Un(UnOp::Cos, x));
    let y = p.push(Inst::Bin(BinOp::Add, u, cos));
    p.push(Inst::Output(0, y));
    let q = reuse::reuse(&p);
    assert_eq!(q.insts[1], Inst::Un(UnOp::Square, x));
    assert_eq!(
        (q.insts[3], q.insts[4]),
        (Inst::Un(UnOp::Sin, x), Inst::Un(UnOp::Cos, x))
    );
    let r = cse::cse(&q);
    assert_eq!(r.len(), p.len() - 1); // the two squares are one
    assert_eq!(run(&r, &[0.7]), run(&p, &[0.7]));
}

#[test]
fn the_reverse_of_exp_tanh_and_sigmoid_reads_their_outputs() {
    let f = trace::trace(&[0.3], |_, x| x[0].exp() + x[0].tanh() + x[0].sigmoid()).unwrap();
    let g = optimize(&grad::grad(&f).unwrap().program);
    let count = |op| {
        g.insts
            .iter()
            .filter(|i| matches!(i, Inst::Un(o, _) if *o == op))
            .count()
    };
    // One of each, forward only: the derivatives reuse them.
    assert_eq!(
        (count(UnOp::Exp), count(UnOp::Tanh), count(UnOp::Sigmoid)),
        (1, 1, 1)
    );
    let out = run(&g, &[0.3]);
    let (e, t, s) = (0.3f64.exp(), 0.3f64.tanh(), 1.0 / (1.0 + (-0.3f64).exp()));
    assert!((out[1] - (e + 1.0 - t * t + s * (1.0 - s))).abs() < 1e-15);
}

/// Rosenbrock as a plain Rust loop.
fn rosen<'t>(x: &[wengert_tape::Var<'t, f64>]) -> wengert_tape::Var<'t, f64> {
    let mut s = x[0] * 0.0;
    for i in 0..x.len() - 1 {
        let (a, b) = (1.0 - x[i], x[i + 1] - x[i] * x[i]);
        s = s + a * a + 100.0 * b * b;
    }
    s
}

#[test]
fn a_plain_loop_gives_a_periodic_gradient_program() {
    let len = |n: usize| {
        let f = trace::trace(&vec![0.5; n], |_, x| rosen(x)).unwrap();
        optimize(&grad::grad(&f).unwrap().program).len()
    };
    let (a, b, c) = (len(10), len(11), len(12));
    assert_eq!(b - a, c - b, "one more term adds the same instructions");
    // The period: the forward body (5 operations), its reverse, the gradient output.
    assert!(b - a > 10 && b - a < 40, "period {}", b - a);
}

#[test]
fn optimizing_keeps_the_values_of_a_traced_gradient() {
    let x: Vec<f64> = (0..7).map(|i| (i as f64 * 0.9).sin()).collect();
    let f = trace::trace(&x, |_, v| {
        rosen(v) + (v[0] * v[3]).tanh() / (v[2].exp() + 1.0)
    })
    .unwrap();
    let g = grad::grad(&f).unwrap().program;
    let o = optimize(&g);
    assert!(o.len() < g.len());
    assert_eq!(run(&o, &x), run(&g, &x));
}

#[test]
fn fold_turns_adding_a_negation_into_a_subtraction() {
    let mut p = Program::<f64>::new(2);
    let x = p.push(Inst::Input(0));
    let y = p.push(Inst::Input(1));
    let n = p.push(Inst::Un(UnOp::Neg, y));
    let a = p.push(Inst::Bin(BinOp::Add, x, n)); // x − y
    let b = p.push(Inst::Bin(BinOp::Add, n, x)); // x − y
    let c = p.push(Inst::Bin(BinOp::Sub, a, n)); // a + y
    let d = p.push(Inst::Bin(BinOp::Mul, b, c));
    p.push(Inst::Output(0, d));
    p.push(Inst::Output(1, a));
    let q = optimize(&p);
    assert!(
        !q.insts.iter().any(|i| matches!(i, Inst::Un(UnOp::Neg, _))),
        "{:?}",
        q.insts
    );
    assert_eq!(q.len(), 7); // 2 inputs, x − y (once), a + y, the product, 2 outputs
    for (x, y) in [(3.0, 5.0), (0.0, -0.0), (1e300, -1e300)] {
        assert_eq!(run(&q, &[x, y]), run(&p, &[x, y]));
    }
}

#[test]
fn negations_move_outward_and_fold_away_exactly() {
    // y0 = c − (−a·b + −a·b): the reverse sweep's shape (Rosenbrock's −400·b·x); y1..y4 the
    // other rules: (−a)/b, a/(−b), (−a)·(−b), (−a)².
    let mut p = Program::<f64>::new(5);
    let a = p.push(Inst::Input(0));
    let b = p.push(Inst::Input(1));
    let c = p.push(Inst::Input(2));
    let na = p.push(Inst::Un(UnOp::Neg, a));
    let nb = p.push(Inst::Un(UnOp::Neg, b));
    let m = p.push(Inst::Bin(BinOp::Mul, na, b));
    let d = p.push(Inst::Bin(BinOp::Add, m, m));
    let y0 = p.push(Inst::Bin(BinOp::Add, d, c));
    let y1 = p.push(Inst::Bin(BinOp::Div, na, b));
    let y2 = p.push(Inst::Bin(BinOp::Div, a, nb));
    let y3 = p.push(Inst::Bin(BinOp::Mul, na, nb));
    let y4 = p.push(Inst::Un(UnOp::Square, na));
    for (k, y) in [y0, y1, y2, y3, y4].into_iter().enumerate() {
        p.push(Inst::Output(k as u32, y));
    }
    let q = optimize(&p);
    let negs = |q: &Program<f64>| {
        q.insts
            .iter()
            .filter(|i| matches!(i, Inst::Un(UnOp::Neg, _)))
            .count()
    };
    // Only the quotients keep one negation (shared: both are −(a/b)).
    assert_eq!(negs(&q), 1, "{:?}", q.insts);
    let special = [
        0.0,
        -0.0,
        1.5,
        -2.25,
        1e308,
        f64::INFINITY,
        f64::NAN,
        5e-324,
    ];
    for &x in &special {
        for &y in &special {
            for &z in &[0.0, -0.0, 3.0] {
                let (want, got) = (run(&p, &[x, y, z]), run(&q, &[x, y, z]));
                for (w, g) in want.iter().zip(&got) {
                    // Bit for bit, zeros' signs included (a NaN's sign is not a value).
                    assert!(
                        w.to_bits() == g.to_bits() || (w.is_nan() && g.is_nan()),
                        "{x} {y} {z}: {want:?} {got:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn dce_puts_every_input_in_one_block_after_the_constants() {
    // Inputs read where a fori_loop trace reads them (inside each iteration), one unused.
    let mut p = Program::<f64>::new(1);
    let mut s = p.push(Inst::Const(0.0));
    for k in [2u32, 0, 3] {
        let x = p.push(Inst::Input(k));
        let t = p.push(Inst::Un(UnOp::Sin, x));
        s = p.push(Inst::Bin(BinOp::Add, s, t));
    }
    p.push(Inst::Output(0, s));
    p.set_inputs(4);
    let q = dce::dce(&p);
    assert_eq!(q.insts[0], Inst::Const(0.0));
    let block: Vec<_> = (0..4).map(Inst::Input).collect();
    assert_eq!(
        q.insts[1..5],
        block[..],
        "input 1 is unused, but the block is whole"
    );
    assert!(q.insts[5..].iter().all(|i| !matches!(i, Inst::Input(_))));
    assert_eq!(
        run(&q, &[0.1, 0.2, 0.3, 0.4]),
        run(&p, &[0.1, 0.2, 0.3, 0.4])
    );
}
