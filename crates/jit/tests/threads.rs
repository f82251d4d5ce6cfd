//! One compiled function shared by rayon's threads.
use rayon::prelude::*;
use wengert_jit::Compiled;
use wengert_ops::prelude::*;

#[test]
fn threads_share_one_compiled_function() {
    fn send_sync<S: Send + Sync>(_: &S) {}
    let f = Compiled::trace(&[1.0, 1.0], |_, x| (x[0] * x[1]).sin() + x[0].exp()).unwrap();
    send_sync(&f);
    let results: Vec<(f64, [f64; 2])> = (0..2000)
        .into_par_iter()
        .map(|i| {
            let x = [i as f64 * 1e-3, 1.0 - i as f64 * 1e-3];
            let mut g = [0.0; 2];
            (f.value_and_grad(&x, &mut g).unwrap(), g)
        })
        .collect();
    for (i, (y, g)) in results.iter().enumerate() {
        let (a, b) = (i as f64 * 1e-3, 1.0 - i as f64 * 1e-3);
        assert_eq!(*y, (a * b).sin() + a.exp());
        assert_eq!(*g, [b * (a * b).cos() + a.exp(), a * (a * b).cos()]);
    }
}
