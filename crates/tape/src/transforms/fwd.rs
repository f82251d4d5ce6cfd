//! Forward mode on the tape: the function runs over dual numbers, so each output carries its
//! directional derivatives along with its value.
use super::check_len;
use crate::dual::{Dual, DualVec};
use crate::{Real, Tape, Tensor, Var};

/// The value of a vector-valued function and the Jacobian-vector product `J v` at `x`, in
/// one forward pass over [`Dual`] numbers (input `i` is `Dual(xᵢ, vᵢ)`; the tangents of the
/// outputs are `J v`).
///
/// `f` is the function instantiated at `Dual<T>`; see the [module docs](super) for writing
/// it once, generically.
///
/// # Panics
/// If `v` and `x` differ in length.
///
/// ```
/// use wengert_tape::transforms::jvp;
/// // f(x, y) = (xy, x + y): J = [[y, x], [1, 1]]
/// let (fx, t) = jvp(|v| vec![v[0] * v[1], v[0] + v[1]], &[2.0, 3.0], &[1.0, 10.0]);
/// assert_eq!(fx, vec![6.0, 5.0]);
/// assert_eq!(t, vec![3.0 + 20.0, 11.0]); // J v
/// ```
#[track_caller]
pub fn jvp<T: Real, F>(f: F, x: &[T], v: &[T]) -> (Vec<T>, Vec<T>)
where
    F: for<'t> Fn(&[Var<'t, Dual<T>>]) -> Vec<Var<'t, Dual<T>>>,
{
    check_len("jvp", x.len(), v.len());
    let tape = Tape::new();
    let xs: Vec<_> = x
        .iter()
        .zip(v)
        .map(|(&a, &b)| tape.var(Dual::new(a, b)))
        .collect();
    let ys = f(&xs);
    let (mut value, mut tangent) = (Vec::new(), Vec::new());
    for y in &ys {
        y.with_values(|d| {
            value.extend(d.iter().map(|d| d.re));
            tangent.extend(d.iter().map(|d| d.eps));
        });
    }
    (value, tangent)
}

/// The Jacobian of a vector-valued function at `x` by forward mode: one pass over [`Dual`]
/// numbers per input (seeded with the unit vector `eⱼ`, giving column `j`). The result has
/// shape `[m, n]`, row `i` being `∇fᵢ`.
///
/// Prefer it to [`jacrev`](super::jacrev) when there are fewer inputs than outputs;
/// [`jacfwd_chunked`] does `N` columns per pass.
///
/// ```
/// use wengert_tape::transforms::jacfwd;
/// // f(x, y) = (xy, x + y, x²): J = [[y, x], [1, 1], [2x, 0]]
/// let j = jacfwd(|v| vec![v[0] * v[1], v[0] + v[1], v[0] * v[0]], &[2.0, 3.0]);
/// assert_eq!(j.data(), &[3.0, 2.0, 1.0, 1.0, 4.0, 0.0]);
/// ```
#[track_caller]
pub fn jacfwd<T: Real, F>(f: F, x: &[T]) -> Tensor<T>
where
    F: for<'t> Fn(&[Var<'t, Dual<T>>]) -> Vec<Var<'t, Dual<T>>>,
{
    let n = x.len();
    let mut tape = Tape::new();
    let mut cols: Vec<T> = Vec::new();
    let mut m = 0;
    for j in 0..n {
        {
            let xs: Vec<_> = (0..n)
                .map(|i| {
                    let e = if i == j { T::one() } else { T::zero() };
                    tape.var(Dual::new(x[i], e))
                })
                .collect();
            let ys = f(&xs);
            let before = cols.len();
            for y in &ys {
                y.with_values(|d| cols.extend(d.iter().map(|d| d.eps)));
            }
            m = cols.len() - before;
        }
        tape.clear();
    }
    // `cols` holds the columns one after the other; the result is row-major.
    let data = (0..m * n).map(|k| cols[(k % n) * m + k / n]).collect();
    Tensor::new([m, n], data)
}

/// [`jacfwd`] with `N` tangent directions per pass ([`DualVec`]`<T, N>`): `⌈n / N⌉` passes
/// instead of `n`. `N` need not divide `n`. Call it as `jacfwd_chunked::<N, _, _>`.
///
/// # Panics
/// If `N == 0`.
///
/// ```
/// use wengert_tape::transforms::jacfwd_chunked;
/// // f(x, y, z) = (xyz, x + z): J = [[yz, xz, xy], [1, 0, 1]]
/// let j = jacfwd_chunked::<2, _, _>(|v| vec![v[0] * v[1] * v[2], v[0] + v[2]], &[1.0, 2.0, 3.0]);
/// assert_eq!(j.data(), &[6.0, 3.0, 2.0, 1.0, 0.0, 1.0]);
/// ```
#[track_caller]
pub fn jacfwd_chunked<const N: usize, T: Real, F>(f: F, x: &[T]) -> Tensor<T>
where
    F: for<'t> Fn(&[Var<'t, DualVec<T, N>>]) -> Vec<Var<'t, DualVec<T, N>>>,
{
    assert!(
        N > 0,
        "wengert: jacfwd_chunked: the chunk width N must be positive"
    );
    let n = x.len();
    let mut tape = Tape::new();
    let mut jac: Vec<T> = Vec::new();
    let mut m;
    let mut start = 0;
    loop {
        let width = N.min(n - start);
        {
            let xs: Vec<_> = (0..n)
                .map(|i| {
                    let mut d = DualVec::constant(x[i]);
                    if i >= start && i < start + width {
                        d.eps[i - start] = T::one();
                    }
                    tape.var(d)
                })
                .collect();
            let ys = f(&xs);
            let mut row = 0;
            for y in &ys {
                y.with_values(|d| {
                    for di in d {
                        if jac.len() < (row + 1) * n {
                            jac.resize((row + 1) * n, T::zero());
                        }
                        jac[row * n + start..row * n + start + width]
                            .copy_from_slice(&di.eps[..width]);
                        row += 1;
                    }
                });
            }
            m = row;
        }
        tape.clear();
        start += width;
        if start >= n {
            break;
        }
    }
    jac.truncate(m * n);
    Tensor::new([m, n], jac)
}
