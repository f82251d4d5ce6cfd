//! The two architectures of the `Y = X²` demos, with their energies batched over samples
//! (`[b]`) and over a grid of answers (`[b, K]`).
use wengert::ebm::energy::{Energy, Matcher, Regressor};
use wengert::ebm::init;
use wengert::ebm::module::{Module, Sequential};
use wengert::prelude::*;
use wengert::tape::Bound;

/// Hidden units of every small tanh net.
const HIDDEN: usize = 12;
/// Outputs of `G1` and `G2` in architecture B ("a few outputs").
const B_OUT: usize = 3;

type Net = Sequential<f64>;

/// An energy `E(W, Y, X)` for scalar `X` and `Y`.
pub enum Arch {
    /// Architecture A, the regressor `E = ½(Y − G(W, X))²`: quadratic in `Y`.
    A(Regressor<Net>),
    /// Architecture B, the matcher (implicit regression) `E = ½‖G1(W, X) − G2(W, Y)‖²`.
    B(Matcher<Net, Net>),
}

impl Arch {
    /// Architecture A with `G` a `1 → HIDDEN → 1` tanh net, weights drawn from `seed`.
    pub fn a(store: &mut ParamStore<f64>, seed: u64) -> Arch {
        let rng = &mut init::rng(seed);
        let g = Sequential::mlp(store, "g", &[1, HIDDEN, 1], rng);
        spread(store, "g", rng);
        Arch::A(Regressor::new(g))
    }

    /// Architecture B with `G1`, `G2` two `1 → HIDDEN → B_OUT` tanh nets.
    pub fn b(store: &mut ParamStore<f64>, seed: u64) -> Arch {
        let rng = &mut init::rng(seed);
        let g1 = Sequential::mlp(store, "g1", &[1, HIDDEN, B_OUT], rng);
        let g2 = Sequential::mlp(store, "g2", &[1, HIDDEN, B_OUT], rng);
        spread(store, "g1", rng);
        spread(store, "g2", rng);
        Arch::B(Matcher::new(g1, g2))
    }

    /// `(G(X) or G1(X), Y or G2(Y))`: the two sides the distance compares, one row per
    /// sample (`x`: `[b, 1]` → `[b, d]`) or answer (`y`: `[K, 1]` → `[K, d]`).
    fn sides<'t>(
        &self,
        p: &Bound<'t, '_, f64>,
        x: Var<'t, f64>,
        y: Var<'t, f64>,
    ) -> (Var<'t, f64>, Var<'t, f64>) {
        match self {
            Arch::A(m) => (m.g().forward(p, x), y),
            Arch::B(m) => (m.g1().forward(p, x), m.g2().forward(p, y)),
        }
    }

    /// `E(Xᵢ, Yᵢ)` for each pair: `x`, `y` of shape `[b, 1]`, result `[b]`.
    pub fn pair_energies<'t>(
        &self,
        p: &Bound<'t, '_, f64>,
        x: Var<'t, f64>,
        y: Var<'t, f64>,
    ) -> Var<'t, f64> {
        let (a, b) = self.sides(p, x, y);
        ((a - b).square() * 0.5).sum_axis(Axis(1))
    }

    /// `E(Xᵢ, y_k)` for every sample and every answer of a grid: `x` `[b, 1]`, `ys` `[K, 1]`,
    /// result `[b, K]` (one recording: the two sides are broadcast against each other).
    pub fn grid_energies<'t>(
        &self,
        p: &Bound<'t, '_, f64>,
        x: Var<'t, f64>,
        ys: Var<'t, f64>,
    ) -> Var<'t, f64> {
        let (b, k) = (x.shape()[0], ys.shape()[0]);
        let (a, g) = self.sides(p, x, ys);
        let d = a.shape()[1];
        let diff = a.reshape([b, 1, d]) - g.reshape([1, k, d]);
        (diff.square() * 0.5).sum_axis(Axis(2))
    }

    /// `E(X, Y)` for one pair through the crate's [`Energy`] implementation (the batched
    /// forms above are checked against it).
    pub fn energy(&self, store: &ParamStore<f64>, x: f64, y: f64) -> f64 {
        let tape = Tape::new();
        let p = store.bind(&tape);
        let (x, y) = (
            tape.constant_tensor([1], vec![x]),
            tape.constant_tensor([1], vec![y]),
        );
        match self {
            Arch::A(m) => m.energy(&p, x, y).value(),
            Arch::B(m) => m.energy(&p, x, y).value(),
        }
    }

    /// The energy surface `E(x_i, y_k)` at the current parameters, row-major `[xs, ys]`.
    pub fn surface(&self, store: &ParamStore<f64>, xs: &[f64], ys: &[f64]) -> Vec<f64> {
        let tape = Tape::new();
        let p = store.bind(&tape);
        let x = tape.constant_tensor([xs.len(), 1], xs.to_vec());
        let y = tape.constant_tensor([ys.len(), 1], ys.to_vec());
        self.grid_energies(&p, x, y).to_vec()
    }
}

/// Re-draws the first (tanh) layer of the net `name` with the library's
/// [`init::tanh_spread`] (weights in ±2, biases in ±1.5: units spread over the inputs'
/// range instead of all centred at 0, where demo 3 stalls at a flat energy).
fn spread(store: &mut ParamStore<f64>, name: &str, rng: &mut init::Rng) {
    let key = |s: &str| store.key(&format!("{name}.1.{s}")).expect("an mlp layer");
    let (kw, kb) = (key("w"), key("b"));
    let (w, b) = init::tanh_spread(
        rng,
        store.get(kw).shape().clone(),
        store.get(kb).shape().clone(),
    );
    *store.get_mut(kw) = w;
    *store.get_mut(kb) = b;
}
