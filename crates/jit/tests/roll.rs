//! The roller on programs written by hand, with the regions it must find worked out in the
//! comments.

use wengert_jit::ir::{BinOp, Inst, Loop, Program, Region, Rolled, UnOp, Val};
use wengert_jit::roll::{roll, Roller};

fn straight(start: usize, end: usize) -> Region {
    Region::Straight {
        start: start as u32,
        end: end as u32,
    }
}

fn lp(start: usize, period: u32, count: usize, strides: &[[i32; 5]]) -> Region {
    Region::Loop(Loop {
        start: start as u32,
        period,
        count: count as u32,
        strides: strides.to_vec(),
    })
}

/// Rolls `p` and checks what every result must satisfy: it validates and expands back to `p`.
fn rolled(p: &Program<f64>) -> Rolled<f64> {
    let r = roll(p);
    r.validate().unwrap();
    assert_eq!(r.expand().insts, p.insts);
    r
}

fn inputs(p: &mut Program<f64>, n: usize) -> Vec<Val> {
    (0..n).map(|k| p.push(Inst::Input(k as u32))).collect()
}

fn bin(p: &mut Program<f64>, op: BinOp, a: Val, b: Val) -> Val {
    p.push(Inst::Bin(op, a, b))
}

/// Rosenbrock's value and gradient, as a reverse transform could emit them:
/// f = Σ_{i<n-1} 100 (x_{i+1} - x_i²)² + (1 - x_i)², the sum started with term 0, the sweep
/// visiting terms n-2 .. 0, each adjoint of x completed by the next-lower term's sweep.
fn rosenbrock(n: usize) -> Program<f64> {
    let mut p = Program::new(1 + n as u32);
    let x = inputs(&mut p, n);
    let c1 = p.push(Inst::Const(1.0));
    let c100 = p.push(Inst::Const(100.0));
    let c2 = p.push(Inst::Const(2.0));
    let (mut bs, mut es, mut s) = (vec![], vec![], None);
    for i in 0..n - 1 {
        let a = bin(&mut p, BinOp::Mul, x[i], x[i]);
        let b = bin(&mut p, BinOp::Sub, x[i + 1], a);
        let c = bin(&mut p, BinOp::Mul, b, b);
        let d = bin(&mut p, BinOp::Mul, c100, c);
        let e = bin(&mut p, BinOp::Sub, c1, x[i]);
        let f = bin(&mut p, BinOp::Mul, e, e);
        let g = bin(&mut p, BinOp::Add, d, f);
        s = Some(match s {
            None => g,
            Some(s) => bin(&mut p, BinOp::Add, s, g),
        });
        bs.push(b);
        es.push(e);
    }
    p.push(Inst::Output(0, s.unwrap()));
    // adj[k]: the adjoint of x_k; `part` the contribution of term k to x_k.
    let mut adj = vec![Val(0); n];
    let mut part: Option<Val> = None;
    for i in (0..n - 1).rev() {
        let ce = bin(&mut p, BinOp::Mul, c2, es[i]); // d(e²)/de
        let cb = bin(&mut p, BinOp::Mul, c100, bs[i]);
        let gb = bin(&mut p, BinOp::Mul, c2, cb); // d(100 b²)/db = ∂f/∂x_{i+1}
        adj[i + 1] = match part {
            None => gb,
            Some(t) => bin(&mut p, BinOp::Add, t, gb),
        };
        let ga = p.push(Inst::Un(UnOp::Neg, gb)); // ∂f/∂a = -∂f/∂b
        let gxa = bin(&mut p, BinOp::Mul, ga, x[i]);
        let gxa2 = bin(&mut p, BinOp::Mul, c2, gxa); // via a = x_i²
        let t = bin(&mut p, BinOp::Sub, gxa2, ce); // e = 1 - x_i
        part = Some(t);
    }
    adj[0] = part.unwrap();
    for (k, &a) in adj.iter().enumerate() {
        p.push(Inst::Output(1 + k as u32, a));
    }
    p.validate().unwrap();
    p
}

#[test]
fn rosenbrock_rolls_into_input_forward_reverse_and_output_loops() {
    let n = 30;
    let p = rosenbrock(n);
    let r = rolled(&p);
    // Layout: 30 inputs, 3 constants at 30..33, the forward term 0 (7 instructions, no
    // running sum yet) at 33..40, terms 1..29 (8 each) at 40..264, Output(0) at 264, the
    // sweep of term 28 (7, nothing to add to yet) at 265..272, terms 27..0 (8 each) at
    // 272..496, then the 30 gradient outputs at 496..526.
    assert_eq!(p.len(), 526);
    // The sweep's loop starts at term 27, the first to complete an adjoint (term 28's
    // Neg reads gb one instruction back, later ones two). It reads the forward b_i, e_i at
    // stride -8, x_i at -1, its own carries at +8. Term 0 reads e_0 and b_0 one instruction
    // off the stride (forward term 0 is 7 long), so the loop stops after term 1.
    let fwd = [
        [1, 1, 0, 0, 0], // a = x_i x_i
        [1, 8, 0, 0, 0], // b = x_{i+1} - a
        [8, 8, 0, 0, 0], // c = b b
        [0, 8, 0, 0, 0], // d = 100 c: the constant is invariant
        [0, 1, 0, 0, 0], // e = 1 - x_i
        [8, 8, 0, 0, 0], // f = e e
        [8, 8, 0, 0, 0], // g = d + f
        [8, 8, 0, 0, 0], // s = s_prev + g
    ];
    let rev = [
        [0, -8, 0, 0, 0], // ce = 2 e_i
        [0, -8, 0, 0, 0], // cb = 100 b_i
        [0, 8, 0, 0, 0],  // gb = 2 cb
        [8, 8, 0, 0, 0],  // adj_{i+1} = t_{i+1} + gb
        [8, 0, 0, 0, 0],  // ga = -gb
        [8, -1, 0, 0, 0], // gxa = ga x_i
        [0, 8, 0, 0, 0],  // gxa2 = 2 gxa
        [8, 8, 0, 0, 0],  // t = gxa2 - ce
    ];
    let expected = vec![
        lp(0, 1, 30, &[[1, 0, 0, 0, 0]]),
        straight(30, 40),
        lp(40, 8, 28, &fwd),
        // Output(0) and the sweep of term 28.
        straight(264, 272),
        lp(272, 8, 27, &rev),
        // Term 0 of the sweep, and Output(1, t_0), which reads a Sub, not an Add.
        straight(488, 497),
        // Output(1 + k, adj_k) for k = 1..29: adj_k at stride -8, output number at +1;
        // adj_29 = gb_28 (267) is not an Add but sits exactly 8 below adj_28, so it joins.
        lp(497, 1, 29, &[[-8, 1, 0, 0, 0]]),
    ];
    assert_eq!(r.regions, expected);
    assert_eq!(r.looped_len(), 30 + 224 + 216 + 29);
}

#[test]
fn running_sum_starts_its_loop_where_the_carry_is_a_sum() {
    // s_1 = x_0 + x_1, s_k = s_{k-1} + x_k: s_1 reads two inputs, later ones a sum.
    let n = 40;
    let mut p = Program::new(1);
    let x = inputs(&mut p, n);
    let mut s = x[0];
    for &xk in &x[1..] {
        s = bin(&mut p, BinOp::Add, s, xk);
    }
    p.push(Inst::Output(0, s));
    let r = rolled(&p);
    assert_eq!(
        r.regions,
        vec![
            lp(0, 1, 40, &[[1, 0, 0, 0, 0]]),
            straight(40, 41),
            lp(41, 1, 38, &[[1, 1, 0, 0, 0]]),
            straight(79, 80),
        ]
    );
}

#[test]
fn interleaved_inputs_roll_with_the_sum() {
    // Each repetition reads its input then adds it: [Input(k), s + x_k], period 2.
    let mut p = Program::new(1);
    let c0 = p.push(Inst::Const(0.0));
    let mut s = c0;
    for k in 0..20 {
        let xk = p.push(Inst::Input(k));
        s = bin(&mut p, BinOp::Add, s, xk);
    }
    p.push(Inst::Output(0, s));
    let r = rolled(&p);
    // Repetition 0 adds to the constant 0, so the loop starts at repetition 1.
    assert_eq!(
        r.regions,
        vec![
            straight(0, 3),
            lp(3, 2, 19, &[[1, 0, 0, 0, 0], [2, 2, 0, 0, 0]]),
            straight(41, 42),
        ]
    );
}

#[test]
fn constants_inside_and_outside_the_body() {
    // out_k = 3 x_k + c: `c` defined once before the loop (stride 0), 3 pushed per repetition.
    let mut p = Program::new(20);
    let c = p.push(Inst::Const(0.5));
    for k in 0..20 {
        let xk = p.push(Inst::Input(k));
        let three = p.push(Inst::Const(3.0));
        let y = bin(&mut p, BinOp::Mul, three, xk);
        let z = bin(&mut p, BinOp::Add, y, c);
        p.push(Inst::Output(k, z));
    }
    let r = rolled(&p);
    let body = [
        [1, 0, 0, 0, 0],
        [0; 5],
        [5, 5, 0, 0, 0],
        [5, 0, 0, 0, 0],
        [5, 1, 0, 0, 0],
    ];
    assert_eq!(r.regions, vec![straight(0, 1), lp(1, 5, 20, &body)]);
}

#[test]
fn constants_that_change_every_repetition_are_not_a_loop() {
    // y_k = x_k * k: the same shape each time, but the constant differs.
    let mut p = Program::new(20);
    for k in 0..20 {
        let xk = p.push(Inst::Input(k));
        let c = p.push(Inst::Const(k as f64));
        let y = bin(&mut p, BinOp::Mul, xk, c);
        p.push(Inst::Output(k, y));
    }
    assert_eq!(rolled(&p).regions, vec![straight(0, 80)]);
}

#[test]
fn outputs_in_reverse_order() {
    // out_{n-1-k} = sin x_k: the output number moves by -1.
    let n = 24u32;
    let mut p = Program::new(n);
    for k in 0..n {
        let xk = p.push(Inst::Input(k));
        let y = p.push(Inst::Un(UnOp::Sin, xk));
        p.push(Inst::Output(n - 1 - k, y));
    }
    let r = rolled(&p);
    let body = [[1, 0, 0, 0, 0], [3, 0, 0, 0, 0], [3, -1, 0, 0, 0]];
    assert_eq!(r.regions, vec![lp(0, 3, 24, &body)]);
}

#[test]
fn a_last_iteration_that_differs_stays_straight() {
    // y_k = exp(x_k) for k < 19, but the last one is cos: the loop stops before it.
    let mut p = Program::new(20);
    for k in 0..20 {
        let xk = p.push(Inst::Input(k));
        let op = if k == 19 { UnOp::Cos } else { UnOp::Exp };
        let y = p.push(Inst::Un(op, xk));
        p.push(Inst::Output(k, y));
    }
    let r = rolled(&p);
    let body = [[1, 0, 0, 0, 0], [3, 0, 0, 0, 0], [3, 1, 0, 0, 0]];
    assert_eq!(r.regions, vec![lp(0, 3, 19, &body), straight(57, 60)]);
}

/// A random DAG of binary and unary operations on earlier values chosen by a hash: no index
/// moves by a stride, so nothing may roll.
fn random_dag(n: usize, seed: u64) -> Program<f64> {
    let mut p = Program::new(1);
    let x = inputs(&mut p, 3);
    let mut state = seed;
    let mut rnd = move |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % m
    };
    let ops = [BinOp::Add, BinOp::Sub, BinOp::Mul];
    for _ in 0..n {
        let len = p.len();
        let (a, b) = (Val(rnd(len) as u32), Val(rnd(len) as u32));
        match rnd(4) {
            3 => p.push(Inst::Un(UnOp::Sin, a)),
            k => p.push(Inst::Bin(ops[k], a, b)),
        };
    }
    let last = Val(p.len() as u32 - 1);
    p.push(Inst::Output(0, last));
    let _ = x;
    p
}

#[test]
fn a_random_dag_has_no_loops() {
    for seed in 0..20 {
        let p = random_dag(2000, seed);
        assert_eq!(
            rolled(&p).regions,
            vec![straight(0, p.len())],
            "seed {seed}"
        );
    }
}

#[test]
fn tiny_loops_stay_straight_unless_asked() {
    // Three repetitions of a 2-instruction body save 4 instructions: below the default 16.
    let mut p = Program::<f64>::new(3);
    for k in 0..3 {
        let xk = p.push(Inst::Input(k));
        p.push(Inst::Output(k, xk));
    }
    assert_eq!(roll(&p).regions, vec![straight(0, 6)]);
    let r = Roller::new().min_saved(4).roll(p.clone());
    let body = [[1, 0, 0, 0, 0], [2, 1, 0, 0, 0]];
    assert_eq!(r.regions, vec![lp(0, 2, 3, &body)]);
    // A body longer than max_period is not searched for.
    assert_eq!(
        Roller::new().min_saved(4).max_period(1).regions(&p),
        vec![straight(0, 6)]
    );
}
