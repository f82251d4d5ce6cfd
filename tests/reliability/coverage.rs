//! The audit that keeps the bad-input tests complete: every public function of the library
//! crates that can fail (its docs have a `# Panics` section, or it returns a `Result`) is
//! called in one of the `cover_*.rs` files, which assert the message names the op, the
//! offending values and the caller's line. A new fallible function fails this test until it
//! gets its bad-input case.
use std::path::{Path, PathBuf};

#[test]
fn every_fallible_public_function_has_a_bad_input_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cover = String::new();
    for f in [
        "cover_tape.rs",
        "cover_ops.rs",
        "cover_ebm.rs",
        "cover_more.rs",
        "cover_train.rs",
        "cover_build.rs",
    ] {
        cover += &std::fs::read_to_string(root.join("tests/reliability").join(f)).unwrap();
    }
    let mut missing = Vec::new();
    for krate in ["tape", "ops", "ebm"] {
        for file in rust_files(&root.join("crates").join(krate).join("src")) {
            for name in fallible_functions(&std::fs::read_to_string(&file).unwrap()) {
                let called = is_called(&cover, &name);
                if !called {
                    missing.push(format!("{}: {name}", file.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no bad-input case for:\n{}",
        missing.join("\n")
    );
}

/// Whether `src` calls `name` (`name(`, `name::<`, as a method or by path), not merely a
/// function whose name ends the same way.
fn is_called(src: &str, name: &str) -> bool {
    src.match_indices(name).any(|(i, _)| {
        let before = src[..i].chars().next_back();
        let after = &src[i + name.len()..];
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && (after.starts_with('(') || after.starts_with("::<"))
    })
}

/// The `pub fn`s in `src` documented with `# Panics` or returning a `Result`.
fn fallible_functions(src: &str) -> Vec<String> {
    let lines: Vec<&str> = src.lines().collect();
    let mut found = Vec::new();
    let mut panics = false;
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        if l.starts_with("///") {
            panics |= l.contains("# Panics");
            continue;
        }
        if l.starts_with("#[") {
            continue;
        }
        if let Some(rest) = l.strip_prefix("pub fn ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let sig: String = lines[i..(i + 8).min(lines.len())].concat();
            let sig = sig.split('{').next().unwrap_or("");
            if panics || sig.contains("Result<") {
                found.push(name);
            }
        }
        panics = false;
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out
}
