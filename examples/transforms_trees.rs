//! Transforms over structured inputs (issue 14's first friction list): a function of a
//! tensor, of a `ParamStore`, of a tuple; a closure that captures its data; plain `f64`
//! literals in a function given to `grad` *and* to `hvp` / `hessian` (which record over dual
//! numbers), and the same for `f32`. Every result is checked against its hand derivative.
//!
//! ```text
//! cargo run --example transforms_trees
//! ```
use wengert::prelude::*;

fn main() {
    // 1. A function of a tensor: f(w) = Σ wᵢ² xᵢ with x captured from the environment;
    //    ∂f/∂wᵢ = 2 wᵢ xᵢ.
    let x = vec![1.0, -2.0, 0.5];
    let w = Tensor::new([3], vec![0.5, 1.5, -4.0]);
    let g = grad_of(
        |w| {
            let xs = w.tape().constant_tensor_from([3], &x); // borrowed, no Vec per call
            (*w * *w * xs).sum_all()
        },
        &w,
    );
    let want: Vec<f64> = (0..3).map(|i| 2.0 * w.data()[i] * x[i]).collect();
    assert_eq!(g.data(), &want[..]);
    println!("tensor input:      ∇f = {:?}", g.data());

    // 2. A function of a ParamStore binding (a linear model's squared error on one sample):
    //    r = w·a + b − t, L = r²; ∂L/∂w = 2 r a, ∂L/∂b = 2 r.
    let (a, t) = ([1.0, 2.0], 0.25);
    let mut store = ParamStore::new();
    let wk = store.insert("w", Tensor::new([2], vec![0.5, -1.0]));
    let bk = store.insert("b", Tensor::scalar(2.0));
    let (loss, g) = value_and_grad_of(
        |p| {
            let av = p.var(wk).tape().constant_tensor_from([2], &a);
            let r = (p.var(wk) * av).sum_all() + p.var(bk) - t;
            r * r
        },
        &store,
    );
    let r = 0.5 - 2.0 + 2.0 - 0.25;
    assert_eq!(loss, r * r);
    assert_eq!(g.get(wk).data(), &[2.0 * r * a[0], 2.0 * r * a[1]]);
    assert_eq!(g.get(bk).data(), &[2.0 * r]);
    println!(
        "ParamStore input:  L = {loss}, ∂L/∂w = {:?}, ∂L/∂b = {:?}",
        g.get(wk).data(),
        g.get(bk).data()
    );

    // 3. A tuple of a scalar-array and a tensor: f(s, M) = s₀ s₁ ΣM; ∂/∂s = (s₁ΣM, s₀ΣM),
    //    ∂/∂M = s₀ s₁ everywhere.
    let inputs = ([2.0, 3.0], Tensor::new([2, 2], vec![1.0, 2.0, 3.0, 4.0]));
    let (gs, gm) = grad_of(|(s, m)| s[0] * s[1] * m.sum_all(), &inputs);
    assert_eq!(gs, [30.0, 20.0]);
    assert_eq!(gm.data(), &[6.0; 4]);
    println!("tuple input:       ∂/∂s = {gs:?}, ∂/∂M = {:?}", gm.data());

    // 4. One closure with f64 literals for grad, hvp and hessian: f(x, y) = (x − 1)² + 3xy²
    //    (the literals work on Var<Dual<f64>> too: no `R::lit`, no generic fn).
    //    ∇f = (2(x − 1) + 3y², 6xy), H = [[2, 6y], [6y, 6x]].
    let p = [2.0, -1.0];
    let gr = grad(
        |v| (v[0] - 1.0) * (v[0] - 1.0) + 3.0 * v[0] * v[1] * v[1],
        &p,
    );
    let hv = hvp(
        |v| (v[0] - 1.0) * (v[0] - 1.0) + 3.0 * v[0] * v[1] * v[1],
        &p,
        &[1.0, 0.0],
    );
    let h = hessian(
        |v| (v[0] - 1.0) * (v[0] - 1.0) + 3.0 * v[0] * v[1] * v[1],
        &p,
    );
    assert_eq!(gr, vec![2.0 + 3.0, -12.0]);
    assert_eq!(hv, vec![2.0, -6.0]);
    assert_eq!(h.data(), &[2.0, -6.0, -6.0, 12.0]);
    println!(
        "literals:          ∇f = {gr:?}, H e₁ = {hv:?}, H = {:?}",
        h.data()
    );

    // 5. The same in f32.
    let g32 = grad(|v| v[0] * v[0] * 0.5_f32 - 2.0_f32 * v[0], &[3.0_f32]);
    assert_eq!(g32, vec![1.0_f32]);
    let h32 = hvp(|v| v[0] * v[0] * 0.5_f32, &[3.0_f32], &[1.0]);
    assert_eq!(h32, vec![1.0_f32]);
    println!("f32:               f'(3) = {}, f''(3) = {}", g32[0], h32[0]);
    println!("all checks passed");
}
