//! Baseline and CRL on mapped logs (the user's own files, Yahoo! R3, Coat: one [`LogsData`]
//! table): both train on the training log (self-selected, policy-confounded), model selection
//! on held-out rows of it, and are evaluated in distribution (the other held-out rows) and on
//! the test log (randomly exposed, where the source has one). The same metrics, references and
//! warnings as KuaiRand's.

use serde::{Deserialize, Serialize};

use super::compare::{EncodedLogs, LogsRun, RunRows, train_and_compare};
use super::metrics::BASE_RATE;
use super::score::{logit, validation_split};
use super::settings::{LogsSettings, LogsTraining};
use crate::data::HostTable;
use crate::data::logs::{
    LogSet, LogsData, LogsEncoder, sample_rows, split_by_time, split_standard,
};
use crate::error::{Error, Result};
use crate::train::Observer;

/// The name of the item-rate reference (sources with an item column).
pub const ITEM_RATE: &str = "training item rate";

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

/// A mapped-logs run's results: its encoder and its counts; the references are the base rate
/// and (with an item column) the item rate on each set.
pub type LogsResult = LogsRun<LogsEncoder, LogsCounts>;

impl LogsResult {
    /// One line per model and set whose mean log-loss is worse than the base rate's.
    pub fn warnings(&self) -> Vec<String> {
        self.base_rate_warnings("outcome's rate")
    }
}

/// Trains a baseline and a CRL model per seed on the training log of `data` and evaluates them
/// on held-out rows of it and on its test log. The split, the encoding and the samples come
/// from `config.seed`; the encoder is fitted on the training split alone.
pub fn logs_experiment(
    data: &LogsData,
    settings: &LogsSettings,
    training: &LogsTraining<'_>,
    observer: &mut dyn Observer,
) -> Result<LogsResult> {
    let config = training.config;
    training.check("a run")?;
    let (train_split, held_out, held_out_from) =
        hold_out(data, settings.held_out_fraction, config.seed)?;
    let encoder = LogsEncoder::fit(data, &train_split)?;
    let train_rows = sample_rows(&train_split, config.n_train, config.seed, "logs train");
    check_encoded_size(
        train_rows.len(),
        encoder.n_features(),
        settings.max_encoded_bytes,
    )?;
    let (val_rows, in_distribution) =
        validation_split(&held_out, config.n_val, config.seed, "logs validation");
    if in_distribution.is_empty() {
        return Err(Error::invalid(format!(
            "the training log's {} held-out rows leave none for the in-distribution set once \
             the validation rows are taken: hold out a larger share",
            held_out.len()
        )));
    }
    let run_rows = RunRows {
        train: &train_rows,
        validation: &val_rows,
        in_distribution: &in_distribution,
        test: data.test.n,
    };
    let encoded = MappedEncoded {
        data,
        encoder: &encoder,
    };
    let compared = train_and_compare(&encoded, &run_rows, training, settings.epochs, observer)?;
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
    Ok(compared.into_run(encoder, counts))
}

/// The training split and the held-out rows of the training log: the latest by time with a
/// time column (and the first held-out time), a seeded random share otherwise.
fn hold_out(
    data: &LogsData,
    fraction: f64,
    seed: u64,
) -> Result<(Vec<u32>, Vec<u32>, Option<f64>)> {
    Ok(if data.train.time.len() == data.train.n {
        let s = split_by_time(&data.train.time, fraction)?;
        (s.train, s.held_out, Some(s.cut))
    } else {
        let s = split_standard(data.train.n, fraction, seed)?;
        (s.train, s.held_out, None)
    })
}

/// Refuses `n_rows` training rows of `n_features` inputs that would take more than
/// `max_bytes` once encoded (0: no limit).
fn check_encoded_size(n_rows: usize, n_features: usize, max_bytes: u64) -> Result<()> {
    let bytes = n_rows as u64 * n_features as u64 * 4;
    if max_bytes > 0 && bytes > max_bytes {
        return Err(Error::invalid(format!(
            "{n_rows} training rows × {n_features} inputs would take {:.0} MB once encoded, \
             more than the limit of {:.0} MB: train on fewer rows, or lower the buckets",
            bytes as f64 / 1e6,
            max_bytes as f64 / 1e6
        )));
    }
    Ok(())
}

/// Mapped logs' encoding as the shared part of a run sees it: the references are the base rate
/// of the training split and, with an item column, the item's rate among the training rows.
struct MappedEncoded<'a> {
    data: &'a LogsData,
    encoder: &'a LogsEncoder,
}

impl EncodedLogs for MappedEncoded<'_> {
    fn n_features(&self) -> usize {
        self.encoder.n_features()
    }

    fn confounder_width(&self) -> usize {
        self.encoder.confounder_width()
    }

    fn encode(&self, log: LogSet, rows: &[u32]) -> (HostTable, Vec<u32>) {
        let enc = self.encoder.encode(self.data, log, rows);
        (enc.table, enc.users)
    }

    fn references(
        &self,
        log: LogSet,
        rows: &[u32],
        _train_rate: f64,
    ) -> Vec<(&'static str, Vec<f32>)> {
        let mut refs = vec![(BASE_RATE, vec![logit(self.encoder.base_rate()); rows.len()])];
        if self.encoder.has_items() {
            let cols = self.data.set(log);
            let item = rows
                .iter()
                .map(|&r| logit(self.encoder.item_rate(cols, r as usize)))
                .collect();
            refs.push((ITEM_RATE, item));
        }
        refs
    }
}
