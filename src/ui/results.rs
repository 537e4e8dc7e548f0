//! What the calibration and logs jobs have produced so far, for their views (a training run's
//! results are the core's `RunResults`). Runtime-only: filled from the jobs' messages.

use crate::data::logs::Preview;
use crate::experiment::{LogsReference, LogsSummaryRow};
use crate::mi::{Calibration, EstimatorKind, Staircase};

/// A calibration run's results so far.
#[derive(Clone, Debug, Default)]
pub struct CalibrationResults {
    /// The estimator they belong to.
    pub estimator: Option<EstimatorKind>,
    /// One per finished correlation.
    pub points: Vec<Calibration>,
    /// The staircase so far: its readings arrive one by one once the correlations are done
    /// (empty history until then).
    pub staircase: Option<Staircase>,
    /// Running.
    pub running: bool,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// A logs run's results so far, whatever the source (its loss and MI go to the run on the
/// plots), and the preview of your logs.
#[derive(Clone, Debug, Default)]
pub struct LogsView {
    /// A run is going.
    pub running: bool,
    /// The last loading line.
    pub status: String,
    /// The metrics table.
    pub summary: Vec<LogsSummaryRow>,
    /// Row counts of the last run, in words.
    pub caption: Option<String>,
    /// The references without training (base rate, past popularity) of the last run.
    pub references: Vec<LogsReference>,
    /// Models that did worse than the base rate, one line each.
    pub warnings: Vec<String>,
    /// Why the last run failed.
    pub error: Option<String>,
    /// Your logs: the first rows of the training log.
    pub preview: Option<Preview>,
    /// Your logs: the preview thread is reading the first rows.
    pub previewing: bool,
}
