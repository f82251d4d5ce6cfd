//! Failures are reported, not hidden: the anomaly mode stops at the first non-finite value or
//! gradient and names the op, the node and the source line that recorded it
//! (`tests/reliability/anomaly.rs`); every kind of bad input gets a clear error naming the
//! op, the shapes or values involved and the caller's line (`tests/reliability/bad_input.rs`);
//! and every crate forbids `unsafe` code (below).
use std::panic::{catch_unwind, AssertUnwindSafe};

#[path = "reliability/anomaly.rs"]
mod anomaly;
#[path = "reliability/bad_input.rs"]
mod bad_input;
#[path = "reliability/causes.rs"]
mod causes;
#[path = "reliability/causes_ebm.rs"]
mod causes_ebm;
#[path = "reliability/cover_build.rs"]
mod cover_build;
#[path = "reliability/cover_ebm.rs"]
mod cover_ebm;
#[path = "reliability/cover_more.rs"]
mod cover_more;
#[path = "reliability/cover_ops.rs"]
mod cover_ops;
#[path = "reliability/cover_tape.rs"]
mod cover_tape;
#[path = "reliability/cover_train.rs"]
mod cover_train;
#[path = "reliability/coverage.rs"]
mod coverage;

/// The message of the panic raised by `f`.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the call should panic");
    if let Some(s) = payload.downcast_ref::<String>() {
        return s.clone();
    }
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The message of the error `r` holds.
fn err<X: std::fmt::Debug, E: std::fmt::Display>(r: Result<X, E>) -> String {
    r.expect_err("the call should fail").to_string()
}

/// The message of the panic raised by `f`, which returns a value (dropped), followed by
/// where the panic was raised (`(panicked at file:line:col)`), which `#[track_caller]` makes
/// the caller's line: what a user sees printed.
fn panics<R>(f: impl FnOnce() -> R) -> String {
    thread_local!(static AT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            AT.with(|a| *a.borrow_mut() = at.unwrap_or_default());
            default(info);
        }));
    });
    let msg = panic_message(|| {
        let _ = f();
    });
    format!("{msg} (panicked at {})", AT.with(|a| a.borrow().clone()))
}

/// Checks one bad call's message: it names `op`, contains every needle (the offending shapes
/// or values), and points at the caller's `file:line`.
#[track_caller]
fn check(msg: &str, file: &str, line: u32, op: &str, needles: &[&str]) {
    assert!(msg.contains(op), "the message does not name {op}: {msg}");
    for n in needles {
        assert!(msg.contains(n), "the message lacks {n:?}: {msg}");
    }
    assert!(
        msg.contains(&at(file, line)),
        "the message is not at {file}:{line}: {msg}"
    );
}

/// `file:line` as error messages print it.
fn at(file: &str, line: u32) -> String {
    format!("{file}:{line}:")
}

/// Every crate's root (and the facade's) starts with `#![forbid(unsafe_code)]`, except the
/// JIT's: calling compiled code needs `unsafe`, so wengert-jit denies it and only one of its
/// modules (the one that calls native code) allows it.
#[test]
fn every_crate_forbids_unsafe_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("src/lib.rs")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let lib = entry.unwrap().path().join("src/lib.rs");
        if lib.exists() {
            roots.push(lib);
        }
    }
    assert!(roots.len() >= 4, "the facade and three crates: {roots:?}");
    for lib in roots {
        let src = std::fs::read_to_string(&lib).unwrap();
        let has = |attr: &str| src.lines().any(|l| l.trim() == attr);
        if lib.starts_with(root.join("crates/jit")) {
            assert!(
                has("#![deny(unsafe_code)]"),
                "{} does not deny unsafe code",
                lib.display()
            );
            let allowing = files_allowing_unsafe(&root.join("crates/jit/src"));
            // Exactly one audited module calls JIT code; the rest of the crate denies it.
            assert_eq!(
                allowing,
                vec![root.join("crates/jit/src/native/call.rs")],
                "only native/call.rs may allow unsafe code"
            );
        } else {
            assert!(
                has("#![forbid(unsafe_code)]"),
                "{} does not forbid unsafe code",
                lib.display()
            );
        }
    }
}

/// The `.rs` files under `dir` that contain `allow(unsafe_code)`.
fn files_allowing_unsafe(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_allowing_unsafe(&path));
        } else if path.extension().is_some_and(|e| e == "rs")
            && std::fs::read_to_string(&path)
                .unwrap()
                .contains("allow(unsafe_code)")
        {
            found.push(path);
        }
    }
    found
}
