//! One logs job from source to metrics, the way the app's worker and `crl-lab logs`,
//! `yahoo-r3` and `coat` all run it: read the source within the memory limit, choose the
//! device, then train and evaluate baseline and CRL (see [`logs_experiment`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::logs::{LogsResult, LogsSettings, logs_experiment};
use crate::data::logs::{
    LoadEvent, LoadObserver, LogFiles, LogMapping, LogsData, RatingOptions, ReadLimits, read_coat,
    read_logs, read_yahoo_r3,
};
use crate::error::Result;
use crate::train::{DeviceChoice, Observer, RunControl, TrainConfig, select_device};

/// Where the logs come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LogsSource {
    /// The user's own CSV/TSV files and their mapping.
    Files {
        /// The training log (or the only file, with a split column).
        train: PathBuf,
        /// The test log.
        test: Option<PathBuf>,
        /// What the columns mean.
        mapping: Box<LogMapping>,
    },
    /// A Yahoo! R3 folder.
    YahooR3 {
        /// The folder.
        dir: PathBuf,
        /// Threshold and buckets.
        options: RatingOptions,
    },
    /// A Coat folder.
    Coat {
        /// The folder.
        dir: PathBuf,
        /// Threshold and buckets.
        options: RatingOptions,
    },
}

impl LogsSource {
    /// The command that reads this source: `logs`, `yahoo-r3` or `coat`.
    pub fn command(&self) -> &'static str {
        match self {
            LogsSource::Files { .. } => "logs",
            LogsSource::YahooR3 { .. } => "yahoo-r3",
            LogsSource::Coat { .. } => "coat",
        }
    }

    /// Reads the source within `limits`.
    pub fn read(&self, limits: ReadLimits, observer: &mut dyn LoadObserver) -> Result<LogsData> {
        match self {
            LogsSource::Files {
                train,
                test,
                mapping,
            } => read_logs(
                &LogFiles {
                    train: train.clone(),
                    test: test.clone(),
                },
                mapping,
                limits,
                observer,
            ),
            LogsSource::YahooR3 { dir, options } => read_yahoo_r3(dir, options, limits, observer),
            LogsSource::Coat { dir, options } => read_coat(dir, options, limits, observer),
        }
    }
}

/// A logs job: everything it needs, owned (so it can move to a worker thread).
#[derive(Clone, Debug)]
pub struct LogsJob {
    /// The source.
    pub source: LogsSource,
    /// Held-out share and epochs.
    pub settings: LogsSettings,
    /// The engine's configuration (`n_train` 0: every training row).
    pub config: TrainConfig,
    /// Seeds per model.
    pub n_seeds: usize,
    /// Where to train.
    pub device: DeviceChoice,
    /// Memory the parsed source may take.
    pub limits: ReadLimits,
}

/// Watches a logs job: the reading, then training (through [`Observer`]).
pub trait LogsObserver: Observer {
    /// A loading event (a file opened, bytes read).
    fn on_load(&mut self, _event: &LoadEvent) {}
    /// The logs are in memory; training starts next.
    fn on_loaded(&mut self, _data: &LogsData) {}
}

/// What a finished logs job hands back.
#[derive(Debug)]
pub struct LogsOutput {
    /// The logs that were read.
    pub data: LogsData,
    /// Metrics, the trained ensemble and the fitted encoding.
    pub result: LogsResult,
    /// The device line.
    pub device: String,
}

struct LoadEvents<'a>(&'a mut dyn LogsObserver, &'a RunControl);

impl LoadObserver for LoadEvents<'_> {
    fn on_event(&mut self, event: &LoadEvent) {
        self.0.on_load(event);
    }

    fn stop_requested(&self) -> bool {
        self.1.is_cancelled()
    }
}

/// Runs `job`: validates its configuration, reads the source, selects the device, trains and
/// evaluates, reporting to `observer` and steered by `control`.
pub fn run_logs_job(
    job: &LogsJob,
    observer: &mut dyn LogsObserver,
    control: &RunControl,
) -> Result<LogsOutput> {
    let mut config = job.config.clone();
    let all_rows = config.n_train == 0;
    if all_rows {
        config.n_train = 1;
    }
    config.validate()?;
    let data = job
        .source
        .read(job.limits, &mut LoadEvents(observer, control))?;
    observer.on_loaded(&data);
    if all_rows {
        config.n_train = data.train.n.max(1);
    }
    let device = select_device(job.device)?;
    let mut settings = job.settings.clone();
    if settings.max_encoded_bytes == 0 {
        settings.max_encoded_bytes = job.limits.max_bytes;
    }
    let result = logs_experiment(
        &data,
        &settings,
        &config,
        job.n_seeds,
        &device,
        as_observer(observer),
        control,
    )?;
    Ok(LogsOutput {
        data,
        result,
        device: device.description,
    })
}

fn as_observer(o: &mut dyn LogsObserver) -> &mut dyn Observer {
    o
}
