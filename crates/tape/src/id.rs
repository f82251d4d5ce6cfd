use std::fmt;

/// The index of a node on a tape.
///
/// Scalar nodes and tensor nodes live in two lists; the top bit tells which. A constant
/// scalar is not recorded at all and has the id [`NodeId::CONST`].
///
/// ```
/// use wengert_tape::Tape;
/// let tape = Tape::<f64>::new();
/// let x = tape.var(1.0);
/// assert_eq!(x.id().index(), 0);
/// assert!(!x.id().is_tensor());
/// assert!(tape.constant(2.0).id().is_const());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

const TENSOR_BIT: u32 = 1 << 31;

impl NodeId {
    /// The id of a constant scalar, which is never recorded.
    pub const CONST: NodeId = NodeId(TENSOR_BIT - 1);
    /// The largest number of nodes of one kind a tape can hold.
    pub const MAX_NODES: usize = (TENSOR_BIT - 1) as usize;

    /// The id of scalar node `i`; the check is one compare, the panic cold.
    #[inline(always)]
    pub(crate) fn scalar(i: usize) -> NodeId {
        if i >= Self::MAX_NODES {
            full(i)
        }
        NodeId(i as u32)
    }

    pub(crate) fn tensor(i: usize) -> NodeId {
        assert!(
            i < Self::MAX_NODES,
            "wengert: the tape is full ({i} tensor nodes)"
        );
        NodeId(i as u32 | TENSOR_BIT)
    }

    /// The position in its list (scalar or tensor).
    pub fn index(self) -> usize {
        (self.0 & !TENSOR_BIT) as usize
    }

    /// Whether this node is a tensor node.
    pub fn is_tensor(self) -> bool {
        self.0 & TENSOR_BIT != 0
    }

    /// Whether both ids are scalar (recorded or constant): one test on the fast path.
    #[inline(always)]
    pub(crate) fn both_scalar(a: NodeId, b: NodeId) -> bool {
        (a.0 | b.0) & TENSOR_BIT == 0
    }

    /// Whether this is an unrecorded constant scalar.
    pub fn is_const(self) -> bool {
        self == Self::CONST
    }

    pub(crate) fn raw(self) -> u32 {
        self.0
    }

    #[inline(always)]
    pub(crate) fn from_raw(r: u32) -> NodeId {
        NodeId(r)
    }
}

#[cold]
#[inline(never)]
fn full(i: usize) -> ! {
    panic!("wengert: the tape is full ({i} scalar nodes)")
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_const() {
            write!(f, "const")
        } else if self.is_tensor() {
            write!(f, "t{}", self.index())
        } else {
            write!(f, "s{}", self.index())
        }
    }
}
