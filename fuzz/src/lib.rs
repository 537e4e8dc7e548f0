//! crl-lab's fuzz targets (cargo-fuzz, libFuzzer): one binary per parser a user's file or
//! command line reaches, under `fuzz_targets/`, each calling its harness. See README.md,
//! "Development", for how to build and run them.

mod alloc_limit;
mod harness;

pub use alloc_limit::MAX_ALLOCATION;
pub use harness::*;
