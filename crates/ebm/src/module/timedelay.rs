//! The time-delay module (a 1-D convolution over time) of the modules seed: one layer maps a
//! sequence to a sequence, `X¹_t = F(X_t, X_{t−1}, …, X_{t−k+1}, W)`, so layers stack.
use super::Module;
use crate::init::{fan_in, Rng};
use wengert_ops::prelude::*;
use wengert_ops::structure::concat;
use wengert_tape::{Bound, Error, ErrorKind, ParamKey, ParamStore, Real, Tensor, Var};

/// A time-delay layer over a window of `k` steps: for an input sequence `[T, n_in]` (row `t`
/// is `X_t`) the output `[T − k + 1, n_out]` has rows
/// `Y_t = b + Σ_{j<k} W_j X_{t+k−1−j}`: the newest step of each window is `j = 0`.
/// `W` is one `[n_out, k·n_in]` matrix `"{name}.w"` (blocks `W_0 | W_1 | …`), initialised
/// uniformly in `±1/√(k·n_in)`; the bias `"{name}.b"` starts at zero. Computed as one matrix
/// product of the `[T − k + 1, k·n_in]` matrix of windows (their gradient flows back to every
/// step each window holds).
///
/// `forward` panics as [`TimeDelay::try_forward`] errors.
///
/// ```
/// use wengert_ebm::{init, module::{Module, TimeDelay}};
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::<f64>::new();
/// let td = TimeDelay::new(&mut store, "td", 1, 1, 2, &mut init::rng(0));
/// // Y_t = 2 X_t − X_{t−1} + 0.5: a difference filter
/// *store.get_mut(td.w()) = Tensor::new([1, 2], vec![2.0, -1.0]);
/// *store.get_mut(td.b()) = Tensor::new([1], vec![0.5]);
/// let tape = Tape::new();
/// let y = td.forward(&store.bind(&tape), tape.constant_tensor([3, 1], vec![1.0, 3.0, 4.0]));
/// assert_eq!(y.to_vec(), vec![2.0 * 3.0 - 1.0 + 0.5, 2.0 * 4.0 - 3.0 + 0.5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeDelay {
    w: ParamKey,
    b: ParamKey,
    n_in: usize,
    n_out: usize,
    k: usize,
}

impl TimeDelay {
    /// A time-delay layer from `n_in` to `n_out` features over a window of `k ≥ 1` steps.
    ///
    /// # Panics
    /// If `k` is 0.
    #[track_caller]
    pub fn new<T: Real>(
        store: &mut ParamStore<T>,
        name: &str,
        n_in: usize,
        n_out: usize,
        k: usize,
        rng: &mut Rng,
    ) -> TimeDelay {
        assert!(k > 0, "TimeDelay::new: the window k must be ≥ 1, got 0");
        let w = store.insert(
            format!("{name}.w"),
            fan_in(rng, [n_out, k * n_in], k * n_in),
        );
        let b = store.insert(format!("{name}.b"), Tensor::zeros([n_out]));
        TimeDelay {
            w,
            b,
            n_in,
            n_out,
            k,
        }
    }

    /// The weight key, `[n_out, k·n_in]`.
    pub fn w(&self) -> ParamKey {
        self.w
    }

    /// The bias key, `[n_out]`.
    pub fn b(&self) -> ParamKey {
        self.b
    }

    /// The window length `k`.
    pub fn window(&self) -> usize {
        self.k
    }

    /// The forward pass, returning an error instead of panicking.
    ///
    /// # Errors
    /// `InvalidArgument` when `x` is not `[T, n_in]` with `T ≥ k`.
    #[track_caller]
    pub fn try_forward<'t, T: Real>(
        &self,
        p: &Bound<'t, '_, T>,
        x: Var<'t, T>,
    ) -> Result<Var<'t, T>, Error> {
        let shape = x.shape();
        let d = shape.dims();
        if d.len() != 2 || d[1] != self.n_in || d[0] < self.k {
            return Err(Error::here(ErrorKind::InvalidArgument {
                op: "TimeDelay::forward",
                reason: format!(
                    "expected a sequence [T, {}] with T ≥ k = {}, got shape {shape}",
                    self.n_in, self.k
                ),
            }));
        }
        let n = d[0] - self.k + 1;
        // Block j of the window matrix is X_{t+k−1−j} for t = 0..n: rows k−1−j .. k−1−j+n.
        let blocks: Vec<_> = (0..self.k)
            .map(|j| x.slice(Axis(0), self.k - 1 - j..self.k - 1 - j + n))
            .collect();
        let win = if blocks.len() == 1 {
            blocks[0]
        } else {
            concat(&blocks, Axis(1))
        };
        Ok(win.matmul(p.var(self.w).t()) + p.var(self.b))
    }
}

impl<T: Real> Module<T> for TimeDelay {
    #[track_caller]
    fn forward<'t>(&self, p: &Bound<'t, '_, T>, x: Var<'t, T>) -> Var<'t, T> {
        self.try_forward(p, x).unwrap_or_else(|e| panic!("{e}"))
    }

    fn keys(&self) -> Vec<ParamKey> {
        vec![self.w, self.b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init;
    use crate::module::gradcheck_params;
    use proptest::prelude::*;
    use wengert_tape::Tape;

    #[test]
    fn literal_two_features_window_two() {
        // n_in = 2, n_out = 1, k = 2, W = [W_0 | W_1] = [1 2 | 3 4], b = 0.
        // X = [[1, 0], [0, 1], [2, 2]]: Y_0 = W_0·X_1 + W_1·X_0 = 2 + 3 = 5,
        // Y_1 = W_0·X_2 + W_1·X_1 = (2 + 4) + 4 = 10.
        // ∂(Y_0 + Y_1)/∂X_0 = W_1 = (3, 4), /∂X_1 = W_0 + W_1 = (4, 6), /∂X_2 = W_0 = (1, 2).
        let mut store = ParamStore::<f64>::new();
        let td = TimeDelay::new(&mut store, "td", 2, 1, 2, &mut init::rng(0));
        *store.get_mut(td.w()) = Tensor::new([1, 4], vec![1.0, 2.0, 3.0, 4.0]);
        let tape = Tape::new();
        let x = tape.tensor([3, 2], vec![1.0, 0.0, 0.0, 1.0, 2.0, 2.0]);
        let y = td.forward(&store.bind(&tape), x);
        assert_eq!(y.shape().dims(), &[2, 1]);
        assert_eq!(y.to_vec(), vec![5.0, 10.0]);
        let g = tape.backward(y.sum_all());
        assert_eq!(g.wrt(x), &[3.0, 4.0, 4.0, 6.0, 1.0, 2.0]);
    }

    proptest! {
        #[test]
        fn gradients_match_finite_differences(
            seed in 0u64..1000,
            k in 1usize..4,
            x in prop::collection::vec(-1.0f64..1.0, 10),
        ) {
            let mut store = ParamStore::<f64>::new();
            let td = TimeDelay::new(&mut store, "td", 2, 3, k, &mut init::rng(seed));
            *store.get_mut(td.b()) = Tensor::new([3], vec![0.1, -0.2, 0.3]);
            let r = gradcheck_params(&store, &Tensor::new([5, 2], x), |p, x| {
                td.forward(p, x).tanh()
            });
            prop_assert!(r.is_ok(), "{r:?}");
        }
    }

    #[test]
    fn layers_stack_and_shorten_the_sequence() {
        let mut store = ParamStore::<f64>::new();
        let rng = &mut init::rng(3);
        let (a, b) = (
            TimeDelay::new(&mut store, "a", 2, 4, 3, rng),
            TimeDelay::new(&mut store, "b", 4, 1, 2, rng),
        );
        let tape = Tape::new();
        let x = tape.constant_tensor([6, 2], vec![0.5; 12]);
        let p = store.bind(&tape);
        // 6 steps → 6 − 3 + 1 = 4 → 4 − 2 + 1 = 3
        assert_eq!(
            b.forward(&p, a.forward(&p, x).tanh()).shape().dims(),
            &[3, 1]
        );
    }
}
