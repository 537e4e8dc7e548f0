//! Generating data: deterministic, column-wise sampling of a scenario at a given shift
//! (`sampler`), one node's column at a time (`column`).

mod column;
mod sampler;

pub use sampler::{Sampler, sample};
