//! Every fallible public function of wengert-ops, called with bad input: the `try_` form
//! returns an error and the panicking form panics, each message naming the op, the offending
//! shapes or values, and the caller's file and line (`coverage.rs` checks that no fallible
//! function is missing here).
use super::{check, err, panics};
use wengert::ops::{elementwise as ew, linalg, reduce, structure as st};
use wengert::prelude::*;

#[test]
fn elementwise_and_linalg() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2], vec![1.0, 2.0]);
    let b = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let m = tape.tensor([2, 3], vec![0.0; 6]);
    let bc = ["[2] and [3]"];

    let l = line!() + 1;
    let e = err(ew::try_maximum(a, b));
    check(&e, file!(), l, "maximum", &bc);
    let l = line!() + 1;
    let e = panics(|| ew::maximum(a, b));
    check(&e, file!(), l, "maximum", &bc);
    let l = line!() + 1;
    let e = err(ew::try_minimum(a, b));
    check(&e, file!(), l, "minimum", &bc);
    let l = line!() + 1;
    let e = panics(|| a.minimum(b));
    check(&e, file!(), l, "minimum", &bc);
    let l = line!() + 1;
    let e = err(ew::try_pow(a, b));
    check(&e, file!(), l, "pow", &bc);
    let l = line!() + 1;
    let e = panics(|| ew::pow(a, b));
    check(&e, file!(), l, "pow", &bc);
    let l = line!() + 1;
    let e = err(ew::try_clamp(a, 2.0, 1.0));
    check(&e, file!(), l, "clamp", &["2", "1"]);
    let l = line!() + 1;
    let e = panics(|| ew::clamp(a, 2.0, 1.0));
    check(&e, file!(), l, "clamp", &["2", "1"]);

    let mm = ["[2, 3] and [2, 3]"];
    let l = line!() + 1;
    let e = err(linalg::try_matmul(m, m));
    check(&e, file!(), l, "matmul", &mm);
    let l = line!() + 1;
    let e = panics(|| linalg::matmul(m, m));
    check(&e, file!(), l, "matmul", &mm);
    let mt = ["[2, 3]", "[2]", "matmul_t"];
    let l = line!() + 1;
    let e = err(linalg::try_matmul_t(m, a));
    check(&e, file!(), l, "matmul_t", &mt);
    let l = line!() + 1;
    let e = panics(|| linalg::matmul_t(m, a));
    check(&e, file!(), l, "matmul_t", &mt);
    let l = line!() + 1;
    let e = err(linalg::try_dot(a, b));
    check(&e, file!(), l, "dot", &bc);
    let l = line!() + 1;
    let e = panics(|| linalg::dot(a, b));
    check(&e, file!(), l, "dot", &bc);
    let l = line!() + 1;
    let e = err(linalg::try_outer(m, a));
    check(&e, file!(), l, "outer", &["[2, 3]"]);
    let l = line!() + 1;
    let e = panics(|| linalg::outer(m, a));
    check(&e, file!(), l, "outer", &["[2, 3]"]);
    let l = line!() + 1;
    let e = linalg::try_transpose(m, Axis(0), Axis(5))
        .unwrap_err()
        .to_string();
    check(&e, file!(), l, "transpose", &["5", "[2, 3]"]);
    let l = line!() + 1;
    let e = panics(|| linalg::transpose(m, Axis(0), Axis(5)));
    check(&e, file!(), l, "transpose", &["5", "[2, 3]"]);
    let l = line!() + 1;
    let e = err(linalg::try_t(a));
    check(&e, file!(), l, "t", &["[2]"]);
    let l = line!() + 1;
    let e = panics(|| linalg::t(a));
    check(&e, file!(), l, "t", &["[2]"]);
}

#[test]
fn reductions() {
    let tape = Tape::<f64>::new();
    let empty = tape.tensor([0], vec![]);
    let m = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let (ax, bad) = (Axis(3), ["3", "[2, 2]"]);
    let no = ["[0]"];

    let l = line!() + 1;
    let e = err(reduce::try_max(empty));
    check(&e, file!(), l, "max", &no);
    let l = line!() + 1;
    let e = panics(|| reduce::max(empty));
    check(&e, file!(), l, "max", &no);
    let l = line!() + 1;
    let e = err(reduce::try_min(empty));
    check(&e, file!(), l, "min", &no);
    let l = line!() + 1;
    let e = panics(|| reduce::min(empty));
    check(&e, file!(), l, "min", &no);
    let l = line!() + 1;
    let e = err(reduce::try_argmax(empty));
    check(&e, file!(), l, "argmax", &no);
    let l = line!() + 1;
    let e = panics(|| reduce::argmax(empty));
    check(&e, file!(), l, "argmax", &no);
    let l = line!() + 1;
    let e = err(reduce::try_argmin(empty));
    check(&e, file!(), l, "argmin", &no);
    let l = line!() + 1;
    let e = panics(|| reduce::argmin(empty));
    check(&e, file!(), l, "argmin", &no);
    let l = line!() + 1;
    let e = err(reduce::try_logsumexp(empty));
    check(&e, file!(), l, "logsumexp", &no);
    let l = line!() + 1;
    let e = panics(|| reduce::logsumexp(empty));
    check(&e, file!(), l, "logsumexp", &no);

    let l = line!() + 1;
    let e = err(reduce::try_max_axis(m, ax));
    check(&e, file!(), l, "max", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::max_axis(m, ax));
    check(&e, file!(), l, "max", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_min_axis(m, ax));
    check(&e, file!(), l, "min", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::min_axis(m, ax));
    check(&e, file!(), l, "min", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_argmax_axis(m, ax));
    check(&e, file!(), l, "argmax", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::argmax_axis(m, ax));
    check(&e, file!(), l, "argmax", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_argmin_axis(m, ax));
    check(&e, file!(), l, "argmin", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::argmin_axis(m, ax));
    check(&e, file!(), l, "argmin", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_logsumexp_axis(m, ax));
    check(&e, file!(), l, "logsumexp", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::logsumexp_axis(m, ax));
    check(&e, file!(), l, "logsumexp", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_sum_axis(m, ax));
    check(&e, file!(), l, "sum", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::sum_axis(m, ax));
    check(&e, file!(), l, "sum", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_mean_axis(m, ax));
    check(&e, file!(), l, "mean", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::mean_axis(m, ax));
    check(&e, file!(), l, "mean", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_softmax(m, ax));
    check(&e, file!(), l, "softmax", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::softmax(m, ax));
    check(&e, file!(), l, "softmax", &bad);
    let l = line!() + 1;
    let e = err(reduce::try_log_softmax(m, ax));
    check(&e, file!(), l, "log_softmax", &bad);
    let l = line!() + 1;
    let e = panics(|| reduce::log_softmax(m, ax));
    check(&e, file!(), l, "log_softmax", &bad);
}

#[test]
fn temperatures() {
    let tape = Tape::<f64>::new();
    let m = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let beta = ["-1"];
    let l = line!() + 1;
    let e = err(reduce::try_logsum(m, -1.0));
    check(&e, file!(), l, "logsum", &beta);
    let l = line!() + 1;
    let e = panics(|| reduce::logsum(m, -1.0));
    check(&e, file!(), l, "logsum", &beta);
    let l = line!() + 1;
    let e = reduce::try_logsum_axis(m, Axis(1), -1.0)
        .unwrap_err()
        .to_string();
    check(&e, file!(), l, "logsum", &beta);
    let l = line!() + 1;
    let e = panics(|| reduce::logsum_axis(m, Axis(1), -1.0));
    check(&e, file!(), l, "logsum", &beta);
    let l = line!() + 1;
    let e = reduce::try_softmax_beta(m, Axis(1), -1.0)
        .unwrap_err()
        .to_string();
    check(&e, file!(), l, "softmax", &beta);
    let l = line!() + 1;
    let e = panics(|| reduce::softmax_beta(m, Axis(1), -1.0));
    check(&e, file!(), l, "softmax", &beta);
    let l = line!() + 1;
    let e = reduce::try_log_softmax_beta(m, Axis(1), -1.0)
        .unwrap_err()
        .to_string();
    check(&e, file!(), l, "log_softmax", &beta);
    let l = line!() + 1;
    let e = panics(|| reduce::log_softmax_beta(m, Axis(1), -1.0));
    check(&e, file!(), l, "log_softmax", &beta);
}

#[test]
fn structure() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2], vec![1.0, 2.0]);
    let b = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let m = tape.tensor([2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    let l = line!() + 1;
    let e = err(st::try_one_hot(&tape, 3, &[5]));
    check(&e, file!(), l, "one_hot", &["5", "3"]);
    let l = line!() + 1;
    let e = panics(|| st::one_hot(&tape, 3, &[5]));
    check(&e, file!(), l, "one_hot", &["5", "3"]);
    let l = line!() + 1;
    let e = err(st::try_where_mask(&[true], a, a));
    check(&e, file!(), l, "where_mask", &["1", "2"]);
    let l = line!() + 1;
    let e = panics(|| st::where_mask(&[true], a, a));
    check(&e, file!(), l, "where_mask", &["1", "2"]);
    let l = line!() + 1;
    let e = err(st::try_switch(&[a, a], 7));
    check(&e, file!(), l, "switch", &["7", "2"]);
    let l = line!() + 1;
    let e = panics(|| st::switch(&[a, a], 7));
    check(&e, file!(), l, "switch", &["7", "2"]);
    let l = line!() + 1;
    let e = err(st::try_add_n::<f64>(&[]));
    check(&e, file!(), l, "add_n", &["at least one"]);
    let l = line!() + 1;
    let e = panics(|| st::add_n::<f64>(&[]));
    check(&e, file!(), l, "add_n", &["at least one"]);
    let l = line!() + 1;
    let e = err(st::try_concat(&[a, m], Axis(0)));
    check(&e, file!(), l, "concat", &["[2]", "[2, 2]"]);
    let l = line!() + 1;
    let e = panics(|| st::concat(&[a, m], Axis(0)));
    check(&e, file!(), l, "concat", &["[2]", "[2, 2]"]);
    let l = line!() + 1;
    let e = err(st::try_stack(&[a, b], Axis(0)));
    check(&e, file!(), l, "stack", &["[2]", "[3]"]);
    let l = line!() + 1;
    let e = panics(|| st::stack(&[a, b], Axis(0)));
    check(&e, file!(), l, "stack", &["[2]", "[3]"]);
    let l = line!() + 1;
    let e = err(a.try_reshape([3]));
    check(&e, file!(), l, "reshape", &["[2]", "[3]"]);
    let l = line!() + 1;
    let e = panics(|| a.reshape([3]));
    check(&e, file!(), l, "reshape", &["[2]", "[3]"]);
    let l = line!() + 1;
    let e = err(a.try_broadcast_to([3]));
    check(&e, file!(), l, "broadcast_to", &["[2]", "[3]"]);
    let l = line!() + 1;
    let e = panics(|| a.broadcast_to([3]));
    check(&e, file!(), l, "broadcast_to", &["[2]", "[3]"]);
    let l = line!() + 1;
    let e = err(m.try_slice(Axis(1), 1..4));
    check(&e, file!(), l, "slice", &["4", "[2, 2]"]);
    let l = line!() + 1;
    let e = panics(|| m.slice(Axis(1), 1..4));
    check(&e, file!(), l, "slice", &["4", "[2, 2]"]);
    let l = line!() + 1;
    let e = err(m.try_select(Axis(0), 9));
    check(&e, file!(), l, "select", &["9", "2"]);
    let l = line!() + 1;
    let e = panics(|| m.select(Axis(0), 9));
    check(&e, file!(), l, "select", &["9", "2"]);
    let l = line!() + 1;
    let e = err(m.try_index_select(Axis(1), &[0, 9]));
    check(&e, file!(), l, "index_select", &["9", "2"]);
    let l = line!() + 1;
    let e = panics(|| m.index_select(Axis(1), &[0, 9]));
    check(&e, file!(), l, "index_select", &["9", "2"]);
    let l = line!() + 1;
    let e = err(m.try_gather_rows(&[0, 9]));
    check(&e, file!(), l, "gather_rows", &["9", "2"]);
    let l = line!() + 1;
    let e = panics(|| m.gather_rows(&[0, 9]));
    check(&e, file!(), l, "gather_rows", &["9", "2"]);
}
