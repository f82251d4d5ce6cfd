//! Anomaly mode: `try_backward` stops at the first node, in sweep order, whose value or
//! gradient is not finite, and reports the op's name, the node's index (on the scalar or the
//! tensor list) and the source line that recorded it.
use super::at;
use wengert::prelude::*;
use wengert::tape::ErrorKind;

#[test]
fn a_scalar_op_with_a_non_finite_value() {
    let mut tape = Tape::<f64>::new();
    tape.set_anomaly(true);
    let x = tape.var(-1.0); // scalar node 0
    let line = line!() + 1;
    let y = x.ln(); // node 1: ln(−1) = NaN, the first bad value
    let z = y.sqrt() * 2.0; // NaN again, later: not the one reported
    let err = tape.try_backward(z).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Anomaly {
            op: "ln",
            node: 1,
            what: "value"
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("the value of node 1 (ln) is not finite"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    assert_eq!(err.location().unwrap().line(), line);
}

#[test]
fn a_tensor_op_with_a_non_finite_value() {
    let mut tape = Tape::<f64>::new();
    tape.set_anomaly(true);
    let x = tape.tensor([3], vec![1.0, -1.0, 2.0]); // tensor node 0
    let a = x.exp(); // tensor node 1: finite
    let line = line!() + 1;
    let y = (a - 2.0).ln(); // node 2 the shift, node 3 the ln: ln(e − 2) fine, ln(e⁻¹ − 2) NaN
    let s = y.sum();
    let err = tape.try_backward(s).unwrap_err();
    let ErrorKind::Anomaly { op, node, what } = err.kind().clone() else {
        panic!("{err}");
    };
    assert_eq!((op, what), ("ln", "value"), "{err}");
    assert_eq!(node, 3, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("node {node} (ln)")), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");
}

/// sqrt at 0 has a finite value and an infinite derivative: its backward rule turns a finite
/// gradient into an infinite one, and the sqrt node is reported as "gradient".
#[test]
fn a_scalar_gradient_only_anomaly() {
    let mut tape = Tape::<f64>::new();
    tape.set_anomaly(true);
    let x = tape.var(0.0);
    let a = x * 2.0; // node 1: value 0, and its gradient will be 3·∞
    let line = line!() + 1;
    let y = a.sqrt() * 3.0; // node 2: d sqrt(a)/da = 1/(2√a) = ∞ at 0
    assert!(y.value().is_finite());
    let err = tape.try_backward(y).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Anomaly {
            op: "sqrt",
            node: 2,
            what: "gradient"
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("the backward of node 2 (sqrt) produced a non-finite gradient"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
}

#[test]
fn a_tensor_gradient_only_anomaly() {
    let mut tape = Tape::<f64>::new();
    tape.set_anomaly(true);
    let x = tape.tensor([2], vec![0.0, 4.0]);
    let a = x * 2.0; // tensor node 1
    let line = line!() + 1;
    let y = a.sqrt().sum(); // tensor node 2, √0: finite value, infinite derivative
    assert_eq!(y.value(), 8f64.sqrt());
    let err = tape.try_backward(y).unwrap_err();
    let ErrorKind::Anomaly { node, what, .. } = err.kind().clone() else {
        panic!("{err}");
    };
    assert_eq!((node, what), (2, "gradient"), "{err}");
    assert!(err.to_string().contains(&at(file!(), line)), "{err}");
}

/// Without anomaly mode the same graphs still give a result (IEEE values), and with it a
/// clean graph is unaffected.
#[test]
fn anomaly_mode_off_and_clean_graphs() {
    let tape = Tape::<f64>::new();
    let x = tape.var(0.0);
    let y = x.sqrt() * 3.0;
    assert!(tape.backward(y)[x].is_infinite());

    let mut tape = Tape::<f64>::new();
    tape.set_anomaly(true);
    let x = tape.var(2.0);
    let y = x.ln() * x;
    assert_eq!(tape.try_backward(y).unwrap()[x], 2f64.ln() + 1.0);
}
