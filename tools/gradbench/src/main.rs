//! A GradBench tool built on wengert: reads the eval's JSON-lines messages on stdin and answers
//! each on stdout. Every function of the twelve evals is implemented (issue 15), one module per
//! eval under `evals/`; see `docs/gradbench.md`.
#![forbid(unsafe_code)]

mod evals;
mod protocol;

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    protocol::serve(stdin.lock(), stdout.lock())
}
