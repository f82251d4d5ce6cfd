//! Finite-difference check of a model's gradients with respect to its parameters and input.
use wengert_tape::gradcheck::Options;
use wengert_tape::{Bound, Error, ErrorKind, ParamStore, Tape, Tensor, Var};

/// Checks the gradient of `f(W, X)` with respect to every parameter in `store` and to `x`
/// against centered differences `(J(θ + ε) − J(θ − ε)) / 2ε`, with
/// [`wengert_tape::gradcheck`]'s default tolerances. A tensor output is reduced to
/// `Σ_i c_i out_i` with fixed distinct weights `c_i = 1 + i/10`, so every output element is
/// checked through one vector-Jacobian product.
///
/// # Errors
/// [`ErrorKind::GradcheckMismatch`] (input 0 is `x`, input `j + 1` is the `j`-th parameter
/// in insertion order); [`ErrorKind::NonFinite`] for a non-finite output.
///
/// ```
/// use wengert_ebm::{init, module::{gradcheck_params, Module, Sequential}};
/// use wengert_tape::{ParamStore, Tensor};
/// let mut store = ParamStore::new();
/// let net = Sequential::two_layer(&mut store, "net", 3, 4, 2, &mut init::rng(1));
/// let x = Tensor::new([3], vec![0.3, -0.7, 1.1]);
/// gradcheck_params(&store, &x, |p, x| net.forward(p, x)).unwrap();
/// ```
#[track_caller]
pub fn gradcheck_params<F>(store: &ParamStore<f64>, x: &Tensor<f64>, f: F) -> Result<(), Error>
where
    F: for<'t, 's> Fn(&Bound<'t, 's, f64>, Var<'t, f64>) -> Var<'t, f64>,
{
    let opts = Options::default();
    let eval = |store: &ParamStore<f64>, x: &Tensor<f64>, grads: bool| {
        let tape = Tape::new();
        let p = store.bind(&tape);
        let xv = tape.tensor(x.shape().clone(), x.data().to_vec());
        let out = f(&p, xv);
        let n = out.numel();
        let c: Vec<f64> = (0..n).map(|i| 1.0 + i as f64 / 10.0).collect();
        let j: f64 = out.with_values(|v| v.iter().zip(&c).map(|(a, b)| a * b).sum());
        if !grads {
            return (j, Vec::new());
        }
        let g = tape.vjp(out, &c);
        let mut all = vec![g.to_vec(xv)];
        all.extend(store.keys().map(|k| p.grad(&g, k).to_vec()));
        (j, all)
    };
    let (j0, analytic) = eval(store, x, true);
    if !j0.is_finite() {
        return Err(Error::here(ErrorKind::NonFinite {
            what: format!("gradcheck_params: output {j0}"),
        }));
    }
    let mut s = store.clone();
    let mut xs = x.clone();
    let keys: Vec<_> = store.keys().collect();
    for (input, grad) in analytic.iter().enumerate() {
        for (element, &a) in grad.iter().enumerate() {
            let bump = |s: &mut ParamStore<f64>, xs: &mut Tensor<f64>, d: f64| {
                if input == 0 {
                    xs.data_mut()[element] += d;
                } else {
                    s.get_mut(keys[input - 1]).data_mut()[element] += d;
                }
            };
            bump(&mut s, &mut xs, opts.eps);
            let jp = eval(&s, &xs, false).0;
            bump(&mut s, &mut xs, -2.0 * opts.eps);
            let jm = eval(&s, &xs, false).0;
            bump(&mut s, &mut xs, opts.eps);
            let numeric = (jp - jm) / (2.0 * opts.eps);
            if (a - numeric).abs() > opts.atol + opts.rtol * numeric.abs() {
                return Err(Error::here(ErrorKind::GradcheckMismatch {
                    input,
                    element,
                    output: 0,
                    analytic: a,
                    numeric,
                }));
            }
        }
    }
    Ok(())
}
