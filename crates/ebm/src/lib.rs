//! Energy-based models from LeCun's tutorial as wengert graph expressions.
//!
//! ```
//! use wengert_ebm::{energy::{Classifier, LabelEnergy}, infer, init, loss, module::Sequential};
//! use wengert_ebm::train::{Sgd, Trainer};
//! use wengert_tape::{ParamStore, Tensor};
//!
//! // A 3-class classifier E(W, Y, X) = G_Y(W, X), G a 2-layer net, trained with the
//! // negative log-likelihood loss L = E(Yⁱ) + (1/β) log Σ_y exp(−β E(y)).
//! let mut store = ParamStore::<f64>::new();
//! let g = Sequential::two_layer(&mut store, "g", 2, 8, 3, &mut init::rng(0));
//! let model = Classifier::new(g, 3);
//! let data = [([1.0, 0.0], 0), ([0.0, 1.0], 1), ([-1.0, -1.0], 2)];
//! let mut trainer = Trainer::new(store, Sgd::new(0.2), 1);
//! for _ in 0..100 {
//!     for (x, label) in &data {
//!         trainer.learn_sample(|tape, p| {
//!             let es = model.energies(p, tape.constant_tensor([2], x.to_vec()));
//!             loss::nll(es, *label, 1.0)
//!         });
//!     }
//! }
//! // inference: the answer of lowest energy (the source trainer's `run`)
//! for (x, label) in &data {
//!     let r = infer::run(&model, trainer.store(), &Tensor::new([2], x.to_vec()));
//!     assert_eq!(r.answer, *label);
//! }
//! ```
//!
//! The pieces, after the tutorial's "architecture + inference algorithm + loss function":
//!
//! - [`module`]: parameterised graph builders (linear, tanh/sigmoid with bias, euclidean,
//!   RBF, softmax, logsum, switch, branch/plus, mixture of experts, sequential stacks), with
//!   parameters in a [`wengert_tape::ParamStore`] and seeded fan-in initialisation ([`init`]);
//! - [`energy`]: the [`energy::Energy`] and [`energy::LabelEnergy`] traits and the built-in
//!   energies (regressor, linear regression, classifier with junk category, perceptron,
//!   logistic regression, matcher, NN-RBF, latent-variable energies);
//! - [`infer`]: argmin over a label set, gradient descent and Langevin sampling on a
//!   continuous answer, the free energy and Gibbs distribution, minimisation over latents;
//! - [`loss`] and [`train`]: the losses, the most offending answer, the trainer and SGD;
//! - [`io`]: saving and loading a parameter store.
//!
//! The mathematics, with signs, is in `docs/ebm.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod energy;
pub mod infer;
pub mod init;
pub mod io;
pub mod loss;
pub mod module;
pub mod train;
