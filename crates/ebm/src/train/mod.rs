//! Training: the source's simple trainer ([`Trainer::run`], [`Trainer::learn_sample`]),
//! minibatches that average the per-sample loss, [`Sgd`] with weight decay and momentum
//! over every parameter at once, deterministic shuffling from a seed, a loss history, and a
//! progress bar on long runs (silent when stderr is not a terminal).
//!
//! ```
//! use wengert_ebm::{loss, train::{Sgd, Trainer}};
//! use wengert_tape::{ParamStore, Tensor};
//! // Energies E(k) = w_k for 3 labels; the hinge loss with margin 1 for the correct label 0.
//! let mut store = ParamStore::<f64>::new();
//! let w = store.insert("w", Tensor::new([3], vec![0.0, 0.0, 0.0]));
//! let mut trainer = Trainer::new(store, Sgd::new(0.1), 7);
//! for _ in 0..20 {
//!     trainer.learn_sample(|_tape, p| loss::hinge(p.var(w), 0, 1.0));
//! }
//! let e = trainer.store().get(w).data().to_vec();
//! assert!(e[0] + 1.0 <= e[1].min(e[2]) + 1e-12); // the margin holds
//! assert_eq!(*trainer.history().last().unwrap(), 0.0);
//! ```
mod adam;
mod progress;
mod schedule;
mod sgd;

pub use adam::{clip_grad_norm, clip_grad_value, Adam, AdamState};
pub use schedule::{Decay, Schedule};
pub use sgd::{Sgd, Velocity};

use crate::energy::LabelEnergy;
use crate::infer::{self, Inference};
use crate::init::{self, Rng};
use rand::seq::SliceRandom;
use wengert_tape::{Bound, Error, ErrorKind, ParamStore, Real, Tape, Tensor, Var};

/// Trains the parameters of a [`ParamStore`] by SGD on a loss recorded by a closure.
///
/// The trainer owns the store (get it back with [`Trainer::into_store`]), one tape reused
/// across steps (no allocation once warm), the momentum buffers, a random generator seeded
/// at construction (for minibatch order), and the history of losses.
pub struct Trainer<T: Real> {
    store: ParamStore<T>,
    /// The optimizer settings; may be changed between steps (a learning-rate schedule).
    pub sgd: Sgd<T>,
    velocity: Velocity<T>,
    grads: Vec<Vec<T>>,
    history: Vec<T>,
    epochs: Vec<T>,
    rng: Rng,
    tape: Tape<T>,
    progress: bool,
}

impl<T: Real> std::fmt::Debug for Trainer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer")
            .field("sgd", &self.sgd)
            .field("parameters", &self.store.len())
            .field("updates", &self.history.len())
            .finish_non_exhaustive()
    }
}

impl<T: Real> Trainer<T> {
    /// A trainer of `store` with the optimizer `sgd`; `seed` fixes the minibatch order.
    pub fn new(store: ParamStore<T>, sgd: Sgd<T>, seed: u64) -> Self {
        Trainer {
            store,
            sgd,
            velocity: Velocity::new(),
            grads: Vec::new(),
            history: Vec::new(),
            epochs: Vec::new(),
            rng: init::rng(seed),
            tape: Tape::new(),
            progress: true,
        }
    }

    /// The parameters.
    pub fn store(&self) -> &ParamStore<T> {
        &self.store
    }

    /// The parameters, mutably (e.g. to load saved weights).
    pub fn store_mut(&mut self) -> &mut ParamStore<T> {
        &mut self.store
    }

    /// Gives the parameters back.
    pub fn into_store(self) -> ParamStore<T> {
        self.store
    }

    /// The loss of every update so far ([`Trainer::learn_sample`]: the sample's loss;
    /// [`Trainer::learn_batch`]: the batch mean), before the update.
    pub fn history(&self) -> &[T] {
        &self.history
    }

    /// The mean loss of every epoch of [`Trainer::fit`].
    pub fn epoch_history(&self) -> &[T] {
        &self.epochs
    }

    /// The momentum buffers.
    pub fn velocity(&self) -> &Velocity<T> {
        &self.velocity
    }

    /// The trainer's random generator (seeded at construction).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Turns the progress bar of [`Trainer::fit`] on or off (on by default; it is only drawn
    /// for long runs and when stderr is a terminal).
    pub fn set_progress(&mut self, on: bool) {
        self.progress = on;
    }

    /// The source trainer's `run`: the answer of lowest energy among the model's labels, and
    /// every energy, for input `x` (see [`infer::run`]).
    ///
    /// # Panics
    /// As [`infer::run`].
    #[track_caller]
    pub fn run(&self, model: &impl LabelEnergy<T>, x: &Tensor<T>) -> Inference<T> {
        infer::run(model, &self.store, x)
    }

    /// The source trainer's `learn-sample`: records the loss with `f(tape, params)`, takes
    /// its gradient with respect to every parameter and makes one [`Sgd`] step. Returns the
    /// loss (before the update) and appends it to the history.
    ///
    /// # Panics
    /// As [`Trainer::try_learn_sample`] errors.
    #[track_caller]
    pub fn learn_sample<F>(&mut self, f: F) -> T
    where
        F: for<'t, 's> FnOnce(&'t Tape<T>, &Bound<'t, 's, T>) -> Var<'t, T>,
    {
        match self.try_learn_sample(f) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Trainer::learn_sample`], returning an error instead of panicking; the parameters are
    /// left unchanged on error.
    ///
    /// # Errors
    /// [`ErrorKind::NonScalarBackward`] for a loss of more than one element,
    /// [`ErrorKind::NonFinite`] for a NaN or infinite loss or gradient, and the errors of
    /// [`Sgd::validate`].
    #[track_caller]
    pub fn try_learn_sample<F>(&mut self, f: F) -> Result<T, Error>
    where
        F: for<'t, 's> FnOnce(&'t Tape<T>, &Bound<'t, 's, T>) -> Var<'t, T>,
    {
        self.sgd.validate()?;
        self.zero_grads();
        let mut f = Some(f);
        let loss = self.accumulate(T::one(), |tape, p| {
            (f.take().expect("called once"))(tape, p)
        })?;
        self.update(loss)
    }

    /// One minibatch update: the loss is the mean of the per-sample losses
    /// `f(tape, params, sample)`, so its gradient is the mean of the per-sample gradients.
    /// Returns the mean loss (before the update) and appends it to the history.
    ///
    /// # Panics
    /// As [`Trainer::try_learn_batch`] errors.
    #[track_caller]
    pub fn learn_batch<S, F>(&mut self, samples: &[S], f: F) -> T
    where
        F: for<'t, 's> FnMut(&'t Tape<T>, &Bound<'t, 's, T>, &S) -> Var<'t, T>,
    {
        match self.try_learn_batch(samples, f) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Trainer::learn_batch`], returning an error instead of panicking; the parameters are
    /// left unchanged on error.
    ///
    /// # Errors
    /// As [`Trainer::try_learn_sample`], and [`ErrorKind::InvalidArgument`] for an empty
    /// batch.
    #[track_caller]
    pub fn try_learn_batch<S, F>(&mut self, samples: &[S], mut f: F) -> Result<T, Error>
    where
        F: for<'t, 's> FnMut(&'t Tape<T>, &Bound<'t, 's, T>, &S) -> Var<'t, T>,
    {
        self.sgd.validate()?;
        if samples.is_empty() {
            return Err(Error::here(ErrorKind::InvalidArgument {
                op: "learn_batch",
                reason: "the minibatch is empty".into(),
            }));
        }
        self.batch(samples, None, &mut f)
    }

    /// The minibatch step; `ids[i]` names sample `i` in error messages (its index in the
    /// batch otherwise).
    #[track_caller]
    fn batch<S, F>(&mut self, samples: &[S], ids: Option<&[usize]>, f: &mut F) -> Result<T, Error>
    where
        F: for<'t, 's> FnMut(&'t Tape<T>, &Bound<'t, 's, T>, &S) -> Var<'t, T>,
    {
        self.zero_grads();
        let w = T::one() / T::lit(samples.len() as f64);
        let mut total = T::zero();
        for (i, s) in samples.iter().enumerate() {
            let l = self.accumulate(w, |tape, p| f(tape, p, s)).map_err(|e| {
                let which = match ids {
                    Some(ids) => format!("sample {} (data index {})", i, ids[i]),
                    None => format!("sample {i} of the batch"),
                };
                context(e, &which)
            })?;
            total += l * w;
        }
        self.update(total)
    }

    /// The mean loss over `samples` at the current parameters, without updating anything.
    ///
    /// # Panics
    /// If `samples` is empty or a loss has more than one element.
    #[track_caller]
    pub fn mean_loss<S, F>(&mut self, samples: &[S], mut f: F) -> T
    where
        F: for<'t, 's> FnMut(&'t Tape<T>, &Bound<'t, 's, T>, &S) -> Var<'t, T>,
    {
        assert!(!samples.is_empty(), "wengert: mean_loss: no samples");
        let mut total = T::zero();
        for s in samples {
            self.tape.clear();
            let p = self.store.bind(&self.tape);
            total += f(&self.tape, &p, s).value();
        }
        total / T::lit(samples.len() as f64)
    }

    /// Trains for `epochs` passes over `data` in minibatches of `batch_size` (the last one
    /// may be smaller), reshuffled every epoch by the trainer's seeded generator. Records
    /// each epoch's mean of the minibatch losses in [`Trainer::epoch_history`] and returns
    /// the last. Shows a progress bar on long runs when stderr is a terminal.
    ///
    /// # Panics
    /// As [`Trainer::try_fit`] errors.
    #[track_caller]
    pub fn fit<S, F>(&mut self, data: &[S], epochs: usize, batch_size: usize, f: F) -> T
    where
        F: for<'t, 's> FnMut(&'t Tape<T>, &Bound<'t, 's, T>, &S) -> Var<'t, T>,
    {
        match self.try_fit(data, epochs, batch_size, f) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Trainer::fit`], returning an error instead of panicking. A failing step leaves the
    /// parameters as the previous step left them.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] for no data, a batch size of 0 or 0 epochs (there would
    /// be no loss to report); a step's error (see [`Trainer::try_learn_batch`]) with the
    /// epoch, the step and the sample's index in `data` added to its message.
    ///
    /// ```
    /// use wengert_ebm::train::{Sgd, Trainer};
    /// use wengert_tape::{ParamStore, Tensor};
    /// let mut store = ParamStore::<f64>::new();
    /// let w = store.insert("w", Tensor::scalar(1.0));
    /// let mut t = Trainer::new(store, Sgd::new(0.1), 1);
    /// let err = t.try_fit(&[1.0], 0, 1, |_, p, _| p.var(w)).unwrap_err();
    /// assert!(err.to_string().contains("epochs = 0"));
    /// let err = t.try_fit(&[1.0, f64::NAN], 1, 2, |_, p, &x| p.var(w) * x).unwrap_err();
    /// assert!(err.to_string().contains("epoch 0, step 0: sample"), "{err}");
    /// assert_eq!(t.store().get(w).data(), &[1.0]); // unchanged
    /// ```
    #[track_caller]
    pub fn try_fit<S, F>(
        &mut self,
        data: &[S],
        epochs: usize,
        batch_size: usize,
        mut f: F,
    ) -> Result<T, Error>
    where
        F: for<'t, 's> FnMut(&'t Tape<T>, &Bound<'t, 's, T>, &S) -> Var<'t, T>,
    {
        if data.is_empty() || batch_size == 0 || epochs == 0 {
            return Err(Error::here(ErrorKind::InvalidArgument {
                op: "fit",
                reason: format!(
                    "needs data ({} samples), a batch size > 0 (got {batch_size}) and \
                     epochs > 0 (got epochs = {epochs})",
                    data.len()
                ),
            }));
        }
        self.sgd.validate()?;
        let bar = progress::epoch_bar(self.progress, epochs, epochs.saturating_mul(data.len()));
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut batch: Vec<&S> = Vec::with_capacity(batch_size.min(data.len()));
        let mut last = T::zero();
        for epoch in 0..epochs {
            order.shuffle(&mut self.rng);
            let (mut sum, mut n) = (T::zero(), 0usize);
            for (step, chunk) in order.chunks(batch_size).enumerate() {
                batch.clear();
                batch.extend(chunk.iter().map(|&i| &data[i]));
                let l = self.batch(&batch, Some(chunk), &mut |tape, p, s| f(tape, p, s));
                sum += l.map_err(|e| context(e, &format!("epoch {epoch}, step {step}")))?;
                n += 1;
            }
            last = sum / T::lit(n as f64);
            self.epochs.push(last);
            bar.set_message(format!("{last:.4}"));
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(last)
    }

    fn zero_grads(&mut self) {
        let sizes = self.store.iter().map(|(_, _, t)| t.data().len());
        self.grads.resize(self.store.len(), Vec::new());
        for (g, n) in self.grads.iter_mut().zip(sizes) {
            g.clear();
            g.resize(n, T::zero());
        }
    }

    /// Records one loss on the cleared tape and adds `weight ×` its gradient to the buffers.
    #[track_caller]
    fn accumulate<F>(&mut self, weight: T, f: F) -> Result<T, Error>
    where
        F: for<'t, 's> FnOnce(&'t Tape<T>, &Bound<'t, 's, T>) -> Var<'t, T>,
    {
        self.tape.clear();
        let tape = &self.tape;
        let p = self.store.bind(tape);
        let loss = f(tape, &p);
        if loss.numel() != 1 {
            return Err(Error::here(ErrorKind::NonScalarBackward {
                shape: loss.shape(),
            }));
        }
        let value = loss.value();
        if !value.is_finite() {
            return Err(Error::here(ErrorKind::NonFinite {
                what: format!("the training loss is {value}"),
            }));
        }
        let g = tape.try_backward(loss)?;
        for ((_, v), buf) in p.vars().zip(&mut self.grads) {
            for (b, &d) in buf.iter_mut().zip(g.wrt(v)) {
                *b += weight * d;
            }
        }
        Ok(value)
    }

    #[track_caller]
    fn update(&mut self, loss: T) -> Result<T, Error> {
        if let Some((i, _)) = self
            .grads
            .iter()
            .enumerate()
            // A fold rather than `any`: branch-free, so it vectorises.
            .find(|(_, g)| !g.iter().fold(true, |ok, d| ok & d.is_finite()))
        {
            let name = self
                .store
                .keys()
                .nth(i)
                .map(|k| self.store.name(k).to_string());
            return Err(Error::here(ErrorKind::NonFinite {
                what: format!("the gradient of parameter {:?}", name.unwrap_or_default()),
            }));
        }
        self.sgd
            .try_step(&mut self.store, &self.grads, &mut self.velocity)?;
        self.history.push(loss);
        Ok(loss)
    }
}

/// `e` with `what` (the epoch, step or sample) put in front of its message; kind and location
/// kept.
fn context(e: Error, what: &str) -> Error {
    let kind = match e.kind().clone() {
        ErrorKind::NonFinite { what: w } => ErrorKind::NonFinite {
            what: format!("{what}: {w}"),
        },
        ErrorKind::InvalidArgument { op, reason } => ErrorKind::InvalidArgument {
            op,
            reason: format!("{what}: {reason}"),
        },
        k => k,
    };
    match e.location() {
        Some(l) => Error::new(kind).at(l),
        None => Error::new(kind),
    }
}
