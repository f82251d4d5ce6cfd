//! Bad input to the compiled path: each error names what went wrong and the caller's line.
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;

#[test]
fn a_tensor_output_is_refused_at_the_callers_line() {
    // Tensor ops compile (tests/tensors.rs); an output must be a scalar or one element.
    let err = Compiled::trace(&[1.0], |t, v| t.tensor([2], vec![1.0, 2.0]) * v[0])
        .err()
        .unwrap();
    assert!(matches!(err.kind(), ErrorKind::Trace(_)));
    let msg = err.to_string();
    assert!(
        msg.contains("an output is a tensor of shape [2]") && msg.contains(file!()),
        "{msg}"
    );
    let f = Compiled::trace(&[1.0], |t, v| {
        (t.tensor([2], vec![1.0, 2.0]) * v[0]).sum_all()
    });
    assert_eq!(f.unwrap().value(&[2.0]).unwrap(), 6.0);
}

#[test]
fn a_map_param_without_a_primitive_is_unsupported() {
    let err = Compiled::trace(&[1.0], |_, v| {
        v[0].map_param("shift", 2.0, |x, p| x + p, |_, _, _| 1.0)
    })
    .err()
    .unwrap();
    assert!(
        matches!(err.kind(), ErrorKind::Unsupported { op: "shift", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("map_param_prim"), "{err}");
}

#[test]
fn every_call_checks_its_lengths_at_the_callers_line() {
    let f = Compiled::trace_many(&[1.0, 2.0], |_, v| vec![v[0] * v[1], v[0].sin()]).unwrap();
    let mut two = [0.0; 2];
    let mut three = [0.0; 3];
    let errs = [
        f.value(&[1.0]).err(),
        f.values(&[1.0, 2.0], &mut three).err(),
        f.value_and_grad(&[1.0, 2.0], &mut three).err(),
        f.vjp(&[1.0, 2.0], &[1.0], &mut two).err(),
        f.jacobian(&[1.0, 2.0], &mut three).err(),
        f.hvp(&[1.0, 2.0], &[1.0, 2.0, 3.0], &mut two).err(),
    ];
    for e in errs {
        let e = e.expect("a length error");
        assert!(matches!(e.kind(), ErrorKind::Length { .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("has length") && msg.contains(file!()), "{msg}");
    }
    let ok = f.values(&[1.0, 2.0], &mut two);
    assert!(ok.is_ok());
    assert_eq!(two, [2.0, 1f64.sin()]);
}

#[test]
fn constant_and_empty_outputs() {
    let f = Compiled::trace(&[1.0], |t, _| t.constant(2.0)).unwrap();
    let mut g = [7.0];
    assert_eq!((f.value_and_grad(&[3.0], &mut g).unwrap(), g), (2.0, [0.0]));
    let none = Compiled::trace_many(&[1.0], |_, _| vec![]).unwrap();
    let err = none.value(&[1.0]).unwrap_err();
    assert!(
        err.to_string()
            .contains("the function's outputs has length 0"),
        "{err}"
    );
    assert!(none.value_and_grad(&[1.0], &mut g).is_err());
    let mut jac: [f64; 0] = [];
    assert!(none.jacobian(&[1.0], &mut jac).is_ok());
}
