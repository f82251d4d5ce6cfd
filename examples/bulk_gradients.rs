//! Reading many gradients at once and feeding data without copies (issue 14's second
//! friction list): `Grads::read_into` / `extend_into` into the caller's buffer, inputs as a
//! fixed array (`vars_array`, no allocation), minibatches borrowed from the dataset
//! (`constant_tensor_from`), and a training loop whose warm steps allocate nothing: the
//! parameters are bound (one copy into the tape's reused arena), the gradient is read into a
//! reused buffer, the tape is cleared, not rebuilt.
//!
//! ```text
//! cargo run --example bulk_gradients
//! ```
use wengert::prelude::*;

fn main() {
    // 1. Bulk read-out: f(x) = Π xᵢ over 6 scalars and a tensor term Σ wⱼ²;
    //    ∂f/∂xᵢ = Π_{k≠i} x_k, ∂f/∂wⱼ = 2 wⱼ, all into one buffer in one call.
    let tape = Tape::<f64>::new();
    let xs = tape.vars(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let w = tape.tensor([2], vec![0.5, -1.0]);
    let prod = xs[1..].iter().fold(xs[0], |p, &x| p * x);
    let y = prod + (w * w).sum_all();
    let g = tape.backward(y);
    let mut buf = vec![0.0; 8];
    let mut all = xs.clone();
    all.push(w);
    g.read_into(&all, &mut buf);
    assert_eq!(buf, [720.0, 360.0, 240.0, 180.0, 144.0, 120.0, 1.0, -2.0]);
    println!("read_into:   {buf:?}");
    let mut grown = Vec::with_capacity(8);
    g.extend_into(&xs[..2], &mut grown);
    g.extend_into(&[w], &mut grown);
    assert_eq!(grown, [720.0, 360.0, 1.0, -2.0]);
    println!("extend_into: {grown:?}");
    drop(g);

    // 2. A fixed number of inputs without a Vec: f(x, y) = x² y; ∇f = (2xy, x²).
    let [x, yv] = tape.vars_array([3.0, 4.0]);
    let g = tape.backward(x * x * yv);
    assert_eq!((g[x], g[yv]), (24.0, 9.0));
    println!("vars_array:  ∇(x²y) at (3, 4) = ({}, {})", g[x], g[yv]);
    drop(g);

    // 3. Least squares y = a·x + b on a dataset the loop only borrows: each minibatch is a
    //    slice of the data (`constant_tensor_from`), the parameters are bound each step, the
    //    gradients land in one reused buffer.
    let n = 64;
    let xs_data: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
    let ys_data: Vec<f64> = xs_data.iter().map(|x| 3.0 * x - 1.0).collect();
    let mut store = ParamStore::new();
    let a = store.insert("a", Tensor::scalar(0.0));
    let b = store.insert("b", Tensor::scalar(0.0));
    let mut tape = Tape::<f64>::new();
    let mut grad = [0.0; 2];
    let batch = 16;
    for epoch in 0..400 {
        for start in (0..n).step_by(batch) {
            let p = store.bind(&tape);
            let xb = tape.constant_tensor_from([batch], &xs_data[start..start + batch]);
            let yb = tape.constant_tensor_from([batch], &ys_data[start..start + batch]);
            let r = xb * p.var(a) + p.var(b) - yb;
            let loss = (r * r).mean();
            let g = tape.backward(loss);
            g.read_into(&[p.var(a), p.var(b)], &mut grad);
            drop(g);
            store.get_mut(a).data_mut()[0] -= 0.5 * grad[0];
            store.get_mut(b).data_mut()[0] -= 0.5 * grad[1];
            tape.clear(); // keeps the memory: the next step allocates nothing
        }
        if epoch == 0 {
            println!(
                "after 1 epoch:   a = {:.4}, b = {:.4}",
                store.get(a).data()[0],
                store.get(b).data()[0]
            );
        }
    }
    let (fa, fb) = (store.get(a).data()[0], store.get(b).data()[0]);
    println!("after 400 epochs: a = {fa:.6}, b = {fb:.6} (true 3, −1)");
    assert!((fa - 3.0).abs() < 1e-6 && (fb + 1.0).abs() < 1e-6);
    println!("all checks passed");
}
