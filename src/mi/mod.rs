//! Mutual-information estimators behind one trait (method.md §5), each over an ensemble axis and
//! in a file of its own (`infonce`, `nce_club`, `club`, `club_categorical`; the trait in
//! `estimate`, any of them as one module in `estimator`); their calibration on correlated
//! Gaussians against the truth and against each estimator's ideal (method.md §6, §10).

mod batch;
mod calibrate;
mod club;
mod club_categorical;
mod critic_trainer;
mod estimate;
mod estimator;
mod ideal;
mod infonce;
mod kind;
mod nce_club;
mod staircase;

pub use batch::{
    Conditioning, PairBatch, Y_BINS, diagonal, masked_logsumexp, masked_row_mean, per_member_mean,
    roll_rows, weighted_member_mean,
};
pub use calibrate::{Calibration, CalibrationConfig, calibrate, calibrate_until};
pub use club::{Club, LOGVAR_RANGE};
pub use club_categorical::ClubCategorical;
pub use estimate::MiEstimator;
pub use estimator::{Estimator, first_rows};
pub use ideal::{club_ideal, ideal_estimate, ideal_formula, ideal_label};
pub use infonce::InfoNce;
pub use kind::EstimatorKind;
pub use nce_club::NceClub;
pub use staircase::{Staircase, StaircaseConfig, StaircaseLevel, StaircasePoint, staircase};
