//! Mutual-information estimators behind one trait (method.md §5), each over an ensemble axis.

mod batch;
mod calibrate;
mod estimators;
mod kind;

pub use batch::{
    Conditioning, PairBatch, Y_BINS, diagonal, masked_logsumexp, masked_row_mean, per_member_mean,
    roll_rows, weighted_member_mean,
};
pub use calibrate::{Calibration, CalibrationConfig, calibrate};
pub use estimators::{
    Club, ClubCategorical, Estimator, EstimatorInputs, InfoNce, LOGVAR_RANGE, MiEstimator, NceClub,
    first_rows,
};
pub use kind::EstimatorKind;
