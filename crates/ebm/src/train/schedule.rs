//! Learning-rate schedules: a multiplier of the base learning rate per step, with an
//! optional linear warmup.
use wengert_tape::{Error, ErrorKind, Real};

/// How the learning rate decays after the warmup, as a factor of the base rate at step `t`
/// (counted from the end of the warmup, 0-based).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decay<T> {
    /// Factor 1.
    Constant,
    /// Factor `gamma^⌊t / every⌋` (PyTorch's `StepLR`).
    Step {
        /// Steps between two decays, > 0.
        every: usize,
        /// The factor per decay, in (0, 1].
        gamma: T,
    },
    /// Factor `gamma^t` (`ExponentialLR`).
    Exponential {
        /// The factor per step, in (0, 1].
        gamma: T,
    },
    /// Half a cosine from 1 down to `floor` over `total` steps, then `floor`
    /// (`CosineAnnealingLR` with `eta_min = floor · base`).
    Cosine {
        /// The length of the descent, > 0.
        total: usize,
        /// The final factor, in [0, 1].
        floor: T,
    },
}

/// A [`Decay`] after `warmup` steps whose factor rises linearly `1/warmup, 2/warmup, …, 1`.
///
/// ```
/// use wengert_ebm::train::{Decay, Schedule};
/// let s = Schedule { decay: Decay::Step { every: 2, gamma: 0.5 }, warmup: 2 };
/// let f: Vec<f64> = (0..6).map(|t| s.factor(t)).collect();
/// assert_eq!(f, vec![0.5, 1.0, 1.0, 1.0, 0.5, 0.5]);
/// // Scale an optimizer's rate by it: `sgd.lr = base * s.factor(t)`.
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule<T> {
    /// The decay after the warmup.
    pub decay: Decay<T>,
    /// The number of warmup steps (0: none).
    pub warmup: usize,
}

impl<T: Real> Schedule<T> {
    /// A constant rate, no warmup.
    pub fn constant() -> Self {
        Schedule {
            decay: Decay::Constant,
            warmup: 0,
        }
    }

    /// Checks the decay's settings (see [`Decay`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] naming the bad setting.
    #[track_caller]
    pub fn validate(&self) -> Result<(), Error> {
        let loc = std::panic::Location::caller();
        let bad = |reason: String| {
            Err(Error::new(ErrorKind::InvalidArgument {
                op: "schedule",
                reason,
            })
            .at(loc))
        };
        let (zero, one) = (T::zero(), T::one());
        let unit = |g: T| g > zero && g <= one; // false for NaN
        match self.decay {
            Decay::Constant => Ok(()),
            Decay::Step { every: 0, .. } => bad("a step decay every 0 steps".into()),
            Decay::Step { gamma, .. } | Decay::Exponential { gamma } if !unit(gamma) => {
                bad(format!("gamma = {gamma} must be in (0, 1]"))
            }
            Decay::Cosine { total: 0, .. } => bad("a cosine over 0 steps".into()),
            Decay::Cosine { floor, .. } if !(floor >= zero && floor <= one) => {
                bad(format!("floor = {floor} must be in [0, 1]"))
            }
            _ => Ok(()),
        }
    }

    /// The factor of the base learning rate at step `t` (0-based).
    ///
    /// # Panics
    /// As [`Schedule::validate`] errors.
    #[track_caller]
    pub fn factor(&self, t: usize) -> T {
        if let Err(e) = self.validate() {
            panic!("{e}");
        }
        let n = |k: usize| T::from(k).expect("a step count fits every Real");
        if t < self.warmup {
            return n(t + 1) / n(self.warmup);
        }
        let t = t - self.warmup;
        match self.decay {
            Decay::Constant => T::one(),
            Decay::Step { every, gamma } => gamma.powi((t / every) as i32),
            Decay::Exponential { gamma } => gamma.powi(t as i32),
            Decay::Cosine { total, floor } => {
                let p = n(t.min(total)) / n(total);
                let half = (T::one() + (T::from(std::f64::consts::PI).unwrap() * p).cos()) / n(2);
                floor + (T::one() - floor) * half
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_by_hand() {
        let at = |decay, warmup, t| Schedule { decay, warmup }.factor(t);
        assert_eq!(at(Decay::Constant, 0, 99), 1.0);
        // Exponential 0.5 after a 4-step warmup: 1/4, 2/4, 3/4, 4/4, then 1, 0.5, 0.25.
        let e = Decay::Exponential { gamma: 0.5 };
        let f: Vec<f64> = (0..7).map(|t| at(e, 4, t)).collect();
        assert_eq!(f, vec![0.25, 0.5, 0.75, 1.0, 1.0, 0.5, 0.25]);
        // Cosine over 4 steps to 0.2: t = 2 is halfway, 0.2 + 0.8·(1 + cos π/2)/2 = 0.6;
        // t = 4 and beyond: the floor 0.2; t = 0: 1.
        let c = Decay::Cosine {
            total: 4,
            floor: 0.2,
        };
        assert_eq!(at(c, 0, 0), 1.0);
        assert!((at(c, 0, 2) - 0.6).abs() < 1e-15);
        assert!((at(c, 0, 9) - 0.2).abs() < 1e-15);
        // Step 0.1 every 3: t = 0..2 → 1, t = 3..5 → 0.1, t = 6 → 0.01.
        let s = Decay::Step {
            every: 3,
            gamma: 0.1,
        };
        assert_eq!(at(s, 0, 2), 1.0);
        assert!((at(s, 0, 6) - 0.01).abs() < 1e-15);
    }

    #[test]
    fn bad_settings_are_refused() {
        let v = |decay: Decay<f64>| Schedule { decay, warmup: 0 }.validate().unwrap_err();
        assert!(v(Decay::Step {
            every: 0,
            gamma: 0.5
        })
        .to_string()
        .contains("every 0"));
        assert!(v(Decay::Exponential { gamma: 1.5 })
            .to_string()
            .contains("1.5"));
        assert!(v(Decay::Exponential { gamma: f64::NAN })
            .to_string()
            .contains("NaN"));
        assert!(v(Decay::Cosine {
            total: 0,
            floor: 0.0
        })
        .to_string()
        .contains("0 steps"));
        assert!(v(Decay::Cosine {
            total: 3,
            floor: -0.1
        })
        .to_string()
        .contains("-0.1"));
        assert!(Schedule::<f64>::constant().validate().is_ok());
    }
}
