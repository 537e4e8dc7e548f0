//! What a run on logs measures, whatever the source: the two evaluation sets, the ranking
//! metrics of one model on one set, per member and summarised over seeds, and the references
//! without training that the models must beat.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::experiment::summary::mean_std;
use crate::train::{ModelKind, binary_metrics, gauc, ndcg_at_k};

/// The cut-off of the per-user NDCG.
pub const NDCG_K: usize = 10;

/// The two evaluation sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalSet {
    /// Held-out rows of the standard logs: the logging policy's distribution.
    InDistribution,
    /// The random-exposure log: videos shown at random, the out-of-distribution set.
    RandomExposure,
}

impl EvalSet {
    /// The name in CSV files: `in_distribution` or `random_exposure`.
    pub fn name(self) -> &'static str {
        match self {
            EvalSet::InDistribution => "in_distribution",
            EvalSet::RandomExposure => "random_exposure",
        }
    }
}

/// Metrics of one model on one evaluation set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct RankingMetrics {
    /// ROC AUC over all rows.
    pub auc: f64,
    /// Mean log-loss in nats.
    pub logloss: f64,
    /// Per-user AUC weighted by rows ([`gauc`]).
    pub gauc: f64,
    /// Mean per-user NDCG@10 ([`ndcg_at_k`]).
    pub ndcg10: f64,
}

impl RankingMetrics {
    /// The metrics of `logits` against 0/1 `labels`, users given per row. Fails on a NaN or
    /// infinite logit.
    pub fn of(users: &[u32], logits: &[f32], labels: &[f32]) -> Result<Self> {
        let m = binary_metrics(logits, labels)?;
        Ok(RankingMetrics {
            auc: m.auc,
            logloss: m.logloss,
            gauc: gauc(users, logits, labels)?,
            ndcg10: ndcg_at_k(users, logits, labels, NDCG_K)?,
        })
    }

    fn map(rows: &[&RankingMetrics], f: impl Fn(&[f64]) -> f64) -> Self {
        let pick =
            |g: fn(&RankingMetrics) -> f64| f(&rows.iter().map(|r| g(r)).collect::<Vec<_>>());
        RankingMetrics {
            auc: pick(|m| m.auc),
            logloss: pick(|m| m.logloss),
            gauc: pick(|m| m.gauc),
            ndcg10: pick(|m| m.ndcg10),
        }
    }
}

/// One member's metrics on one set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogsRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// The member's beta.
    pub beta: f64,
    /// The member's seed.
    pub seed: u64,
    /// The evaluation set.
    pub set: EvalSet,
    /// Rows evaluated.
    pub n_rows: usize,
    /// The metrics.
    pub metrics: RankingMetrics,
}

/// Mean and standard deviation over seeds of one model on one set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogsSummaryRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// Its beta.
    pub beta: f64,
    /// The evaluation set.
    pub set: EvalSet,
    /// Number of seeds.
    pub n_seeds: usize,
    /// Means.
    pub mean: RankingMetrics,
    /// Sample standard deviations (0 with one seed).
    pub std: RankingMetrics,
}

/// A predictor without training that the trained models must beat, scored on one set: the
/// base rate (every row gets the training rows' rate of the outcome), or a source's own (the
/// item rate of mapped logs, KuaiRand's past popularity).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogsReference {
    /// [`BASE_RATE`], [`ITEM_RATE`](super::ITEM_RATE) or
    /// [`PAST_POPULARITY`](super::PAST_POPULARITY).
    pub name: String,
    /// The evaluation set.
    pub set: EvalSet,
    /// Rows evaluated.
    pub n_rows: usize,
    /// The metrics.
    pub metrics: RankingMetrics,
}

/// The name of the base-rate reference.
pub const BASE_RATE: &str = "base rate";

/// Mean and standard deviation per (model, beta, set), in that order.
pub fn summarize_logs(rows: &[LogsRow]) -> Vec<LogsSummaryRow> {
    let mut groups: BTreeMap<(ModelKind, u64, EvalSet), Vec<&RankingMetrics>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.model, r.beta.to_bits(), r.set))
            .or_default()
            .push(&r.metrics);
    }
    groups
        .into_iter()
        .map(|((model, beta, set), ms)| LogsSummaryRow {
            model,
            beta: f64::from_bits(beta),
            set,
            n_seeds: ms.len(),
            mean: RankingMetrics::map(&ms, |v| mean_std(v).0),
            std: RankingMetrics::map(&ms, |v| mean_std(v).1),
        })
        .collect()
}
