//! Models from given weights and one function for every number type (issue 14's third
//! friction list): modules built from weights with their shapes checked, `Sequential`
//! naming its parameter keys, the stacked-experts module over one `[K, out, in]` tensor,
//! one generic `Scalar` function run plainly, in forward mode and on the tape, and a GMM-style
//! Cholesky factor built from a vector with `lgamma` in the density's normaliser.
//!
//! ```text
//! cargo run --example generic_models
//! ```
use wengert::ebm::module::{Linear, Module, NnLayer, Sequential, StackedExperts};
use wengert::ops::structure::{diag, strict_tril_from};
use wengert::prelude::*;
use wengert::tape::dual::Dual64;

/// Generic code imports `Scalar` in its own module: next to the prelude's `ElementwiseExt`
/// a method such as `q.exp()` on a concrete `Var` would be ambiguous.
mod generic {
    use wengert::Scalar;

    /// A tiny model written once: f(x) = softplus(1.5 x) · tanh(x) − 0.25 x².
    pub fn model<S: Scalar>(x: S) -> S {
        (x * S::lit(1.5)).softplus() * x.tanh() - x.square() * S::lit(0.25)
    }
}
use generic::model;

/// Its derivative by hand: 1.5 σ(1.5x) tanh x + softplus(1.5x)(1 − tanh² x) − x/2.
fn model_prime(x: f64) -> f64 {
    let s = 1.0 / (1.0 + (-1.5 * x).exp());
    let sp = (1.5 * x).exp().ln_1p();
    1.5 * s * x.tanh() + sp * (1.0 - x.tanh().powi(2)) - 0.5 * x
}

fn main() {
    // 1. Modules from given weights, shapes checked (a wrong bias is an error, not a
    //    silent overwrite), stacked in a Sequential that names its keys.
    let mut store = ParamStore::<f64>::new();
    let bad = Linear::try_from_weights(
        &mut store,
        "bad",
        Tensor::new([2, 3], vec![0.0; 6]),
        Some(Tensor::zeros([3])),
    );
    let msg = bad.unwrap_err().to_string();
    assert!(msg.contains("bias shape [3]") && store.is_empty());
    println!("shape check: {msg}");
    let hidden = NnLayer::from_weights(
        &mut store,
        "h",
        Tensor::new([2, 2], vec![1.0, 0.0, 0.0, 1.0]),
        Tensor::new([2], vec![0.0, 0.5]),
    );
    let out = Linear::from_weights(
        &mut store,
        "out",
        Tensor::new([1, 2], vec![2.0, -1.0]),
        None,
    );
    let net = Sequential::new().with(hidden).with(out);
    let names: Vec<&str> = net.keys().iter().map(|&k| store.name(k)).collect();
    assert_eq!(names, ["h.w", "h.b", "out.w"]);
    println!("Sequential keys: {names:?}");
    let tape = Tape::new();
    let p = store.bind(&tape);
    let y = net.forward(&p, tape.constant_tensor([2], vec![0.3, -0.2]));
    // y = 2 tanh(0.3) − tanh(−0.2 + 0.5)
    let want = 2.0 * 0.3f64.tanh() - 0.3f64.tanh();
    assert!((y.value() - want).abs() < 1e-15);
    let g = tape.backward(y);
    // ∂y/∂out.w = (tanh 0.3, tanh 0.3)
    assert!((p.grad(&g, net.keys()[2])[0] - 0.3f64.tanh()).abs() < 1e-15);
    println!("Sequential forward: y = {:.6} (want {want:.6})", y.value());
    drop(g);

    // 2. Stacked experts: two experts y = 2x and y = 6x as one [2, 1, 1] tensor, a gater
    //    with energies (0, ln 3): weights ¾, ¼, so y = 3x.
    let mut store = ParamStore::<f64>::new();
    let gate = Linear::from_weights(
        &mut store,
        "gate",
        Tensor::zeros([2, 1]),
        Some(Tensor::new([2], vec![0.0, 3f64.ln()])),
    );
    let moe = StackedExperts::from_weights(
        &mut store,
        "moe",
        Tensor::new([2, 1, 1], vec![2.0, 6.0]),
        gate,
        1.0,
    );
    let tape = Tape::new();
    let y = moe.forward(&store.bind(&tape), tape.constant_tensor([1], vec![2.0]));
    assert!((y.value() - 6.0).abs() < 1e-12);
    println!("stacked experts: F(2) = {:.6} (¾·4 + ¼·12 = 6)", y.value());

    // 3. One generic function, three ways: plain f64, forward mode (Dual64), the tape.
    let x = 0.7;
    let plain = model(x);
    let fwd = model(Dual64::variable(x));
    let tape = Tape::<f64>::new();
    let v = tape.var(x);
    let on_tape = model(v);
    let rev = tape.backward(on_tape)[v];
    assert!((fwd.re - plain).abs() < 1e-15 && (on_tape.value() - plain).abs() < 1e-15);
    assert!((fwd.eps - model_prime(x)).abs() < 1e-14 && (rev - model_prime(x)).abs() < 1e-14);
    println!(
        "generic model at 0.7: f = {plain:.12}, f' forward = {:.12}, reverse = {rev:.12}",
        fwd.eps
    );
    let plain32 = model(0.7_f32);
    assert!((plain32 as f64 - plain).abs() < 1e-6);

    // 4. A Cholesky factor from its free parameters, as GradBench's GMM builds it:
    //    L = diag(exp q) + strict_tril(l); log det(L Lᵀ) = 2 Σ q, and the normaliser of a
    //    Wishart-like prior uses ln Γ. Check ∂/∂l of Σ (L ⊙ L) = 2 l and ∂/∂q = 2 e^{2q}.
    let tape = Tape::<f64>::new();
    let q = tape.tensor([3], vec![0.1, -0.2, 0.3]);
    let l = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let chol = diag(q.exp()) + strict_tril_from(l, 3);
    assert_eq!(chol.to_vec()[3..6], [1.0, (-0.2f64).exp(), 0.0]);
    let lg = wengert::ops::elementwise::lgamma(tape.var(4.5));
    let loss = (chol * chol).sum_all() + lg;
    let g = tape.backward(loss);
    assert_eq!(g.wrt(l), &[2.0, 4.0, 6.0]);
    for (gi, qi) in g.wrt(q).iter().zip([0.1f64, -0.2, 0.3]) {
        assert!((gi - 2.0 * (2.0 * qi).exp()).abs() < 1e-14);
    }
    println!("Cholesky from a vector: L = {:?}", chol.to_vec());
    println!("all checks passed");
}
