//! Mutual-information estimators behind one trait (method.md §5), each over an ensemble axis.

mod batch;
mod calibrate;
mod estimators;

use std::fmt;
use std::str::FromStr;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

pub use batch::{
    Conditioning, PairBatch, diagonal, masked_logsumexp, masked_row_mean, per_member_mean,
    roll_rows,
};
pub use calibrate::{Calibration, CalibrationConfig, calibrate};
pub use estimators::{
    Club, ClubCategorical, Estimator, InfoNce, LOGVAR_RANGE, MiEstimator, NceClub, first_rows,
};

use crate::error::{Error, Result};
use crate::models::{CategoricalCritic, CriticKind, GaussianCritic, PairCritic};

/// Which estimator to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EstimatorKind {
    /// NCE-CLUB: InfoNCE-trained critic, CLUB-style contrast (upper-bound surrogate). Default.
    NceClub,
    /// CLUB with a Gaussian q(c | z), all N negatives (upper bound).
    Club,
    /// CLUB with one sampled negative per row (upper bound, cheaper, noisier).
    ClubSample,
    /// CLUB with a softmax q(c | z) for a categorical or binary confounder.
    ClubCategorical,
    /// InfoNCE (lower bound, capped at log N).
    Infonce,
}

impl EstimatorKind {
    /// Every kind, default first.
    pub const ALL: [EstimatorKind; 5] = [
        EstimatorKind::NceClub,
        EstimatorKind::Club,
        EstimatorKind::ClubSample,
        EstimatorKind::ClubCategorical,
        EstimatorKind::Infonce,
    ];

    /// Name as used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            EstimatorKind::NceClub => "nce-club",
            EstimatorKind::Club => "club",
            EstimatorKind::ClubSample => "club-sample",
            EstimatorKind::ClubCategorical => "club-categorical",
            EstimatorKind::Infonce => "infonce",
        }
    }

    /// Whether the estimate is an upper bound (when the critic is well fitted).
    pub fn is_upper_bound(self) -> bool {
        self != EstimatorKind::Infonce
    }
}

impl fmt::Display for EstimatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EstimatorKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        EstimatorKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = EstimatorKind::ALL.iter().map(|k| k.name()).collect();
                Error::invalid(format!(
                    "unknown estimator `{s}` (available: {})",
                    names.join(", ")
                ))
            })
    }
}

/// Sizes of an estimator's inputs.
#[derive(Clone, Copy, Debug)]
pub struct EstimatorInputs {
    /// Width of z as the critic sees it.
    pub dz: usize,
    /// Width of c as the critic sees it (number of classes, one-hot, for `club-categorical`).
    pub dc: usize,
    /// Hidden width of the critic.
    pub hidden: usize,
}

impl Estimator {
    /// Builds an estimator of `kind` with one critic per member seed.
    pub fn init(
        kind: EstimatorKind,
        critic: CriticKind,
        seeds: &[u64],
        name: &str,
        inputs: EstimatorInputs,
        device: &Device,
    ) -> Self {
        let EstimatorInputs { dz, dc, hidden } = inputs;
        match kind {
            EstimatorKind::NceClub => Estimator::NceClub(NceClub {
                critic: PairCritic::init(critic, seeds, name, dz, dc, hidden, device),
            }),
            EstimatorKind::Infonce => Estimator::InfoNce(InfoNce {
                critic: PairCritic::init(critic, seeds, name, dz, dc, hidden, device),
            }),
            EstimatorKind::Club | EstimatorKind::ClubSample => Estimator::Club(Club {
                q: GaussianCritic::init(seeds, name, dz, dc, hidden, device),
                sampled: kind == EstimatorKind::ClubSample,
            }),
            EstimatorKind::ClubCategorical => Estimator::ClubCategorical(ClubCategorical {
                q: CategoricalCritic::init(seeds, name, dz, dc, hidden, device),
            }),
        }
    }
}
