//! Literal tests of the structure ops: values, hand-derived derivatives and error messages.
use wengert_ops::prelude::*;
use wengert_ops::structure::{
    add_n, concat, one_hot, stack, switch, try_add_n, try_concat, try_one_hot, try_stack,
    try_switch, try_where_mask, where_mask,
};
use wengert_tape::{ErrorKind, Tape};

fn iota<'t>(tape: &'t Tape<f64>, dims: &[usize]) -> wengert_tape::Var<'t, f64> {
    let n = dims.iter().product::<usize>();
    tape.tensor(dims, (0..n).map(|i| i as f64).collect())
}

#[test]
fn reshape_and_flatten_copy_values_and_gradients() {
    let tape = Tape::<f64>::new();
    let x = iota(&tape, &[2, 3]);
    let y = x.reshape([3, 1, 2]);
    assert_eq!(y.shape().dims(), &[3, 1, 2]);
    assert_eq!(y.to_vec(), x.to_vec());
    // Y = X reshaped: dL/dX is the cotangent in the same row-major order.
    let g = tape.vjp(y, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(g.wrt(x), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let f = x.flatten();
    assert_eq!(f.shape().dims(), &[6]);
    // A scalar flattens to one element.
    assert_eq!(tape.var(2.0).flatten().shape().dims(), &[1]);
}

#[test]
fn broadcast_to_sums_the_gradient_over_stretched_axes() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3, 1], vec![1.0, 2.0, 3.0]);
    let y = x.broadcast_to([2, 3, 2]);
    assert_eq!(
        y.to_vec(),
        vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]
    );
    // Y[b, i, j] = X[i, 0]: dL/dX_i = Σ_{b, j} G[b, i, j]; with G[o] = o:
    // X_0 gets 0 + 1 + 6 + 7 = 14, X_1 gets 2 + 3 + 8 + 9 = 22, X_2 gets 4 + 5 + 10 + 11 = 30
    let ct: Vec<f64> = (0..12).map(f64::from).collect();
    assert_eq!(tape.vjp(y, &ct).wrt(x), &[14.0, 22.0, 30.0]);
    // A scalar broadcasts anywhere and collects the whole sum.
    let s = tape.var(5.0);
    let y = s.broadcast_to([2, 2]);
    assert_eq!(y.to_vec(), vec![5.0; 4]);
    assert_eq!(tape.backward(y.sum_all())[s], 4.0);
}

#[test]
fn slice_select_and_index_select() {
    let tape = Tape::<f64>::new();
    let x = iota(&tape, &[3, 4]);
    let s = x.slice(Axis(0), 1..3);
    assert_eq!(s.shape().dims(), &[2, 4]);
    assert_eq!(s.to_vec(), (4..12).map(f64::from).collect::<Vec<_>>());
    // dL/dX is the cotangent on rows 1 and 2, zero on row 0
    let g = tape.backward(s.sum_all());
    assert_eq!(g.wrt(x), &[0., 0., 0., 0., 1., 1., 1., 1., 1., 1., 1., 1.]);
    assert_eq!(x.slice(Axis(1), 2..2).shape().dims(), &[3, 0]);

    // The switch module: row 2 only
    let r = x.select(Axis(0), 2);
    assert_eq!(r.shape().dims(), &[4]);
    assert_eq!(r.to_vec(), vec![8.0, 9.0, 10.0, 11.0]);
    let c = x.select(Axis(1), 1);
    assert_eq!(c.to_vec(), vec![1.0, 5.0, 9.0]);
    let g = tape.vjp(c, &[1.0, 2.0, 3.0]);
    assert_eq!(g.wrt(x), &[0., 1., 0., 0., 0., 2., 0., 0., 0., 3., 0., 0.]);

    let y = x.index_select(Axis(1), &[3, 0, 3]);
    assert_eq!(y.shape().dims(), &[3, 3]);
    assert_eq!(y.to_vec(), vec![3., 0., 3., 7., 4., 7., 11., 8., 11.]);
    // Repeated index 3 accumulates: column 3 gets 2 per row, column 0 gets 1, others 0.
    let g = tape.backward(y.sum_all());
    assert_eq!(g.wrt(x), &[1., 0., 0., 2., 1., 0., 0., 2., 1., 0., 0., 2.]);
    assert_eq!(x.index_select(Axis(0), &[]).shape().dims(), &[0, 4]);
}

#[test]
fn gather_rows_picks_one_energy_per_sample() {
    let tape = Tape::<f64>::new();
    let e = iota(&tape, &[3, 2]);
    let y = e.gather_rows(&[1, 0, 1]);
    assert_eq!(y.to_vec(), vec![1.0, 2.0, 5.0]);
    // dL/dE[i, j] = G_i if j = idx_i else 0
    let g = tape.vjp(y, &[10.0, 20.0, 30.0]);
    assert_eq!(g.wrt(e), &[0.0, 10.0, 20.0, 0.0, 0.0, 30.0]);
}

#[test]
fn concat_and_stack() {
    let tape = Tape::<f64>::new();
    let a = iota(&tape, &[2, 2]);
    let b = tape.tensor([2, 1], vec![10.0, 20.0]);
    let c = concat(&[a, b], Axis(1));
    assert_eq!(c.shape().dims(), &[2, 3]);
    assert_eq!(c.to_vec(), vec![0.0, 1.0, 10.0, 2.0, 3.0, 20.0]);
    // Each input gets its block of the cotangent G = [[1, 2, 3], [4, 5, 6]].
    let g = tape.vjp(c, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(g.wrt(a), &[1.0, 2.0, 4.0, 5.0]);
    assert_eq!(g.wrt(b), &[3.0, 6.0]);
    let c0 = concat(&[a, a], Axis(0));
    assert_eq!(c0.to_vec(), vec![0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0]);
    // a used twice: both blocks add up.
    assert_eq!(tape.backward(c0.sum_all()).wrt(a), &[2.0; 4]);

    let s = stack(&[a, a * 2.0], Axis(1));
    assert_eq!(s.shape().dims(), &[2, 2, 2]);
    assert_eq!(s.to_vec(), vec![0.0, 1.0, 0.0, 2.0, 2.0, 3.0, 4.0, 6.0]);
    // L = Σ (A, 2A) stacked: dL/dA = 1 + 2
    assert_eq!(tape.backward(s.sum_all()).wrt(a), &[3.0; 4]);
    assert_eq!(stack(&[a, a], Axis(2)).shape().dims(), &[2, 2, 2]);

    // Scalars stack into a vector.
    let xs = tape.vars(&[1.0, 2.0, 3.0]);
    let v = stack(&xs, Axis(0));
    assert_eq!(v.shape().dims(), &[3]);
    assert_eq!(v.to_vec(), vec![1.0, 2.0, 3.0]);
    let g = tape.vjp(v, &[4.0, 5.0, 6.0]);
    assert_eq!((g[xs[0]], g[xs[1]], g[xs[2]]), (4.0, 5.0, 6.0));
}

#[test]
fn one_hot_where_mask_switch_add_n() {
    let tape = Tape::<f64>::new();
    let h = one_hot(&tape, 3, &[1, 1, 0]);
    assert_eq!(h.to_vec(), vec![0., 1., 0., 0., 1., 0., 1., 0., 0.]);
    assert!(!h.requires_grad());
    assert_eq!(one_hot(&tape, 2, &[]).shape().dims(), &[0, 2]);

    let a = iota(&tape, &[2, 2]);
    let b = tape.tensor([2, 2], vec![-1.0; 4]);
    let y = where_mask(&[false, true, true, false], a, b);
    assert_eq!(y.to_vec(), vec![-1.0, 1.0, 2.0, -1.0]);
    // The cotangent goes to A where the mask is set, to B elsewhere.
    let g = tape.vjp(y, &[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(g.wrt(a), &[0.0, 2.0, 3.0, 0.0]);
    assert_eq!(g.wrt(b), &[1.0, 0.0, 0.0, 4.0]);

    let xs = [a, b, a * 3.0];
    let y = switch(&xs, 2);
    assert_eq!(y.to_vec(), vec![0.0, 3.0, 6.0, 9.0]);
    // Y = 3A: dL/dA = 3, and B gets nothing.
    let g = tape.backward(y.sum_all());
    assert_eq!(g.wrt(a), &[3.0; 4]);
    assert_eq!(g.wrt(b), &[0.0; 4]);

    let y = add_n(&[a, b, a]);
    assert_eq!(y.to_vec(), vec![-1.0, 1.0, 3.0, 5.0]);
    let g = tape.backward(y.sum_all());
    assert_eq!(g.wrt(a), &[2.0; 4]);
    assert_eq!(g.wrt(b), &[1.0; 4]);

    // Scalars are summed on the scalar path and stay scalars.
    let s = tape.vars(&[1.0, 2.0, 4.0]);
    let y = add_n(&s) * 2.0;
    assert!(!y.is_tensor());
    assert_eq!(y.value(), 14.0);
    let g = tape.backward(y);
    assert_eq!((g[s[0]], g[s[1]], g[s[2]]), (2.0, 2.0, 2.0));
}

#[test]
fn error_messages_name_the_op_the_shapes_and_the_caller() {
    let tape = Tape::<f64>::new();
    let x = iota(&tape, &[2, 3]);
    let y = iota(&tape, &[3, 3]);
    let here = file!();
    let check = |r: Result<wengert_tape::Var<'_, f64>, wengert_tape::Error>, want: &str| {
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains(want), "{msg:?} should contain {want:?}");
        assert!(msg.contains(here), "{msg:?} should name {here}");
    };
    check(
        x.try_reshape([4]),
        "reshape: shape mismatch: [2, 3] and [4]",
    );
    check(
        x.try_broadcast_to([3, 3]),
        "broadcast_to: shapes [2, 3] and [3, 3] cannot be broadcast together",
    );
    check(
        x.try_broadcast_to([3]),
        "broadcast_to: shapes [2, 3] and [3] cannot be broadcast together",
    );
    check(
        x.try_slice(Axis(2), 0..1),
        "slice: axis 2 is out of range for a tensor of shape [2, 3] (rank 2)",
    );
    check(
        x.try_slice(Axis(1), 1..4),
        "slice: range 1..4 is out of bounds for axis 1 of length 3 (shape [2, 3])",
    );
    check(
        x.try_select(Axis(0), 2),
        "select: index 2 is out of range for length 2",
    );
    check(
        x.try_index_select(Axis(1), &[0, 3]),
        "index_select: index 3 is out of range for length 3",
    );
    check(
        x.try_gather_rows(&[0]),
        "gather_rows: 1 indices given for the 2 rows of shape [2, 3]",
    );
    check(
        x.try_gather_rows(&[0, 5]),
        "gather_rows: index 5 is out of range for length 3",
    );
    check(
        x.flatten().try_gather_rows(&[0]),
        "gather_rows: expects a 2-D (n, k) tensor, got shape [6]",
    );
    check(
        try_concat(&[x, y], Axis(1)),
        "concat: shape mismatch: [2, 3] and [3, 3]",
    );
    check(
        try_concat(&[tape.var(1.0)], Axis(0)),
        "concat: cannot concatenate rank-0 tensors",
    );
    check(
        try_concat(&[], Axis(0)),
        "concat: needs at least one tensor",
    );
    check(
        try_stack(&[x, y], Axis(0)),
        "stack: shape mismatch: [2, 3] and [3, 3]",
    );
    check(
        try_stack(&[x], Axis(3)),
        "stack: axis 3 is out of range for a tensor of shape [2, 3]",
    );
    check(
        try_one_hot(&tape, 3, &[0, 3]),
        "one_hot: index 3 is out of range for length 3",
    );
    check(
        try_where_mask(&[true; 6], x, y),
        "where_mask: shape mismatch: [2, 3] and [3, 3]",
    );
    check(
        try_where_mask(&[true; 5], x, x),
        "where_mask: the mask has 5 elements but the operands have shape [2, 3]",
    );
    check(
        try_switch(&[x, x], 2),
        "switch: index 2 is out of range for length 2",
    );
    check(
        try_switch(&[x, y], 0),
        "switch: shape mismatch: [2, 3] and [3, 3]",
    );
    check(
        try_add_n(&[x, y]),
        "add_n: shape mismatch: [2, 3] and [3, 3]",
    );
    check(try_add_n(&[]), "add_n: needs at least one input");
}

#[test]
fn different_tapes_are_an_error() {
    let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
    let a = t1.tensor([2], vec![1.0, 2.0]);
    let b = t2.tensor([2], vec![1.0, 2.0]);
    let err = try_concat(&[a, b], Axis(0)).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::DifferentTapes { op: "concat" }
    ));
    let err = try_add_n(&[a, b]).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::DifferentTapes { op: "add_n" }
    ));
}

#[test]
#[should_panic(expected = "select: index 5 is out of range for length 3")]
fn select_panics_with_the_index() {
    let tape = Tape::<f32>::new();
    let x = tape.tensor([3], vec![0.0; 3]);
    let _ = x.select(Axis(0), 5);
}

/// Every VJP adds into a gradient other consumers already wrote: `Σ x`, recorded last, is
/// swept first and contributes 1 to every element.
#[test]
fn vjps_add_to_existing_gradients() {
    let tape = Tape::<f64>::new();
    let x = iota(&tape, &[2, 2]);
    let ops = [
        x.reshape([4]).sum_all(),
        x.flatten().sum_all(),
        x.broadcast_to([3, 2, 2]).sum_all(),
        x.slice(Axis(1), 0..2).sum_all(),
        x.select(Axis(0), 1).sum_all(),
        x.index_select(Axis(0), &[0, 1]).sum_all(),
        x.gather_rows(&[1, 0]).sum_all(),
        concat(&[x, x], Axis(0)).sum_all(),
        stack(&[x], Axis(0)).sum_all(),
        where_mask(&[true, false, true, false], x, x).sum_all(),
        add_n(&[x, x]).sum_all(),
    ];
    // Per op, the gradient of its sum with respect to x, computed by hand.
    let want: [[f64; 4]; 11] = [
        [1.0; 4],
        [1.0; 4],
        [3.0; 4],
        [1.0; 4],
        [0.0, 0.0, 1.0, 1.0],
        [1.0; 4],
        [0.0, 1.0, 1.0, 0.0],
        [2.0; 4],
        [1.0; 4],
        [1.0; 4],
        [2.0; 4],
    ];
    for (y, w) in ops.iter().zip(&want) {
        let l = *y + x.sum_all();
        let g = tape.backward(l);
        let expect: Vec<f64> = w.iter().map(|v| v + 1.0).collect();
        assert_eq!(g.wrt(x), &expect[..]);
    }
}
