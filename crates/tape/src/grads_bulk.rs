//! Bulk read-outs of a [`Grads`]: many gradients into the caller's buffer in one call.
use crate::transforms::check_len;
use crate::{Grads, Real, Var};

impl<'t, T: Real> Grads<'t, T> {
    /// Writes the gradients of `vars`, concatenated (a scalar one element, a tensor all of
    /// its elements, row-major), into `out`, without allocating.
    ///
    /// # Panics
    /// If `out.len()` is not the total number of elements of `vars`, or as [`Grads::wrt`]
    /// for any of them.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let xs = tape.vars(&[1.0, 2.0, 3.0]);
    /// let w = tape.tensor([2], vec![5.0, 6.0]);
    /// let y = xs[0] * xs[1] * xs[2] + w.sum_all(); // ∇ = (yz, xz, xy), ∂/∂w = 1
    /// let g = tape.backward(y);
    /// let mut buf = [0.0; 5];
    /// g.read_into(&[xs[0], xs[1], xs[2], w], &mut buf);
    /// assert_eq!(buf, [6.0, 3.0, 2.0, 1.0, 1.0]);
    /// ```
    #[track_caller]
    pub fn read_into(&self, vars: &[Var<'t, T>], out: &mut [T]) {
        let total: usize = vars.iter().map(|v| v.numel()).sum();
        check_len("Grads::read_into", total, out.len());
        let mut off = 0;
        for &v in vars {
            let g = self.wrt(v);
            out[off..off + g.len()].copy_from_slice(g);
            off += g.len();
        }
    }

    /// Appends the gradients of `vars`, concatenated as in [`Grads::read_into`], to `out`
    /// (a buffer the caller reuses across steps: no allocation once it has grown).
    ///
    /// # Panics
    /// As [`Grads::wrt`] for any of `vars`.
    ///
    /// ```
    /// let tape = wengert_tape::Tape::<f64>::new();
    /// let xs = tape.vars(&[2.0, 5.0]);
    /// let g = tape.backward(xs[0] * xs[1]);
    /// let mut buf = Vec::with_capacity(2);
    /// g.extend_into(&xs, &mut buf);
    /// assert_eq!(buf, vec![5.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn extend_into(&self, vars: &[Var<'t, T>], out: &mut Vec<T>) {
        for &v in vars {
            out.extend_from_slice(self.wrt(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Tape;

    #[test]
    #[should_panic(expected = "Grads::read_into")]
    fn read_into_names_itself_on_a_short_buffer() {
        let tape = Tape::<f64>::new();
        let xs = tape.vars(&[1.0, 2.0]);
        let g = tape.backward(xs[0] * xs[1]);
        g.read_into(&xs, &mut [0.0; 1]);
    }

    #[test]
    fn read_into_a_reused_buffer_matches_indexing() {
        let mut tape = Tape::<f64>::new();
        let mut buf = vec![0.0; 3];
        for k in 1..4 {
            let s = k as f64;
            let xs = tape.vars(&[s, 2.0 * s, 3.0 * s]);
            // y = x0² + x1 x2: ∇ = (2 x0, x2, x1)
            let y = xs[0] * xs[0] + xs[1] * xs[2];
            let g = tape.backward(y);
            g.read_into(&xs, &mut buf);
            assert_eq!(buf, vec![2.0 * s, 3.0 * s, 2.0 * s]);
            assert_eq!(buf, xs.iter().map(|&v| g[v]).collect::<Vec<_>>());
            drop(g);
            tape.clear();
        }
    }
}
