//! Once warm, a training loop that records a fresh graph each step on a reused tape makes no
//! heap allocation: `clear` keeps the buffers, `Grads` hands its buffers back, and
//! `ParamStore::bind` copies into the arena.
use wengert_tape::{ParamStore, Tape, Tensor};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocs;

fn step(tape: &Tape<f64>, store: &ParamStore<f64>, w: wengert_tape::ParamKey, out: &mut [f64]) {
    let p = store.bind(tape);
    // A scalar part and a tensor part: Σ (w ⊙ w) · x + x², with x a scalar input.
    let x = tape.var(1.5);
    let t = (p.var(w) * p.var(w) * x).sum_all();
    let y = t + x * x;
    let g = tape.backward(y);
    out.copy_from_slice(p.grad(&g, w));
}

#[test]
fn warm_loop_allocates_nothing() {
    let mut store = ParamStore::new();
    let w = store.insert("w", Tensor::new([4], vec![1.0, 2.0, 3.0, 4.0]));
    let mut tape = Tape::<f64>::new();
    let mut grad = [0.0; 4];
    for _ in 0..3 {
        step(&tape, &store, w, &mut grad);
        tape.clear();
    }
    let mut before = allocs();
    for i in 0..1003 {
        if i == 3 {
            before = allocs(); // warm now
        }
        // Scalar-only graph.
        {
            let x = tape.var(0.5);
            let y = (x * x + 1.0) / (x - 3.0);
            let g = tape.backward(y);
            assert!(g[x].is_finite());
        }
        tape.clear();
    }
    let scalar_allocs = allocs() - before;
    assert_eq!(scalar_allocs, 0, "a warm scalar loop allocated");
    let before = allocs();
    for _ in 0..1000 {
        step(&tape, &store, w, &mut grad);
        tape.clear();
    }
    // ∂/∂w Σ w²x = 2wx with x = 1.5
    assert_eq!(grad, [3.0, 6.0, 9.0, 12.0]);
    let tensor_allocs = allocs() - before;
    // Zero-sized tensor ops (mul, sum) box for free; this graph has only such ops.
    assert_eq!(tensor_allocs, 0, "a warm tensor loop allocated");
}

/// `Grads::drop` hands back the scalar and tensor adjoint buffers in the order `try_vjp` takes
/// them: they used to swap on every sweep, so the second sweep of a large tape regrew its big
/// scalar adjoints from the small tensor buffer.
#[test]
fn second_sweep_of_a_large_tape_allocates_nothing() {
    let tape = Tape::<f64>::new();
    let w = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let xs: Vec<_> = (0..20_000).map(|i| tape.var(i as f64 * 1e-4)).collect();
    let mut acc = xs[0];
    for &x in &xs[1..] {
        acc = acc * x + x; // a two-operand node per term: 40 000 scalar nodes
    }
    let y = (w * acc).sum_all();
    let first = tape.backward(y);
    let expect = first.wrt(w).to_vec();
    drop(first);
    let before = allocs();
    let g = tape.backward(y);
    let got = allocs() - before;
    assert_eq!(g.wrt(w), &expect[..]);
    assert_eq!(got, 0, "the second sweep allocated {got} times");
}
