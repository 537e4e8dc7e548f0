//! Who trains in an ensemble: each member's kind (baseline, CRL or causal-features-only
//! reference), its penalty weight and its seed, and the one rule that says whether its objective
//! carries the penalty.

use serde::{Deserialize, Serialize};

/// What a member of an ensemble is. Stored by its lowercase name (`baseline`, `crl`, `oracle`)
/// in workspace files and result CSVs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// No penalty (beta = 0): the predictor trained on the supervised loss alone.
    #[default]
    Baseline,
    /// The capacity-matched model whose representation is penalised for confounder information.
    Crl,
    /// The reference a CRL model aims at: the baseline's widths and loss, but it sees only the
    /// features the scenario knows to be causal ancestors of the outcome (the others are
    /// masked). Never a training signal for the CRL model.
    Oracle,
}

impl ModelKind {
    /// The lowercase name used in files and tables: `baseline` or `crl`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Baseline => "baseline",
            ModelKind::Crl => "crl",
            ModelKind::Oracle => "oracle",
        }
    }

    /// The name a legend shows.
    pub fn legend(self) -> &'static str {
        match self {
            ModelKind::Baseline => "baseline",
            ModelKind::Crl => "CRL",
            ModelKind::Oracle => "causal features only",
        }
    }

    /// Whether this is the baseline.
    pub fn is_baseline(self) -> bool {
        self == ModelKind::Baseline
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// Compares with a name as files write it (`kind == "crl"`).
impl PartialEq<&str> for ModelKind {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// One member of an ensemble: the baseline is the member with beta = 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberSpec {
    /// Baseline or CRL (stored as `label` in files).
    #[serde(rename = "label")]
    pub kind: ModelKind,
    /// Penalty weight (after warm-up).
    pub beta: f64,
    /// Seed of this member's data, initialisation and batching.
    pub seed: u64,
}

impl MemberSpec {
    /// The baseline: no penalty.
    pub fn baseline(seed: u64) -> Self {
        MemberSpec {
            kind: ModelKind::Baseline,
            beta: 0.0,
            seed,
        }
    }

    /// The oracle: the baseline on the causal features only.
    pub fn oracle(seed: u64) -> Self {
        MemberSpec {
            kind: ModelKind::Oracle,
            beta: 0.0,
            seed,
        }
    }

    /// The CRL model with penalty weight `beta`.
    pub fn crl(seed: u64, beta: f64) -> Self {
        MemberSpec {
            kind: ModelKind::Crl,
            beta,
            seed,
        }
    }

    /// Whether this member's objective carries the penalty, so that it trains a penalty critic
    /// and takes new betas mid-run: every CRL member (even at beta = 0, whose beta can still be
    /// raised while it trains) and any other member given a beta above 0. The one rule the
    /// training loop, the shard balancing and the app's beta control share.
    pub fn is_penalised(&self) -> bool {
        self.kind == ModelKind::Crl || self.beta > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::{MemberSpec, ModelKind};

    #[test]
    fn crl_members_and_members_with_a_beta_are_penalised() {
        assert!(MemberSpec::crl(0, 3.0).is_penalised());
        assert!(MemberSpec::crl(0, 0.0).is_penalised());
        assert!(!MemberSpec::baseline(0).is_penalised());
        assert!(!MemberSpec::oracle(0).is_penalised());
        let weighted = MemberSpec {
            kind: ModelKind::Baseline,
            beta: 0.5,
            seed: 0,
        };
        assert!(weighted.is_penalised());
    }
}
