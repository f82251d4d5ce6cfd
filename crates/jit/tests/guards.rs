//! Guards: a trace is valid for the branches it took; inputs that flip a traced comparison
//! are refused with the comparison's line, never given the other branch's gradient.
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;
use wengert_tape::trace::Cmp;
use wengert_tape::Var;

fn piecewise<'t>(x: Var<'t, f64>) -> Var<'t, f64> {
    if x > 1.0 {
        x * x
    } else {
        x * 3.0
    }
}

#[test]
fn a_flipped_branch_is_an_error_naming_the_line() {
    let c = Compiled::trace(&[2.0], |_, v| piecewise(v[0])).unwrap();
    let mut g = [0.0];
    assert_eq!(c.value_and_grad(&[3.0], &mut g).unwrap(), 9.0);
    assert_eq!(g, [6.0]);
    let err = c.value_and_grad(&[0.5], &mut g).unwrap_err();
    match err.kind() {
        ErrorKind::Guard { id: 0, loc } => {
            assert_eq!((loc.file(), loc.line()), (file!(), 9));
        }
        k => panic!("{k:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("another branch") && msg.contains(file!()),
        "{msg}"
    );
    assert!(c.value(&[0.5]).is_err());
    // The other branch traced on its own is fine there.
    let d = Compiled::trace(&[0.0], |_, v| piecewise(v[0])).unwrap();
    assert_eq!(d.value_and_grad(&[0.5], &mut g).unwrap(), 1.5);
    assert_eq!(g, [3.0]);
}

#[test]
fn a_branch_written_as_select_compiles_both_sides() {
    let c = Compiled::trace(&[2.0], |t, v| {
        let one = t.constant(1.0);
        v[0].select_cmp(Cmp::Gt, one, v[0] * v[0], v[0] * 3.0)
    })
    .unwrap();
    let mut g = [0.0];
    assert_eq!((c.value_and_grad(&[3.0], &mut g).unwrap(), g), (9.0, [6.0]));
    assert_eq!((c.value_and_grad(&[0.5], &mut g).unwrap(), g), (1.5, [3.0]));
}

#[test]
fn loops_with_a_value_dependent_exit_are_guarded_per_iteration() {
    // Newton's iteration for √a, stopping when the step is small: the trip count is frozen.
    let c = Compiled::trace(&[2.0], |_, v| {
        let mut y = v[0];
        loop {
            let next = (y + v[0] / y) * 0.5;
            if (next - y).abs() < 1e-3 {
                return next;
            }
            y = next;
        }
    })
    .unwrap();
    let mut g = [0.0];
    let y = c.value_and_grad(&[2.1], &mut g).unwrap();
    assert!((y - 2.1f64.sqrt()).abs() < 1e-6);
    assert!((g[0] - 0.5 / 2.1f64.sqrt()).abs() < 1e-4);
    assert!(matches!(
        c.value(&[50.0]).unwrap_err().kind(),
        ErrorKind::Guard { .. }
    ));
}

#[test]
fn retracing_keeps_one_trace_per_branch_path() {
    use wengert_jit::compiled::Retracing;
    let f = Retracing::new(&[2.0], 2, |_, v| piecewise(v[0]) + piecewise(v[0] * 0.5)).unwrap();
    let mut g = [0.0];
    // x = 3: both branches x² (x > 1, x/2 > 1): y = x² + x²/4, y' = 2.5x.
    assert_eq!(
        (f.value_and_grad(&[3.0], &mut g).unwrap(), g),
        (11.25, [7.5])
    );
    // x = 0.5: both 3x: y = 3x + 1.5x, y' = 4.5 (a new path: traced).
    assert_eq!(
        (f.value_and_grad(&[0.5], &mut g).unwrap(), g),
        (2.25, [4.5])
    );
    assert_eq!(f.traces(), 2);
    // Back and forth: both paths are kept, nothing is traced again.
    for _ in 0..3 {
        assert_eq!(f.value(&[3.0]).unwrap(), 11.25);
        assert_eq!(f.value(&[0.5]).unwrap(), 2.25);
    }
    assert_eq!(f.traces(), 2);
    // x = 1.5: x² and 3(x/2), a third path: the oldest is dropped.
    assert_eq!(f.value(&[1.5]).unwrap(), 2.25 + 2.25);
    assert_eq!(f.traces(), 2);
    let mut hv = [0.0];
    f.hvp(&[1.5], &[1.0], &mut hv).unwrap();
    assert_eq!(hv, [2.0]);
}
