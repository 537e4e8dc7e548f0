//! Evaluation metrics computed on the host (method.md §7).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Metrics of one model on one test set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Metrics {
    /// Binary: share of correct predictions at threshold 0.5. Continuous: NaN.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub accuracy: f64,
    /// Binary: ROC AUC. Continuous: NaN.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub auc: f64,
    /// Binary: mean log-loss in nats. Continuous: NaN.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub logloss: f64,
    /// Continuous: mean squared error. Binary: NaN.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub mse: f64,
    /// Continuous: coefficient of determination. Binary: NaN.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub r2: f64,
}

impl Metrics {
    /// The headline metric: accuracy (binary) or R² (continuous).
    pub fn headline(&self) -> f64 {
        if self.accuracy.is_nan() {
            self.r2
        } else {
            self.accuracy
        }
    }
}

/// Refuses a NaN or infinite score: it has no rank (`total_cmp` would sort NaN above every
/// number), so a metric built on it would be a number that means nothing. `metric` names the
/// metric in the error.
pub(super) fn check_scores(scores: &[f32], metric: &str) -> Result<()> {
    match scores.iter().position(|s| !s.is_finite()) {
        Some(row) => Err(Error::NonFiniteValue {
            what: format!("a score given to {metric}"),
            value: f64::from(scores[row]),
            row,
        }),
        None => Ok(()),
    }
}

/// Metrics of logits against binary labels (0/1). Fails on a NaN or infinite logit (see
/// [`roc_auc`]).
pub fn binary_metrics(logits: &[f32], labels: &[f32]) -> Result<Metrics> {
    let n = logits.len().max(1) as f64;
    let correct = logits
        .iter()
        .zip(labels)
        .filter(|(l, y)| (**l > 0.0) == (**y > 0.5))
        .count();
    let logloss = logits
        .iter()
        .zip(labels)
        .map(|(&l, &y)| {
            let l = f64::from(l);
            // log(1 + e^-|l|) + max(l, 0) - l y: the stable form of the cross-entropy.
            l.max(0.0) - l * f64::from(y) + (-l.abs()).exp().ln_1p()
        })
        .sum::<f64>()
        / n;
    Ok(Metrics {
        accuracy: correct as f64 / n,
        auc: roc_auc(logits, labels)?,
        logloss,
        mse: f64::NAN,
        r2: f64::NAN,
    })
}

/// ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted half. NaN with one class only
/// (the AUC is undefined); an error, naming the row, when a score is NaN or infinite, which has
/// no rank.
pub fn roc_auc(scores: &[f32], labels: &[f32]) -> Result<f64> {
    check_scores(scores, "ROC AUC")?;
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if labels[k] > 0.5 {
                rank_sum_pos += avg_rank;
            }
        }
        i = j + 1;
    }
    let n_pos = labels.iter().filter(|&&y| y > 0.5).count() as f64;
    let n_neg = labels.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return Ok(f64::NAN);
    }
    Ok((rank_sum_pos - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg))
}

/// Metrics of predictions against continuous targets.
pub fn regression_metrics(pred: &[f32], target: &[f32]) -> Metrics {
    let n = pred.len().max(1) as f64;
    let mse = pred
        .iter()
        .zip(target)
        .map(|(&p, &t)| (f64::from(p) - f64::from(t)).powi(2))
        .sum::<f64>()
        / n;
    let mean = target.iter().map(|&t| f64::from(t)).sum::<f64>() / n;
    let var = target
        .iter()
        .map(|&t| (f64::from(t) - mean).powi(2))
        .sum::<f64>()
        / n;
    Metrics {
        accuracy: f64::NAN,
        auc: f64::NAN,
        logloss: f64::NAN,
        mse,
        r2: if var > 0.0 { 1.0 - mse / var } else { f64::NAN },
    }
}
