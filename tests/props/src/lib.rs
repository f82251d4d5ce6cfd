//! Nothing: this package holds the facade's property tests (`tests/`), kept out of the facade
//! so that its examples' first build does not compile proptest (README, "The two commands").
//! Run them with `cargo test -p wengert-props` (or `cargo test --workspace`).
#![forbid(unsafe_code)]
