//! crl-lab: see causal representation learning work.
//!
//! A user describes a structural causal model ([`scm`]), samples confounded observational data
//! from it with a distribution-shift knob ([`data`]), trains a baseline and a capacity-matched
//! CRL model whose representation is penalised for carrying confounder information, and compares
//! them out of distribution. Everything but [`ui`] is GUI-free; the desktop app lives behind the
//! `gui` feature.
//!
//! # Layers
//! Each module imports only from the layers below it (`tests/layers.rs` checks this, and that no
//! modules import each other in a loop):
//!
//! ```text
//! cli, ui      the command line; the desktop app (behind `gui`)
//! grid         experiment grids: grid files, cells, local and Slurm runs, collected tables
//! export       figures (SVG/PNG), plot and result CSVs, the export bundle, rebuilding results
//! session      workspace and recovery files, view settings, pinned runs, lessons and their steps
//! experiment   evaluation on the shift grid, summaries, jobs, run results, KuaiRand runs
//! train        device choice, configuration, the training loop, observers, metrics
//! mi           the mutual-information estimators behind one trait
//! models       encoder, head and critic modules over an ensemble axis
//! data         sampling a scenario into datasets, host tables, CSV, KuaiRand's logs
//! scm          causal graphs: nodes, mechanisms, shift, interventions, seeds, truth, presets
//! fs           atomic writes and reads that name the path on failure
//! ```
//!
//! [`error`], [`limits`] (resource caps and the memory budget), [`hash`] (FNV-1a) and the serde
//! helpers sit under all of them.
//!
//! The method follows Felekis, O'Riordan, Corcoll and Gilligan-Lee, "Causal Representation
//! Learning for Generalisable Recommendation" (2026). Its full text was not available to the
//! authors of this tool: the formulation here is ours, consistent with the paper's abstract and
//! the estimators it names, and the variants are selectable rather than fixed.

// The command line prints its tables and progress: the one layer of the library that may.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod data;
pub mod error;
pub mod experiment;
pub mod export;
pub mod fs;
pub mod grid;
pub mod hash;
pub mod limits;
pub mod mi;
pub mod models;
pub mod scm;
mod serde_float;
pub mod session;
pub mod train;
#[cfg(feature = "gui")]
pub mod ui;

pub use error::{Error, Result};
