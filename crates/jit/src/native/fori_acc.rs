//! How a compiled `fori_loop` gradient adds each read's cotangent into the gradient: the
//! accumulation half of `native/fori.rs`, for a loop running up (`i = r`) or down
//! (`i = count − 1 − r`).
//!
//! When every moving read has one stride `s` and bases `b_ref + s d` (Rosenbrock's `x_i`,
//! `x_{i+1}`: `d = 0, 1`), iteration `i` touches the gradient entries `b_ref + s (i + d)`,
//! `d < width`, and one of them receives nothing after iteration `i` (the first running up,
//! the last running down): the window's partial sums live in registers, carried and shifted
//! by one each iteration, and each entry is stored once. Adding in memory instead makes
//! every iteration wait for the previous one's store (`g[i]` written by one iteration, read
//! by the next): a store-to-load round trip per iteration, slower than the plain function.
//! Reads of a fixed input (stride 0) are summed in registers and added after the loop; any
//! other mix of strides adds in memory (`g[base + stride i] +=`).
use super::emit::Fn;
use crate::fori::Read;
use cranelift_codegen::ir::{types, InstBuilder, MemFlags, Value};

const F: MemFlags = MemFlags::trusted();

/// Addresses moving with a loop counter `r`: `base + r · bytes`, with one multiplication
/// per distinct `bytes` in an iteration (reads, stash and gradient entries share them).
pub(super) struct Moving {
    r: Value,
    muls: Vec<(i64, Value)>,
}

impl Moving {
    pub fn new(r: Value) -> Moving {
        Moving {
            r,
            muls: Vec::new(),
        }
    }

    /// `base + r · bytes`.
    pub fn at(&mut self, f: &mut Fn, base: Value, bytes: i64) -> Value {
        let d = match self.muls.iter().find(|(b, _)| *b == bytes) {
            Some(&(_, d)) => d,
            None => {
                let d = f.b.ins().imul_imm(self.r, bytes);
                self.muls.push((bytes, d));
                d
            }
        };
        f.b.ins().iadd(base, d)
    }
}

/// The accumulation of one read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Acc {
    /// A fixed input: its sum's number among the registers.
    Fixed(usize),
    /// Offset `d` in the window.
    Window(usize),
    /// `g[base + stride i] +=`, every iteration.
    Memory,
}

/// The accumulation of every read of one loop.
pub(super) struct Plan {
    accs: Vec<Acc>,
    reads: Vec<Read>,
    /// The window's stride, reference base and width (0: no window).
    s: i64,
    b_ref: i64,
    width: usize,
    nfixed: usize,
    /// The gradient entries the window writes (rather than adds to), `lo..hi`, when it is
    /// the only accumulation in memory and moves by ±1: those need not be zeroed first.
    covered: (i64, i64),
    /// Other loops write the gradient too: the window adds its entries instead.
    add: bool,
    /// Where the gradient starts in `out`, the last iteration.
    m: i64,
    last: i64,
}

/// Byte offset `8 i` as an immediate.
pub(super) fn off(i: i64) -> Result<i32, String> {
    i.checked_mul(8)
        .and_then(|o| i32::try_from(o).ok())
        .ok_or_else(|| format!("offset of element {i} too large"))
}

impl Plan {
    /// The plan for `reads` over `count ≥ 1` iterations, the gradient (of `n` entries) at
    /// `out[m..]`; `add`: other loops write the gradient too.
    pub fn new(reads: &[Read], count: i64, n: usize, m: usize, add: bool) -> Plan {
        let moving: Vec<&Read> = reads.iter().filter(|r| r.stride != 0).collect();
        let s = moving.first().map_or(0, |r| i64::from(r.stride));
        let bases = moving.iter().map(|r| i64::from(r.base));
        let b_ref = if s > 0 { bases.min() } else { bases.max() }.unwrap_or(0);
        let d = |r: &Read| (i64::from(r.base) - b_ref) / s;
        let window = !moving.is_empty()
            && moving.iter().all(|r| {
                i64::from(r.stride) == s && (i64::from(r.base) - b_ref) % s == 0 && d(r) <= 16
            })
            // Every window entry stored after the loop is one some read touches.
            && moving.iter().map(|r| d(r)).max().unwrap_or(0) <= count;
        let width = if window {
            moving.iter().map(|r| d(r)).max().unwrap_or(0) as usize + 1
        } else {
            0
        };
        let mut nfixed = 0;
        let accs: Vec<Acc> = reads
            .iter()
            .map(|r| match r.stride {
                0 => {
                    nfixed += 1;
                    Acc::Fixed(nfixed - 1)
                }
                _ if window => Acc::Window(d(r) as usize),
                _ => Acc::Memory,
            })
            .collect();
        // The window writes entries b_ref + s t, t = 0 .. count + width − 2, each once.
        let span = count + width as i64 - 1;
        let covered = match s {
            _ if add || !window || accs.contains(&Acc::Memory) => (0, 0),
            1 => (b_ref, b_ref + span),
            -1 => (b_ref - span + 1, b_ref + 1),
            _ => (0, 0),
        };
        debug_assert!(
            covered.0 >= 0 && covered.1 <= n as i64,
            "window entries are read"
        );
        Plan {
            accs,
            reads: reads.to_vec(),
            s,
            b_ref,
            width,
            nfixed,
            covered,
            add,
            m: m as i64,
            last: count - 1,
        }
    }

    /// The ranges of gradient entries to zero before the loops run: all of `0..n` but
    /// what the window writes.
    pub fn to_zero(&self, n: usize) -> Vec<(i64, i64)> {
        let (lo, hi) = self.covered;
        if lo == hi {
            return vec![(0, n as i64)];
        }
        [(0, lo), (hi, n as i64)]
            .into_iter()
            .filter(|(a, b)| a < b)
            .collect()
    }

    /// Writes a window entry (or adds it, see [`Plan::add`]).
    fn put(&self, f: &mut Fn, v: Value, ptr: Value, at: i32) {
        let v = if self.add {
            let g = f.b.ins().load(types::F64, F, ptr, at);
            f.b.ins().fadd(g, v)
        } else {
            v
        };
        f.b.ins().store(F, v, ptr, at);
    }

    /// How many `f64`s a loop carries for the accumulation (0 as the initial value of each).
    pub fn carried(&self) -> usize {
        self.nfixed + self.width.saturating_sub(1)
    }

    /// The address of gradient entry `base + stride i` in the iteration of `mv`'s counter:
    /// a pointer moving with it and an offset.
    fn entry(&self, f: &mut Fn, mv: &mut Moving, up: bool, base: i64, stride: i64) -> (Value, i64) {
        let out = f.params()[1];
        let (bytes, first) = if up {
            (8 * stride, self.m + base)
        } else {
            (-8 * stride, self.m + base + stride * self.last)
        };
        (mv.at(f, out, bytes), first)
    }

    /// The state of one iteration, from the loop header's parameters `params` (as many as
    /// [`Plan::carried`]).
    pub fn begin(&self, params: &[Value], up: bool) -> Iter {
        let fixed = params[..self.nfixed].to_vec();
        let carried = params[self.nfixed..].iter().map(|&p| Some(p));
        let win = if self.width == 0 {
            Vec::new()
        } else if up {
            carried.chain(std::iter::once(None)).collect()
        } else {
            std::iter::once(None).chain(carried).collect()
        };
        Iter { fixed, win, up }
    }
}

/// The accumulation's values in one iteration.
pub(super) struct Iter {
    fixed: Vec<Value>,
    win: Vec<Option<Value>>,
    up: bool,
}

impl Iter {
    /// Adds `v`, the cotangent of read `j`, in the iteration of `mv`'s counter.
    pub fn add(
        &mut self,
        f: &mut Fn,
        p: &Plan,
        mv: &mut Moving,
        j: usize,
        v: Value,
    ) -> Result<(), String> {
        match p.accs[j] {
            Acc::Fixed(q) => self.fixed[q] = f.b.ins().fadd(self.fixed[q], v),
            Acc::Window(d) => {
                self.win[d] = Some(match self.win[d] {
                    None => v,
                    Some(acc) => f.b.ins().fadd(acc, v),
                })
            }
            Acc::Memory => {
                let rd = p.reads[j];
                let (ptr, i0) = p.entry(f, mv, self.up, rd.base.into(), rd.stride.into());
                let g = f.b.ins().load(types::F64, F, ptr, off(i0)?);
                let sum = f.b.ins().fadd(g, v);
                f.b.ins().store(F, sum, ptr, off(i0)?);
            }
        }
        Ok(())
    }

    /// Stores the window's completed entry and returns what the next iteration carries.
    pub fn end(self, f: &mut Fn, p: &Plan, mv: &mut Moving) -> Result<Vec<Value>, String> {
        let zero = f.b.ins().f64const(0.0);
        let mut next = self.fixed;
        let w = p.width;
        if w > 0 {
            // Running up, entry 0 (`b_ref + s i`) is complete; running down, the last.
            let (done, d) = if self.up {
                (0, 0)
            } else {
                (w - 1, w as i64 - 1)
            };
            let (ptr, i0) = p.entry(f, mv, self.up, p.b_ref + p.s * d, p.s);
            let v = self.win[done].unwrap_or(zero);
            p.put(f, v, ptr, off(i0)?);
            let rest = if self.up { 1..w } else { 0..w - 1 };
            next.extend(self.win[rest].iter().map(|v| v.unwrap_or(zero)));
        }
        Ok(next)
    }

    /// After the loop, with what the last iteration carried (`finals`): the window's
    /// remaining entries, then the fixed reads' sums added into the gradient.
    pub fn finish(f: &mut Fn, p: &Plan, finals: &[Value], up: bool) -> Result<(), String> {
        let out = f.params()[1];
        let count = p.last + 1;
        for (k, &v) in finals[p.nfixed..].iter().enumerate() {
            // Entry k of the carry: b_ref + s (count + k) running up, b_ref + s k down.
            let t = if up { count + k as i64 } else { k as i64 };
            p.put(f, v, out, off(p.m + p.b_ref + p.s * t)?);
        }
        for (j, acc) in p.accs.iter().enumerate() {
            if let Acc::Fixed(q) = *acc {
                let i0 = p.m + i64::from(p.reads[j].base);
                let g = f.b.ins().load(types::F64, F, out, off(i0)?);
                let sum = f.b.ins().fadd(g, finals[q]);
                f.b.ins().store(F, sum, out, off(i0)?);
            }
        }
        Ok(())
    }
}
