//! The training loop of `examples/memory_flat.rs` and `tests/memory.rs`: a fresh graph every
//! step on one reused tape, with scalar and tensor ops and a `ParamStore`, and the resident
//! memory read from `/proc/self/statm`.
use wengert::prelude::*;

/// The scalar operations one step performs, counted on the source of [`Flat::step`]: `− y`,
/// `r·r`, `0.01·penalty` and the `+` (the two `elem(0)` are the scalar part's inputs, as leaves
/// are elsewhere).
#[allow(dead_code)] // read by examples/memory_flat.rs, not tests/memory.rs
pub const SCALAR_OPS_PER_STEP: usize = 4;

/// Logistic regression with weight decay on a synthetic stream, by SGD: each step records
/// `L = (σ(w·x + b) − y)² + 0.01 Σ w²` on the cleared tape (tensor ops for the dot product,
/// the sigmoid and the penalty; scalar ops for the residual) and updates `w` and `b`.
pub struct Flat {
    store: ParamStore<f64>,
    w: ParamKey,
    b: ParamKey,
    tape: Tape<f64>,
    grads: [Vec<f64>; 2],
    /// The loss of the last step.
    pub loss: f64,
}

impl Default for Flat {
    fn default() -> Self {
        Flat::new()
    }
}

impl Flat {
    /// The model at zero.
    pub fn new() -> Flat {
        let mut store = ParamStore::new();
        let w = store.insert("w", Tensor::new([3], vec![0.0; 3]));
        let b = store.insert("b", Tensor::new([1], vec![0.0]));
        Flat {
            store,
            w,
            b,
            tape: Tape::new(),
            grads: [vec![0.0; 3], vec![0.0]],
            loss: 0.0,
        }
    }

    /// One SGD step on sample number `i`.
    pub fn step(&mut self, i: u64) {
        let t = i as f64;
        let x = [(0.37 * t).sin(), (0.91 * t).cos(), 1.0];
        let y = if x[0] + 0.5 * x[1] > 0.0 { 1.0 } else { 0.0 };
        self.tape.clear();
        {
            let tape = &self.tape;
            let p = self.store.bind(tape);
            let (w, b) = (p.var(self.w), p.var(self.b));
            let xv = tape.constant_tensor([3], x.to_vec());
            let z = (w * xv).sum() + b.sum();
            let r = z.sigmoid().elem(0) - y; // scalar from here on
            let penalty = w.square().sum().elem(0);
            let loss = r * r + 0.01 * penalty;
            let g = tape.backward(loss);
            self.grads[0].copy_from_slice(p.grad(&g, self.w));
            self.grads[1].copy_from_slice(p.grad(&g, self.b));
            self.loss = loss.value();
        }
        for (k, g) in [self.w, self.b].into_iter().zip(&self.grads) {
            let d = self.store.get_mut(k).data_mut();
            d.iter_mut().zip(g).for_each(|(v, g)| *v -= 0.1 * g);
        }
    }

    /// The weights.
    pub fn weights(&self) -> &[f64] {
        self.store.get(self.w).data()
    }

    /// The tape, holding the graph of the last step.
    #[allow(dead_code)] // read by examples/memory_flat.rs, not tests/memory.rs
    pub fn tape(&self) -> &Tape<f64> {
        &self.tape
    }
}

/// The resident set size in bytes, from `/proc/self/statm` (pages of 4 KiB), on Linux.
pub fn rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = s.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
