//! One regression test per cause of a silently wrong result, a crash or a lost file found by
//! the bad-input sweep of issue 13; each failed before its fix.
use super::{at, panic_message};
use wengert::prelude::*;
use wengert::tape::ErrorKind;

/// Cause 1: a `Var` of another tape read another variable's gradient; a `Var` recorded after
/// the sweep panicked with an index out of bounds.
#[test]
fn grads_check_the_tape_identity_and_the_id_range() {
    let (a, b) = (Tape::<f64>::new(), Tape::<f64>::new());
    let (x, _) = (a.var(2.0), a.var(3.0));
    let (z0, z1) = (b.var(5.0), b.var(7.0));
    let t = b.tensor([2], vec![1.0, 2.0]);
    let g = a.backward(x * x);
    assert_eq!(g[x], 4.0);
    for v in [z0, z1, t] {
        let line = line!() + 1;
        let err = g.try_wrt(v).unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::DifferentTapes { op: "grads" }
        ));
        let msg = err.to_string();
        assert!(msg.contains("different tapes"), "{msg}");
        assert!(msg.contains(&at(file!(), line)), "{msg}");
    }
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _v: f64 = g[z1];
    });
    assert!(
        msg.contains("grads: the operands were recorded on different tapes"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    // Recorded after the sweep: a scalar and a tensor.
    let late = a.var(1.0) * a.var(4.0);
    let lt = a.tensor([3], vec![0.0; 3]);
    for (v, index, len) in [(late, 4, 2), (lt, 0, 0)] {
        let err = g.try_wrt(v).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::IndexOutOfRange {
                op: "grads (a Var recorded after the backward sweep)",
                index,
                len
            }
        );
    }
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = g.wrt(lt);
    });
    assert!(msg.contains("recorded after the backward sweep"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");
}

/// Cause 2: slot keys are positional, so a `ParamKey` of one store named a parameter of
/// another; the key now carries its store's identity.
#[test]
fn param_key_is_checked_against_its_store() {
    let (mut a, mut b) = (ParamStore::<f64>::new(), ParamStore::<f64>::new());
    let ka = a.insert("wa", Tensor::new([2], vec![1.0, 2.0]));
    let kb = b.insert("wb", Tensor::new([2], vec![3.0, 4.0]));
    assert!(b.contains(kb) && !b.contains(ka));
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = b.get(ka);
    });
    assert!(
        msg.contains("ParamStore::get: the key belongs to another ParamStore"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    let tape = Tape::<f64>::new();
    let bound = b.bind(&tape);
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = bound.var(ka);
    });
    assert!(
        msg.contains("Bound::var: the key belongs to another ParamStore"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    assert_eq!(bound.var(kb).to_vec(), vec![3.0, 4.0]);
    assert!(b.remove(ka).is_none());
    assert_eq!(b.len(), 1);
    let _ = &mut a;
}

fn square<'t>(_: &'t Tape<f64>, v: &[Var<'t, f64>]) -> Var<'t, f64> {
    (v[0] * v[0]).sum_all()
}

/// Cause 7: gradcheck accepted eps = 0 (a vague non-finite error), atol = inf (a wrong
/// derivative passed) and an empty output (passed having checked nothing).
#[test]
fn gradcheck_validates_its_options_and_refuses_an_empty_check() {
    use wengert::tape::gradcheck::{check_vjp, gradcheck_with, Options};
    let x = [Tensor::new([2], vec![0.5, 1.5])];
    let o = Options::default();
    let cases = [
        (
            Options { eps: 0.0, ..o },
            "eps = 0 must be finite and positive",
        ),
        (Options { eps: f64::NAN, ..o }, "eps = NaN"),
        (
            Options {
                atol: f64::INFINITY,
                ..o
            },
            "atol = inf must be finite",
        ),
        (
            Options { rtol: -1.0, ..o },
            "rtol = -1 must be finite and non-negative",
        ),
    ];
    for (opts, want) in cases {
        let line = line!() + 1;
        let err = gradcheck_with(square, &x, opts).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("gradcheck: ") && msg.contains(want), "{msg}");
        assert!(msg.contains(&at(file!(), line)), "{msg}");
        let msg = check_vjp(square, &x, 1, opts).unwrap_err().to_string();
        assert!(msg.contains("check_vjp: ") && msg.contains(want), "{msg}");
    }
    // Nothing to check: no input element, or no output element.
    let empty = [Tensor::new([0], vec![])];
    let msg = gradcheck_with(square, &empty, o).unwrap_err().to_string();
    assert!(msg.contains("nothing to check"), "{msg}");
    let line = line!() + 1;
    let err = gradcheck_with(|_, v| v[0].slice(Axis(0), 0..0), &x, o).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("nothing to check: the output has no element"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    gradcheck_with(square, &x, o).unwrap();

    // A wrong derivative is reported at the caller's line too.
    struct Half;
    impl wengert::tape::op::Unary<f64> for Half {
        const NAME: &'static str = "half_square";
        fn f(x: f64) -> f64 {
            x * x
        }
        fn df(x: f64, _: f64) -> f64 {
            x // should be 2x
        }
    }
    let line = line!() + 1;
    let err = gradcheck_with(|_, v| v[0].map::<Half>().sum_all(), &x, o).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("gradcheck: d output[0] / d input 0[0]: analytic 5e-1"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
}

/// Cause 4: shape products were unchecked (`[1 << 40, 1 << 24]` wrapped to 0 elements and was
/// accepted), `one_hot` with a huge class count overflowed, and Langevin reserved room for
/// every step up front (2^40 steps aborted the process).
#[test]
fn shape_arithmetic_is_checked() {
    let tape = Tape::<f64>::new();
    let line = line!() + 1;
    let err = tape.try_tensor([1 << 40, 1 << 24], vec![]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("tensor: shape [1099511627776, 16777216] has more than usize::MAX elements"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    let line = line!() + 2;
    let msg = panic_message(|| {
        let _ = tape.tensor([1 << 40, 1 << 24], vec![]);
    });
    assert!(msg.contains("more than usize::MAX elements"), "{msg}");
    assert!(msg.contains(&at(file!(), line)), "{msg}");

    let x = tape.tensor([2, 3], vec![0.0; 6]);
    // 2 · (2^63 + 3) = 2^64 + 6 wrapped to 6: this reshape of 6 elements was accepted.
    let wrap = [2usize, (1 << 63) + 3];
    let err = wengert::ops::structure::try_reshape(x, wrap).unwrap_err();
    assert!(err.to_string().contains("reshape: shape mismatch"), "{err}");
    let err = wengert::ops::structure::try_one_hot(&tape, usize::MAX / 2, &[1, 2, 3]).unwrap_err();
    assert!(
        err.to_string()
            .contains("one_hot: shape [3, 9223372036854775807] has more"),
        "{err}"
    );
    assert!(Tensor::<f64>::try_zeros([1 << 62, 1 << 3]).is_err());

    // Langevin with 2^40 steps: stops at the first non-finite energy instead of aborting.
    use wengert::ebm::energy::from_fn;
    use wengert::ebm::infer::{self, LangevinOptions};
    let model = from_fn::<f64, _>(|_p, _x, y| (y * y * 1e300).sum_all());
    let opts = LangevinOptions {
        step: 1e300,
        beta: 1.0,
        n_steps: 1 << 40,
    };
    let r = infer::try_langevin(
        &model,
        &ParamStore::new(),
        &Tensor::scalar(0.0),
        Tensor::scalar(1.0),
        opts,
        &mut wengert::ebm::init::rng(0),
    );
    assert!(r
        .unwrap_err()
        .to_string()
        .contains("infer::langevin: energy"));
}

/// Recording or sweeping inside `with_values` panicked with RefCell's "already borrowed".
#[test]
fn recording_inside_with_values_names_the_rule() {
    let tape = Tape::<f64>::new();
    let t = tape.tensor([2], vec![1.0, 2.0]);
    let line = line!() + 2;
    let msg = panic_message(|| {
        t.with_values(|_| t * t);
    });
    assert!(
        msg.contains("cannot record an operation or run a backward sweep")
            && msg.contains("inside Var::with_values"),
        "{msg}"
    );
    assert!(msg.contains(&at(file!(), line)), "{msg}");
    let (a, b) = (tape.var(1.0), tape.var(2.0));
    let msg = panic_message(|| {
        t.with_values(|_| a * b);
    });
    assert!(msg.contains("inside Var::with_values"), "{msg}");
    let y = (t * t).sum_all();
    let msg = panic_message(|| {
        t.with_values(|_| drop(tape.backward(y)));
    });
    assert!(msg.contains("inside Var::with_values"), "{msg}");
}

/// Anomaly mode flagged a deliberate `-inf` mask in a constant; it now flags NaN anywhere
/// and an infinity an op produced from finite inputs.
#[test]
fn anomaly_mode_accepts_a_deliberate_minus_inf_mask() {
    use wengert::ops::reduce::softmax;
    let mut tape = Tape::<f64>::new();
    tape.set_anomaly(true);
    {
        let logits = tape.tensor([3], vec![1.0, 2.0, 3.0]);
        let mask = tape.constant_tensor([3], vec![0.0, f64::NEG_INFINITY, 0.0]);
        let p = softmax(logits + mask, Axis(0));
        let y = (p * tape.constant_tensor([3], vec![1.0, 0.0, 0.0])).sum_all();
        let g = tape.try_backward(y).expect("a -inf mask is not an anomaly");
        assert_eq!(g.wrt(logits)[1], 0.0);
    }
    tape.set_anomaly(true);
    {
        // An op that makes an infinity from finite inputs is still flagged: ln 0.
        let x = tape.tensor([2], vec![1.0, 0.0]);
        let line = line!() + 1;
        let y = x.ln().sum_all();
        let err = tape.try_backward(y).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("(ln) is not finite"), "{msg}");
        assert!(msg.contains(&at(file!(), line)), "{msg}");
    }
    tape.set_anomaly(true);
    {
        // NaN anywhere, even in an input.
        let x = tape.tensor([2], vec![1.0, f64::NAN]);
        let err = tape.try_backward(x.sum_all()).unwrap_err();
        assert!(err.to_string().contains("(leaf) is not finite"), "{err}");
    }
}

/// `Tape::clear` keeps peak memory forever (by design, for warm loops);
/// `clear_and_shrink` gives it back.
#[test]
fn clear_and_shrink_gives_peak_memory_back() {
    let mut tape = Tape::<f64>::new();
    {
        let xs: Vec<_> = (0..50_000).map(|i| tape.var(i as f64)).collect();
        let t = tape.tensor([1 << 15], vec![0.5; 1 << 15]);
        let y = xs.iter().fold(tape.var(0.0), |a, &x| a * x) + (t * t).sum_all().elem(0);
        drop(tape.backward(y));
    }
    let peak = tape.reserved_bytes();
    assert!(peak > 1 << 20, "{peak}");
    tape.clear();
    assert_eq!(tape.reserved_bytes(), peak, "clear keeps the buffers");
    tape.clear_and_shrink();
    assert_eq!(tape.reserved_bytes(), 0);
    let x = tape.var(3.0);
    assert_eq!(tape.backward(x * x)[x], 6.0);
}
