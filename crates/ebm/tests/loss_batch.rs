//! Batch losses equal the mean of the single-sample losses, in value and in gradient, on
//! random `[B, K]` energies (one vectorized graph against B scalar graphs).
use proptest::prelude::*;
use wengert_ebm::loss::{self, batch, Loss};
use wengert_tape::{Tape, Var};

fn single<'t>(e: Var<'t, f64>, c: usize, l: Loss<f64>) -> Var<'t, f64> {
    match l {
        Loss::Energy => loss::energy(e, c),
        Loss::Perceptron => loss::perceptron(e, c),
        Loss::Hinge(m) => loss::hinge(e, c, m),
        Loss::Log => loss::log_loss(e, c),
        Loss::SquareSquare(m) => loss::square_square(e, c, m),
        Loss::SquareExp(k, b) => loss::square_exp(e, c, k, b),
        Loss::Nll(b) => loss::nll(e, c, b),
        Loss::Mce => loss::mce(e, c),
        Loss::Lvq2(m) => loss::lvq2(e, c, m),
    }
}

const ALL: [Loss<f64>; 9] = [
    Loss::Energy,
    Loss::Perceptron,
    Loss::Hinge(0.7),
    Loss::Log,
    Loss::SquareSquare(1.5),
    Loss::SquareExp(2.0, 0.8),
    Loss::Nll(1.3),
    Loss::Mce,
    Loss::Lvq2(0.9),
];

fn energies_and_labels() -> impl Strategy<Value = (usize, usize, Vec<f64>, Vec<usize>)> {
    (1usize..5, 2usize..5).prop_flat_map(|(b, k)| {
        (
            Just(b),
            Just(k),
            // Positive energies: LVQ2 divides by E(Ȳ).
            prop::collection::vec(0.1f64..3.0, b * k),
            prop::collection::vec(0..k, b),
        )
    })
}

proptest! {
    #[test]
    fn batch_equals_the_mean_of_single_losses((b, k, e, labels) in energies_and_labels()) {
        for l in ALL {
            let tape = Tape::<f64>::new();
            let ev = tape.tensor([b, k], e.clone());
            let out = batch(ev, &labels, l);
            let gb = tape.backward(out.mean).wrt(ev).to_vec();
            let per = out.per_sample.to_vec();
            let (mut mean, mut gs) = (0.0, vec![0.0; b * k]);
            for (i, &c) in labels.iter().enumerate() {
                let t = Tape::<f64>::new();
                let row = t.tensor([k], e[i * k..(i + 1) * k].to_vec());
                let s = single(row, c, l);
                prop_assert!((s.value() - per[i]).abs() < 1e-12, "{l:?} row {i}");
                mean += s.value() / b as f64;
                for (j, g) in t.backward(s).wrt(row).iter().enumerate() {
                    gs[i * k + j] = g / b as f64;
                }
            }
            prop_assert!((out.mean.value() - mean).abs() < 1e-12, "{l:?}");
            for (x, y) in gb.iter().zip(&gs) {
                prop_assert!((x - y).abs() < 1e-12, "{l:?}: {gb:?} vs {gs:?}");
            }
        }
    }
}

#[test]
fn literal_nll_and_perceptron() {
    // Rows (0, 0) label 0 and (1, 3) label 1.
    // NLL β = 1: row 1: 0 + log 2; row 2: 3 − (−log(e^{−1} + e^{−3})) = 3 + log(e^{−1} + e^{−3}).
    // Perceptron: row 1: 0 − 0 = 0; row 2: 3 − 1 = 2.
    let tape = Tape::<f64>::new();
    let e = tape.tensor([2, 2], vec![0.0, 0.0, 1.0, 3.0]);
    let n = batch(e, &[0, 1], Loss::Nll(1.0)).per_sample.to_vec();
    assert!((n[0] - 2f64.ln()).abs() < 1e-12);
    assert!((n[1] - (3.0 + ((-1f64).exp() + (-3f64).exp()).ln())).abs() < 1e-12);
    let p = batch(e, &[0, 1], Loss::Perceptron);
    assert_eq!(p.per_sample.to_vec(), vec![0.0, 2.0]);
    // ∂mean/∂E = ½ (row 2: +1 on the label, −1 on the min)
    assert_eq!(tape.backward(p.mean).wrt(e), &[0.0, 0.0, -0.5, 0.5]);
}
