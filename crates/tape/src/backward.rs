//! The backward sweep: one reverse pass over the tape, accumulating adjoints.
use crate::op::TensorRef;
use crate::tape::{Inner, SNode, TKind, Tape};
use crate::{Error, ErrorKind, Real, Var};
use smallvec::SmallVec;
use std::ops::Index;

/// The gradients from one backward sweep, indexable by the [`Var`]s of the tape.
///
/// `grads[x]` is the derivative with respect to a scalar (or one-element tensor) `x`;
/// [`Grads::wrt`] gives the whole gradient of a tensor. A `Var` that does not reach the
/// output, or a constant, has gradient zero. Dropping a `Grads` hands its buffers back to
/// the tape for the next sweep.
///
/// ```
/// use wengert_tape::Tape;
/// let tape = Tape::<f64>::new();
/// let w = tape.tensor([2], vec![1.0, 2.0]);
/// let x = tape.var(3.0);
/// let y = (w * x).sum_all(); // y = x (w0 + w1)
/// let g = tape.backward(y);
/// assert_eq!(g.wrt(w), &[3.0, 3.0]);
/// assert_eq!(g[x], 3.0);
/// ```
pub struct Grads<'t, T: Real> {
    tape: &'t Tape<T>,
    sadj: Vec<T>,
    tadj: Vec<T>,
    /// The number of tensor nodes when the sweep ran: a later one has no gradient here.
    tlen: usize,
    zero: T,
}

impl<T: Real> std::fmt::Debug for Grads<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Grads({} scalar, {} tensor elements)",
            self.sadj.len(),
            self.tadj.len()
        )
    }
}

impl<'t, T: Real> Grads<'t, T> {
    /// The gradient with respect to `v`, as a slice of its elements (length 1 for a scalar).
    ///
    /// # Panics
    /// If `v` is a folded intermediate (see [`Var`]): it has no node, and its operand's
    /// adjoint is not its gradient ([`Var::retain_grad`] gives it one); if `v` belongs to
    /// another tape; or if `v` was recorded after the sweep. [`Grads::try_wrt`] returns these
    /// as errors.
    #[track_caller]
    #[inline]
    pub fn wrt(&self, v: Var<'t, T>) -> &[T] {
        match self.try_wrt(v) {
            Ok(g) => g,
            Err(e) => bad_read(e),
        }
    }

    /// [`Grads::wrt`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::DifferentTapes`] for a `Var` of another tape (whose id would name some
    /// other variable of this one), [`ErrorKind::IndexOutOfRange`] for a `Var` recorded after
    /// the sweep, [`ErrorKind::InvalidArgument`] for a folded intermediate.
    ///
    /// ```
    /// use wengert_tape::{ErrorKind, Tape};
    /// let (a, b) = (Tape::<f64>::new(), Tape::<f64>::new());
    /// let (x, z) = (a.var(2.0), b.var(5.0));
    /// let g = a.backward(x * x);
    /// assert_eq!(g.try_wrt(x).unwrap(), &[4.0]);
    /// let err = g.try_wrt(z).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::DifferentTapes { op: "grads" }));
    /// ```
    #[track_caller]
    #[inline]
    pub fn try_wrt(&self, v: Var<'t, T>) -> Result<&[T], Error> {
        // Both borrow their tape, so two live tapes never share an address: one compare
        // identifies it.
        if !std::ptr::eq(v.tape(), self.tape) {
            return Err(Error::here(ErrorKind::DifferentTapes { op: "grads" }));
        }
        let id = v.id();
        if id.is_const() {
            return Ok(std::slice::from_ref(&self.zero));
        }
        if !v.owns_node() {
            return Err(Error::here(ErrorKind::InvalidArgument {
                op: "grads",
                reason: FOLDED.to_string(),
            }));
        }
        if !id.is_tensor() {
            return match self.sadj.get(id.index()) {
                Some(g) => Ok(std::slice::from_ref(g)),
                None => Err(late(id.index(), self.sadj.len())),
            };
        }
        if id.index() >= self.tlen {
            return Err(late(id.index(), self.tlen));
        }
        let s = self.tape.inner.borrow();
        let n = &s.tnodes[id.index()];
        let (off, len) = (n.off, n.len());
        drop(s);
        Ok(&self.tadj[off..off + len])
    }

    /// The gradient with respect to `v`, copied into a vector.
    pub fn to_vec(&self, v: Var<'t, T>) -> Vec<T> {
        self.wrt(v).to_vec()
    }
}

const FOLDED: &str = "v was folded into its operand's node (a one-operand result has no node \
     of its own); call v.retain_grad() before using v to read its gradient";

#[cold]
#[inline(never)]
#[track_caller]
fn late(index: usize, len: usize) -> Error {
    Error::here(ErrorKind::IndexOutOfRange {
        op: "grads (a Var recorded after the backward sweep)",
        index,
        len,
    })
}

#[cold]
#[inline(never)]
#[track_caller]
fn bad_read(e: Error) -> ! {
    panic!("{e}")
}

impl<'t, T: Real> Index<Var<'t, T>> for Grads<'t, T> {
    type Output = T;
    /// # Panics
    /// If `v` is a tensor of more than one element (use [`Grads::wrt`]).
    #[track_caller]
    #[inline]
    fn index(&self, v: Var<'t, T>) -> &T {
        let g = self.wrt(v);
        assert!(
            g.len() == 1,
            "wengert: grads[v]: v has {} elements; use grads.wrt(v)",
            g.len()
        );
        &g[0]
    }
}

impl<T: Real> Drop for Grads<'_, T> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.tape.inner.try_borrow_mut() {
            if s.pool.len() < 4 {
                // `try_vjp` pops the scalar buffer first: push it last, or the two swap on
                // every sweep and a big tape's adjoints regrow from a small buffer.
                s.pool.push(std::mem::take(&mut self.tadj));
                s.pool.push(std::mem::take(&mut self.sadj));
            }
        }
    }
}

impl<T: Real> Tape<T> {
    /// Gradients of the scalar (or one-element tensor) `y` with respect to every `Var`.
    ///
    /// # Panics
    /// If `y` has more than one element (use [`Tape::vjp`]), if it belongs to another tape,
    /// or, in anomaly mode, at the first non-finite value or gradient.
    #[track_caller]
    pub fn backward(&self, y: Var<'_, T>) -> Grads<'_, T> {
        self.try_backward(y).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Tape::backward`], returning an error instead of panicking.
    ///
    /// # Errors
    /// [`ErrorKind::NonScalarBackward`], [`ErrorKind::DifferentTapes`], or in anomaly mode
    /// [`ErrorKind::Anomaly`] naming the first node (in sweep order) whose value or gradient
    /// is not finite, with the source line that recorded it.
    #[track_caller]
    pub fn try_backward(&self, y: Var<'_, T>) -> Result<Grads<'_, T>, Error> {
        if y.is_tensor() && y.numel() != 1 {
            return Err(Error::here(ErrorKind::NonScalarBackward {
                shape: y.shape(),
            }));
        }
        self.try_vjp(y, &[T::one()])
    }

    /// The vector-Jacobian product: gradients of `Σ cotangent ⊙ y` with respect to every
    /// `Var`.
    ///
    /// # Panics
    /// If `cotangent` does not have one element per element of `y`.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([2], vec![1.0, 2.0]);
    /// let y = x * x;
    /// let g = tape.vjp(y, &[1.0, 10.0]);
    /// assert_eq!(g.wrt(x), &[2.0, 40.0]);
    /// ```
    #[track_caller]
    pub fn vjp(&self, y: Var<'_, T>, cotangent: &[T]) -> Grads<'_, T> {
        self.try_vjp(y, cotangent).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Tape::vjp`], returning an error instead of panicking.
    ///
    /// # Errors
    /// A cotangent of the wrong length, a `Var` of another tape, or an anomaly.
    #[track_caller]
    pub fn try_vjp(&self, y: Var<'_, T>, cotangent: &[T]) -> Result<Grads<'_, T>, Error> {
        if !std::ptr::eq(y.tape(), self) {
            return Err(Error::here(ErrorKind::DifferentTapes { op: "backward" }));
        }
        if cotangent.len() != y.numel() {
            return Err(Error::here(ErrorKind::ShapeMismatch {
                op: "vjp",
                lhs: y.shape(),
                rhs: [cotangent.len()].into(),
            }));
        }
        let mut g = self.inner_mut();
        let s = &mut *g;
        let mut sadj = s.pool.pop().unwrap_or_default();
        let mut tadj = s.pool.pop().unwrap_or_default();
        let checked = if s.debug.is_some() {
            first_bad_value(s)
        } else {
            Ok(())
        };
        let mut res = checked.and_then(|_| {
            seed(s, &mut sadj, &mut tadj, y, cotangent);
            sweep_all(s, &mut sadj, &mut tadj, s.debug.is_some())
        });
        // The fast sweep multiplies without looking; only a non-finite value can make that
        // differ from the exact rules (0·∞ on a padding self-edge or an unreached node), and
        // such a value survives into the adjoints. The sweep reads every scalar adjoint once,
        // final, and reports whether all were finite; then the sweep is redone exactly.
        if matches!(res, Ok(false)) && s.debug.is_none() {
            seed(s, &mut sadj, &mut tadj, y, cotangent);
            res = sweep_all(s, &mut sadj, &mut tadj, true);
        }
        let tlen = s.tnodes.len();
        drop(g);
        let grads = Grads {
            tape: self,
            sadj,
            tadj,
            tlen,
            zero: T::zero(),
        };
        res.map(|_| grads)
    }
}

fn seed<T: Real>(s: &Inner<T>, sadj: &mut Vec<T>, tadj: &mut Vec<T>, y: Var<'_, T>, ct: &[T]) {
    let (id, (w, _)) = (y.id(), y.fold_parts());
    sadj.clear();
    sadj.resize(s.nodes.len(), T::zero());
    tadj.clear();
    tadj.resize(s.tvals.len(), T::zero());
    if id.is_tensor() {
        let off = s.tnodes[id.index()].off;
        tadj[off..off + ct.len()].copy_from_slice(ct);
    } else if !id.is_const() {
        sadj[id.index()] += ct[0] * w; // y = w · node; added to 0 as every adjoint is
    }
}

/// Walks scalar and tensor nodes in one reverse order: before tensor node `k`, the scalar
/// nodes recorded after it (indices `mark_k..`) are swept.
fn sweep_all<T: Real>(
    s: &Inner<T>,
    sadj: &mut [T],
    tadj: &mut [T],
    exact: bool,
) -> Result<bool, Error> {
    let mut cur = s.nodes.len();
    let mut finite = true;
    for (k, node) in s.tnodes.iter().enumerate().rev() {
        let mark = node.mark as usize;
        finite &= sweep_scalars(s, sadj, mark, cur, exact)?;
        cur = mark;
        if !node.grad {
            continue;
        }
        match &node.kind {
            TKind::Leaf => {}
            TKind::FromScalar(i) => sadj[*i as usize] += tadj[node.off],
            TKind::ToScalar { scalar, elem } => {
                let src = &s.tnodes[node.inputs[0] as usize];
                tadj[src.off + elem] += sadj[*scalar as usize];
            }
            TKind::Op(op) => {
                let len = node.len();
                let (below, above) = tadj.split_at_mut(node.off);
                let gout = &above[..len];
                if s.debug.is_some() && gout.iter().any(|g| !g.is_finite()) {
                    let e = ErrorKind::Anomaly {
                        op: op.name(),
                        node: k,
                        what: "gradient",
                    };
                    return Err(Error::new(e).at(node.loc));
                }
                if gout.iter().all(|g| g.is_zero()) {
                    continue;
                }
                let refs: SmallVec<[TensorRef<'_, T>; 4]> = node
                    .inputs
                    .iter()
                    .map(|&i| {
                        let n = &s.tnodes[i as usize];
                        TensorRef {
                            data: &s.tvals[n.off..n.off + n.len()],
                            shape: &n.shape,
                        }
                    })
                    .collect();
                let out = TensorRef {
                    data: &s.tvals[node.off..node.off + len],
                    shape: &node.shape,
                };
                for (pos, &i) in node.inputs.iter().enumerate() {
                    let n = &s.tnodes[i as usize];
                    if n.grad {
                        let gin = &mut below[n.off..n.off + n.len()];
                        op.vjp(pos, &refs, out, gout, gin);
                        if s.debug.is_some() && gin.iter().any(|g| !g.is_finite()) {
                            let e = ErrorKind::Anomaly {
                                op: op.name(),
                                node: k,
                                what: "gradient",
                            };
                            return Err(Error::new(e).at(node.loc));
                        }
                    }
                }
            }
        }
    }
    Ok(sweep_scalars(s, sadj, 0, cur, exact)? && finite)
}

/// The scalar sweep over nodes `lo..hi`, in reverse: `adj[parent] += partial * adj[node]`.
///
/// The fast form is branch-free and returns whether every adjoint it read was finite; the
/// exact form skips zero adjoints and padding self-edges (so that `0·∞` never appears) and, in
/// anomaly mode, stops at a non-finite gradient.
#[inline]
fn sweep_scalars<T: Real>(
    s: &Inner<T>,
    adj: &mut [T],
    lo: usize,
    hi: usize,
    exact: bool,
) -> Result<bool, Error> {
    if exact {
        return sweep_exact(s, adj, lo, hi).map(|_| true);
    }
    Ok(sweep_fast(&s.nodes, adj, lo, hi))
}

/// Node `i`'s adjoint is final when the reverse loop reaches it (its consumers come later), so
/// testing it there replaces a scan of the adjoints afterwards, a scan that, right after the
/// sweep, read as 16-byte vectors what the sweep had just stored as 8-byte halves.
#[inline]
fn sweep_fast<T: Real>(nodes: &[SNode<T>], adj: &mut [T], lo: usize, hi: usize) -> bool {
    let (nodes, adj) = (&nodes[..hi], &mut adj[..hi]);
    let mut finite = true;
    for i in (lo..hi).rev() {
        let (g, n) = (adj[i], nodes[i]);
        finite &= g.is_finite();
        adj[n.a as usize] += n.wa * g;
        adj[n.b as usize] += n.wb * g;
    }
    finite
}

/// Node `i`'s update, leaving out self-edges (the padding of one- and zero-operand nodes).
fn exact_edges<T: Real>(adj: &mut [T], n: &SNode<T>, i: usize, g: T) {
    if n.a as usize != i {
        adj[n.a as usize] += n.wa * g;
    }
    if n.b as usize != i {
        adj[n.b as usize] += n.wb * g;
    }
}

fn sweep_exact<T: Real>(s: &Inner<T>, adj: &mut [T], lo: usize, hi: usize) -> Result<(), Error> {
    for i in (lo..hi).rev() {
        let g = adj[i];
        if g.is_zero() {
            continue;
        }
        let n = &s.nodes[i];
        exact_edges(adj, n, i, g);
        // In anomaly mode, blame the node whose backward rule made a parent's gradient
        // non-finite from a finite one, as torch names the backward function that did it.
        if let Some(d) = &s.debug {
            let bad = |j: u32| j as usize != i && !adj[j as usize].is_finite();
            if g.is_finite() && (bad(n.a) || bad(n.b)) {
                let (op, loc, _) = d[i];
                let e = ErrorKind::Anomaly {
                    op,
                    node: i,
                    what: "gradient",
                };
                return Err(Error::new(e).at(loc));
            }
        }
    }
    Ok(())
}

/// The first node, in recording order, whose value is an anomaly: NaN anywhere, or an
/// infinity that an op produced from finite inputs. An infinite input (a leaf, a constant
/// `-inf` mask) is deliberate and not flagged, nor is an infinity an op inherited from one.
fn first_bad_value<T: Real>(s: &Inner<T>) -> Result<(), Error> {
    let d = s.debug.as_deref().unwrap_or(&[]);
    let bad_s = d.iter().enumerate().position(|(i, e)| {
        if e.2.is_nan() {
            return true;
        }
        let n = &s.nodes[i];
        let operand_finite =
            |j: u32| j as usize == i || d.get(j as usize).is_none_or(|p| p.2.is_finite());
        let leaf = n.a as usize == i && n.b as usize == i;
        e.2.is_infinite() && !leaf && operand_finite(n.a) && operand_finite(n.b)
    });
    let values = |n: &crate::tape::TNode<T>| &s.tvals[n.off..n.off + n.len()];
    let bad_t = s.tnodes.iter().position(|n| {
        let v = values(n);
        if v.iter().any(|x| x.is_nan()) {
            return true;
        }
        matches!(n.kind, TKind::Op(_))
            && v.iter().any(|x| x.is_infinite())
            && n.inputs
                .iter()
                .all(|&k| values(&s.tnodes[k as usize]).iter().all(|x| x.is_finite()))
    });
    let scalar_first = match (bad_s, bad_t) {
        (None, None) => return Ok(()),
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (Some(i), Some(k)) => i < s.tnodes[k].mark as usize,
    };
    if scalar_first {
        let i = bad_s.unwrap_or(0);
        let (op, loc, _) = d[i];
        Err(Error::new(ErrorKind::Anomaly {
            op,
            node: i,
            what: "value",
        })
        .at(loc))
    } else {
        let k = bad_t.unwrap_or(0);
        let n = &s.tnodes[k];
        Err(Error::new(ErrorKind::Anomaly {
            op: n.name(),
            node: k,
            what: "value",
        })
        .at(n.loc))
    }
}
