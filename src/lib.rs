//! crl-lab: see causal representation learning work.
//!
//! A user describes a structural causal model ([`scm`]), samples confounded observational data
//! from it with a distribution-shift knob ([`data`]), trains a baseline and a capacity-matched
//! CRL model whose representation is penalised for carrying confounder information, and compares
//! them out of distribution. Everything but [`ui`] is GUI-free; the desktop app lives behind the `gui`
//! feature.
//!
//! The method follows Felekis, O'Riordan, Corcoll and Gilligan-Lee, "Causal Representation
//! Learning for Generalisable Recommendation" (2026). Its full text was not available to the
//! authors of this tool: the formulation here is ours, consistent with the paper's abstract and
//! the estimators it names, and the variants are selectable rather than fixed.

pub mod cli;
pub mod data;
pub mod error;
pub mod export;
pub mod scm;
mod serde_float;

pub use error::{Error, Result};
pub mod experiment;
pub mod mi;
pub mod models;
pub mod train;
#[cfg(feature = "gui")]
pub mod ui;
