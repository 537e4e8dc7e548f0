//! Mean ± standard deviation over seeds: of evaluation rows per model and shift, and of any
//! list of numbers (the one `mean_std` of the crate).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::eval::EvalRow;
use crate::train::{Metrics, ModelKind};

/// Mean and standard deviation over seeds of one model at one shift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// Its beta.
    pub beta: f64,
    /// The shift.
    pub shift: f64,
    /// Number of seeds.
    pub n_seeds: usize,
    /// Mean of each metric.
    pub mean: Metrics,
    /// Sample standard deviation of each metric (0 with one seed).
    pub std: Metrics,
    /// OOD gap of the headline metric: mean at shift 0 minus mean at this shift.
    pub ood_gap: f64,
}

/// Mean and standard deviation per (model, beta, shift), in model, beta, shift order.
pub fn summarize(rows: &[EvalRow]) -> Vec<SummaryRow> {
    // Keys as bit patterns keep the map ordered and exact (betas and shifts are finite, ≥ 0).
    let mut groups: BTreeMap<(ModelKind, u64, u64), Vec<&EvalRow>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.model, r.beta.to_bits(), r.shift.to_bits()))
            .or_default()
            .push(r);
    }
    let mut out: Vec<SummaryRow> = groups
        .into_iter()
        .map(|((model, beta, shift), rs)| {
            let pick = |f: fn(&Metrics) -> f64| {
                mean_std(&rs.iter().map(|r| f(&r.metrics)).collect::<Vec<_>>())
            };
            let (acc, acc_s) = pick(|m| m.accuracy);
            let (auc, auc_s) = pick(|m| m.auc);
            let (ll, ll_s) = pick(|m| m.logloss);
            let (mse, mse_s) = pick(|m| m.mse);
            let (r2, r2_s) = pick(|m| m.r2);
            SummaryRow {
                model,
                beta: f64::from_bits(beta),
                shift: f64::from_bits(shift),
                n_seeds: rs.len(),
                mean: Metrics {
                    accuracy: acc,
                    auc,
                    logloss: ll,
                    mse,
                    r2,
                },
                std: Metrics {
                    accuracy: acc_s,
                    auc: auc_s,
                    logloss: ll_s,
                    mse: mse_s,
                    r2: r2_s,
                },
                ood_gap: 0.0,
            }
        })
        .collect();
    // OOD gap against the same model's smallest shift (shift 0 on a grid that starts there).
    let snapshot = out.clone();
    for row in &mut out {
        if let Some(first) = snapshot
            .iter()
            .filter(|r| r.model == row.model && r.beta == row.beta)
            .min_by(|a, b| a.shift.total_cmp(&b.shift))
        {
            row.ood_gap = first.mean.headline() - row.mean.headline();
        }
    }
    out
}

/// The mean of `values`; NaN when there are none.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// The mean and the sample standard deviation of `values` (0 with fewer than two values; the
/// mean is NaN when there are none).
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let m = mean(values);
    let s = if values.len() > 1 {
        (values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
    } else {
        0.0
    };
    (m, s)
}
