//! How a run on logs is scored, whatever the source: the validation rows taken from the
//! held-out ones, the steps from epochs, every member's logits chunk by chunk, and the warning
//! when a model does worse than the base rate.

use burn::tensor::{Tensor, TensorData};

use super::metrics::{BASE_RATE, EvalSet, LogsReference, LogsRow, LogsSummaryRow, RankingMetrics};
use crate::data::HostTable;
use crate::data::logs::sample_rows;
use crate::error::{Error, Result};
use crate::experiment::eval::check_outputs;
use crate::train::{TrainConfig, Trained, read_back};

/// Rows encoded and scored at a time in evaluation (bounds the memory of a large test set).
const EVAL_CHUNK: usize = 32_768;

/// log(p / (1 − p)), with p kept off 0 and 1.
pub(crate) fn logit(p: f64) -> f32 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln() as f32
}

/// `config` with its steps set to `epochs` passes over `rows` training rows (and its reports
/// spaced for them), or unchanged without `epochs`.
pub(super) fn with_epochs(
    config: &TrainConfig,
    epochs: Option<f64>,
    rows: usize,
) -> Result<TrainConfig> {
    let mut c = config.clone();
    if let Some(e) = epochs {
        if !(e.is_finite() && e > 0.0) {
            return Err(Error::invalid(format!(
                "the epochs must be a positive number, not {e}"
            )));
        }
        c.steps = ((e * rows as f64) / c.batch_size.max(1) as f64)
            .ceil()
            .max(1.0) as usize;
        c.report_every = crate::experiment::settings::report_every(c.steps);
    }
    Ok(c)
}

/// Every member's logits on a set of rows, with the rows' users and labels.
pub(super) struct Scored {
    pub logits: Vec<Vec<f32>>,
    pub users: Vec<u32>,
    pub labels: Vec<f32>,
}

/// Scores `rows` chunk by chunk (`encode` turns a chunk into its inputs and users), so that
/// only one chunk's inputs exist at a time.
pub(super) fn score(
    trained: &Trained,
    n_features: usize,
    rows: &[u32],
    encode: impl Fn(&[u32]) -> (HostTable, Vec<u32>),
) -> Result<Scored> {
    let m = trained.members.len();
    let dx = n_features;
    let mut out = Scored {
        logits: vec![Vec::with_capacity(rows.len()); m],
        users: Vec::with_capacity(rows.len()),
        labels: Vec::with_capacity(rows.len()),
    };
    for chunk in rows.chunks(EVAL_CHUNK) {
        let (table, users) = encode(chunk);
        let n = table.n;
        // [1, n, dx] -> [M, n, 1]
        let x =
            Tensor::<3>::from_data(TensorData::new(table.x, [1, n, dx]), &trained.device.device);
        let values = read_back(trained.predict(&x), "predictions")?;
        for (i, member) in values.chunks(n).enumerate().take(m) {
            out.logits[i].extend_from_slice(member);
        }
        out.users.extend_from_slice(&users);
        out.labels.extend_from_slice(&table.y);
    }
    Ok(out)
}

/// Every member's metrics on one scored set, checked for non-finite outputs.
pub(super) fn member_rows(
    trained: &Trained,
    scored: &Scored,
    set: EvalSet,
    out: &mut Vec<LogsRow>,
) -> Result<()> {
    let on = format!("the {} set", set.name());
    for (member, logits) in trained.members.iter().zip(&scored.logits) {
        check_outputs(member, logits, &on)?;
        out.push(LogsRow {
            model: member.kind,
            beta: member.beta,
            seed: member.seed,
            set,
            n_rows: scored.labels.len(),
            metrics: RankingMetrics::of(&scored.users, logits, &scored.labels)?,
        });
    }
    Ok(())
}

/// One line per model and set whose mean log-loss is worse than the base rate's on that set.
pub(super) fn base_rate_warnings(
    summary: &[LogsSummaryRow],
    references: &[LogsReference],
    rate: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in summary {
        let base = references
            .iter()
            .find(|x| x.name == BASE_RATE && x.set == r.set);
        if let Some(base) = base
            && r.mean.logloss > base.metrics.logloss
        {
            out.push(format!(
                "warning: the {} model's {} log-loss, {:.4}, is worse than the base rate's, \
                 {:.4}: it has learned less than the {rate} alone says (train fewer steps, \
                 or on more rows)",
                r.model,
                r.set.name(),
                r.mean.logloss,
                base.metrics.logloss
            ));
        }
    }
    out
}

/// Splits `held_out` into the rows model selection looks at (at most `n_val` and at most half
/// of them, drawn from `(seed, label)`) and the others, scored as the in-distribution set.
pub(super) fn validation_split(
    held_out: &[u32],
    n_val: usize,
    seed: u64,
    label: &str,
) -> (Vec<u32>, Vec<u32>) {
    let val_rows = sample_rows(held_out, n_val.min(held_out.len() / 2).max(1), seed, label);
    let in_distribution = held_out
        .iter()
        .copied()
        .filter(|r| val_rows.binary_search(r).is_err())
        .collect();
    (val_rows, in_distribution)
}

/// Scores each named reference's `logits` on a scored set and adds it to `out`.
pub(super) fn push_references(
    set: EvalSet,
    scored: &Scored,
    references: &[(&str, &[f32])],
    out: &mut Vec<LogsReference>,
) -> Result<()> {
    for (name, logits) in references {
        out.push(LogsReference {
            name: (*name).to_owned(),
            set,
            n_rows: logits.len(),
            metrics: RankingMetrics::of(&scored.users, logits, &scored.labels)?,
        });
    }
    Ok(())
}
