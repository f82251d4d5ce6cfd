//! A training loop of 10⁶ steps with a fresh graph each step on one reused tape, printing the
//! resident memory (from `/proc/self/statm`) at checkpoints: it stays flat, because
//! `Tape::clear` keeps the node and value buffers and dropped gradients hand theirs back.
//!
//! ```text
//! cargo run --release --example memory_flat
//! ```
//! The figures of one run are in `docs/reliability.md`.
#[path = "../tests/reliability/flat_loop.rs"]
mod flat_loop;

use flat_loop::{rss_bytes, Flat};

fn main() {
    let steps: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut model = Flat::new();
    let start = std::time::Instant::now();
    let checkpoints = [
        1, 1_000, 10_000, 100_000, 250_000, 500_000, 750_000, 1_000_000,
    ];
    println!("{:>10} {:>12} {:>10}", "step", "RSS (KiB)", "loss");
    for i in 1..=steps {
        model.step(i);
        if checkpoints.contains(&i) || i == steps {
            let rss = rss_bytes().map_or("n/a".to_string(), |b| (b / 1024).to_string());
            println!("{i:>10} {rss:>12} {:>10.4}", model.loss);
        }
    }
    println!(
        "{steps} steps in {:.2} s; weights {:?}",
        start.elapsed().as_secs_f64(),
        model.weights()
    );
}
