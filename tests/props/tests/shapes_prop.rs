//! Every shape-taking function, fed random shapes (zero, small, huge and overflowing
//! lengths): a clear error or a correct result, never a panic from the standard library
//! (index out of bounds, multiply with overflow, capacity overflow), never an abort.
//!
//! Before issue 13's fix `tensor([1 << 40, 1 << 24], vec![])` was accepted (the product
//! wrapped to 0) and `one_hot` with a huge class count overflowed.
//!
//! A shape whose elements fit in `usize` but would take gigabytes is only given to functions
//! that do not allocate it; an allocating function gets small shapes, overflowing ones, and
//! ones of at least 2^50 elements (more than any address space, so the allocation must be
//! refused with an error, not abort the process).
use proptest::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use wengert::ops::structure::{try_broadcast_to, try_one_hot, try_reshape};
use wengert::prelude::*;
use wengert::tape::{broadcast_shapes, try_filled};

const LENS: [usize; 12] = [
    0,
    1,
    2,
    3,
    5,
    1 << 20,
    1 << 25,
    1 << 32,
    1 << 40,
    1 << 62,
    usize::MAX / 3,
    usize::MAX,
];

fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop::sample::select(&LENS[..]), 0..5)
}

/// What an allocating call may be given: small, overflowing, or impossibly large.
enum Size {
    Small,
    Huge,
    Middle,
}

fn size(dims: &[usize]) -> Size {
    match Shape::from(dims).checked_numel() {
        Some(n) if n <= 1 << 16 => Size::Small,
        Some(n) if n < 1 << 50 => Size::Middle,
        _ => Size::Huge,
    }
}

/// Runs `f`; a panic must carry a wengert message (naming the library), not the standard
/// library's.
fn no_std_panic<R>(what: &str, dims: &[usize], f: impl FnOnce() -> R) -> Option<R> {
    // The expected panics would each print a message and a backtrace.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    match r {
        Ok(r) => Some(r),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            assert!(msg.starts_with("wengert: "), "{what} {dims:?}: {msg}");
            None
        }
    }
}

fn err_names(r: Result<impl std::fmt::Debug, wengert::tape::Error>, op: &str, dims: &[usize]) {
    let e = r.expect_err("an error was expected");
    let msg = e.to_string();
    assert!(msg.contains(op), "{op} {dims:?}: {msg}");
    assert!(
        msg.contains(file!()),
        "{op} {dims:?}: no caller line: {msg}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn shape_taking_functions_give_a_clear_error_or_a_correct_result(
        a in shape(),
        b in shape(),
        classes in prop::sample::select(&LENS[..]),
        rows in 0usize..4,
    ) {
        let sa = Shape::from(&a[..]);
        let n = sa.checked_numel();
        // Shape::numel: the product, or a clear panic.
        let got = no_std_panic("numel", &a, || sa.numel());
        prop_assert_eq!(got, n);
        if n.is_none() {
            err_names(sa.try_numel("probe"), "probe", &a);
        }

        // Constructors with data: the data is small, so only a matching small shape is Ok.
        let tape = Tape::<f64>::new();
        let data = vec![1.0; 6];
        let r = tape.try_tensor(a.clone(), data.clone());
        prop_assert_eq!(r.is_ok(), n == Some(6));
        if let Err(e) = r {
            let msg = e.to_string();
            prop_assert!(msg.contains("tensor: shape") && msg.contains(file!()), "{}", msg);
        }
        prop_assert_eq!(tape.try_constant_tensor(a.clone(), data.clone()).is_ok(), n == Some(6));
        prop_assert_eq!(Tensor::try_new(a.clone(), data.clone()).is_ok(), n == Some(6));
        no_std_panic("Tensor::new", &a, || Tensor::new(a.clone(), data.clone()));

        // reshape of a 6-element tensor: only a 6-element target is Ok.
        let x = tape.tensor([2, 3], data.clone());
        let r = try_reshape(x, a.clone());
        prop_assert_eq!(r.is_ok(), n == Some(6));
        if let Ok(y) = r {
            prop_assert_eq!(y.to_vec(), data.clone());
        } else {
            err_names(r, "reshape", &a);
        }

        // broadcast_shapes: pure; its output always has a checked element count.
        match broadcast_shapes("add", &sa, &Shape::from(&b[..])) {
            Ok(s) => prop_assert!(s.checked_numel().is_some()),
            Err(e) => prop_assert!(e.to_string().contains("add"), "{}", e),
        }

        // Allocating functions.
        match size(&a) {
            Size::Middle => {}
            Size::Small => {
                let z = Tensor::<f64>::try_zeros(a.clone()).unwrap();
                prop_assert_eq!(z.data().len(), n.unwrap());
                prop_assert!(z.data().iter().all(|&v| v == 0.0));
                let y = try_broadcast_to(tape.tensor([], vec![2.5]), a.clone()).unwrap();
                prop_assert_eq!(y.to_vec(), vec![2.5; n.unwrap()]);
            }
            Size::Huge => {
                err_names(Tensor::<f64>::try_zeros(a.clone()), "Tensor::zeros", &a);
                err_names(try_filled("fill", &sa, 0u8), "fill", &a);
                no_std_panic("zeros", &a, || Tensor::<f64>::zeros(a.clone()));
                if n.is_none() {
                    let s = tape.tensor([], vec![2.5]);
                    err_names(try_broadcast_to(s, a.clone()), "broadcast_to", &a);
                }
                no_std_panic("init::uniform", &a, || {
                    wengert::ebm::init::uniform::<f32>(&mut wengert::ebm::init::rng(1), a.clone(), 0.0, 1.0)
                });
            }
        }

        // one_hot with `rows` labels of `classes` classes.
        let idx: Vec<usize> = (0..rows).map(|r| r % classes.max(1)).collect();
        let dims = [rows, classes];
        match size(&dims) {
            Size::Middle => {}
            Size::Small => {
                let r = try_one_hot(&tape, classes, &idx);
                if classes == 0 && rows > 0 {
                    err_names(r, "one_hot", &dims);
                } else {
                    let y = r.unwrap();
                    let v = y.to_vec();
                    prop_assert_eq!(v.len(), rows * classes);
                    prop_assert_eq!(v.iter().sum::<f64>(), rows as f64);
                }
            }
            Size::Huge => err_names(try_one_hot(&tape, classes, &idx), "one_hot", &dims),
        }
    }
}
