//! `det`: the determinant of an `ℓ × ℓ` matrix by expansion in minors along the first row (the
//! eval's definition), and its gradient, on scalar `Var`s.
//!
//! The eval's C++ expands recursively and so recomputes the same minor many times (`ℓ!`
//! products). A minor is fixed by the set of columns it keeps (its rows are the last `|S|`),
//! so this implementation computes each minor once, indexed by a column bitmask, in increasing
//! mask order (a minor's sub-minors have smaller masks): `ℓ·2^(ℓ−1)` products for the same
//! expansion and the same terms, which is what makes `ℓ = 11` cheap.
use serde_json::Value;
use wengert::prelude::*;

use super::Prepared;

/// `det A` (row-major `ℓ × ℓ`) and, when `grad` is set, its gradient (row-major).
pub fn det(a: &[f64], ell: usize, grad: bool) -> Vec<f64> {
    let tape = Tape::<f64>::new();
    let av = tape.vars(a);
    let full = (1usize << ell) - 1;
    let mut minors: Vec<Option<Var<'_, f64>>> = vec![None; full + 1];
    minors[0] = Some(tape.constant(1.0));
    for mask in 1..=full {
        // The minor on columns `mask` uses the last `|mask|` rows; expand along its first.
        let row = ell - mask.count_ones() as usize;
        let mut acc: Option<Var<'_, f64>> = None;
        let mut sign = 1.0;
        for col in (0..ell).filter(|c| mask & (1 << c) != 0) {
            let sub = minors[mask & !(1 << col)].expect("sub-minors come first");
            let term = av[row * ell + col] * sub * sign;
            acc = Some(match acc {
                None => term,
                Some(s) => s + term,
            });
            sign = -sign;
        }
        minors[mask] = acc;
    }
    let d = minors[full].expect("the full minor");
    if grad {
        let g = tape.backward(d);
        av.iter().map(|&v| g[v]).collect()
    } else {
        vec![d.value()]
    }
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let a = super::floats(&input["A"], "det A")?;
    let ell = super::int(input, "ell")?;
    if ell == 0 || ell > 20 || a.len() != ell * ell {
        return Err(format!(
            "det: A has {} entries for ell = {ell} (1..=20)",
            a.len()
        ));
    }
    match function {
        "primal" => Ok(Prepared::scalar(move || det(&a, ell, false)[0])),
        "gradient" => Ok(Prepared::vector(move || det(&a, ell, true))),
        _ => Err(super::unknown("det", function)),
    }
}
