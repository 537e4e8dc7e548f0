//! What each fuzz target does with one input, shared by the libFuzzer targets under
//! `fuzz_targets/` and by the bounded fuzz test in `tests/fuzzing/` (which includes this
//! folder by path, so the two run the same code).
//!
//! Each function takes the raw bytes of one input and feeds them to the parser a user's file
//! or command line reaches, the way the app and the CLI do. A parser may refuse an input (any
//! `Err` is fine); it must never panic, abort, allocate without bound or loop for long. Where a
//! parsed value can be written back, the functions also check that the written text reads
//! back to the same thing: a file that cannot be reopened is lost work.
//!
//! Inputs that hold several files (a KuaiRand folder, a log with its mapping) separate them
//! with the byte [`SEP`] (ASCII record separator), which no real CSV or JSON file contains.

mod cli;
mod files;
mod grid;
mod json;
mod kuairand;
mod logs;

pub use cli::{cli_args, cli_values};
pub use files::{SEP, join, parts, with_files};
pub use grid::{GRID_FILES_PRESET, GRID_SCENARIO_FILE, GRID_WORKSPACE_FILE, grid};
pub use json::{lesson, recovery, scenario, workspace};
pub use kuairand::{cache_file, kuairand_cache, kuairand_csv};
pub use logs::{logs_csv, logs_mapping, ratings};
