//! A training loop of 10⁶ steps with a fresh graph each step on one reused tape, printing the
//! resident memory (from `/proc/self/statm`) at checkpoints: it stays flat, because
//! `Tape::clear` keeps the node and value buffers and dropped gradients hand theirs back. At the
//! end it prints what one step recorded: scalar nodes and bytes, per node and per operation.
//!
//! ```text
//! cargo run --release --example memory_flat
//! ```
//! The figures of one run are in `docs/reliability.md`.
#[path = "../tests/reliability/flat_loop.rs"]
mod flat_loop;

use flat_loop::{rss_bytes, Flat, SCALAR_OPS_PER_STEP};

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
    // Tensor nodes hold their values in the arena, which `scalar_bytes` does not count.
    let tape = model.tape();
    let (nodes, bytes) = (tape.scalar_len(), tape.scalar_bytes());
    println!(
        "one step's tape: {nodes} scalar nodes, {bytes} bytes ({} per node) for \
         {SCALAR_OPS_PER_STEP} scalar operations ({:.1} bytes per operation), and {} tensor nodes",
        bytes / nodes,
        bytes as f64 / SCALAR_OPS_PER_STEP as f64,
        tape.len() - nodes
    );
}
