//! The benchmark package: its targets are the criterion benches beside this file
//! (`cargo bench -p wengert-benches`); this library is empty so the package has a build target.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
