//! Plain-number literals on `Var`s over dual numbers: `v - 1.0` and `2.0 * v` for a
//! `Var<'t, Dual<f64>>` (the element type [`hvp`](crate::transforms::hvp) and
//! [`hessian`](crate::transforms::hessian) record on), so a closure written for `grad` with
//! `f64` literals also compiles for the second-order transforms.
//!
//! A literal is a constant: `Dual::constant(c)`, tangent zero.
//!
//! ```
//! use wengert_tape::transforms::hvp;
//! // f(x) = (x − 1)² · 3: f'' = 6, no `R::lit` needed
//! let hv = hvp(|v| (v[0] - 1.0) * (v[0] - 1.0) * 3.0 + 2.0 * v[0] / 4.0, &[2.0], &[1.0]);
//! assert_eq!(hv, vec![6.0]);
//! ```
use crate::dual::Dual;
use crate::Var;
use std::ops::{Add, Div, Mul, Sub};

macro_rules! dual_literals {
    ($($f:ty),*) => {$(
        impl<'t> Add<$f> for Var<'t, Dual<$f>> {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn add(self, c: $f) -> Self::Output { self + Dual::constant(c) }
        }
        impl<'t> Sub<$f> for Var<'t, Dual<$f>> {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn sub(self, c: $f) -> Self::Output { self - Dual::constant(c) }
        }
        impl<'t> Mul<$f> for Var<'t, Dual<$f>> {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn mul(self, c: $f) -> Self::Output { self * Dual::constant(c) }
        }
        impl<'t> Div<$f> for Var<'t, Dual<$f>> {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn div(self, c: $f) -> Self::Output { self / Dual::constant(c) }
        }
        impl<'t> Add<Var<'t, Dual<$f>>> for $f {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn add(self, x: Var<'t, Dual<$f>>) -> Self::Output { Dual::constant(self) + x }
        }
        impl<'t> Sub<Var<'t, Dual<$f>>> for $f {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn sub(self, x: Var<'t, Dual<$f>>) -> Self::Output { Dual::constant(self) - x }
        }
        impl<'t> Mul<Var<'t, Dual<$f>>> for $f {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn mul(self, x: Var<'t, Dual<$f>>) -> Self::Output { Dual::constant(self) * x }
        }
        impl<'t> Div<Var<'t, Dual<$f>>> for $f {
            type Output = Var<'t, Dual<$f>>;
            #[track_caller]
            #[inline]
            fn div(self, x: Var<'t, Dual<$f>>) -> Self::Output { Dual::constant(self) / x }
        }
    )*};
}
dual_literals!(f32, f64);

#[cfg(test)]
mod tests {
    use crate::dual::Dual64;
    use crate::transforms::{grad, hessian};
    use crate::Tape;

    #[test]
    fn literals_on_dual_vars_are_constants() {
        let tape = Tape::<Dual64>::new();
        let x = tape.var(Dual64::new(3.0, 1.0));
        // y = (2 − x)·4 / x + 1 + x/2 − 0.5x: dy/dx = −8/x² (the last two cancel)
        let y = (2.0 - x) * 4.0 / x + 1.0 + x / 2.0 - 0.5 * x;
        assert_eq!(y.value().re, -4.0 / 3.0 + 1.0);
        assert!((y.value().eps - (-8.0 / 9.0)).abs() < 1e-15);
        // the backward sweep: ∂y/∂x = −8/x², tangent d/dx(−8/x²) = 16/x³
        let g = tape.backward(y);
        assert!((g[x].re + 8.0 / 9.0).abs() < 1e-15);
        assert!((g[x].eps - 16.0 / 27.0).abs() < 1e-15);
    }

    #[test]
    fn one_closure_for_grad_and_hessian() {
        // f(x, y) = (x − 1)² + 10 (y − x²)²; the same closure text for both transforms
        let g = grad(
            |v| (v[0] - 1.0) * (v[0] - 1.0) + (v[1] - v[0] * v[0]) * (v[1] - v[0] * v[0]) * 10.0,
            &[2.0, 3.0],
        );
        let h = hessian(
            |v| (v[0] - 1.0) * (v[0] - 1.0) + (v[1] - v[0] * v[0]) * (v[1] - v[0] * v[0]) * 10.0,
            &[2.0, 3.0],
        );
        // ∇f = (2(x−1) − 40x(y−x²), 20(y−x²)) = (2 + 80, −20)
        assert_eq!(g, vec![82.0, -20.0]);
        // H = [[2 − 40y + 120x², −40x], [−40x, 20]] = [[362, −80], [−80, 20]]
        assert_eq!(h.data(), &[362.0, -80.0, -80.0, 20.0]);
    }
}
