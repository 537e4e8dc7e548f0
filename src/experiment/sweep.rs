//! The headless sweep: baseline, CRL and (unless switched off) the causal-features-only oracle
//! for several seeds in one ensemble, evaluated along the shift grid, with spurious reliance.

use super::eval::{EvalRow, RelianceRow, evaluate, spurious_reliance};
use super::settings::{check_seeds, compare_members};
use super::summary::{SummaryRow, summarize};
use crate::error::{Error, Result};
use crate::train::{ComputeDevice, Observer, Problem, RunControl, TrainConfig, Trained, train};

/// A sweep's results.
#[derive(Debug)]
pub struct SweepResult {
    /// The trained ensemble (every seed's baseline and CRL model).
    pub trained: Trained,
    /// Per member and shift.
    pub rows: Vec<EvalRow>,
    /// Per model and shift.
    pub summary: Vec<SummaryRow>,
    /// Spurious reliance per member and non-causal feature.
    pub reliance: Vec<RelianceRow>,
}

/// Trains baseline and CRL for `n_seeds` seeds in one ensemble and evaluates them on `shifts`.
pub fn sweep(
    problem: &Problem,
    config: &TrainConfig,
    n_seeds: usize,
    shifts: &[f64],
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<SweepResult> {
    if n_seeds == 0 {
        return Err(Error::invalid("a sweep needs at least one seed"));
    }
    check_seeds(n_seeds)?;
    let members = compare_members(config.seed, n_seeds, config.beta, config.oracle);
    let trained = train(problem, &members, config, device, observer, control)?;
    let rows = evaluate(problem, &trained, shifts, config.n_test, config.seed)?;
    let summary = summarize(&rows);
    let reliance = spurious_reliance(problem, &trained, config.n_test, config.seed)?;
    Ok(SweepResult {
        trained,
        rows,
        summary,
        reliance,
    })
}
