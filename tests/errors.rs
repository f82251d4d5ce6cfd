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

/// `file:line` as error messages print it.
fn at(file: &str, line: u32) -> String {
    format!("{file}:{line}:")
}

/// Every crate's root (and the facade's) starts with `#![forbid(unsafe_code)]`.
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
        assert!(
            src.lines().any(|l| l.trim() == "#![forbid(unsafe_code)]"),
            "{} does not forbid unsafe code",
            lib.display()
        );
    }
}
