//! What `particle` and `saddle` share: the gradient-descent solver the evals specify
//! (GradBench's `cpp/gradbench/gd.hpp`: step `η = 1e-5`, doubled after 10 accepted steps,
//! halved on a rejected one, stop when `‖∇‖ ≤ 1e-5` or a step moves less than `1e-5`),
//! written over any `Real` so an outer derivative can run through it on dual numbers, and
//! the nesting modes.
use wengert::tape::Real;

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
    match function {
        "ff" => Ok((Mode::Forward, Mode::Forward)),
        "fr" => Ok((Mode::Forward, Mode::Reverse)),
        "rf" | "rr" => Err(format!(
            "{module} {function}: wengert has no reverse mode over a derivative (a tape records \
             values, not another tape's sweep), so the outer gradient can only be forward mode \
             (ff, fr)"
        )),
        _ => Err(super::unknown(module, function)),
    }
}

fn norm<T: Real>(v: &[T]) -> T {
    v.iter().map(|&x| x * x).sum::<T>().sqrt()
}

/// The argmin of `obj` from `x0`, by the eval's gradient descent.
pub fn argmin<T: Real>(obj: &dyn Fn(&[T]) -> T, grad: &dyn Fn(&[T]) -> Vec<T>, x0: &[T]) -> Vec<T> {
    let tol = T::lit(1e-5);
    let mut x = x0.to_vec();
    let mut fx = obj(&x);
    let mut gx = grad(&x);
    let mut i = 0;
    let mut eta = T::lit(1e-5);
    loop {
        if norm(&gx) <= tol {
            return x;
        } else if i == 10 {
            eta *= T::lit(2.0);
            i = 0;
        } else {
            let next: Vec<T> = x.iter().zip(&gx).map(|(&a, &g)| a - eta * g).collect();
            let step: Vec<T> = x.iter().zip(&next).map(|(&a, &b)| a - b).collect();
            if norm(&step) <= tol {
                return x;
            }
            let f_next = obj(&next);
            if f_next < fx {
                x = next;
                fx = f_next;
                gx = grad(&x);
                i += 1;
            } else {
                eta /= T::lit(2.0);
                i = 0;
            }
        }
    }
}

/// The argmax of `obj` from `x0` (the argmin of `−obj`).
pub fn argmax<T: Real>(obj: &dyn Fn(&[T]) -> T, grad: &dyn Fn(&[T]) -> Vec<T>, x0: &[T]) -> Vec<T> {
    argmin(
        &|x| -obj(x),
        &|x| grad(x).into_iter().map(|g| -g).collect(),
        x0,
    )
}
