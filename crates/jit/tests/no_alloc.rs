//! Once warm, calls of a compiled function make no heap allocation: the buffers are pooled.
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wengert_jit::Compiled;
use wengert_ops::prelude::*;

struct Counting;

thread_local! {
    // Per thread: the harness's own threads allocate now and then.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

// Library crates forbid unsafe code; this test-only allocator counts calls and forwards every
// request unchanged to the system allocator, which upholds GlobalAlloc's contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn warm_calls_allocate_nothing() {
    let f = Compiled::trace(&[0.5; 8], |_, x| {
        let mut s = x[0] * 0.0;
        for i in 0..x.len() - 1 {
            s = s + (x[i] * x[i + 1]).exp().ln_1p() + x[i].sin();
        }
        s
    })
    .unwrap();
    let x: Vec<f64> = (0..8).map(|i| 0.1 * i as f64).collect();
    let (mut g, mut hv, mut jac) = ([0.0; 8], [0.0; 8], [0.0; 8]);
    let mut ws = wengert_jit::compiled::Workspace::new();
    let mut run = |g: &mut [f64], hv: &mut [f64], jac: &mut [f64]| {
        assert_eq!(
            f.value_in(&mut ws, &x).unwrap(),
            f.value_and_grad_in(&mut ws, &x, g).unwrap()
        );
        let y = f.value(&x).unwrap();
        assert_eq!(f.value_and_grad(&x, g).unwrap(), y);
        f.vjp(&x, &[2.0], hv).unwrap();
        f.hvp(&x, &[1.0; 8], hv).unwrap();
        f.jacobian(&x, jac).unwrap();
    };
    run(&mut g, &mut hv, &mut jac); // warm: builds each program and its buffer once
    let before = allocs();
    for _ in 0..100 {
        run(&mut g, &mut hv, &mut jac);
    }
    assert_eq!(allocs() - before, 0);
    assert_eq!(g, jac);
}
