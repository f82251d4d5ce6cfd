//! Giving a tape's memory back, and measuring it.
use crate::tape::{SNode, TNode, Tape};
use crate::trace::instr::Instr;
use crate::Real;
use std::panic::Location;

impl<T: Real> Tape<T> {
    /// [`Tape::clear`], and gives the memory back: after one very large graph, `clear` alone
    /// would keep its peak footprint for the tape's whole life.
    ///
    /// ```
    /// let mut tape = wengert_tape::Tape::<f64>::new();
    /// let x = tape.tensor([1 << 16], vec![1.0; 1 << 16]);
    /// drop(tape.backward((x * x).sum_all()));
    /// assert!(tape.reserved_bytes() > 1 << 20);
    /// tape.clear_and_shrink();
    /// assert_eq!(tape.reserved_bytes(), 0);
    /// ```
    pub fn clear_and_shrink(&mut self) {
        self.clear();
        let s = self.inner.get_mut();
        s.nodes.shrink_to_fit();
        s.tnodes.shrink_to_fit();
        s.tvals.shrink_to_fit();
        s.pool = Vec::new();
        if let Some(p) = &mut s.program {
            p.shrink_to_fit();
        }
        if let Some(d) = &mut s.debug {
            d.shrink_to_fit();
        }
    }

    /// Bytes the tape holds reserved (node lists, the value arena and the pooled gradient
    /// buffers), used or not: what [`Tape::clear`] keeps and [`Tape::clear_and_shrink`]
    /// returns. Heap memory owned by individual ops is not counted.
    pub fn reserved_bytes(&self) -> usize {
        use std::mem::size_of;
        let s = self.inner.borrow();
        s.nodes.capacity() * size_of::<SNode<T>>()
            + s.tnodes.capacity() * size_of::<TNode<T>>()
            + s.tvals.capacity() * size_of::<T>()
            + s.pool
                .iter()
                .map(|b| b.capacity() * size_of::<T>())
                .sum::<usize>()
            + s.program
                .as_ref()
                .map_or(0, |p| p.capacity() * size_of::<Instr<T>>())
            + s.debug
                .as_ref()
                .map_or(0, |d| d.capacity() * size_of::<(&str, &Location<'_>, T)>())
    }
}
