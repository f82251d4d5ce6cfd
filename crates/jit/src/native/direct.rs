//! Which values skip their scratch slot: inputs read straight from `x`, and loop values
//! stored straight into `out`.
//!
//! Without this, a rolled gradient makes four passes where plain code makes one: a loop
//! copying `x` into the inputs' slots, the forward loop, the reverse loop, and a loop copying
//! the gradient's slots into `out` (the Rosenbrock gradient's program has exactly those
//! regions). Reading an input from `x` at the address its slot would have had, and storing a
//! loop value whose only reader is an `Output` into `out` directly, leaves the two copying
//! loops with nothing to do; they are not emitted.
use crate::ir::{Inst, Rolled};

/// The analysis of one rolled program.
#[derive(Default)]
pub(super) struct Direct {
    /// Where the inputs' block starts: `insts[lo + k]` is `Input(k)` for every input `k`,
    /// and every read of an input (a loop's strided reads included) stays inside the block,
    /// so it can read `x[v - lo]` instead of slot `v`. `None`: inputs use their slots.
    pub lo: Option<usize>,
    /// For each loop, for each body instruction: `Some((k0, t))` if repetition `r`'s value is
    /// read only by `Output(k0 + t r, _)`; it is stored to `out` there and the `Output` is
    /// skipped.
    pub out: Vec<Vec<Option<(i32, i32)>>>,
    /// For each instruction: whether it is an `Output` whose value was stored by its loop.
    pub skip: Vec<bool>,
    /// For each value: the output its definition stores it to (its only reader is that
    /// `Output`, which is skipped).
    pub to: Vec<Option<i32>>,
    inputs: usize,
}

impl Direct {
    /// The analysis of `r`.
    pub fn new(r: &Rolled<f64>) -> Direct {
        let lo = inputs_block(r);
        let p = &r.program;
        // The single reader of each value, if it is an `Output` (else `NONE`).
        const NONE: i64 = -1;
        const MANY: i64 = -2;
        let mut out_of = vec![NONE; p.len()];
        for inst in &p.insts {
            for v in inst.operands().as_slice() {
                let o = &mut out_of[v.index()];
                *o = match (*o, inst) {
                    (NONE, Inst::Output(k, _)) => i64::from(*k),
                    _ => MANY,
                };
            }
        }
        // Which loop repetition defines each value: (loop, body index) or `None` if straight.
        let mut at: Vec<Option<(usize, usize)>> = vec![None; p.len()];
        for (n, l) in r.loops().enumerate() {
            for (i, a) in at[l.span()].iter_mut().enumerate() {
                *a = Some((n, i % l.period as usize));
            }
        }
        // `to[v]`: the output value `v` is stored to by its definition. A straight value
        // read only by an output; a loop value when every repetition's is, at an output
        // number affine in the repetition.
        let mut to: Vec<Option<i32>> = vec![None; p.len()];
        for (v, inst) in p.insts.iter().enumerate() {
            if at[v].is_none() && !inst.is_effect() && out_of[v] >= 0 {
                to[v] = i32::try_from(out_of[v]).ok();
            }
        }
        for l in r.loops() {
            let (start, period) = (l.start as usize, l.period as usize);
            for j in 0..period {
                let k = |rep: usize| out_of[start + j + rep * period];
                let (k0, t) = (k(0), k(1) - k(0));
                let affine = !p.insts[start + j].is_effect()
                    && k0 >= 0
                    && (0..l.count as usize).all(|rep| k(rep) == k0 + t * rep as i64);
                if affine && i32::try_from(k0 + t * i64::from(l.count)).is_ok() {
                    for rep in 0..l.count as usize {
                        to[start + j + rep * period] = Some(k(rep) as i32);
                    }
                }
            }
        }
        // A loop body instruction is emitted once for all its repetitions, so an output in a
        // loop is skipped in all of them or in none: where some of its values are stored
        // directly and some are not, those values go back to slots (for a loop value, in
        // every repetition), until no loop's outputs are mixed.
        loop {
            let skip =
                |i: usize| matches!(p.insts[i], Inst::Output(_, v) if to[v.index()].is_some());
            let mut undo = Vec::new();
            for l in r.loops() {
                for j in 0..l.period as usize {
                    let reps =
                        (0..l.count as usize).map(|r| l.start as usize + j + r * l.period as usize);
                    let n = reps.clone().filter(|&i| skip(i)).count();
                    if n != 0 && n != l.count as usize {
                        undo.extend(reps.filter_map(|i| {
                            p.insts[i].operands().as_slice().first().map(|v| v.index())
                        }));
                    }
                }
            }
            if undo.is_empty() {
                break;
            }
            for v in undo {
                match at[v] {
                    None => to[v] = None,
                    Some((n, j)) => {
                        let l = r.loops().nth(n).expect("numbered above");
                        for rep in 0..l.count as usize {
                            to[l.start as usize + j + rep * l.period as usize] = None;
                        }
                    }
                }
            }
        }
        let skip: Vec<bool> = p
            .insts
            .iter()
            .map(|i| matches!(i, Inst::Output(_, v) if to[v.index()].is_some()))
            .collect();
        let out = r
            .loops()
            .map(|l| {
                (0..l.period as usize)
                    .map(|j| {
                        let (s, q) = (l.start as usize + j, l.period as usize);
                        Some((to[s]?, to[s + q]? - to[s]?))
                    })
                    .collect()
            })
            .collect();
        Direct {
            lo,
            out,
            skip,
            to,
            inputs: p.inputs(),
        }
    }

    /// Whether value `v` is an input read from `x`, and its index there.
    pub fn input(&self, v: usize) -> Option<usize> {
        let lo = self.lo?;
        (v >= lo && v < lo + self.inputs).then(|| v - lo)
    }

    /// Whether loop `l` has nothing left to do: only inputs read from `x` (and stored
    /// nowhere) and outputs already stored by their values' definitions.
    pub fn empty(&self, l: &crate::ir::Loop, insts: &[Inst<f64>]) -> bool {
        let body = l.start as usize..(l.start + l.period) as usize;
        body.clone().all(|i| match insts[i] {
            Inst::Input(_) => {
                self.lo.is_some()
                    && (0..l.count as usize).all(|r| self.to[i + r * l.period as usize].is_none())
            }
            Inst::Output(..) => (0..l.count as usize).all(|r| self.skip[i + r * l.period as usize]),
            _ => false,
        })
    }
}

/// Where the inputs' block starts, if every input read can go to `x` (see [`Direct::lo`]).
fn inputs_block(r: &Rolled<f64>) -> Option<usize> {
    let p = &r.program;
    let n = p.inputs();
    let lo = p.insts.iter().position(|i| matches!(i, Inst::Input(_)))?;
    let block = lo..lo + n;
    // (An input nothing reads has no instruction: then the block is not contiguous.)
    let contiguous = (0..n).all(|k| p.insts.get(lo + k) == Some(&Inst::Input(k as u32)));
    if !contiguous
        || p.insts[lo + n..]
            .iter()
            .any(|i| matches!(i, Inst::Input(_)))
    {
        return None;
    }
    // A strided read that starts in the block must stay in it (and one that starts outside
    // must not enter it), so that its every address is either `x` or a slot.
    for l in r.loops() {
        for j in 0..l.period as usize {
            let inst = &p.insts[l.start as usize + j];
            for (k, v) in inst.operands().as_slice().iter().enumerate() {
                let s = i64::from(l.strides[j][k]);
                let first = v.index() as i64;
                let last = first + s * (i64::from(l.count) - 1);
                let inside = |i: i64| i >= 0 && block.contains(&(i as usize));
                if inside(first) != inside(last) {
                    return None;
                }
                // Both outside: on the same side the read never touches the block (the
                // addresses are monotone); on opposite sides it may jump over or into it.
                if !inside(first) && (first < lo as i64) != (last < lo as i64) {
                    return None;
                }
            }
        }
    }
    Some(lo)
}
