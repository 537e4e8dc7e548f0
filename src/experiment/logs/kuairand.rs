//! Baseline and CRL on KuaiRand: both train on the standard (policy-confounded) logs and are
//! evaluated in distribution, on held-out standard rows, and out of distribution, on the
//! random-exposure log.

use serde::{Deserialize, Serialize};

use super::compare::{EncodedLogs, LogsRun, RunRows, train_and_compare};
use super::metrics::BASE_RATE;
use super::score::{logit, validation_split};
use super::settings::LogsTraining;
use crate::data::HostTable;
use crate::data::kuairand::{EncodeOptions, Encoder, KuaiRandData, LogKind, split_by_date};
use crate::data::logs::{LogSet, sample_rows};
use crate::error::{Error, Result};
use crate::train::Observer;

/// Settings of a KuaiRand run besides the training configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KuaiRandSettings {
    /// Outcome, confounder proxy and bucket counts.
    pub encode: EncodeOptions,
    /// Share of the standard-log rows held out as the in-distribution set.
    pub held_out_fraction: f64,
    /// Train for this many passes over the training rows (the steps follow from the rows and
    /// the batch), instead of the configuration's fixed step count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<f64>,
}

impl Default for KuaiRandSettings {
    fn default() -> Self {
        KuaiRandSettings {
            encode: EncodeOptions::default(),
            held_out_fraction: 0.1,
            epochs: None,
        }
    }
}

/// Row counts of a KuaiRand run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KuaiRandCounts {
    /// Standard-log rows dated before the evaluation window: the statistics and the popularity
    /// proxy come from them alone.
    #[serde(default)]
    pub past: usize,
    /// The first date of the evaluation window (the random-exposure log's first date).
    #[serde(default)]
    pub window_start: u32,
    /// Standard-log rows of the evaluation window in the training split.
    pub train_split: usize,
    /// Of those, the rows the models trained on (at most `n_train`).
    pub train_used: usize,
    /// Held-out standard rows scored as the in-distribution set (the validation rows left out).
    pub held_out: usize,
    /// Held-out rows the engine reports validation figures on, and model selection uses (at
    /// most `n_val` and half the held-out rows; not scored as the in-distribution set).
    pub validation_used: usize,
    /// Random-exposure rows (the out-of-distribution set).
    pub random: usize,
    /// Columns of x.
    pub n_features: usize,
    /// Columns of c.
    pub confounder_width: usize,
}

/// The name of the past-popularity reference.
pub const PAST_POPULARITY: &str = "past popularity";

/// A KuaiRand run's results: its encoder and its counts (the past window's rows among them);
/// the references are the base rate and the past popularity on each set.
pub type KuaiRandResult = LogsRun<Encoder, KuaiRandCounts>;

impl KuaiRandResult {
    /// One line per model and set whose mean log-loss is worse than the base rate's on that
    /// set: such a model has learned less than the rate alone says (over- or under-fitted).
    pub fn warnings(&self) -> Vec<String> {
        self.base_rate_warnings("click rate")
    }
}

/// Trains a baseline and a CRL model for each of `n_seeds` seeds (from `config.seed`) on the
/// standard-log rows of `data` inside the evaluation window (the random-exposure log's dates),
/// with statistics and the popularity proxy from the rows before it, and evaluates them on the
/// held-out standard rows of the window and on the random-exposure log.
///
/// The held-out split, the encoding and the row samples come from `config.seed`; the models
/// train on at most `config.n_train` training rows and report validation figures on at most
/// `config.n_val` held-out rows (and at most half of them; with `config.keep_best_val` those
/// also pick each model's step), while the evaluation uses every other held-out row and every
/// random-exposure row.
pub fn kuairand_experiment(
    data: &KuaiRandData,
    settings: &KuaiRandSettings,
    training: &LogsTraining<'_>,
    observer: &mut dyn Observer,
) -> Result<KuaiRandResult> {
    let config = training.config;
    training.check("a KuaiRand run")?;
    if data.random.is_empty() {
        return Err(Error::invalid("the random-exposure log has no rows"));
    }
    // The evaluation window is the random-exposure log's dates: rows before it are the past
    // that statistics and the popularity proxy come from; the models train and are held out on
    // the standard rows of the window itself.
    let window_start = data.random.date.iter().copied().min().unwrap_or(0);
    let split = split_by_date(
        &data.standard.date,
        window_start,
        settings.held_out_fraction,
        config.seed,
    )?;
    let encoder = Encoder::fit(data, &split.train, &split.past, &settings.encode)?;
    let train_rows = sample_rows(&split.train, config.n_train, config.seed, "kuairand train");
    let (val_rows, in_distribution) = validation_split(
        &split.held_out,
        config.n_val,
        config.seed,
        "kuairand validation",
    );
    let run_rows = RunRows {
        train: &train_rows,
        validation: &val_rows,
        in_distribution: &in_distribution,
        test: data.random.len(),
    };
    let encoded = KuaiRandEncoded {
        data,
        encoder: &encoder,
    };
    let compared = train_and_compare(&encoded, &run_rows, training, settings.epochs, observer)?;
    let counts = KuaiRandCounts {
        past: split.past.len(),
        window_start,
        train_split: split.train.len(),
        train_used: train_rows.len(),
        held_out: in_distribution.len(),
        validation_used: val_rows.len(),
        random: data.random.len(),
        n_features: encoder.n_features(),
        confounder_width: encoder.confounder_width(),
    };
    Ok(compared.into_run(encoder, counts))
}

/// KuaiRand's encoding as the shared part of a run sees it: the standard log is the training
/// log, the random-exposure log the test log, and the references are the base rate and the
/// video's past popularity.
struct KuaiRandEncoded<'a> {
    data: &'a KuaiRandData,
    encoder: &'a Encoder,
}

fn kind_of(log: LogSet) -> LogKind {
    match log {
        LogSet::Train => LogKind::Standard,
        LogSet::Test => LogKind::Random,
    }
}

impl EncodedLogs for KuaiRandEncoded<'_> {
    fn n_features(&self) -> usize {
        self.encoder.n_features()
    }

    fn confounder_width(&self) -> usize {
        self.encoder.confounder_width()
    }

    fn encode(&self, log: LogSet, rows: &[u32]) -> (HostTable, Vec<u32>) {
        let enc = self.encoder.encode(self.data, kind_of(log), rows);
        (enc.table, enc.users)
    }

    fn references(
        &self,
        log: LogSet,
        rows: &[u32],
        train_rate: f64,
    ) -> Vec<(&'static str, Vec<f32>)> {
        let videos = &self.data.log(kind_of(log)).video;
        let past: Vec<f32> = rows
            .iter()
            .map(|&r| logit(f64::from(self.encoder.past_video_rate(videos[r as usize]))))
            .collect();
        vec![
            (BASE_RATE, vec![logit(train_rate); rows.len()]),
            (PAST_POPULARITY, past),
        ]
    }
}
