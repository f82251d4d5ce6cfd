//! A call's working buffer is on the stack for small programs (up to 16, then 64 elements)
//! and pooled above: every size around those bounds gives the same values and gradients,
//! through `value`, `value_and_grad` and the caller's `Workspace`.
use wengert_jit::compiled::Workspace;
use wengert_jit::Compiled;

#[test]
fn every_buffer_size_gives_the_gradient() {
    let mut ws = Workspace::new();
    for n in 1..48usize {
        // f = Σ x_k² (k + 1): ∂f/∂x_k = 2 (k + 1) x_k.
        let x: Vec<f64> = (0..n).map(|k| 0.5 - 0.1 * k as f64).collect();
        let f = Compiled::trace(&x, |_, x| {
            let mut s = x[0] * x[0];
            for (k, xk) in x.iter().enumerate().skip(1) {
                s = s + *xk * *xk * (k as f64 + 1.0);
            }
            s
        })
        .unwrap();
        let want: f64 = x
            .iter()
            .enumerate()
            .map(|(k, xk)| xk * xk * (k as f64 + 1.0))
            .sum();
        let dwant: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(k, xk)| 2.0 * (k as f64 + 1.0) * xk)
            .collect();
        let (mut g, mut h) = (vec![0.0; n], vec![0.0; n]);
        let y = f.value_and_grad(&x, &mut g).unwrap();
        let z = f.value_and_grad_in(&mut ws, &x, &mut h).unwrap();
        assert!((y - want).abs() <= 1e-12 * want.abs().max(1.0), "n = {n}");
        assert_eq!((y.to_bits(), &g), (z.to_bits(), &h), "n = {n}");
        assert_eq!(f.value(&x).unwrap().to_bits(), y.to_bits(), "n = {n}");
        for (a, b) in g.iter().zip(&dwant) {
            assert!((a - b).abs() <= 1e-12, "n = {n}: {g:?} {dwant:?}");
        }
    }
}
