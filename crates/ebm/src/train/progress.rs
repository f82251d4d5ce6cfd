//! The progress bar of long training runs: drawn on stderr only when it is a terminal.
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Runs with fewer sample evaluations than this finish too fast to need a bar.
pub(crate) const LONG_RUN: usize = 2_000;

/// A bar over `epochs`, or a hidden one (no output at all) when `enabled` is false, the run
/// is short, or stderr is not a terminal (CI logs, pipes).
pub(crate) fn epoch_bar(enabled: bool, epochs: usize, evaluations: usize) -> ProgressBar {
    if !enabled || evaluations < LONG_RUN || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(epochs as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:32} epoch {pos}/{len}  loss {msg}  [{elapsed}<{eta}]")
    {
        bar.set_style(style);
    }
    bar
}
