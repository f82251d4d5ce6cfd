//! A clear error for every kind of bad input: the message names the op and the shapes or
//! values involved, and carries the caller's source line (checked with `line!()`). Where the
//! failure depends on data there is a `try_` variant returning the same error as a value.
use super::{at, panic_message};
use wengert::ebm::{infer, loss};
use wengert::prelude::*;
use wengert::tape::gradcheck::gradcheck;
use wengert::tape::ErrorKind;

#[test]
fn shape_mismatch_names_the_op_and_both_shapes() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 3], vec![0.0; 6]);
    let b = tape.tensor([2, 3], vec![0.0; 6]);
    let line = line!() + 1;
    let err = a.try_matmul(b).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::ShapeMismatch { op: "matmul", .. }
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("matmul") && msg.contains("[2, 3] and [2, 3]"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = a.matmul(b);
    });
    assert!(msg.contains("matmul") && msg.contains("[2, 3]"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    // A cotangent of the wrong length for vjp.
    let err = tape.try_vjp(a, &[1.0; 5]).unwrap_err();
    assert!(
        err.to_string()
            .contains("vjp: shape mismatch: [2, 3] and [5]"),
        "{err}"
    );
}

#[test]
fn broadcasting_that_cannot_apply() {
    let tape = Tape::<f64>::new();
    let a = tape.tensor([2, 3], vec![0.0; 6]);
    let b = tape.tensor([2], vec![0.0; 2]);
    let line = line!() + 1;
    let err = a.try_add(b).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Broadcast { op: "add", .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("add: shapes [2, 3] and [2] cannot be broadcast together"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = a * b;
    });
    assert!(
        msg.contains("mul: shapes [2, 3] and [2] cannot be broadcast"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let line = line!() + 1;
    let err = b.try_broadcast_to([3, 3]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("broadcast_to") && msg.contains("[2] and [3, 3]"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
}

#[test]
fn backward_of_a_non_scalar_without_a_cotangent() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let y = x * x;
    let line = line!() + 1;
    let err = tape.try_backward(y).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NonScalarBackward { .. }));
    let msg = err.to_string();
    assert!(msg.contains("shape [3], not one element; use vjp"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = tape.backward(y);
    });
    assert!(
        msg.contains("use vjp") && msg.contains(&at(file!(), line)),
        "{msg}"
    );
}

#[test]
fn vars_from_two_different_tapes() {
    let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
    let (a, b) = (t1.var(1.0), t2.var(2.0));
    let line = line!() + 1;
    let err = a.try_mul(b).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::DifferentTapes { op: "mul" });
    let msg = err.to_string();
    assert!(
        msg.contains("mul: the operands were recorded on different tapes"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = a + b;
    });
    assert!(
        msg.contains("add: the operands were recorded on different tapes"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    // A tensor op, and a backward sweep asked of the wrong tape.
    let (m, v) = (
        t1.tensor([2, 2], vec![1.0; 4]),
        t2.tensor([2], vec![1.0; 2]),
    );
    let msg = panic_message(|| {
        let _ = m.matmul(v);
    });
    assert!(msg.contains("different tapes"), "{msg}");
    let err = t2.try_backward(a).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::DifferentTapes { op: "backward" });
}

#[test]
fn an_index_out_of_range() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([3], vec![1.0, 2.0, 3.0]);
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = x.elem(3);
    });
    assert!(
        msg.contains("elem: index 3 is out of range for length 3"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let line = line!() + 1;
    let err = x.try_select(Axis(0), 7).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::IndexOutOfRange {
            index: 7,
            len: 3,
            ..
        }
    ));
    assert!(err.to_string().contains(&at(file!(), line)), "{err}");

    // The correct answer of a loss outside the label set.
    let line = line!() + 1;
    let err = loss::try_nll(x, 5, 1.0).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::IndexOutOfRange {
            index: 5,
            len: 3,
            ..
        }
    ));
    assert!(err.to_string().contains(&at(file!(), line)), "{err}");
}

#[test]
fn an_empty_label_set() {
    let line = line!() + 1;
    let err = infer::argmin::<f64>(&[]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("argmin: the label set is empty"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let err = infer::try_gibbs::<f64>(&[], 1.0).unwrap_err();
    assert!(err.to_string().contains("the label set is empty"), "{err}");
    let tape = Tape::<f64>::new();
    let empty = tape.tensor([0], vec![]);
    let err = loss::try_hinge(empty, 0, 1.0).unwrap_err();
    assert!(err.to_string().contains("hinge"), "{err}");
}

#[test]
fn beta_must_be_positive() {
    let tape = Tape::<f64>::new();
    let e = tape.tensor([2], vec![1.0, 2.0]);
    for beta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let line = line!() + 1;
        let err = e.try_logsum(beta).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(
            err.kind(),
            ErrorKind::InvalidArgument { op: "logsum", .. }
        ));
        assert!(msg.contains("β must be finite and > 0"), "{msg}");
        assert!(msg.contains(&at(file!(), line)), "{msg}");

        let line = line!() + 1;
        let err = loss::try_nll(e, 0, beta).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("nll") && msg.contains("must be finite and > 0"),
            "{msg}"
        );
        assert!(msg.contains(&at(file!(), line)), "{msg}");

        let line = line!() + 1;
        let err = infer::try_gibbs(&[1.0, 2.0], beta).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("infer::gibbs: β must be finite and > 0"),
            "{msg}"
        );
        assert!(msg.contains(&at(file!(), line)), "{msg}");
        let err = infer::try_free_energy(&[1.0, 2.0], beta).unwrap_err();
        assert!(err.to_string().contains("infer::free_energy"), "{err}");
    }
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = e.logsum(0.0);
    });
    assert!(
        msg.contains("logsum") && msg.contains(&at(file!(), line)),
        "{msg}"
    );
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = loss::nll(e, 0, -2.0);
    });
    assert!(
        msg.contains("nll") && msg.contains(&at(file!(), line)),
        "{msg}"
    );
}

#[test]
fn non_finite_inputs_to_gradcheck() {
    let x = Tensor::new([3], vec![1.0, f64::NAN, 2.0]);
    let err = gradcheck(|_, v| v[0].sum_all(), &[Tensor::scalar(1.0), x]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NonFinite { .. }));
    let msg = err.to_string();
    assert!(msg.contains("gradcheck input 1, element 1 = NaN"), "{msg}");

    let x = Tensor::new([2], vec![f64::INFINITY, 0.0]);
    let err = gradcheck(|_, v| v[0].sum_all(), &[x]).unwrap_err();
    assert!(
        err.to_string().contains("input 0, element 0 = inf"),
        "{err}"
    );

    // A non-finite output is reported too.
    let err = gradcheck(|_, v| v[0].ln().sum_all(), &[Tensor::new([1], vec![-1.0])]).unwrap_err();
    assert!(err.to_string().contains("the output"), "{err}");
}

#[test]
fn invalid_arguments_name_the_op() {
    let tape = Tape::<f64>::new();
    let x = tape.tensor([2, 3], vec![0.0; 6]);
    let line = line!() + 1;
    let err = x.try_sum_axis(Axis(2)).unwrap_err();
    assert!(err.to_string().contains("sum_axis"), "{err}");
    assert!(err.to_string().contains(&at(file!(), line)), "{err}");
    let err = x.try_reshape([4]).unwrap_err();
    assert!(
        err.to_string().contains("reshape") && err.to_string().contains("[2, 3]"),
        "{err}"
    );
    let msg = panic_message(|| {
        let _ = tape.tensor([2, 2], vec![1.0; 3]);
    });
    assert!(
        msg.contains("shape [2, 2] holds 4 elements, but 3 were given"),
        "{msg}"
    );
}
