//! The tutorial's Y = X² demos with architecture B (the matcher, implicit regression):
//! E(W, Y, X) = ½ (G1(W, X) − G2(W, Y))², G1 a 1 → 8 → 1 tanh net, G2 linear. Trained with
//! the energy loss it collapses (both sides learn the same constant: the energy surface goes
//! flat and wrong answers cost as little as the right one), while the square-square and NLL
//! losses, which push up the energies of wrong answers, do not.
//!
//! Fixed seeds and a small budget keep this to about a second in debug mode.
use wengert_ebm::energy::{Energy, Matcher};
use wengert_ebm::module::Sequential;
use wengert_ebm::train::{Sgd, Trainer};
use wengert_ebm::{init, loss};
use wengert_ops::{structure::stack, Axis};
use wengert_tape::{Bound, ParamStore, Tape, Var};

type Model = Matcher<Sequential<f64>, Sequential<f64>>;

/// Forbidden radius around Yⁱ when searching Ȳ (the demos used 0.2, then 0.1).
const R: f64 = 0.3;
/// The square-square margin.
const M: f64 = 0.2;
/// The NLL inverse temperature.
const BETA: f64 = 4.0;
const EPOCHS: usize = 80;

#[derive(Clone, Copy, Debug)]
enum Loss {
    Energy,
    SquareSquare,
    Nll,
}

/// The answers searched for Ȳ and summed over by the NLL: Y ∈ [−0.25, 1.25].
fn grid() -> Vec<f64> {
    (0..=12).map(|i| -0.25 + 0.125 * i as f64).collect()
}

/// Six samples of Y = X² for X ∈ [0, 1].
fn data() -> Vec<(f64, f64)> {
    (0..6).map(|i| 0.2 * i as f64).map(|x| (x, x * x)).collect()
}

fn model() -> (ParamStore<f64>, Model) {
    let mut store = ParamStore::new();
    let mut rng = init::rng(7);
    let g1 = Sequential::mlp(&mut store, "g1", &[1, 8, 1], &mut rng);
    let g2 = Sequential::mlp(&mut store, "g2", &[1, 1], &mut rng);
    (store, Matcher::new(g1, g2))
}

fn energy<'t>(
    m: &Model,
    p: &Bound<'t, '_, f64>,
    tape: &'t Tape<f64>,
    x: f64,
    y: f64,
) -> Var<'t, f64> {
    m.energy(
        p,
        tape.constant_tensor([1], vec![x]),
        tape.constant_tensor([1], vec![y]),
    )
}

/// Ȳ: the lowest-energy grid answer farther than R from Yⁱ.
fn y_bar<'t>(m: &Model, p: &Bound<'t, '_, f64>, tape: &'t Tape<f64>, x: f64, y: f64) -> f64 {
    loss::most_offending_continuous(|v| energy(m, p, tape, x, v).value(), y, R, &grid())
}

fn sample_loss<'t>(
    kind: Loss,
    m: &Model,
    tape: &'t Tape<f64>,
    p: &Bound<'t, '_, f64>,
    (x, y): (f64, f64),
) -> Var<'t, f64> {
    let e = energy(m, p, tape, x, y);
    match kind {
        Loss::Energy => loss::energy_pair(e),
        Loss::SquareSquare => {
            let e_bar = energy(m, p, tape, x, y_bar(m, p, tape, x, y));
            loss::square_square_pair(e, e_bar, M)
        }
        Loss::Nll => {
            // The answer set: Yⁱ and the grid.
            let mut es = vec![e];
            es.extend(grid().into_iter().map(|v| energy(m, p, tape, x, v)));
            loss::nll_set(e, stack(&es, Axis(0)), BETA)
        }
    }
}

/// Means over the samples of E(Ȳ) − E(Yⁱ) (Ȳ the most offending answer) and of the spread
/// max_y E − min_y E over the grid: both ~0 when the energy surface is flat (collapsed).
fn gap_and_spread(store: &ParamStore<f64>, m: &Model) -> (f64, f64) {
    let tape = Tape::new();
    let p = store.bind(&tape);
    let (mut gap, mut spread) = (0.0, 0.0);
    let d = data();
    for &(x, y) in &d {
        gap += energy(m, &p, &tape, x, y_bar(m, &p, &tape, x, y)).value()
            - energy(m, &p, &tape, x, y).value();
        let es: Vec<f64> = grid()
            .iter()
            .map(|&v| energy(m, &p, &tape, x, v).value())
            .collect();
        spread += es.iter().copied().fold(f64::MIN, f64::max)
            - es.iter().copied().fold(f64::MAX, f64::min);
    }
    (gap / d.len() as f64, spread / d.len() as f64)
}

/// Trains with one loss; returns (gap, spread) before and after.
fn train(kind: Loss) -> ((f64, f64), (f64, f64)) {
    let (store, m) = model();
    let before = gap_and_spread(&store, &m);
    let sgd = Sgd::new(0.05).with_momentum(0.9).with_weight_decay(1e-3);
    let mut t = Trainer::new(store, sgd, 1);
    t.set_progress(false);
    t.fit(&data(), EPOCHS, 1, |tape, p, &s| {
        sample_loss(kind, &m, tape, p, s)
    });
    let after = gap_and_spread(t.store(), &m);
    eprintln!("{kind:?}: (gap, spread) {before:.4?} -> {after:.6?}");
    (before, after)
}

#[test]
fn energy_loss_collapses_architecture_b() {
    let ((_, spread0), (gap, spread)) = train(Loss::Energy);
    assert!(spread0 > 0.05, "the surface starts out not flat: {spread0}");
    assert!(gap.abs() < 1e-3, "gap {gap}: expected a flat energy");
    assert!(
        spread < 0.05 * spread0,
        "spread {spread0} -> {spread}: expected flat"
    );
}

#[test]
fn square_square_does_not_collapse() {
    let (_, (gap, spread)) = train(Loss::SquareSquare);
    // E(Ȳ) is pushed up to about m above E(Yⁱ) ≈ 0.
    assert!(gap > 0.5 * M, "gap {gap}");
    assert!(spread > 0.5 * M, "spread {spread}");
}

#[test]
fn nll_does_not_collapse() {
    let (_, (gap, spread)) = train(Loss::Nll);
    assert!(gap > 0.5, "gap {gap}");
    assert!(spread > 0.5, "spread {spread}");
}
