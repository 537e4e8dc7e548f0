//! Which estimator: the names users pick on the command line, in the app and in files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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
