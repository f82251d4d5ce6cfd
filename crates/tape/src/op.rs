//! The open op interface: how a crate outside the tape defines a primitive.
use crate::shape::Shape;
use crate::trace::Prim;
use crate::Real;

/// A read-only view of a recorded tensor value: its elements and its shape.
///
/// ```
/// use wengert_tape::{Shape, TensorRef};
/// let s = Shape::from([2]);
/// let t = TensorRef { data: &[1.0, 2.0], shape: &s };
/// assert_eq!(t.data[1], 2.0);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TensorRef<'a, T> {
    /// The elements, row-major.
    pub data: &'a [T],
    /// The shape.
    pub shape: &'a Shape,
}

/// A tensor primitive: its forward computation and its vector-Jacobian product.
///
/// The tape calls [`Op::forward`] once when the op is recorded, and [`Op::vjp`] once per
/// input that needs a gradient during the backward sweep. An op that keeps state for its
/// backward (an argmax, a saved softmax) sets it in `forward`. A zero-sized op struct costs no allocation when it is boxed onto the tape.
///
/// A complete custom op, `cube(x) = x³` elementwise, with `d cube / dx = 3x²`:
///
/// ```
/// use wengert_tape::{Op, Tape, TensorRef, Var, Real};
///
/// struct Cube;
/// impl<T: Real> Op<T> for Cube {
///     fn name(&self) -> &'static str { "cube" }
///     fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
///         for (o, &x) in out.iter_mut().zip(inputs[0].data) { *o = x * x * x; }
///     }
///     fn vjp(&self, _input: usize, inputs: &[TensorRef<'_, T>], _out: TensorRef<'_, T>,
///            grad_out: &[T], grad_in: &mut [T]) {
///         let three = T::lit(3.0);
///         for ((gi, &g), &x) in grad_in.iter_mut().zip(grad_out).zip(inputs[0].data) {
///             *gi += g * three * x * x;
///         }
///     }
/// }
///
/// fn cube<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
///     let shape = x.shape();
///     x.tape().record_op(Cube, &[x], shape)
/// }
///
/// let tape = Tape::<f64>::new();
/// let x = tape.tensor([2], vec![2.0, -1.0]);
/// let y = cube(x).sum_all();
/// let g = tape.backward(y);
/// assert_eq!(g.wrt(x), &[12.0, 3.0]); // 3x²
/// ```
pub trait Op<T: Real>: Send + 'static {
    /// The op's name, used in error messages and anomaly reports.
    fn name(&self) -> &'static str;

    /// Computes the output from the inputs. `out` has the shape given when recording, and
    /// holds zeros on entry.
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]);

    /// Adds `grad_outᵀ · ∂out/∂inputs[input]` into `grad_in` (accumulate with `+=`: an input
    /// can reach the op through several edges).
    fn vjp(
        &self,
        input: usize,
        inputs: &[TensorRef<'_, T>],
        out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    );

    /// A fresh copy of the op, for a compiled function (`wengert-jit`) that runs the op
    /// again at new inputs: concurrent calls each run their own copy, so that what `forward`
    /// keeps for `vjp` (an argmax, a saved softmax) stays with its call. `None`, the
    /// default, is always correct: calls of a compiled function using the op then take
    /// turns with the one recorded copy. An op that is `Clone` returns
    /// `Some(Box::new(self.clone()))`.
    ///
    /// ```
    /// use wengert_tape::{Op, TensorRef, Real};
    /// #[derive(Clone)]
    /// struct Twice;
    /// impl<T: Real> Op<T> for Twice {
    ///     fn name(&self) -> &'static str { "twice" }
    ///     fn forward(&mut self, x: &[TensorRef<'_, T>], out: &mut [T]) {
    ///         for (o, &v) in out.iter_mut().zip(x[0].data) { *o = v + v; }
    ///     }
    ///     fn vjp(&self, _: usize, _: &[TensorRef<'_, T>], _: TensorRef<'_, T>, g: &[T], gi: &mut [T]) {
    ///         for (a, &b) in gi.iter_mut().zip(g) { *a += b + b; }
    ///     }
    ///     fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> { Some(Box::new(self.clone())) }
    /// }
    /// assert!(Op::<f64>::boxed_clone(&Twice).is_some());
    /// ```
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        None
    }
}

/// A scalar function `y = f(x)` with its derivative, used by [`Var::map`](crate::Var::map)
/// for both scalars and tensors (elementwise).
///
/// `df(x, y)` receives the input and the output, so functions whose derivative is cheapest
/// from the output (`exp`, `tanh`, `sigmoid`) reuse it.
///
/// ```
/// use wengert_tape::{op::Unary, Tape};
/// struct Cube;
/// impl Unary<f64> for Cube {
///     const NAME: &'static str = "cube";
///     fn f(x: f64) -> f64 { x * x * x }
///     fn df(x: f64, _y: f64) -> f64 { 3.0 * x * x }
/// }
/// let tape = Tape::new();
/// let x = tape.var(2.0);
/// let g = tape.backward(x.map::<Cube>());
/// assert_eq!(g[x], 12.0);
/// ```
pub trait Unary<T>: Send + Sync + 'static {
    /// The op's name.
    const NAME: &'static str;
    /// The op's primitive meaning, if it has one: a [trace](crate::trace) then compiles it
    /// inline and differentiates it symbolically; without, compiled code calls `f` and `df`.
    const PRIM: Option<Prim> = None;
    /// The function.
    fn f(x: T) -> T;
    /// Its derivative at `x`, given `y = f(x)`.
    fn df(x: T, y: T) -> T;
    /// The value and the derivative together, `(f(x), f'(x))`: what a scalar `Var` computes
    /// when the op is applied (its derivative is folded in eagerly). The default is `f` then
    /// `df`; an op whose derivative shares work with its value overrides it (softplus reuses
    /// its one `exp` for the derivative instead of calling `exp_m1` on the output).
    ///
    /// ```
    /// use wengert_tape::{op::Unary, Tape};
    /// struct Exp;
    /// impl Unary<f64> for Exp {
    ///     const NAME: &'static str = "exp";
    ///     fn f(x: f64) -> f64 { x.exp() }
    ///     fn df(_x: f64, y: f64) -> f64 { y }
    /// }
    /// assert_eq!(Exp::f_df(0.0), (1.0, 1.0));
    /// let tape = Tape::new();
    /// let x = tape.var(0.0);
    /// assert_eq!(tape.backward(x.map::<Exp>())[x], 1.0);
    /// ```
    #[inline(always)]
    fn f_df(x: T) -> (T, T)
    where
        T: Copy,
    {
        let y = Self::f(x);
        (y, Self::df(x, y))
    }
}

/// A scalar function `y = f(a, b)` with both partial derivatives, used by
/// [`Var::zip`](crate::Var::zip) (broadcasting for tensors).
///
/// ```
/// use wengert_tape::{op::Binary, Tape};
/// struct Hypot;
/// impl Binary<f64> for Hypot {
///     const NAME: &'static str = "hypot";
///     fn f(a: f64, b: f64) -> f64 { a.hypot(b) }
///     fn d(a: f64, b: f64, y: f64) -> (f64, f64) { (a / y, b / y) }
/// }
/// let tape = Tape::new();
/// let (a, b) = (tape.var(3.0), tape.var(4.0));
/// let g = tape.backward(a.zip::<Hypot>(b));
/// assert_eq!((g[a], g[b]), (0.6, 0.8));
/// ```
pub trait Binary<T>: Send + Sync + 'static {
    /// The op's name.
    const NAME: &'static str;
    /// The op's primitive meaning, if it has one (see [`Unary::PRIM`]).
    const PRIM: Option<Prim> = None;
    /// The function.
    fn f(a: T, b: T) -> T;
    /// Its partial derivatives `(∂y/∂a, ∂y/∂b)` at `(a, b)`, given `y = f(a, b)`.
    fn d(a: T, b: T, y: T) -> (T, T);
}
