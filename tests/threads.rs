//! Threads: a `Tape` is `Send` (it can be created in, moved to and used on any thread) but
//! not `Sync` (one tape records one graph at a time). Data-parallel training therefore uses
//! **one tape per thread** and sums the gradients; the parameters are shared read-only
//! (`ParamStore` is `Sync`). [`par_batch_grad`] is the pattern, documented in
//! `docs/reliability.md`; the tests check that it equals the serial gradient and the update
//! of the ebm trainer's `learn_batch`.
use approx::assert_relative_eq;
use rayon::prelude::*;
use wengert::ebm::{init, loss, module::Module, module::Sequential, train::Sgd, train::Trainer};
use wengert::prelude::*;
use wengert::tape::Bound;

fn assert_send<X: Send>() {}
fn assert_sync<X: Sync>() {}

#[test]
fn tapes_are_send_and_parameters_are_shared() {
    assert_send::<Tape<f64>>();
    assert_send::<Tape<f32>>();
    assert_send::<Tape<wengert::tape::dual::Dual64>>();
    assert_send::<ParamStore<f64>>();
    assert_sync::<ParamStore<f64>>();
    assert_send::<Tensor<f64>>();
    // A tape moved to another thread, used there, and moved back.
    let tape = std::thread::spawn(|| {
        let mut tape = Tape::<f64>::new();
        let x = tape.var(3.0);
        assert_eq!(tape.backward(x * x)[x], 6.0);
        tape.clear();
        tape
    })
    .join()
    .unwrap();
    let x = tape.var(2.0);
    assert_eq!(tape.backward(x * x * x)[x], 12.0);
}

/// The sum over `samples` of the per-sample loss and of its gradient with respect to every
/// parameter (in the store's order), computed in parallel: each rayon job records its
/// chunk of samples on its own tape, with the parameters bound once, and runs one backward
/// sweep; the per-chunk losses and gradients are then summed.
fn par_batch_grad<S, F>(
    store: &ParamStore<f64>,
    samples: &[S],
    chunk: usize,
    f: F,
) -> (f64, Vec<Vec<f64>>)
where
    S: Sync,
    F: for<'t, 's> Fn(&'t Tape<f64>, &Bound<'t, 's, f64>, &S) -> Var<'t, f64> + Sync,
{
    let zero = || {
        (
            0.0,
            store
                .iter()
                .map(|(_, _, t)| vec![0.0; t.data().len()])
                .collect::<Vec<_>>(),
        )
    };
    samples
        .par_chunks(chunk)
        .map(|part| {
            let tape = Tape::new();
            let p = store.bind(&tape);
            let total = part
                .iter()
                .map(|s| f(&tape, &p, s))
                .reduce(|a, b| a + b)
                .expect("chunks are not empty");
            let g = tape.backward(total);
            let grads = store.keys().map(|k| p.grad(&g, k).to_vec()).collect();
            (total.value(), grads)
        })
        .reduce(zero, |(la, mut ga), (lb, gb)| {
            for (a, b) in ga.iter_mut().zip(&gb) {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
            }
            (la + lb, ga)
        })
}

/// The same sum on one tape, in order.
fn serial_batch_grad<S, F>(store: &ParamStore<f64>, samples: &[S], f: F) -> (f64, Vec<Vec<f64>>)
where
    F: for<'t, 's> Fn(&'t Tape<f64>, &Bound<'t, 's, f64>, &S) -> Var<'t, f64>,
{
    let tape = Tape::new();
    let p = store.bind(&tape);
    let total = samples
        .iter()
        .map(|s| f(&tape, &p, s))
        .reduce(|a, b| a + b)
        .unwrap();
    let g = tape.backward(total);
    (
        total.value(),
        store.keys().map(|k| p.grad(&g, k).to_vec()).collect(),
    )
}

type Sample = ([f64; 4], usize);

/// 64 samples of 4 features, labels in 0..3.
fn data() -> Vec<Sample> {
    (0..64)
        .map(|i| {
            let t = i as f64;
            (
                [
                    (0.3 * t).sin(),
                    (0.7 * t).cos(),
                    (0.11 * t).sin() * 2.0,
                    1.0 - t / 64.0,
                ],
                i % 3,
            )
        })
        .collect()
}

fn model() -> (ParamStore<f64>, Sequential<f64>) {
    let mut store = ParamStore::new();
    let net = Sequential::two_layer(&mut store, "net", 4, 8, 3, &mut init::rng(11));
    (store, net)
}

/// One sample's loss: the NLL of its label, the energies of the 3 labels being the
/// network's outputs.
fn sample_loss<'t>(
    net: &Sequential<f64>,
    tape: &'t Tape<f64>,
    p: &Bound<'t, '_, f64>,
    (x, y): &Sample,
) -> Var<'t, f64> {
    let energies = net.forward(p, tape.constant_tensor([4], x.to_vec()));
    loss::nll(energies, *y, 1.0)
}

/// L = Σᵢ nll(G(xᵢ), yᵢ) by chunks of 1, 5, 16 and 64 samples (one tape each).
#[test]
fn parallel_minibatch_gradient_equals_the_serial_one() {
    let (store, net) = model();
    let samples = data();
    let (ls, gs) = serial_batch_grad(&store, &samples, |t, p, s| sample_loss(&net, t, p, s));
    for chunk in [1, 5, 16, 64] {
        let (lp, gp) = par_batch_grad(&store, &samples, chunk, |t, p, s| {
            sample_loss(&net, t, p, s)
        });
        assert_relative_eq!(lp, ls, max_relative = 1e-13);
        for (a, b) in gp.iter().zip(&gs) {
            for (a, b) in a.iter().zip(b) {
                assert_relative_eq!(*a, *b, epsilon = 1e-13, max_relative = 1e-12);
            }
        }
    }
    assert!(
        gs.iter().flatten().any(|g| g.abs() > 1e-3),
        "a real gradient"
    );
}

/// One SGD step with the parallel mean gradient gives the parameters that the trainer's
/// (serial) `learn_batch` gives.
#[test]
fn parallel_step_matches_the_trainer() {
    let (store, net) = model();
    let samples = data();
    let lr = 0.5;
    let (loss_sum, grads) =
        par_batch_grad(&store, &samples, 8, |t, p, s| sample_loss(&net, t, p, s));
    let mut trainer = Trainer::new(store.clone(), Sgd::new(lr), 0);
    let mean_loss = trainer.learn_batch(&samples, |t, p, s| sample_loss(&net, t, p, s));
    assert_relative_eq!(
        mean_loss,
        loss_sum / samples.len() as f64,
        max_relative = 1e-13
    );
    let n = samples.len() as f64;
    for ((k, _, before), g) in store.iter().zip(&grads) {
        let after = trainer.store().get(k).data();
        for ((b, a), g) in before.data().iter().zip(after).zip(g) {
            assert_relative_eq!(*a, b - lr * g / n, epsilon = 1e-14, max_relative = 1e-12);
        }
    }
}
