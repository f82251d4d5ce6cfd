//! Tensor-path overhead, single thread, f32:
//!
//! * `tensor/matmul256`: `C = A·B` (256 × 256) recorded on the tape, then its VJP
//!   (`dA = G·Bᵀ`, `dB = Aᵀ·G`): three products, against the same three products called
//!   directly through ndarray's `general_mat_mul` (matrixmultiply's sgemm, which is what the
//!   ops crate calls). Both do 3 · 2·256³ flops; the GFLOP/s ratio is the time ratio. The
//!   forward product alone is timed against one `general_mat_mul` as well.
//! * `tensor/mlp`: a 2-layer MLP `loss = Σ_rows logsumexp(tanh(X W₁ + b₁) W₂ + b₂) − Σ(logits ⊙ Y)`
//!   (batch 64, width w for every layer, Y one-hot) for w = 16, 32, 64, 256: forward alone
//!   (recording included) and forward + backward, on a reused tape with the parameters bound
//!   from a `ParamStore`.
//!
//! * `tensor/kmeans_dir`: GradBench `kmeans`'s Newton direction (forward-over-reverse on a
//!   `Tape<Dual<f64>>`), whose matrix products are of duals.
//!
//! Run: `cargo bench -p wengert-benches --bench tensor`.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndarray::linalg::general_mat_mul;
use ndarray::Array2;
use std::hint::black_box;
use std::time::Duration;
use wengert::prelude::*;

/// Deterministic values in [-1, 1].
fn data(len: usize, seed: u32) -> Vec<f32> {
    (0..len)
        .map(|i| ((i as f32) * 0.618_034 + seed as f32 * 1.3).sin())
        .collect()
}

fn matmul(c: &mut Criterion) {
    const N: usize = 256;
    let mut group = c.benchmark_group("tensor/matmul256");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let (a, b, g) = (data(N * N, 1), data(N * N, 2), data(N * N, 3));

    // matrixmultiply through ndarray: the three products of forward + backward.
    let av = Array2::from_shape_vec((N, N), a.clone()).unwrap();
    let bv = Array2::from_shape_vec((N, N), b.clone()).unwrap();
    let gv = Array2::from_shape_vec((N, N), g.clone()).unwrap();
    let (mut cv, mut dav, mut dbv) = (
        Array2::zeros((N, N)),
        Array2::zeros((N, N)),
        Array2::zeros((N, N)),
    );
    group.throughput(Throughput::Elements((2 * N * N * N) as u64));
    group.bench_function("matrixmultiply_fwd", |bch| {
        bch.iter(|| {
            general_mat_mul(1.0, black_box(&av), &bv, 0.0, &mut cv);
            black_box(&cv);
        })
    });
    let mut store = ParamStore::<f32>::new();
    let ka = store.insert("a", Tensor::new([N, N], a));
    let kb = store.insert("b", Tensor::new([N, N], b));
    let mut tape = Tape::<f32>::new();
    group.bench_function("wengert_fwd", |bch| {
        bch.iter(|| {
            tape.clear();
            let p = store.bind(&tape);
            let c = p.var(ka).matmul(p.var(kb));
            black_box(c.with_values(|v| v[0]));
        })
    });

    group.throughput(Throughput::Elements((3 * 2 * N * N * N) as u64));
    group.bench_function("matrixmultiply_fwd_bwd", |bch| {
        bch.iter(|| {
            general_mat_mul(1.0, black_box(&av), &bv, 0.0, &mut cv);
            general_mat_mul(1.0, &gv, &bv.t(), 0.0, &mut dav);
            general_mat_mul(1.0, &av.t(), &gv, 0.0, &mut dbv);
            black_box((&cv, &dav, &dbv));
        })
    });
    group.bench_function("wengert_fwd_bwd", |bch| {
        bch.iter(|| {
            tape.clear();
            let p = store.bind(&tape);
            let c = p.var(ka).matmul(p.var(kb));
            let grads = tape.vjp(c, black_box(&g));
            black_box((p.grad(&grads, ka)[0], p.grad(&grads, kb)[0]));
        })
    });
    group.finish();
}

/// The MLP's parameters and data at one width.
struct Mlp {
    store: ParamStore<f32>,
    keys: [ParamKey; 4],
    x: Vec<f32>,
    y: Vec<f32>,
    w: usize,
}

const BATCH: usize = 64;

impl Mlp {
    fn new(w: usize) -> Mlp {
        let mut store = ParamStore::new();
        let scale = 1.0 / (w as f32).sqrt();
        let init = |len, seed| data(len, seed).into_iter().map(|v| v * scale).collect();
        let keys = [
            store.insert("w1", Tensor::new([w, w], init(w * w, 4))),
            store.insert("b1", Tensor::new([w], init(w, 5))),
            store.insert("w2", Tensor::new([w, w], init(w * w, 6))),
            store.insert("b2", Tensor::new([w], init(w, 7))),
        ];
        let mut y = vec![0.0; BATCH * w];
        for r in 0..BATCH {
            y[r * w + (r * 7) % w] = 1.0;
        }
        Mlp {
            store,
            keys,
            x: data(BATCH * w, 8),
            y,
            w,
        }
    }

    /// Records the loss on `tape` and returns it with the bound parameters.
    fn loss<'t, 's>(
        &'s self,
        tape: &'t Tape<f32>,
    ) -> (Var<'t, f32>, wengert::tape::Bound<'t, 's, f32>) {
        let p = self.store.bind(tape);
        let [w1, b1, w2, b2] = self.keys.map(|k| p.var(k));
        let x = tape.constant_tensor([BATCH, self.w], self.x.clone());
        let y = tape.constant_tensor([BATCH, self.w], self.y.clone());
        let h = (x.matmul(w1) + b1).tanh();
        let logits = h.matmul(w2) + b2;
        let loss = logits.logsumexp_axis(Axis(1)).sum() - (logits * y).sum();
        (loss, p)
    }
}

fn mlp(c: &mut Criterion) {
    let mut group = c.benchmark_group("tensor/mlp");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for w in [16, 32, 64, 256] {
        let m = Mlp::new(w);
        let mut tape = Tape::<f32>::new();
        group.bench_function(BenchmarkId::new("fwd", w), |bch| {
            bch.iter(|| {
                tape.clear();
                let (loss, _) = m.loss(&tape);
                black_box(loss.value());
            })
        });
        group.bench_function(BenchmarkId::new("fwd_bwd", w), |bch| {
            bch.iter(|| {
                tape.clear();
                let (loss, p) = m.loss(&tape);
                let grads = tape.backward(loss);
                black_box((loss.value(), p.grad(&grads, m.keys[0])[0]));
            })
        });
    }
    group.finish();
}

/// GradBench `kmeans`'s Newton direction the way `tools/gradbench` computes it: the cost
/// `Σᵢ minⱼ (‖cⱼ‖² − 2 pᵢ·cⱼ)` recorded on a `Tape<Dual<f64>>` with every centroid's tangent
/// 1, one backward sweep (gradient in the real parts, `H·1` in the tangents). Its products
/// (`[n, d]·[d, k]` forward, `[d, n]·[n, k]` backward) are of duals.
fn kmeans_dir(c: &mut Criterion) {
    use wengert::tape::dual::Dual;
    let mut group = c.benchmark_group("tensor/kmeans_dir");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for &(n, k, d) in &[
        (1000usize, 10usize, 8usize),
        (1000, 100, 16),
        (1000, 1000, 8),
    ] {
        let points: Vec<Dual<f64>> = data(n * d, 1)
            .iter()
            .map(|&v| Dual::constant(v as f64))
            .collect();
        let cents: Vec<Dual<f64>> = data(k * d, 2)
            .iter()
            .map(|&v| Dual::variable(v as f64))
            .collect();
        let mut tape = Tape::<Dual<f64>>::new();
        group.bench_function(
            BenchmarkId::from_parameter(format!("n{n}_k{k}_d{d}")),
            |b| {
                b.iter(|| {
                    tape.clear();
                    let p = tape.constant_tensor_from([n, d], &points);
                    let cv = tape.tensor_from([k, d], &cents);
                    let c2 = cv.square().sum_axis(Axis(1)).reshape([1, k]);
                    let cross = p.matmul((cv * Dual::constant(-2.0)).t());
                    let y = (cross + c2).min_axis(Axis(1)).sum();
                    let g = tape.backward(y);
                    black_box(g.wrt(cv)[0])
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, matmul, mlp, kmeans_dir);
criterion_main!(benches);
