//! Once warm, calls of a compiled function make no heap allocation: the buffers are pooled.
use wengert_jit::Compiled;
use wengert_ops::prelude::*;

#[path = "../../tape/tests/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocs;

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
