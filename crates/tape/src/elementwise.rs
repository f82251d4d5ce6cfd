//! Tensor forms of [`Unary`], parameterised unary and [`Binary`] functions.
use crate::op::{Binary, Op, TensorRef, Unary};
use crate::shape::{broadcast_strides, for_each_broadcast_row, Shape};
use crate::Real;
use std::marker::PhantomData;

/// `out = f(x)` elementwise.
#[inline]
fn map_forward<T: Real>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) {
    for (o, &x) in out.iter_mut().zip(x) {
        *o = f(x);
    }
}

/// `gi += g · df(x, y)` elementwise.
#[inline]
fn map_vjp<T: Real>(x: &[T], y: &[T], g: &[T], gi: &mut [T], df: impl Fn(T, T) -> T) {
    for (((gi, &g), &x), &y) in gi.iter_mut().zip(g).zip(x).zip(y) {
        *gi += g * df(x, y);
    }
}

pub(crate) struct MapOp<U>(PhantomData<fn() -> U>);

// By hand: a derive would ask `U: Clone` of the marker type.
impl<U> Clone for MapOp<U> {
    fn clone(&self) -> Self {
        MapOp(PhantomData)
    }
}

impl<U> MapOp<U> {
    pub fn new() -> Self {
        MapOp(PhantomData)
    }
}

impl<T: Real, U: Unary<T>> Op<T> for MapOp<U> {
    fn name(&self) -> &'static str {
        U::NAME
    }
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        map_forward(inputs[0].data, out, U::f);
    }
    fn vjp(
        &self,
        _: usize,
        inputs: &[TensorRef<'_, T>],
        out: TensorRef<'_, T>,
        g: &[T],
        gi: &mut [T],
    ) {
        map_vjp(inputs[0].data, out.data, g, gi, U::df);
    }
}

#[derive(Clone)]
pub(crate) struct MapParamOp<T> {
    pub name: &'static str,
    pub p: T,
    pub f: fn(T, T) -> T,
    pub df: fn(T, T, T) -> T,
}

impl<T: Real> Op<T> for MapParamOp<T> {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        map_forward(inputs[0].data, out, |x| (self.f)(x, self.p));
    }
    fn vjp(
        &self,
        _: usize,
        inputs: &[TensorRef<'_, T>],
        out: TensorRef<'_, T>,
        g: &[T],
        gi: &mut [T],
    ) {
        map_vjp(inputs[0].data, out.data, g, gi, |x, y| {
            (self.df)(x, self.p, y)
        });
    }
}

pub(crate) struct ZipOp<B>(PhantomData<fn() -> B>);

impl<B> Clone for ZipOp<B> {
    fn clone(&self) -> Self {
        ZipOp(PhantomData)
    }
}

impl<B> ZipOp<B> {
    pub fn new() -> Self {
        ZipOp(PhantomData)
    }
}

impl<T: Real, B: Binary<T>> Op<T> for ZipOp<B> {
    fn name(&self) -> &'static str {
        B::NAME
    }
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let (a, b) = (inputs[0], inputs[1]);
        if a.shape == b.shape {
            for ((o, &x), &y) in out.iter_mut().zip(a.data).zip(b.data) {
                *o = B::f(x, y);
            }
        } else if b.data.len() == 1 {
            let y = b.data[0];
            for (o, &x) in out.iter_mut().zip(a.data) {
                *o = B::f(x, y);
            }
        } else if a.data.len() == 1 {
            let x = a.data[0];
            for (o, &y) in out.iter_mut().zip(b.data) {
                *o = B::f(x, y);
            }
        } else {
            let shape = out_shape(a.shape, b.shape);
            let (sa, sb) = (
                broadcast_strides(a.shape, &shape),
                broadcast_strides(b.shape, &shape),
            );
            let (len, last) = (*shape.dims().last().expect("rank ≥ 1"), shape.rank() - 1);
            let row = zip_row_fn::<T, B>(sa[last], sb[last]);
            for_each_broadcast_row(&shape, &sa, &sb, |o, ia, ib| {
                row(&a.data[ia..], &b.data[ib..], &mut out[o..o + len])
            });
        }
    }
    fn vjp(
        &self,
        input: usize,
        inputs: &[TensorRef<'_, T>],
        out: TensorRef<'_, T>,
        g: &[T],
        gi: &mut [T],
    ) {
        let (a, b) = (inputs[0], inputs[1]);
        let pick = |x: T, y: T, z: T| {
            let (da, db) = B::d(x, y, z);
            if input == 0 {
                da
            } else {
                db
            }
        };
        if a.shape == b.shape {
            for (o, gi) in gi.iter_mut().enumerate() {
                *gi += g[o] * pick(a.data[o], b.data[o], out.data[o]);
            }
        } else {
            let (sa, sb) = (
                broadcast_strides(a.shape, out.shape),
                broadcast_strides(b.shape, out.shape),
            );
            // Summing over the stretched axes is the adjoint of broadcasting.
            let (len, last) = (
                *out.shape.dims().last().expect("rank ≥ 1"),
                out.shape.rank() - 1,
            );
            let row = vjp_row_fn::<T, B>(input == 0, sa[last], sb[last]);
            for_each_broadcast_row(out.shape, &sa, &sb, |o, ia, ib| {
                let (y, g) = (&out.data[o..o + len], &g[o..o + len]);
                let gi = &mut gi[if input == 0 { ia } else { ib }..];
                row(&a.data[ia..], &b.data[ib..], y, g, gi)
            });
        }
    }
}

/// One row of a broadcast binary forward, `out[j] = f(a[j·TA], b[j·TB])`.
type ZipRow<T> = fn(&[T], &[T], &mut [T]);
/// One row of its VJP, `gi[j·T] += g[j] · ∂f/∂(a or b)`, `T` the differentiated operand's stride.
type VjpRow<T> = fn(&[T], &[T], &[T], &[T], &mut [T]);

/// The row kernel for the last-axis strides `(ta, tb)`, each 0 (stretched) or 1.
fn zip_row_fn<T: Real, B: Binary<T>>(ta: usize, tb: usize) -> ZipRow<T> {
    match (ta, tb) {
        (1, 1) => zip_row::<T, B, 1, 1>,
        (1, 0) => zip_row::<T, B, 1, 0>,
        (0, 1) => zip_row::<T, B, 0, 1>,
        _ => zip_row::<T, B, 0, 0>,
    }
}

// The strides are constants so that each kernel is a plain loop (vectorised where `f` allows)
// rather than an index computation per element.
fn zip_row<T: Real, B: Binary<T>, const TA: usize, const TB: usize>(
    a: &[T],
    b: &[T],
    out: &mut [T],
) {
    for (j, o) in out.iter_mut().enumerate() {
        *o = B::f(a[j * TA], b[j * TB]);
    }
}

/// The VJP row kernel for operand a (`wrt_a`) or b and the last-axis strides `(ta, tb)`.
fn vjp_row_fn<T: Real, B: Binary<T>>(wrt_a: bool, ta: usize, tb: usize) -> VjpRow<T> {
    match (wrt_a, ta, tb) {
        (true, 1, 1) => vjp_row::<T, B, 1, 1, true>,
        (true, 1, 0) => vjp_row::<T, B, 1, 0, true>,
        (true, 0, 1) => vjp_row::<T, B, 0, 1, true>,
        (true, _, _) => vjp_row::<T, B, 0, 0, true>,
        (false, 1, 1) => vjp_row::<T, B, 1, 1, false>,
        (false, 1, 0) => vjp_row::<T, B, 1, 0, false>,
        (false, 0, 1) => vjp_row::<T, B, 0, 1, false>,
        (false, _, _) => vjp_row::<T, B, 0, 0, false>,
    }
}

fn vjp_row<T: Real, B: Binary<T>, const TA: usize, const TB: usize, const WRT_A: bool>(
    a: &[T],
    b: &[T],
    y: &[T],
    g: &[T],
    gi: &mut [T],
) {
    for (j, (&y, &g)) in y.iter().zip(g).enumerate() {
        let (da, db) = B::d(a[j * TA], b[j * TB], y);
        if WRT_A {
            gi[j * TA] += g * da;
        } else {
            gi[j * TB] += g * db;
        }
    }
}

fn out_shape(a: &Shape, b: &Shape) -> Shape {
    crate::shape::broadcast_shapes("zip", a, b).expect("shapes were checked when recording")
}

/// `stop_gradient` for tensors: the identity forward, no VJP (its node needs no gradient).
#[derive(Clone)]
pub(crate) struct DetachOp;

impl<T: Real> Op<T> for DetachOp {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        "detach"
    }
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        out.copy_from_slice(inputs[0].data);
    }
    fn vjp(&self, _: usize, _: &[TensorRef<'_, T>], _: TensorRef<'_, T>, _: &[T], _: &mut [T]) {}
}
