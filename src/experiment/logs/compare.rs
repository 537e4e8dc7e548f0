//! The part of a run on logs that is the same for every source: train a baseline and a CRL
//! model per seed on the encoded training rows, then score every member and the references
//! without training on the in-distribution rows and on the test log.

use super::metrics::{EvalSet, LogsReference, LogsRow};
use super::metrics::{LogsSummaryRow, summarize_logs};
use super::score::{base_rate_warnings, member_rows, push_references, score, with_epochs};
use super::settings::LogsTraining;
use crate::data::logs::LogSet;
use crate::data::{HostTable, PreparedTables};
use crate::error::Result;
use crate::experiment::settings::compare_members;
use crate::train::{Observer, TrainConfig, Trained, train_tables};

/// A source's fitted encoding, as the shared part of a run sees it.
pub(super) trait EncodedLogs {
    /// Columns of x.
    fn n_features(&self) -> usize;
    /// Columns of c.
    fn confounder_width(&self) -> usize;
    /// The model inputs of `rows` of the training or the test log, and each row's user.
    fn encode(&self, log: LogSet, rows: &[u32]) -> (HostTable, Vec<u32>);
    /// The references' logits on `rows` of `log`, by name, in the order they are reported;
    /// `train_rate` is the outcome's rate among the rows the models trained on.
    fn references(
        &self,
        log: LogSet,
        rows: &[u32],
        train_rate: f64,
    ) -> Vec<(&'static str, Vec<f32>)>;
}

/// Which rows a run trains, selects and is evaluated on.
pub(super) struct RunRows<'a> {
    /// Training rows (of the training log).
    pub train: &'a [u32],
    /// Validation rows: what model selection looks at (of the training log).
    pub validation: &'a [u32],
    /// Held-out rows scored as the in-distribution set (of the training log).
    pub in_distribution: &'a [u32],
    /// Rows of the test log.
    pub test: usize,
}

/// A run's results, whatever the source: `E` is the source's fitted encoding, `C` its row
/// counts.
#[derive(Debug)]
pub struct LogsRun<E, C> {
    /// The trained ensemble (a baseline and a CRL model per seed).
    pub trained: Trained,
    /// The fitted encoding.
    pub encoder: E,
    /// Per member and set.
    pub rows: Vec<LogsRow>,
    /// Per model and set.
    pub summary: Vec<LogsSummaryRow>,
    /// Row counts.
    pub counts: C,
    /// The references without training on each set.
    pub references: Vec<LogsReference>,
    /// The configuration the models trained with (the steps from the epochs, if given).
    pub config: TrainConfig,
}

impl<E, C> LogsRun<E, C> {
    /// One line per model and set whose mean log-loss is worse than the base rate's on that
    /// set; `rate` names what the base rate is the rate of.
    pub(super) fn base_rate_warnings(&self, rate: &str) -> Vec<String> {
        base_rate_warnings(&self.summary, &self.references, rate)
    }
}

/// What the shared part hands back.
pub(super) struct Compared {
    pub trained: Trained,
    pub rows: Vec<LogsRow>,
    pub references: Vec<LogsReference>,
    pub config: TrainConfig,
}

impl Compared {
    /// The run's results, with the source's fitted `encoder` and row `counts`, and the rows
    /// summarized per model and set.
    pub(super) fn into_run<E, C>(self, encoder: E, counts: C) -> LogsRun<E, C> {
        LogsRun {
            trained: self.trained,
            encoder,
            summary: summarize_logs(&self.rows),
            rows: self.rows,
            counts,
            references: self.references,
            config: self.config,
        }
    }
}

/// Trains the members (with `epochs` over the training rows, if given) and scores them and the
/// references on both sets.
pub(super) fn train_and_compare(
    encoded: &dyn EncodedLogs,
    rows: &RunRows<'_>,
    training: &LogsTraining<'_>,
    epochs: Option<f64>,
    observer: &mut dyn Observer,
) -> Result<Compared> {
    let LogsTraining {
        config,
        n_seeds,
        device,
        control,
    } = *training;
    let config = with_epochs(config, epochs, rows.train.len())?;
    let tables = PreparedTables {
        train: encoded.encode(LogSet::Train, rows.train).0,
        val: encoded.encode(LogSet::Train, rows.validation).0,
        n_features: encoded.n_features(),
        confounder_width: encoded.confounder_width(),
        binary: true,
    };
    let members = compare_members(config.seed, n_seeds, config.beta, false);
    let trained = train_tables(&tables, &members, &config, device, observer, control)?;
    let train_rate =
        tables.train.y.iter().map(|&v| f64::from(v)).sum::<f64>() / tables.train.n.max(1) as f64;
    drop(tables);
    let all_test: Vec<u32> = (0..rows.test as u32).collect();
    let mut out = Compared {
        trained,
        rows: Vec::new(),
        references: Vec::new(),
        config,
    };
    for (set, log, set_rows) in [
        (EvalSet::InDistribution, LogSet::Train, rows.in_distribution),
        (EvalSet::RandomExposure, LogSet::Test, &all_test[..]),
    ] {
        let scored = score(&out.trained, encoded.n_features(), set_rows, |chunk| {
            encoded.encode(log, chunk)
        })?;
        let references = encoded.references(log, set_rows, train_rate);
        let named: Vec<(&str, &[f32])> = references
            .iter()
            .map(|(name, logits)| (*name, logits.as_slice()))
            .collect();
        push_references(set, &scored, &named, &mut out.references)?;
        member_rows(&out.trained, &scored, set, &mut out.rows)?;
    }
    Ok(out)
}
