//! Leaves: the inputs and constants of a recording.
use crate::id::NodeId;
use crate::shape::Shape;
use crate::tape::{SNode, TKind, Tape};
use crate::trace::instr::Instr;
use crate::var::Var;
use crate::Real;
use smallvec::SmallVec;
use std::panic::Location;

impl<T: Real> Tape<T> {
    /// A differentiable scalar input.
    #[track_caller]
    #[inline]
    pub fn var(&self, x: T) -> Var<'_, T> {
        let id = self.push_leaf(x);
        Var::from_parts(self, id, x)
    }

    /// Differentiable scalar inputs, one per element.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let xs = tape.vars(&[1.0, 2.0]);
    /// assert_eq!(xs[1].value(), 2.0);
    /// ```
    #[track_caller]
    pub fn vars(&self, xs: &[T]) -> Vec<Var<'_, T>> {
        // One borrow and one reservation for all the leaves: this runs once per gradient,
        // before anything else is recorded.
        let first = {
            let mut s = self.inner_mut();
            let first = s.nodes.len();
            NodeId::scalar(first + xs.len());
            s.nodes.extend((first..first + xs.len()).map(|i| SNode {
                a: i as u32,
                b: i as u32,
                wa: T::zero(),
                wb: T::zero(),
            }));
            if !self.fold.get() {
                for &x in xs {
                    s.hook(|| Instr::Leaf(x), "var", x);
                }
            }
            first
        };
        xs.iter()
            .enumerate()
            .map(|(k, &x)| Var::from_parts(self, NodeId::scalar(first + k), x))
            .collect()
    }

    /// A constant scalar: not recorded, and no gradient flows into it.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let c = tape.constant(3.0);
    /// let x = tape.var(2.0);
    /// let g = tape.backward(c * x);
    /// assert_eq!((g[x], g[c]), (3.0, 0.0));
    /// ```
    pub fn constant(&self, x: T) -> Var<'_, T> {
        Var::from_parts(self, NodeId::CONST, x)
    }

    /// A differentiable tensor input.
    ///
    /// # Panics
    /// If `data.len()` is not the number of elements of `shape`, or that number overflows
    /// (see [`Tape::try_tensor`]).
    #[track_caller]
    pub fn tensor(&self, shape: impl Into<Shape>, data: Vec<T>) -> Var<'_, T> {
        self.push_tensor_leaf(shape.into(), &data, true)
    }

    /// A constant tensor: no gradient flows into it.
    ///
    /// # Panics
    /// If `data.len()` is not the number of elements of `shape`.
    #[track_caller]
    pub fn constant_tensor(&self, shape: impl Into<Shape>, data: Vec<T>) -> Var<'_, T> {
        self.push_tensor_leaf(shape.into(), &data, false)
    }

    /// A differentiable tensor input read from the caller's slice: no `Vec` to build per
    /// step. The elements are copied once into the tape's value arena (which a cleared tape
    /// keeps), so a warm tape records it without allocating.
    ///
    /// # Panics
    /// As [`Tape::tensor`].
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let w = [1.0, 2.0];
    /// let x = tape.tensor_from([2], &w);
    /// assert_eq!(tape.backward((x * x).sum_all()).wrt(x), &[2.0, 4.0]); // 2x
    /// ```
    #[track_caller]
    pub fn tensor_from(&self, shape: impl Into<Shape>, data: &[T]) -> Var<'_, T> {
        self.push_tensor_leaf(shape.into(), data, true)
    }

    /// A constant tensor read from the caller's slice (a minibatch, a row of a dataset):
    /// no `Vec` per step, one copy into the tape's warm value arena.
    ///
    /// The tape owns its values (a later sweep reads them after the caller's borrow
    /// ends), so the one copy is the floor without a lifetime on `Tape` itself.
    ///
    /// # Panics
    /// As [`Tape::constant_tensor`].
    ///
    /// ```
    /// let batch = vec![0.5; 6];
    /// let mut tape = wengert_tape::Tape::<f64>::new();
    /// for step in 0..3 {
    ///     let x = tape.constant_tensor_from([2, 3], &batch[..]);
    ///     let w = tape.var(step as f64);
    ///     assert_eq!(tape.backward((x * w).sum_all())[w], 3.0);
    ///     tape.clear();
    /// }
    /// ```
    #[track_caller]
    pub fn constant_tensor_from(&self, shape: impl Into<Shape>, data: &[T]) -> Var<'_, T> {
        self.push_tensor_leaf(shape.into(), data, false)
    }

    /// Differentiable scalar inputs as an array: no heap allocation (unlike
    /// [`Tape::vars`]), for functions of a fixed small number of inputs.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let [x, y] = tape.vars_array([3.0, 4.0]);
    /// let g = tape.backward(x * y);
    /// assert_eq!((g[x], g[y]), (4.0, 3.0));
    /// ```
    #[track_caller]
    pub fn vars_array<const N: usize>(&self, xs: [T; N]) -> [Var<'_, T>; N] {
        xs.map(|x| self.var(x))
    }

    /// [`Tape::tensor`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) naming the shape
    /// when it overflows `usize` or does not hold `data.len()` elements.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let err = tape.try_tensor([1 << 40, 1 << 24], vec![]).unwrap_err();
    /// assert!(err.to_string().contains("more than usize::MAX elements"));
    /// assert!(tape.try_tensor([2], vec![1.0]).is_err());
    /// ```
    #[track_caller]
    pub fn try_tensor(
        &self,
        shape: impl Into<Shape>,
        data: Vec<T>,
    ) -> Result<Var<'_, T>, crate::Error> {
        self.try_push_tensor_leaf(shape.into(), &data, true)
    }

    /// [`Tape::constant_tensor`], returning an error instead of panicking.
    ///
    /// # Errors
    /// As [`Tape::try_tensor`].
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// assert!(tape.try_constant_tensor([usize::MAX, 2], vec![]).is_err());
    /// assert!(!tape.try_constant_tensor([1], vec![1.0]).unwrap().requires_grad());
    /// ```
    #[track_caller]
    pub fn try_constant_tensor(
        &self,
        shape: impl Into<Shape>,
        data: Vec<T>,
    ) -> Result<Var<'_, T>, crate::Error> {
        self.try_push_tensor_leaf(shape.into(), &data, false)
    }

    #[track_caller]
    fn push_tensor_leaf(&self, shape: Shape, data: &[T], grad: bool) -> Var<'_, T> {
        // A match, not `unwrap_or_else`: a closure would move the panic's location into here.
        match self.try_push_tensor_leaf(shape, data, grad) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// The one place a tensor leaf is checked and pushed (the panicking forms unwrap it).
    #[track_caller]
    fn try_push_tensor_leaf(
        &self,
        shape: Shape,
        data: &[T],
        grad: bool,
    ) -> Result<Var<'_, T>, crate::Error> {
        crate::tensor::check_len("tensor", &shape, data.len())?;
        let mut s = self.inner_mut();
        let off = s.tvals.len();
        s.tvals.extend_from_slice(data);
        let id = s.push_tnode(
            off,
            shape,
            TKind::Leaf,
            SmallVec::new(),
            grad,
            Location::caller(),
        );
        drop(s);
        Ok(Var::from_parts(self, id, T::zero()))
    }

    #[track_caller]
    #[inline(always)]
    pub(crate) fn push_leaf(&self, x: T) -> NodeId {
        // The record path of `push1` (inlined, no call): leaves are a tenth of a scalar graph.
        let mut s = self.inner_mut();
        let i = s.nodes.len();
        s.nodes.push(SNode {
            a: i as u32,
            b: i as u32,
            wa: T::zero(),
            wb: T::zero(),
        });
        if !self.fold.get() {
            s.hook(|| Instr::Leaf(x), "var", x);
        }
        NodeId::scalar(i)
    }
}
