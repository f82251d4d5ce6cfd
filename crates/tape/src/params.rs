//! Parameters that outlive a tape: a store with stable keys, bound into each tape as leaves.
use crate::id::NodeId;
use crate::shape::Shape;
use crate::tape::{TKind, Tape};
use crate::{Grads, Real, Tensor, Var};
use slotmap::{new_key_type, SecondaryMap, SlotMap};
use smallvec::SmallVec;

new_key_type! {
    /// The stable key of a parameter in a [`ParamStore`].
    pub struct ParamKey;
}

/// Named parameter tensors that live across tapes (weights trained over many steps).
///
/// [`ParamStore::bind`] records every parameter on a tape as a differentiable leaf, in
/// insertion order, without allocating once the tape is warm.
///
/// ```
/// use wengert_tape::{ParamStore, Tape, Tensor};
/// let mut store = ParamStore::new();
/// let w = store.insert("w", Tensor::new([2], vec![1.0, 2.0]));
/// let mut tape = Tape::<f64>::new();
/// for _ in 0..3 {
///     let bound = store.bind(&tape);
///     let loss = (bound.var(w) * bound.var(w)).sum_all(); // Σ w²
///     let g = tape.backward(loss);
///     let grad = bound.grad(&g, w).to_vec();              // 2w
///     drop(g);
///     for (p, d) in store.get_mut(w).data_mut().iter_mut().zip(grad) { *p -= 0.25 * d; }
///     tape.clear();
/// }
/// assert_eq!(store.get(w).data(), &[0.125, 0.25]); // each step halves w
/// ```
#[derive(Clone, Debug, Default)]
pub struct ParamStore<T: Real> {
    params: SlotMap<ParamKey, (String, Tensor<T>)>,
    order: Vec<ParamKey>,
    pos: SecondaryMap<ParamKey, usize>,
}

/// The parameters of a store as recorded on one tape; see [`ParamStore::bind`].
#[derive(Clone, Copy)]
pub struct Bound<'t, 's, T: Real> {
    tape: &'t Tape<T>,
    store: &'s ParamStore<T>,
    first: usize,
}

impl<T: Real> ParamStore<T> {
    /// An empty store.
    pub fn new() -> Self {
        ParamStore {
            params: SlotMap::with_key(),
            order: Vec::new(),
            pos: SecondaryMap::new(),
        }
    }

    /// Adds a parameter; its key stays valid until it is removed.
    pub fn insert(&mut self, name: impl Into<String>, value: Tensor<T>) -> ParamKey {
        let k = self.params.insert((name.into(), value));
        self.pos.insert(k, self.order.len());
        self.order.push(k);
        k
    }

    /// Removes a parameter, returning its value.
    pub fn remove(&mut self, key: ParamKey) -> Option<Tensor<T>> {
        let (_, t) = self.params.remove(key)?;
        self.order.retain(|&k| k != key);
        self.pos.clear();
        for (i, &k) in self.order.iter().enumerate() {
            self.pos.insert(k, i);
        }
        Some(t)
    }

    /// The value of a parameter.
    ///
    /// # Panics
    /// If the key was removed.
    #[track_caller]
    pub fn get(&self, key: ParamKey) -> &Tensor<T> {
        &self
            .params
            .get(key)
            .expect("wengert: ParamStore: no such parameter")
            .1
    }

    /// The value of a parameter, mutably.
    ///
    /// # Panics
    /// If the key was removed.
    #[track_caller]
    pub fn get_mut(&mut self, key: ParamKey) -> &mut Tensor<T> {
        &mut self
            .params
            .get_mut(key)
            .expect("wengert: ParamStore: no such parameter")
            .1
    }

    /// The name given at insertion.
    ///
    /// # Panics
    /// If the key was removed.
    #[track_caller]
    pub fn name(&self, key: ParamKey) -> &str {
        &self
            .params
            .get(key)
            .expect("wengert: ParamStore: no such parameter")
            .0
    }

    /// The key of the parameter with this name.
    pub fn key(&self, name: &str) -> Option<ParamKey> {
        self.order
            .iter()
            .copied()
            .find(|&k| self.params[k].0 == name)
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = ParamKey> + '_ {
        self.order.iter().copied()
    }

    /// `(key, name, value)` in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (ParamKey, &str, &Tensor<T>)> + '_ {
        self.order
            .iter()
            .map(|&k| (k, self.params[k].0.as_str(), &self.params[k].1))
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The total number of scalar parameters.
    pub fn numel(&self) -> usize {
        self.iter().map(|(_, _, t)| t.data().len()).sum()
    }

    /// Records every parameter on `tape` as a differentiable tensor leaf.
    #[track_caller]
    pub fn bind<'t, 's>(&'s self, tape: &'t Tape<T>) -> Bound<'t, 's, T> {
        let loc = std::panic::Location::caller();
        let mut s = tape.inner.borrow_mut();
        let first = s.tnodes.len();
        for &k in &self.order {
            let t = &self.params[k].1;
            let off = s.tvals.len();
            s.tvals.extend_from_slice(t.data());
            let shape: Shape = t.shape().clone();
            s.push_tnode(off, shape, TKind::Leaf, SmallVec::new(), true, loc);
        }
        Bound {
            tape,
            store: self,
            first,
        }
    }
}

impl<'t, T: Real> Bound<'t, '_, T> {
    /// The parameter's `Var` on this tape.
    ///
    /// # Panics
    /// If the key is not in the store that was bound.
    #[track_caller]
    pub fn var(&self, key: ParamKey) -> Var<'t, T> {
        let i = *self
            .store
            .pos
            .get(key)
            .expect("wengert: Bound::var: the key is not in this store");
        Var::from_parts(self.tape, NodeId::tensor(self.first + i), T::zero())
    }

    /// The parameter's gradient.
    #[track_caller]
    pub fn grad<'g>(&self, grads: &'g Grads<'t, T>, key: ParamKey) -> &'g [T] {
        grads.wrt(self.var(key))
    }

    /// Every parameter's `Var`, in insertion order.
    pub fn vars(&self) -> impl Iterator<Item = (ParamKey, Var<'t, T>)> + '_ {
        self.store.keys().map(|k| (k, self.var(k)))
    }
}
