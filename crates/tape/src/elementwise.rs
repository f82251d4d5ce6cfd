//! Tensor forms of [`Unary`], parameterised unary and [`Binary`] functions.
use crate::op::{Binary, Op, TensorRef, Unary};
use crate::shape::{broadcast_strides, for_each_broadcast, Shape};
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

pub(crate) struct MapParamOp<T> {
    pub name: &'static str,
    pub p: T,
    pub f: fn(T, T) -> T,
    pub df: fn(T, T, T) -> T,
}

impl<T: Real> Op<T> for MapParamOp<T> {
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
            for_each_broadcast(&shape, &sa, &sb, |o, ia, ib| {
                out[o] = B::f(a.data[ia], b.data[ib])
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
            for_each_broadcast(out.shape, &sa, &sb, |o, ia, ib| {
                let d = pick(a.data[ia], b.data[ib], out.data[o]);
                gi[if input == 0 { ia } else { ib }] += g[o] * d;
            });
        }
    }
}

fn out_shape(a: &Shape, b: &Shape) -> Shape {
    crate::shape::broadcast_shapes("zip", a, b).expect("shapes were checked when recording")
}

/// `stop_gradient` for tensors: the identity forward, no VJP (its node needs no gradient).
pub(crate) struct DetachOp;

impl<T: Real> Op<T> for DetachOp {
    fn name(&self) -> &'static str {
        "detach"
    }
    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        out.copy_from_slice(inputs[0].data);
    }
    fn vjp(&self, _: usize, _: &[TensorRef<'_, T>], _: TensorRef<'_, T>, _: &[T], _: &mut [T]) {}
}
