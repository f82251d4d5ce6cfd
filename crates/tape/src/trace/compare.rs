//! Comparisons of `Var`s (recorded as guards while tracing) and the branch-free select.
use super::{Cmp, Guard, Src};
use crate::id::NodeId;
use crate::trace::instr::{self, Instr, SelectInstr};
use crate::{Real, Var};
use std::cmp::Ordering;
use std::panic::Location;

fn src_of<T: Real>(v: &Var<'_, T>) -> Src<T> {
    if v.id().is_const() {
        Src::Const(v.value())
    } else {
        Src::Node(v.id().raw())
    }
}

impl<'t, T: Real> Var<'t, T> {
    /// Compares two scalars by value; while tracing, the comparison and its outcome are
    /// kept as a guard with the caller's source line (see [`trace`](crate::trace)).
    #[track_caller]
    #[inline]
    fn decide(&self, cmp: Cmp, b: Src<T>, bv: T) -> bool {
        let r = cmp.eval(self.value(), bv);
        // Only a trace keeps guards; every other recording pays one branch.
        if !self.tape().fold.get() {
            let mut s = self.tape().inner_mut();
            let at = s.nodes.len() as u32;
            if let Some(g) = &mut s.guards {
                g.push(Guard {
                    cmp,
                    a: src_of(self),
                    b,
                    expect: r,
                    at,
                    loc: Location::caller(),
                });
            }
        }
        r
    }

    /// `if self <cmp> b { t } else { f }` for scalars, branch-free: compiled code
    /// (`wengert-jit`) decides it anew at every evaluation (CppAD's `CondExp`, JAX's `where`), whereas
    /// a Rust `if` on a comparison is frozen when recorded. The gradient flows to the value
    /// picked, never to `self` or `b`.
    ///
    /// # Panics
    /// If an operand is a tensor or the operands are on different tapes.
    ///
    /// ```
    /// use wengert_tape::{trace::Cmp, Tape};
    /// let tape = Tape::<f64>::new();
    /// let x = tape.var(-2.0);
    /// let y = x.select_cmp(Cmp::Lt, tape.constant(0.0), -x, x); // |x|
    /// assert_eq!((y.value(), tape.backward(y)[x]), (2.0, -1.0));
    /// ```
    #[track_caller]
    pub fn select_cmp(self, cmp: Cmp, b: Var<'t, T>, t: Var<'t, T>, f: Var<'t, T>) -> Var<'t, T> {
        let vars = [self, b, t, f];
        assert!(
            vars.iter().all(|v| !v.is_tensor()),
            "wengert: select: operands must be scalars (at {})",
            Location::caller()
        );
        assert!(
            vars.iter().all(|v| std::ptr::eq(v.tape(), self.tape())),
            "{}",
            crate::Error::here(crate::ErrorKind::DifferentTapes { op: "select" })
        );
        let c = cmp.eval(self.value(), b.value());
        let tape = self.tape();
        // Outside a trace the decision is never re-run: the picked value is the result.
        if tape.fold.get() || tape.inner.borrow().program.is_none() {
            return if c { t } else { f };
        }
        let y = if c { t.value() } else { f.value() };
        let rs = |v: &Var<'t, T>| instr::Src::of(v.id(), v.value());
        let ins = SelectInstr {
            cmp,
            a: rs(&self),
            b: rs(&b),
            t: rs(&t),
            f: rs(&f),
        };
        let instr = move || Instr::Select(Box::new(ins));
        let (one, zero) = (T::one(), T::zero());
        let (dt, df) = if c { (one, zero) } else { (zero, one) };
        // With folding off every `Var` has weight 1, so the partials are the indicators.
        let id = match (t.id().is_const(), f.id().is_const()) {
            (true, true) => tape.inner_mut().push_scalar_node(instr(), "select", y),
            (false, true) => tape.unary_parts(t.id(), dt, y, "select", instr).0,
            (true, false) => tape.unary_parts(f.id(), df, y, "select", instr).0,
            (false, false) => tape.push2(t.id(), dt, f.id(), df, y, "select", instr),
        };
        debug_assert!(!id.is_const() || id == NodeId::CONST);
        Var::from_parts(tape, id, y)
    }
}

// Comparisons of `Var`s compare values. They exist so that code written for `f64` runs on
// `Var`s; while tracing, each one is a guard.
impl<'t, T: Real> PartialEq for Var<'t, T> {
    #[track_caller]
    fn eq(&self, o: &Self) -> bool {
        self.decide(Cmp::Eq, src_of(o), o.value())
    }
}

impl<'t, T: Real> PartialEq<T> for Var<'t, T> {
    #[track_caller]
    fn eq(&self, o: &T) -> bool {
        self.decide(Cmp::Eq, Src::Const(*o), *o)
    }
}

macro_rules! ordered {
    ($rhs:ty, $src:expr, $val:expr) => {
        impl<'t, T: Real> PartialOrd<$rhs> for Var<'t, T> {
            /// Records `<` and `>` while tracing (two guards fix the ordering).
            #[track_caller]
            fn partial_cmp(&self, o: &$rhs) -> Option<Ordering> {
                let (s, v) = ($src(o), $val(o));
                if self.decide(Cmp::Lt, s, v) {
                    Some(Ordering::Less)
                } else if self.decide(Cmp::Gt, s, v) {
                    Some(Ordering::Greater)
                } else {
                    self.value().partial_cmp(&v)
                }
            }
            #[track_caller]
            fn lt(&self, o: &$rhs) -> bool {
                self.decide(Cmp::Lt, $src(o), $val(o))
            }
            #[track_caller]
            fn le(&self, o: &$rhs) -> bool {
                self.decide(Cmp::Le, $src(o), $val(o))
            }
            #[track_caller]
            fn gt(&self, o: &$rhs) -> bool {
                self.decide(Cmp::Gt, $src(o), $val(o))
            }
            #[track_caller]
            fn ge(&self, o: &$rhs) -> bool {
                self.decide(Cmp::Ge, $src(o), $val(o))
            }
        }
    };
}

ordered!(Var<'t, T>, |o: &Var<'t, T>| src_of(o), |o: &Var<'t, T>| o
    .value());
ordered!(T, |o: &T| Src::Const(*o), |o: &T| *o);
