//! Baseline and CRL on logged interactions from any source (the user's own files, Yahoo! R3,
//! Coat): both train on the training log (self-selected, policy-confounded), model selection
//! on held-out rows of it, and are evaluated in distribution (the other held-out rows) and on
//! the test log (randomly exposed, where the source has one). The same metrics, references and
//! warnings as KuaiRand's.

use serde::{Deserialize, Serialize};

use super::kuairand::{
    BASE_RATE, EvalSet, KuaiRandReference, KuaiRandRow, KuaiRandSummaryRow, RankingMetrics,
    base_rate_warnings, logit, member_rows, score, summarize_kuairand, with_epochs,
};
use super::settings::{check_seeds, compare_members};
use crate::data::PreparedTables;
use crate::data::kuairand::{sample_rows, split_standard};
use crate::data::logs::{LogSet, LogsData, LogsEncoder, split_by_time};
use crate::error::{Error, Result};
use crate::train::{ComputeDevice, Observer, RunControl, TrainConfig, Trained, train_tables};

/// The name of the item-rate reference (sources with an item column).
pub const ITEM_RATE: &str = "training item rate";

/// Settings of a logs run besides the mapping and the training configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogsSettings {
    /// Share of the training log held out (the latest rows by time, when there is a time
    /// column).
    pub held_out_fraction: f64,
    /// Train for this many passes over the training rows instead of a fixed step count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<f64>,
    /// Bytes the encoded training rows may take (0: no limit beyond the reader's).
    #[serde(skip)]
    pub max_encoded_bytes: u64,
}

impl Default for LogsSettings {
    fn default() -> Self {
        LogsSettings {
            held_out_fraction: 0.1,
            epochs: None,
            max_encoded_bytes: 0,
        }
    }
}

/// Row counts of a logs run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogsCounts {
    /// Rows of the training log.
    pub train_log: usize,
    /// Of those, the rows of the training split.
    pub train_split: usize,
    /// Of those, the rows the models trained on (at most `n_train`).
    pub train_used: usize,
    /// Held-out rows scored as the in-distribution set.
    pub held_out: usize,
    /// Held-out rows model selection looked at (not scored).
    pub validation_used: usize,
    /// Rows of the test log.
    pub test: usize,
    /// The first held-out time, when the hold-out is by time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_out_from: Option<f64>,
    /// Columns of x.
    pub n_features: usize,
    /// Columns of c.
    pub confounder_width: usize,
}

/// A logs run's results.
#[derive(Debug)]
pub struct LogsResult {
    /// The trained ensemble.
    pub trained: Trained,
    /// The fitted encoding.
    pub encoder: LogsEncoder,
    /// Per member and set.
    pub rows: Vec<KuaiRandRow>,
    /// Per model and set.
    pub summary: Vec<KuaiRandSummaryRow>,
    /// Row counts.
    pub counts: LogsCounts,
    /// The base-rate and (with an item column) item-rate references on each set.
    pub references: Vec<KuaiRandReference>,
    /// The configuration the models trained with.
    pub config: TrainConfig,
}

impl LogsResult {
    /// One line per model and set whose mean log-loss is worse than the base rate's.
    pub fn warnings(&self) -> Vec<String> {
        base_rate_warnings(&self.summary, &self.references, "outcome's rate")
    }
}

/// Trains a baseline and a CRL model per seed on the training log of `data` and evaluates them
/// on held-out rows of it and on its test log. The split, the encoding and the samples come
/// from `config.seed`; the encoder is fitted on the training split alone.
pub fn logs_experiment(
    data: &LogsData,
    settings: &LogsSettings,
    config: &TrainConfig,
    n_seeds: usize,
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<LogsResult> {
    if n_seeds == 0 {
        return Err(Error::invalid("a run needs at least one seed"));
    }
    check_seeds(n_seeds)?;
    config.validate()?;
    let (train_split, held_out, held_out_from) = if data.train.time.len() == data.train.n {
        let s = split_by_time(&data.train.time, settings.held_out_fraction)?;
        (s.train, s.held_out, Some(s.cut))
    } else {
        let s = split_standard(data.train.n, settings.held_out_fraction, config.seed)?;
        (s.train, s.held_out, None)
    };
    let encoder = LogsEncoder::fit(data, &train_split)?;
    let train_rows = sample_rows(&train_split, config.n_train, config.seed, "logs train");
    let bytes = train_rows.len() as u64 * encoder.n_features() as u64 * 4;
    if settings.max_encoded_bytes > 0 && bytes > settings.max_encoded_bytes {
        return Err(Error::invalid(format!(
            "{} training rows × {} inputs would take {:.0} MB once encoded, more than the limit \
             of {:.0} MB: train on fewer rows, or lower the buckets",
            train_rows.len(),
            encoder.n_features(),
            bytes as f64 / 1e6,
            settings.max_encoded_bytes as f64 / 1e6
        )));
    }
    let val_rows = sample_rows(
        &held_out,
        config.n_val.min(held_out.len() / 2).max(1),
        config.seed,
        "logs validation",
    );
    let in_distribution: Vec<u32> = held_out
        .iter()
        .copied()
        .filter(|r| val_rows.binary_search(r).is_err())
        .collect();
    if in_distribution.is_empty() {
        return Err(Error::invalid(format!(
            "the training log's {} held-out rows leave none for the in-distribution set once \
             the validation rows are taken: hold out a larger share",
            held_out.len()
        )));
    }
    let config = &with_epochs(config, settings.epochs, train_rows.len())?;
    let tables = PreparedTables {
        train: encoder.encode(data, LogSet::Train, &train_rows).table,
        val: encoder.encode(data, LogSet::Train, &val_rows).table,
        n_features: encoder.n_features(),
        confounder_width: encoder.confounder_width(),
        binary: true,
    };
    let members = compare_members(config.seed, n_seeds, config.beta, false);
    let trained = train_tables(&tables, &members, config, device, observer, control)?;
    drop(tables);
    let all_test: Vec<u32> = (0..data.test.n as u32).collect();
    let (mut rows, mut references) = (Vec::new(), Vec::new());
    for (set, log, set_rows) in [
        (EvalSet::InDistribution, LogSet::Train, &in_distribution),
        (EvalSet::RandomExposure, LogSet::Test, &all_test),
    ] {
        let scored = score(&trained, encoder.n_features(), set_rows, |chunk| {
            let enc = encoder.encode(data, log, chunk);
            (enc.table, enc.users)
        })?;
        let base = vec![logit(encoder.base_rate()); set_rows.len()];
        let mut refs = vec![(BASE_RATE, base)];
        if encoder.has_items() {
            let cols = data.set(log);
            let item: Vec<f32> = set_rows
                .iter()
                .map(|&r| logit(encoder.item_rate(cols, r as usize)))
                .collect();
            refs.push((ITEM_RATE, item));
        }
        for (name, logits) in refs {
            references.push(KuaiRandReference {
                name: name.to_owned(),
                set,
                n_rows: set_rows.len(),
                metrics: RankingMetrics::of(&scored.users, &logits, &scored.labels)?,
            });
        }
        member_rows(&trained, &scored, set, &mut rows)?;
    }
    let counts = LogsCounts {
        train_log: data.train.n,
        train_split: train_split.len(),
        train_used: train_rows.len(),
        held_out: in_distribution.len(),
        validation_used: val_rows.len(),
        test: data.test.n,
        held_out_from,
        n_features: encoder.n_features(),
        confounder_width: encoder.confounder_width(),
    };
    Ok(LogsResult {
        trained,
        encoder,
        summary: summarize_kuairand(&rows),
        rows,
        counts,
        references,
        config: config.clone(),
    })
}
