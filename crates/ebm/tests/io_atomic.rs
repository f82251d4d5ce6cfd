//! `io::save` is atomic: a process killed mid-save leaves the old file whole. (It used to
//! truncate the file and then write it: a crash mid-save of a large file left 0 bytes.)
//!
//! The test re-runs its own binary as a child that saves in a loop, and kills it as soon as
//! the save has visibly started: the target shrank (a truncating save) or a temporary file
//! appeared (an atomic one).
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use wengert_ebm::io;
use wengert_tape::{ParamStore, Tensor};

const CHILD: &str = "WENGERT_SAVE_CHILD";
const N: usize = 1 << 21; // 8 MB of f32

fn store(v: f32) -> ParamStore<f32> {
    let mut s = ParamStore::new();
    s.insert("w", Tensor::new([N], vec![v; N]));
    s
}

/// Whether a save has begun in `dir` since the target had `full` bytes.
fn save_started(dir: &Path, target: &Path, full: u64) -> bool {
    let len = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    let others = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).any(|e| e.path() != target))
        .unwrap_or(false);
    len != full || others
}

#[test]
fn save_survives_a_kill_mid_save() {
    if let Ok(path) = std::env::var(CHILD) {
        let s = store(2.0);
        loop {
            io::save(&s, &path).unwrap();
        }
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("wengert-io-atomic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("weights.safetensors");
    io::save(&store(1.0), &target).unwrap();
    let full = std::fs::metadata(&target).unwrap().len();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "save_survives_a_kill_mid_save",
            "--test-threads=1",
        ])
        .env(CHILD, &target)
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while !save_started(&dir, &target, full) {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the child never saved"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let mut back = store(0.0);
    let loaded = io::load(&mut back, &target);
    let key = back.key("w").unwrap();
    let data = back.get(key).data().to_vec();
    let _ = std::fs::remove_dir_all(&dir);
    loaded.expect("the old (or the new) file must load whole after a kill mid-save");
    assert!(
        data.iter().all(|&x| x == 1.0) || data.iter().all(|&x| x == 2.0),
        "a mixture of old and new weights"
    );
}
