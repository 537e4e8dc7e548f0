//! Mutual-information estimators behind one trait (method.md §5), each over an ensemble axis;
//! their calibration on correlated Gaussians against the truth and against each estimator's
//! ideal (method.md §6, §10).

mod batch;
mod calibrate;
mod critic_trainer;
mod estimators;
mod ideal;
mod kind;
mod staircase;

pub use batch::{
    Conditioning, PairBatch, Y_BINS, diagonal, masked_logsumexp, masked_row_mean, per_member_mean,
    roll_rows, weighted_member_mean,
};
pub use calibrate::{Calibration, CalibrationConfig, calibrate, calibrate_until};
pub use estimators::{
    Club, ClubCategorical, Estimator, EstimatorInputs, InfoNce, LOGVAR_RANGE, MiEstimator, NceClub,
    first_rows,
};
pub use ideal::{club_ideal, ideal_estimate, ideal_formula, ideal_label};
pub use kind::EstimatorKind;
pub use staircase::{Staircase, StaircaseConfig, StaircaseLevel, StaircasePoint, staircase};
