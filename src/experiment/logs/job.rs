//! One logs job from source to metrics, the way the app's worker and the `logs`, `kuairand`,
//! `yahoo-r3` and `coat` commands all run it: read the source, choose the device, then train and
//! evaluate baseline and CRL ([`kuairand_experiment`] on a KuaiRand folder, [`logs_experiment`]
//! on mapped logs), reporting to one observer.

use super::kuairand::{KuaiRandResult, KuaiRandSettings, kuairand_experiment};
use super::mapped::{LogsResult, logs_experiment};
use super::metrics::{LogsReference, LogsRow, LogsSummaryRow};
use super::settings::{LogsSettings, LogsTraining, RowCount};
use super::source::{LoadedLogs, LogSource};
use crate::data::logs::{LoadEvent, LoadObserver, ReadLimits};
use crate::error::{Error, Result};
use crate::train::{DeviceChoice, Observer, RunControl, TrainConfig, Trained, select_device};

/// A logs job: everything it needs, owned (so it can move to a worker thread).
#[derive(Clone, Debug)]
pub struct LogsJob {
    /// The source.
    pub source: LogSource,
    /// Held-out share and epochs.
    pub settings: LogsSettings,
    /// The engine's configuration (its `n_train` is set from `train_rows`).
    pub config: TrainConfig,
    /// How many training rows the models see.
    pub train_rows: RowCount,
    /// Seeds per model.
    pub n_seeds: usize,
    /// Where to train.
    pub device: DeviceChoice,
    /// Memory the parsed source may take.
    pub limits: ReadLimits,
}

/// Watches a logs job: the reading, then training (through [`Observer`]). Every method has a
/// default that ignores the event.
pub trait LogsObserver: Observer {
    /// A loading event (a file opened, bytes read, a cache used or written).
    fn on_load(&mut self, _event: &LoadEvent) {}
    /// The logs are in memory; training starts next.
    fn on_loaded(&mut self, _data: &LoadedLogs) {}
}

/// A finished run's results: KuaiRand's (with its past-window counts) or mapped logs'.
#[derive(Debug)]
pub enum SourceResult {
    /// From a KuaiRand folder.
    KuaiRand(KuaiRandResult),
    /// From the user's files, Yahoo! R3 or Coat.
    Mapped(LogsResult),
}

impl SourceResult {
    /// Per member and set.
    pub fn rows(&self) -> &[LogsRow] {
        match self {
            SourceResult::KuaiRand(r) => &r.rows,
            SourceResult::Mapped(r) => &r.rows,
        }
    }

    /// Per model and set.
    pub fn summary(&self) -> &[LogsSummaryRow] {
        match self {
            SourceResult::KuaiRand(r) => &r.summary,
            SourceResult::Mapped(r) => &r.summary,
        }
    }

    /// The references without training on each set.
    pub fn references(&self) -> &[LogsReference] {
        match self {
            SourceResult::KuaiRand(r) => &r.references,
            SourceResult::Mapped(r) => &r.references,
        }
    }

    /// The trained ensemble.
    pub fn trained(&self) -> &Trained {
        match self {
            SourceResult::KuaiRand(r) => &r.trained,
            SourceResult::Mapped(r) => &r.trained,
        }
    }

    /// The configuration the models trained with (`n_train` and the steps resolved).
    pub fn config(&self) -> &TrainConfig {
        match self {
            SourceResult::KuaiRand(r) => &r.config,
            SourceResult::Mapped(r) => &r.config,
        }
    }

    /// The names of the model inputs, in x order.
    pub fn feature_names(&self) -> &[String] {
        match self {
            SourceResult::KuaiRand(r) => r.encoder.feature_names(),
            SourceResult::Mapped(r) => r.encoder.feature_names(),
        }
    }

    /// One line per model and set whose mean log-loss is worse than the base rate's.
    pub fn warnings(&self) -> Vec<String> {
        match self {
            SourceResult::KuaiRand(r) => r.warnings(),
            SourceResult::Mapped(r) => r.warnings(),
        }
    }
}

/// What a finished logs job hands back.
#[derive(Debug)]
pub struct LogsOutput {
    /// The logs that were read.
    pub data: LoadedLogs,
    /// Metrics, the trained ensemble and the fitted encoding.
    pub result: SourceResult,
    /// The device line (backend and adapter).
    pub device: String,
}

/// Forwards the reader's events to a [`LogsObserver`], and its stop checks to the control.
struct LoadEvents<'a>(&'a mut dyn LogsObserver, &'a RunControl);

impl LoadObserver for LoadEvents<'_> {
    fn on_event(&mut self, event: &LoadEvent) {
        self.0.on_load(event);
    }

    fn stop_requested(&self) -> bool {
        self.1.is_cancelled()
    }
}

/// Runs `job`: validates its configuration, reads the source, selects the device, and trains
/// and evaluates, reporting to `observer` and steered by `control` (a cancelled run returns
/// what the engine had; its metrics are those of the models at the step it stopped).
pub fn run_logs_job(
    job: &LogsJob,
    observer: &mut dyn LogsObserver,
    control: &RunControl,
) -> Result<LogsOutput> {
    let mut config = job.config.clone();
    // Before the rows are known, "every row" is checked as the smallest count that trains.
    config.n_train = match job.train_rows {
        RowCount::All => config.batch_size.max(1),
        RowCount::AtMost(n) => n,
    };
    config.validate()?;
    let data = job
        .source
        .read(job.limits, &mut LoadEvents(observer, control))?;
    observer.on_loaded(&data);
    config.n_train = job.train_rows.resolve(data.n_training_rows());
    let device = select_device(job.device)?;
    let training = LogsTraining {
        config: &config,
        n_seeds: job.n_seeds,
        device: &device,
        control,
    };
    let result = match (&job.source, &data) {
        (LogSource::KuaiRand { encode, .. }, LoadedLogs::KuaiRand(d)) => {
            let settings = KuaiRandSettings {
                encode: encode.clone(),
                held_out_fraction: job.settings.held_out_fraction,
                epochs: job.settings.epochs,
            };
            SourceResult::KuaiRand(kuairand_experiment(
                d,
                &settings,
                &training,
                as_observer(observer),
            )?)
        }
        (_, LoadedLogs::Mapped(d)) => {
            let mut settings = job.settings.clone();
            if settings.max_encoded_bytes == 0 {
                settings.max_encoded_bytes = job.limits.max_bytes;
            }
            SourceResult::Mapped(logs_experiment(
                d,
                &settings,
                &training,
                as_observer(observer),
            )?)
        }
        (_, LoadedLogs::KuaiRand(_)) => {
            return Err(Error::invalid(
                "only a KuaiRand source reads a KuaiRand folder",
            ));
        }
    };
    Ok(LogsOutput {
        data,
        result,
        device: device.description,
    })
}

fn as_observer(o: &mut dyn LogsObserver) -> &mut dyn Observer {
    o
}
