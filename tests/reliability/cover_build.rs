//! Bad input for the constructors from a vector (`scatter`, `diag`, the triangles): each
//! message names the op, the expected and given sizes or shapes, and the caller's line
//! (`coverage.rs` checks that none is missing).
use super::{check, err, panics};
use wengert::ops::structure::{
    diag, scatter, strict_tril_from, tril_from, triu_from, try_diag, try_scatter,
    try_strict_tril_from, try_tril_from, try_triu_from,
};
use wengert::prelude::*;

#[test]
fn scatter_checks_counts_and_positions() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let l = line!() + 1;
    let e = err(try_scatter(x, [2, 2], &[0, 1]));
    check(&e, file!(), l, "scatter", &["[3]", "[2]"]);
    let l = line!() + 1;
    let e = panics(|| scatter(x, [2, 2], &[0, 1]));
    check(&e, file!(), l, "scatter", &["[3]", "[2]"]);
    let l = line!() + 1;
    let e = err(try_scatter(x, [2, 2], &[0, 1, 4]));
    check(&e, file!(), l, "scatter", &["4", "4"]);
    let l = line!() + 1;
    let e = panics(|| scatter(x, [2, 2], &[9, 1, 0]));
    check(&e, file!(), l, "scatter", &["9", "4"]);
}

#[test]
fn diag_and_triangles_check_the_vector() {
    let tape = Tape::<f64>::new();
    let m = tape.tensor([2, 2], vec![0.0; 4]);
    let v = tape.tensor([4], vec![0.0; 4]);
    let l = line!() + 1;
    let e = err(try_diag(m));
    check(&e, file!(), l, "diag", &["vector", "[2, 2]"]);
    let l = line!() + 1;
    let e = panics(|| diag(m));
    check(&e, file!(), l, "diag", &["vector", "[2, 2]"]);
    let l = line!() + 1;
    let e = err(try_tril_from(v, 2));
    check(&e, file!(), l, "tril_from", &["3 elements", "n = 2", "[4]"]);
    let l = line!() + 1;
    let e = panics(|| tril_from(v, 2));
    check(&e, file!(), l, "tril_from", &["3 elements", "n = 2", "[4]"]);
    let l = line!() + 1;
    let e = err(try_triu_from(m, 2));
    check(&e, file!(), l, "triu_from", &["3 elements", "[2, 2]"]);
    let l = line!() + 1;
    let e = panics(|| triu_from(v, 3));
    check(&e, file!(), l, "triu_from", &["6 elements", "n = 3", "[4]"]);
    let l = line!() + 1;
    let e = err(try_strict_tril_from(v, 2));
    check(
        &e,
        file!(),
        l,
        "strict_tril_from",
        &["1 elements", "n = 2", "[4]"],
    );
    let l = line!() + 1;
    let e = panics(|| strict_tril_from(v, 4));
    check(
        &e,
        file!(),
        l,
        "strict_tril_from",
        &["6 elements", "n = 4", "[4]"],
    );
}
