//! Whatever the roller finds must describe the flat program exactly: on random programs
//! with planted loops (random bodies, strides, carries, invariants) and random straight code
//! between them, the rolled program validates and expands back to the flat one, and the
//! planted loops are found.

use proptest::prelude::*;
use wengert_jit::ir::{BinOp, Inst, Program, UnOp, Val};
use wengert_jit::roll::roll;

/// Where a body instruction's operand comes from.
#[derive(Clone, Debug)]
enum Src {
    /// The instruction `d` before it in the same repetition (or the previous one: a carry).
    Back(u8),
    /// A value defined before the loop: an invariant.
    Before(u16),
    /// A fresh input: `Input(base + r * stride)` pushed just before.
    Input(i8),
}

#[derive(Clone, Debug)]
enum Seg {
    /// Random instructions reading random earlier values.
    Straight(Vec<(u8, u16, u16)>),
    /// `count` repetitions of a body of (op, operand sources).
    Loop(Vec<(u8, Src, Src)>, u8),
}

fn src() -> impl Strategy<Value = Src> {
    prop_oneof![
        (1..6u8).prop_map(Src::Back),
        any::<u16>().prop_map(Src::Before),
        (-2..3i8).prop_map(Src::Input),
    ]
}

fn seg() -> impl Strategy<Value = Seg> {
    prop_oneof![
        prop::collection::vec((0..5u8, any::<u16>(), any::<u16>()), 1..30).prop_map(Seg::Straight),
        (
            prop::collection::vec((0..5u8, src(), src()), 1..12),
            3..40u8
        )
            .prop_map(|(b, c)| Seg::Loop(b, c)),
    ]
}

fn op(p: &mut Program<f64>, k: u8, a: Val, b: Val) -> Val {
    let ops = [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div];
    match k {
        4 => p.push(Inst::Un(UnOp::Exp, a)),
        k => p.push(Inst::Bin(ops[k as usize], a, b)),
    }
}

/// Builds the program; returns it and the instructions of planted loops that are sure to be
/// found: all repetitions but the first two (whose carries may read straight code) and the
/// last (which may be cut by a rotation), for loops that save at least 32.
fn build(segs: &[Seg]) -> (Program<f64>, usize) {
    let mut p = Program::new(0);
    let mut next_input = 1000i64;
    p.push(Inst::Input(0));
    let mut sure = 0;
    for s in segs {
        match s {
            Seg::Straight(insts) => {
                for &(k, a, b) in insts {
                    let n = p.len() as u16;
                    op(&mut p, k, Val((a % n).into()), Val((b % n).into()));
                }
            }
            Seg::Loop(body, count) => {
                let before = p.len() as u16;
                let bases: Vec<i64> = body.iter().map(|_| next_input).collect();
                next_input += 200;
                let start = p.len();
                for r in 0..*count as i64 {
                    for (j, (k, a, b)) in body.iter().enumerate() {
                        let mut get = |s: &Src| match *s {
                            Src::Back(d) => Val(p.len().saturating_sub(d as usize) as u32),
                            Src::Before(i) => Val((i % before).into()),
                            Src::Input(st) => {
                                let n = bases[j] + 80 + r * st as i64;
                                p.push(Inst::Input(n as u32))
                            }
                        };
                        let (a, b) = (get(a), get(b));
                        op(&mut p, *k, a, b);
                    }
                }
                let period = (p.len() - start) / *count as usize;
                if period * (*count as usize - 3) >= 32 {
                    sure += period * (*count as usize - 3);
                }
            }
        }
    }
    (p, sure)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn rolled_programs_expand_to_the_flat_one(segs in prop::collection::vec(seg(), 1..8)) {
        let (p, sure) = build(&segs);
        let r = roll(&p);
        prop_assert_eq!(r.validate(), Ok(()));
        prop_assert_eq!(&r.expand().insts, &p.insts);
        prop_assert!(r.looped_len() >= sure, "{} looped, {} planted", r.looped_len(), sure);
    }
}
