//! Memory stays flat in a long training loop: after a warm-up, 20 000 more steps (a fresh
//! graph each on a reused, cleared tape) leave the resident set size where it was, within a
//! few hundred KiB. `examples/memory_flat.rs` runs the same loop for 10⁶ steps.
#[cfg(target_os = "linux")]
#[path = "reliability/flat_loop.rs"]
mod flat_loop;

#[cfg(target_os = "linux")]
#[test]
fn rss_stays_flat_over_20000_steps() {
    use flat_loop::{rss_bytes, Flat};
    let mut model = Flat::new();
    for i in 0..2_000 {
        model.step(i);
    }
    let before = rss_bytes().expect("/proc/self/statm is readable");
    for i in 2_000..22_000 {
        model.step(i);
    }
    let after = rss_bytes().unwrap();
    let growth = after.saturating_sub(before);
    assert!(
        growth <= 256 * 1024,
        "RSS grew by {} KiB over 20 000 steps ({} → {} KiB)",
        growth / 1024,
        before / 1024,
        after / 1024
    );
    // y = [x₀ + x₁/2 > 0]: the weights learn the signs.
    let w = model.weights();
    assert!(w[0] > 0.5 && w[1] > 0.0, "it learns: {w:?}");
}
