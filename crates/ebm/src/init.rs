//! Seedable random numbers and fan-in scaled initialisation.
//!
//! Every random choice in the crate (initial weights, Langevin noise, minibatch order) takes a
//! [`Rng`] made by [`rng`], so a run is reproducible from one seed.
//!
//! ```
//! use wengert_ebm::init;
//! let mut rng = init::rng(42);
//! let w = init::fan_in::<f64>(&mut rng, [3, 4], 4);
//! assert_eq!(w.shape().dims(), &[3, 4]);
//! assert!(w.data().iter().all(|v| v.abs() <= 0.5)); // 1/√4
//! // the same seed gives the same weights
//! assert_eq!(w, init::fan_in::<f64>(&mut init::rng(42), [3, 4], 4));
//! ```
use rand::{Rng as _, SeedableRng};
use wengert_tape::{Real, Shape, Tensor};

/// The crate's random-number generator: ChaCha with 8 rounds, fast and reproducible across
/// platforms.
pub type Rng = rand_chacha::ChaCha8Rng;

/// A generator seeded with `seed`.
pub fn rng(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// A tensor of independent uniform draws in `[lo, hi)`.
///
/// # Panics
/// If `lo >= hi` or either bound is not finite, or if the shape's elements overflow `usize`
/// or cannot be allocated (a clear panic, not an abort).
#[track_caller]
pub fn uniform<T: Real>(rng: &mut Rng, shape: impl Into<Shape>, lo: f64, hi: f64) -> Tensor<T> {
    assert!(
        lo.is_finite() && hi.is_finite() && lo < hi,
        "wengert: init::uniform: the range [{lo}, {hi}) is empty or not finite"
    );
    let shape = shape.into();
    let mut data = wengert_tape::try_filled("init::uniform", &shape, T::zero())
        .unwrap_or_else(|e| panic!("{e}"));
    data.iter_mut()
        .for_each(|v| *v = T::lit(rng.gen_range(lo..hi)));
    Tensor::new(shape, data)
}

/// Uniform weights in `±1/√fan_in`, LeCun's fan-in scaling: with inputs of unit variance the
/// weighted sums start with variance about 1/3, in the linear region of a tanh.
/// A `fan_in` of 0 is treated as 1.
///
/// # Panics
/// As [`uniform`].
///
/// ```
/// let w = wengert_ebm::init::fan_in::<f32>(&mut wengert_ebm::init::rng(1), [100], 25);
/// assert!(w.data().iter().all(|v| v.abs() <= 0.2));
/// ```
#[track_caller]
pub fn fan_in<T: Real>(rng: &mut Rng, shape: impl Into<Shape>, fan_in: usize) -> Tensor<T> {
    let a = 1.0 / (fan_in.max(1) as f64).sqrt();
    uniform(rng, shape, -a, a)
}

/// One standard normal draw (Box–Muller), for Langevin noise and tests.
pub fn normal(rng: &mut Rng) -> f64 {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Weights uniform in ±2 and biases uniform in ±1.5 for a tanh layer whose inputs are scalars
/// in about `[−1, 1]`: the units' centres `−b/w` spread over the inputs' range, so each
/// starts as a different, non-odd function of its input.
///
/// The fan-in default ([`fan_in`] weights, zero biases) makes every unit an odd function
/// centred at 0. On the tutorial's `Y = X²` matcher (architecture B, `E = ½‖G1(X) −
/// G2(Y)‖²`) trained with the square-square loss, that start stalls at a flat energy
/// `E ≡ m/2` (training loss `m²/2` = 0.125 at m = 0.5, at the example's settings: a
/// collapse of its own); with this spread the same training learns `X²` for every seed
/// tried (`examples/ebm_demos`, seeds 1–4 and 7). Use it for the first (input) layer only;
/// later layers keep [`fan_in`].
///
/// # Panics
/// As [`uniform`] (a shape whose elements overflow `usize`).
///
/// ```
/// use wengert_ebm::init;
/// let (w, b) = init::tanh_spread::<f64>(&mut init::rng(3), [12, 1], [12]);
/// assert_eq!((w.shape().dims(), b.shape().dims()), (&[12, 1][..], &[12][..]));
/// assert!(w.data().iter().all(|v| v.abs() <= 2.0));
/// assert!(b.data().iter().all(|v| v.abs() <= 1.5));
/// // not all centred at 0: some bias is far from it
/// assert!(b.data().iter().any(|v| v.abs() > 0.5));
/// ```
#[track_caller]
pub fn tanh_spread<T: Real>(
    rng: &mut Rng,
    w_shape: impl Into<Shape>,
    b_shape: impl Into<Shape>,
) -> (Tensor<T>, Tensor<T>) {
    let w = uniform(rng, w_shape, -TANH_SPREAD_W, TANH_SPREAD_W);
    let b = uniform(rng, b_shape, -TANH_SPREAD_B, TANH_SPREAD_B);
    (w, b)
}

/// The weight half-range of [`tanh_spread`].
pub const TANH_SPREAD_W: f64 = 2.0;
/// The bias half-range of [`tanh_spread`].
pub const TANH_SPREAD_B: f64 = 1.5;
