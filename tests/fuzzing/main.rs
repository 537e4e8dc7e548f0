//! Fuzzing kept in `cargo test`, bounded: every fuzz target's harness (`fuzz/src/harness/`, included
//! here by path, so the libFuzzer targets and these tests run the same code) over the committed
//! seed corpora and a few thousand seeded mutations of them each; the exact inputs that
//! crashed a parser while fuzzing, each with the clear error it now gets; and the writer of
//! the seed corpora and dictionaries (`cargo test --test fuzzing -- --ignored`).

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code, unused_imports)]
#[path = "../../fuzz/src/harness/mod.rs"]
mod harness;

mod corpus;
mod mutation;
mod regressions;
mod seeds;
mod seeds_cli;
mod seeds_grid;
