//! Parameters that outlive a tape: a store with stable keys, bound into each tape as leaves.
use crate::id::NodeId;
use crate::shape::Shape;
use crate::tape::{TKind, Tape};
use crate::{Grads, Real, Tensor, Var};
use slotmap::{new_key_type, SecondaryMap, SlotMap};
use smallvec::SmallVec;
use std::sync::atomic::{AtomicU64, Ordering};

new_key_type! {
    /// A slot of the store's map; positional, so it would resolve in any store.
    struct Slot;
}

/// The stable key of a parameter in a [`ParamStore`].
///
/// It carries its store's identity: slot keys are positional, so without it a key of one
/// store silently named some parameter of another. A clone of a store keeps the identity (its
/// keys are the original's).
///
/// ```
/// use wengert_tape::{ParamStore, Tensor};
/// let (mut a, mut b) = (ParamStore::<f64>::new(), ParamStore::<f64>::new());
/// let ka = a.insert("w", Tensor::scalar(1.0));
/// let _kb = b.insert("v", Tensor::scalar(2.0));
/// assert!(a.contains(ka) && !b.contains(ka));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamKey {
    slot: Slot,
    store: u64,
}

static NEXT_STORE: AtomicU64 = AtomicU64::new(1);

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
#[derive(Clone, Debug)]
pub struct ParamStore<T: Real> {
    params: SlotMap<Slot, (String, Tensor<T>)>,
    order: Vec<ParamKey>,
    pos: SecondaryMap<Slot, usize>,
    id: u64,
}

impl<T: Real> Default for ParamStore<T> {
    fn default() -> Self {
        Self::new()
    }
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
            id: NEXT_STORE.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The slot of `key`, which must be of this store and not removed.
    #[track_caller]
    fn slot(&self, key: ParamKey, op: &str) -> Slot {
        if key.store != self.id {
            foreign(op, key.store, self.id);
        }
        if !self.params.contains_key(key.slot) {
            let l = std::panic::Location::caller();
            panic!(
                "wengert: {op}: no such parameter (the key was removed) (at {}:{}:{})",
                l.file(),
                l.line(),
                l.column()
            );
        }
        key.slot
    }

    /// Whether `key` names a parameter of this store (false for a removed key or one of
    /// another store).
    pub fn contains(&self, key: ParamKey) -> bool {
        key.store == self.id && self.params.contains_key(key.slot)
    }

    /// Adds a parameter; its key stays valid until it is removed.
    pub fn insert(&mut self, name: impl Into<String>, value: Tensor<T>) -> ParamKey {
        let slot = self.params.insert((name.into(), value));
        self.pos.insert(slot, self.order.len());
        let k = ParamKey {
            slot,
            store: self.id,
        };
        self.order.push(k);
        k
    }

    /// Removes a parameter, returning its value (`None` for a removed key or one of another
    /// store).
    pub fn remove(&mut self, key: ParamKey) -> Option<Tensor<T>> {
        if key.store != self.id {
            return None;
        }
        let (_, t) = self.params.remove(key.slot)?;
        self.order.retain(|&k| k != key);
        self.pos.clear();
        for (i, &k) in self.order.iter().enumerate() {
            self.pos.insert(k.slot, i);
        }
        Some(t)
    }

    /// The value of a parameter.
    ///
    /// # Panics
    /// If the key was removed or belongs to another store.
    #[track_caller]
    pub fn get(&self, key: ParamKey) -> &Tensor<T> {
        &self.params[self.slot(key, "ParamStore::get")].1
    }

    /// The value of a parameter, mutably.
    ///
    /// # Panics
    /// If the key was removed or belongs to another store.
    #[track_caller]
    pub fn get_mut(&mut self, key: ParamKey) -> &mut Tensor<T> {
        let slot = self.slot(key, "ParamStore::get_mut");
        &mut self.params[slot].1
    }

    /// The name given at insertion.
    ///
    /// # Panics
    /// If the key was removed or belongs to another store.
    #[track_caller]
    pub fn name(&self, key: ParamKey) -> &str {
        &self.params[self.slot(key, "ParamStore::name")].0
    }

    /// The key of the parameter with this name.
    pub fn key(&self, name: &str) -> Option<ParamKey> {
        self.order
            .iter()
            .copied()
            .find(|k| self.params[k.slot].0 == name)
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = ParamKey> + '_ {
        self.order.iter().copied()
    }

    /// `(key, name, value)` in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (ParamKey, &str, &Tensor<T>)> + '_ {
        self.order.iter().map(|&k| {
            let (name, t) = &self.params[k.slot];
            (k, name.as_str(), t)
        })
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
        let mut s = tape.inner_mut();
        let first = s.tnodes.len();
        for &k in &self.order {
            let t = &self.params[k.slot].1;
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
    /// If the key is not in the store that was bound (removed, or of another store).
    #[track_caller]
    pub fn var(&self, key: ParamKey) -> Var<'t, T> {
        self.var_for(key, "Bound::var")
    }

    #[track_caller]
    fn var_for(&self, key: ParamKey, op: &'static str) -> Var<'t, T> {
        let slot = self.store.slot(key, op);
        let i = self.store.pos[slot];
        Var::from_parts(self.tape, NodeId::tensor(self.first + i), T::zero())
    }

    /// The parameter's gradient.
    ///
    /// # Panics
    /// As [`Bound::var`].
    #[track_caller]
    pub fn grad<'g>(&self, grads: &'g Grads<'t, T>, key: ParamKey) -> &'g [T] {
        grads.wrt(self.var_for(key, "Bound::grad"))
    }

    /// Every parameter's `Var`, in insertion order.
    pub fn vars(&self) -> impl Iterator<Item = (ParamKey, Var<'t, T>)> + '_ {
        self.store.keys().map(|k| (k, self.var(k)))
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn foreign(op: &str, key_store: u64, store: u64) -> ! {
    let l = std::panic::Location::caller();
    panic!(
        "wengert: {op}: the key belongs to another ParamStore (store #{key_store}, not this \
         store #{store}); a key names a parameter only in the store that made it (at {}:{}:{})",
        l.file(),
        l.line(),
        l.column()
    )
}
