//! The most offending incorrect answer Ȳ = argmin_{y ≠ Yⁱ} E(y): over a discrete label set,
//! and over a continuous answer searched on a grid outside a forbidden radius around Yⁱ.
use wengert_tape::{Error, ErrorKind, Real};

/// The index of the lowest energy among the incorrect answers (every index but `correct`);
/// ties go to the first. `None` when there is no incorrect answer (fewer than two energies)
/// or `correct` is out of range. NaN energies are never picked unless all are NaN.
///
/// ```
/// use wengert_ebm::loss::most_offending;
/// assert_eq!(most_offending(&[0.5, 0.1, 0.3], 1), Some(2)); // 0.1 is the correct answer
/// assert_eq!(most_offending(&[0.5], 0), None);
/// ```
pub fn most_offending<T: Real>(energies: &[T], correct: usize) -> Option<usize> {
    if correct >= energies.len() {
        return None;
    }
    let mut best: Option<usize> = None;
    for (i, &e) in energies.iter().enumerate() {
        if i == correct {
            continue;
        }
        match best {
            None => best = Some(i),
            Some(b) if e < energies[b] || (energies[b].is_nan() && !e.is_nan()) => best = Some(i),
            _ => {}
        }
    }
    best
}

/// [`most_offending`] with the reason for a missing answer.
///
/// # Errors
/// [`ErrorKind::IndexOutOfRange`] when `correct >= energies.len()`;
/// [`ErrorKind::InvalidArgument`] when the label set has fewer than two answers.
///
/// ```
/// use wengert_ebm::loss::try_most_offending;
/// assert_eq!(try_most_offending(&[2.0, 1.0, 3.0], 0).unwrap(), 1);
/// assert!(try_most_offending(&[2.0], 0).is_err());
/// ```
#[track_caller]
pub fn try_most_offending<T: Real>(energies: &[T], correct: usize) -> Result<usize, Error> {
    check_label_set("most_offending", energies.len(), correct)?;
    Ok(most_offending(energies, correct).expect("checked above"))
}

/// Checks that `correct` indexes a label set of `k` answers with at least one incorrect one.
#[track_caller]
pub(crate) fn check_label_set(op: &'static str, k: usize, correct: usize) -> Result<(), Error> {
    if k < 2 {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!(
                "the label set has {k} answer(s); the most offending incorrect answer Ȳ needs \
                 at least 2"
            ),
        }));
    }
    if correct >= k {
        return Err(Error::here(ErrorKind::IndexOutOfRange {
            op,
            index: correct,
            len: k,
        }));
    }
    Ok(())
}

/// The most offending incorrect answer over a continuous scalar Y: the grid point `y` with
/// `|y − y_correct| > r` (outside the forbidden radius `r`, as in the tutorial's Y = X² demos)
/// of lowest energy `f(y)`; ties go to the first grid point.
///
/// `f` is only called on the admissible grid points.
///
/// # Panics
/// As [`try_most_offending_continuous`] errors.
///
/// ```
/// use wengert_ebm::loss::most_offending_continuous;
/// let grid: Vec<f64> = (0..=20).map(|i| -1.0 + 0.1 * i as f64).collect();
/// // E(y) = (y − 0.3)² has its minimum at the correct answer 0.3; with radius 0.2 the most
/// // offending answer is the nearest admissible point, 0.0 or 0.6 (the first wins the tie).
/// let ybar = most_offending_continuous(|y: f64| (y - 0.3).powi(2), 0.3, 0.2, &grid);
/// assert!((ybar - 0.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn most_offending_continuous<T: Real>(f: impl Fn(T) -> T, y_correct: T, r: T, grid: &[T]) -> T {
    match try_most_offending_continuous(f, y_correct, r, grid) {
        Ok(y) => y,
        Err(e) => panic!("{e}"),
    }
}

/// [`most_offending_continuous`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for a negative or non-finite radius or when no grid point
/// lies outside the forbidden radius; [`ErrorKind::NonFinite`] when every admissible energy
/// is NaN.
#[track_caller]
pub fn try_most_offending_continuous<T: Real>(
    f: impl Fn(T) -> T,
    y_correct: T,
    r: T,
    grid: &[T],
) -> Result<T, Error> {
    const OP: &str = "most_offending_continuous";
    if r.is_nan() || r < T::zero() || !r.is_finite() {
        return Err(Error::here(ErrorKind::InvalidArgument {
            op: OP,
            reason: format!("the forbidden radius r = {r} must be finite and ≥ 0"),
        }));
    }
    let mut best: Option<(T, T)> = None;
    let mut admissible = 0usize;
    for &y in grid {
        let outside = (y - y_correct).abs() > r;
        if !outside {
            continue;
        }
        admissible += 1;
        let e = f(y);
        match best {
            _ if e.is_nan() => {}
            Some((_, be)) if e >= be => {}
            _ => best = Some((y, e)),
        }
    }
    match best {
        Some((y, _)) => Ok(y),
        None if admissible == 0 => Err(Error::here(ErrorKind::InvalidArgument {
            op: OP,
            reason: format!(
                "no point of the grid ({} points) lies farther than r = {r} from Yⁱ = {y_correct}",
                grid.len()
            ),
        })),
        None => Err(Error::here(ErrorKind::NonFinite {
            what: format!("{OP}: every energy outside the forbidden radius is NaN"),
        })),
    }
}
