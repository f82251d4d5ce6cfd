use num_traits::{Float, NumAssign};
use std::fmt::{Debug, Display};
use std::iter::Sum;

/// The element type of a tape: `f32`, `f64`, or a forward-mode [`Dual`](crate::dual::Dual).
///
/// It is `num_traits::Float` plus the assignment operators, formatting and thread-safety
/// bounds a tape needs; every type that has those implements it automatically.
///
/// ```
/// fn twice<T: wengert_tape::Real>(x: T) -> T { x + x }
/// assert_eq!(twice(1.5f32), 3.0);
/// ```
pub trait Real: Float + NumAssign + Debug + Display + Sum + Send + Sync + 'static {
    /// Converts an `f64` literal to this type (exact for `f64`, rounded for `f32`).
    ///
    /// ```
    /// use wengert_tape::Real;
    /// assert_eq!(<f32 as Real>::lit(0.5), 0.5f32);
    /// ```
    fn lit(x: f64) -> Self {
        <Self as num_traits::NumCast>::from(x).expect("an f64 literal converts to every Real")
    }
}

impl<T: Float + NumAssign + Debug + Display + Sum + Send + Sync + 'static> Real for T {}
