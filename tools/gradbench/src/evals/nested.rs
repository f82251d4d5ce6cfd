//! What `particle` and `saddle` share: the gradient-descent solver the evals specify
//! (GradBench's `cpp/gradbench/gd.hpp`: step `η = 1e-5`, doubled after 10 accepted steps,
//! halved on a rejected one, stop when `‖∇‖ ≤ 1e-5` or a step moves less than `1e-5`),
//! written over any element type so that an outer derivative can run through it (dual numbers
//! for a forward outer mode, `Var`s of an outer tape for a reverse one), and the nesting modes.
use wengert::prelude::*;

/// How a derivative is taken: forward mode (dual numbers) or reverse mode (a tape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Dual numbers, one pass per input.
    Forward,
    /// A tape and one backward sweep.
    Reverse,
}

/// The function name's two letters: outer mode (the argmin's gradient), inner mode.
pub fn modes(module: &str, function: &str) -> Result<(Mode, Mode), String> {
    let m = |c| {
        if c == 'f' {
            Mode::Forward
        } else {
            Mode::Reverse
        }
    };
    match function {
        "ff" | "fr" | "rf" | "rr" => {
            let mut c = function.chars();
            Ok((m(c.next().unwrap()), m(c.next().unwrap())))
        }
        _ => Err(super::unknown(module, function)),
    }
}

/// The element operations the solver needs: its decisions look only at values (as a dual
/// number's comparisons do), its steps are `x − η g`.
pub struct Arith<T> {
    /// The value of an element.
    pub val: fn(&T) -> f64,
    /// `x − η g`.
    pub step: fn(T, f64, T) -> T,
    /// `−x`.
    pub neg: fn(T) -> T,
}

/// [`Arith`] for plain numbers and dual numbers.
pub fn real<T: Real>() -> Arith<T> {
    Arith {
        val: |t| t.to_f64().unwrap_or(f64::NAN),
        step: |x, eta, g| x - T::lit(eta) * g,
        neg: |t| -t,
    }
}

/// [`Arith`] for the `Var`s of an outer tape.
pub fn var<'t>() -> Arith<Var<'t, f64>> {
    Arith {
        val: |v| v.value(),
        step: |x, eta, g| x - g * eta,
        neg: |v| -v,
    }
}

fn norm(v: impl Iterator<Item = f64>) -> f64 {
    v.map(|x| x * x).sum::<f64>().sqrt()
}

/// The argmin of `obj` from `x0`, by the eval's gradient descent.
pub fn argmin<T: Copy>(
    a: &Arith<T>,
    obj: &dyn Fn(&[T]) -> T,
    grad: &dyn Fn(&[T]) -> Vec<T>,
    x0: &[T],
) -> Vec<T> {
    let tol = 1e-5;
    let mut x = x0.to_vec();
    let mut fx = obj(&x);
    let mut gx = grad(&x);
    let mut i = 0;
    let mut eta = 1e-5;
    loop {
        if norm(gx.iter().map(a.val)) <= tol {
            return x;
        } else if i == 10 {
            eta *= 2.0;
            i = 0;
        } else {
            let next: Vec<T> = x
                .iter()
                .zip(&gx)
                .map(|(&v, &g)| (a.step)(v, eta, g))
                .collect();
            if norm(x.iter().zip(&next).map(|(u, v)| (a.val)(u) - (a.val)(v))) <= tol {
                return x;
            }
            let f_next = obj(&next);
            if (a.val)(&f_next) < (a.val)(&fx) {
                x = next;
                fx = f_next;
                gx = grad(&x);
                i += 1;
            } else {
                eta /= 2.0;
                i = 0;
            }
        }
    }
}

/// The argmax of `obj` from `x0` (the argmin of `−obj`).
pub fn argmax<T: Copy>(
    a: &Arith<T>,
    obj: &dyn Fn(&[T]) -> T,
    grad: &dyn Fn(&[T]) -> Vec<T>,
    x0: &[T],
) -> Vec<T> {
    let neg = a.neg;
    argmin(
        a,
        &|x| neg(obj(x)),
        &|x| grad(x).into_iter().map(neg).collect(),
        x0,
    )
}
