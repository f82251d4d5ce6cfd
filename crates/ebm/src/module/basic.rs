//! Parameter-free modules: euclidean distance, branch, plus, switch.
use wengert_tape::{Error, ErrorKind, Real, Var};

/// The euclidean module, `E = ½‖X_in − Y‖²` (rank 0); `∂E/∂X_in = X_in − Y`,
/// `∂E/∂Y = Y − X_in`.
///
/// # Panics
/// If the shapes differ (naming the shapes and the caller's line).
///
/// ```
/// use wengert_tape::Tape;
/// let tape = Tape::<f64>::new();
/// let x = tape.tensor([2], vec![1.0, 2.0]);
/// let y = tape.constant_tensor([2], vec![0.0, 4.0]);
/// let e = wengert_ebm::module::euclidean(x, y);
/// assert_eq!(e.value(), 2.5); // ½(1 + 4)
/// assert_eq!(tape.backward(e).wrt(x), &[1.0, -2.0]);
/// ```
#[track_caller]
pub fn euclidean<'t, T: Real>(x: Var<'t, T>, y: Var<'t, T>) -> Var<'t, T> {
    let (sx, sy) = (x.shape(), y.shape());
    if sx != sy {
        panic!(
            "{}",
            Error::here(ErrorKind::ShapeMismatch {
                op: "euclidean",
                lhs: sx,
                rhs: sy
            })
        );
    }
    let d = x - y;
    let s = (d * d).sum_all();
    s * T::lit(0.5)
}

/// The branch module: `K` copies of its input. `∂E/∂X_in = Σ_k ∂E/∂X_k`; the tape sums the
/// gradients of every use of a `Var` anyway, so this only spells the tutorial's diagram out.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let x = tape.var(2.0);
/// let [a, b] = <[_; 2]>::try_from(wengert_ebm::module::branch(x, 2)).unwrap();
/// assert_eq!(tape.backward(a * 3.0 + b * 4.0)[x], 7.0);
/// ```
pub fn branch<'t, T: Real>(x: Var<'t, T>, k: usize) -> Vec<Var<'t, T>> {
    vec![x; k]
}

/// The plus module: `X_out = Σ_k X_k` (same shapes, or broadcasting); `∂E/∂X_k = ∂E/∂X_out`.
///
/// # Panics
/// If `xs` is empty or the shapes cannot be broadcast together.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let xs = tape.vars(&[1.0, 2.0, 3.0]);
/// let s = wengert_ebm::module::plus(&xs);
/// assert_eq!(s.value(), 6.0);
/// assert_eq!(tape.backward(s)[xs[1]], 1.0);
/// ```
#[track_caller]
pub fn plus<'t, T: Real>(xs: &[Var<'t, T>]) -> Var<'t, T> {
    let Some((&first, rest)) = xs.split_first() else {
        panic!(
            "{}",
            Error::here(ErrorKind::InvalidArgument {
                op: "plus",
                reason: "no inputs".into()
            })
        );
    };
    rest.iter().fold(first, |acc, &x| acc + x)
}

/// The switch module: `X_out = Σ_k δ(Y − k) X_k`, i.e. `xs[k]`; the gradient goes to the
/// switched-in input only.
///
/// # Panics
/// If `k >= xs.len()`.
///
/// ```
/// let tape = wengert_tape::Tape::<f64>::new();
/// let xs = tape.vars(&[1.0, 2.0, 3.0]);
/// let y = wengert_ebm::module::switch(&xs, 2) * 5.0;
/// let g = tape.backward(y);
/// assert_eq!((g[xs[0]], g[xs[2]]), (0.0, 5.0));
/// ```
#[track_caller]
pub fn switch<'t, T: Real>(xs: &[Var<'t, T>], k: usize) -> Var<'t, T> {
    match xs.get(k) {
        Some(&x) => x,
        None => panic!(
            "{}",
            Error::here(ErrorKind::IndexOutOfRange {
                op: "switch",
                index: k,
                len: xs.len()
            })
        ),
    }
}
