//! Every tensor op of wengert-ops through a compiled function: value and gradient equal the
//! tape's at random points (the op's own `forward` and `vjp` run in both; what differs is the
//! scalar code around them and the order adjoints are summed in), and the `f32` interpreter
//! path on one of them.
use proptest::prelude::*;
use wengert_jit::Compiled;
use wengert_ops::prelude::*;
use wengert_ops::structure::{add_n, concat, diag, stack, tril_from, where_mask};
use wengert_tape::{Real, Tape, Var};

/// Twelve inputs seen as a 3 × 4 matrix.
fn a<'t, T: Real>(x: &[Var<'t, T>]) -> Var<'t, T> {
    stack(x, Axis(0)).reshape([3, 4])
}

fn cst<'t, T: Real>(t: &'t Tape<T>, shape: [usize; 2], s: f64) -> Var<'t, T> {
    let n = shape[0] * shape[1];
    let v = (0..n)
        .map(|k| T::lit(((k as f64 + s) * 0.7).sin()))
        .collect();
    t.constant_tensor(shape, v)
}

type F = for<'t> fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Var<'t, f64>;

fn cases() -> Vec<(&'static str, F)> {
    vec![
        ("matmul", |t, x| {
            a(x).matmul(cst(t, [4, 2], 1.0)).tanh().sum()
        }),
        ("matmul_t", |t, x| {
            a(x).matmul_t(cst(t, [2, 4], 2.0)).sin().sum()
        }),
        ("dot_outer", |_, x| {
            let m = a(x);
            let (r0, r1) = (m.select(Axis(0), 0), m.select(Axis(0), 1));
            r0.dot(r1) + r0.outer(r1).sin().sum()
        }),
        ("transpose", |_, x| a(x).t().matmul(a(x)).sum()),
        ("sum_mean", |_, x| {
            a(x).sum_axis(Axis(1)).exp().sum() + a(x).mean() + a(x).mean_axis(Axis(0)).sum()
        }),
        ("max_min", |_, x| {
            a(x).max() - a(x).min() + a(x).max_axis(Axis(0)).sum() + a(x).min_axis(Axis(1)).sum()
        }),
        ("logsumexp", |_, x| {
            a(x).logsumexp() + a(x).logsumexp_axis(Axis(1)).sum() + a(x).logsum(0.5)
        }),
        ("softmax", |t, x| {
            (a(x).softmax(Axis(1)) * cst(t, [3, 4], 3.0)).sum()
                + a(x).log_softmax(Axis(0)).elem(3)
                + a(x).softmax_beta(Axis(1), 2.0).elem(5)
        }),
        ("reshape_slice_broadcast", |_, x| {
            let m = a(x);
            let row = m.slice(Axis(0), 1..2).flatten();
            (row.broadcast_to([3, 4]) * m).sum() + m.reshape([4, 3]).slice(Axis(1), 0..2).sum()
        }),
        ("concat_gather", |_, x| {
            let m = a(x);
            concat(&[m, m * 2.0], Axis(0))
                .index_select(Axis(0), &[0, 4, 2])
                .sin()
                .sum()
                + m.gather_rows(&[2, 0, 3]).square().sum()
        }),
        ("where_add_n", |_, x| {
            let m = a(x);
            let mask: Vec<bool> = (0..12).map(|k| k % 3 == 0).collect();
            where_mask(&mask, m, m.sin()).sum() + add_n(&[m, m.cos(), m * m]).sum()
        }),
        ("maps", |_, x| {
            let m = a(x);
            let p = m.square() + 1.0;
            m.exp_m1().sum()
                + m.abs().ln_1p().sum()
                + m.sigmoid().sum()
                + m.softplus().sum()
                + m.log_sigmoid().sum()
                + m.relu().sum()
                + p.sqrt().sum()
                + p.recip().sum()
                + m.powi(3).sum()
                + p.powf(1.5).sum()
                + p.ln().sum()
                + m.clamp(-0.5, 0.5).sum()
                + m.maximum(m.sin()).sum()
                + m.minimum(m.cos()).sum()
                + p.pow(m).sum()
        }),
        ("broadcast_arith", |t, x| {
            let m = a(x);
            let col = cst(t, [3, 1], 4.0);
            ((m + col) * m / (m.square() + 1.0) - x[0]).sum()
        }),
        ("diag_tril", |_, x| {
            let v = stack(&x[..3], Axis(0));
            diag(v).matmul(a(x)).sum() + tril_from(stack(&x[..6], Axis(0)), 3).exp().sum()
        }),
    ]
}

fn tape_vg(f: F, x: &[f64]) -> (f64, Vec<f64>) {
    let t = Tape::new();
    let xs = t.vars(x);
    let y = f(&t, &xs);
    let g = t.backward(y);
    (y.value(), xs.iter().map(|&v| g[v]).collect())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn every_case_compiles_with_tensor_ops() {
    let x: Vec<f64> = (0..12).map(|k| (k as f64 * 0.37).sin()).collect();
    for (name, f) in cases() {
        let c = Compiled::trace(&x, f).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(c.traced().program.tensors.is_some(), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn compiled_tensor_ops_equal_the_tape(x in prop::collection::vec(-1.2f64..1.2, 12)) {
        let x0: Vec<f64> = (0..12).map(|k| (k as f64 * 0.37).sin()).collect();
        for (name, f) in cases() {
            let c = Compiled::trace(&x0, f).unwrap();
            let (v, g) = tape_vg(f, &x);
            let mut gc = vec![0.0; 12];
            let vc = c.value_and_grad(&x, &mut gc).unwrap();
            prop_assert!(close(vc, v), "{}: value {} vs {}", name, vc, v);
            for (i, (a, b)) in gc.iter().zip(&g).enumerate() {
                prop_assert!(close(*a, *b), "{}: d/dx{} {} vs {}", name, i, a, b);
            }
        }
    }
}

#[test]
fn f32_runs_on_the_interpreter() {
    fn f<'t>(t: &'t Tape<f32>, x: &[Var<'t, f32>]) -> Var<'t, f32> {
        a(x).matmul(cst(t, [4, 2], 1.0)).tanh().sum() + a(x).logsumexp()
    }
    let x: Vec<f32> = (0..12).map(|k| (k as f32 * 0.37).sin()).collect();
    let c = Compiled::trace(&x, f).unwrap();
    let t = Tape::new();
    let xs = t.vars(&x);
    let y = f(&t, &xs);
    let g = t.backward(y);
    let mut gc = vec![0.0f32; 12];
    let vc = c.value_and_grad(&x, &mut gc).unwrap();
    assert!((vc - y.value()).abs() < 1e-5);
    for (a, &v) in gc.iter().zip(&xs) {
        assert!((a - g[v]).abs() < 1e-5, "{a} vs {}", g[v]);
    }
}
