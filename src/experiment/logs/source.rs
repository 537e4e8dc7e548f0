//! Where the logs of a run come from: one enum over the sources (the user's own CSV/TSV files
//! and their mapping, a KuaiRand folder, Yahoo! R3, Coat), and what reading one gives.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::kuairand::{CachePolicy, EncodeOptions, KuaiRandData, load_kuairand};
use crate::data::logs::{
    LoadObserver, LogFiles, LogMapping, LogsData, RatingOptions, ReadLimits, read_coat, read_logs,
    read_yahoo_r3,
};
use crate::error::Result;

/// Where the logs come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LogSource {
    /// The user's own CSV/TSV files and their mapping.
    Files {
        /// The training log (or the only file, with a split column).
        train: PathBuf,
        /// The test log.
        test: Option<PathBuf>,
        /// What the columns mean.
        mapping: Box<LogMapping>,
    },
    /// A KuaiRand-Pure or KuaiRand-1K folder, read through its own loader (and cache) and
    /// encoded with statistics from the rows before the evaluation window.
    #[serde(rename = "kuairand")]
    KuaiRand {
        /// The folder.
        dir: PathBuf,
        /// Whether to use, rebuild or skip the parsed-data cache beside the CSV files.
        cache: CachePolicy,
        /// Outcome, confounder proxy and buckets.
        encode: EncodeOptions,
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

/// The logs a source gave: KuaiRand's own tables, or the one table of mapped logs.
#[derive(Debug)]
pub enum LoadedLogs {
    /// A KuaiRand release.
    KuaiRand(KuaiRandData),
    /// The user's files, Yahoo! R3 or Coat.
    Mapped(LogsData),
}

impl LoadedLogs {
    /// What was read, in one line.
    pub fn describe(&self) -> String {
        match self {
            LoadedLogs::KuaiRand(d) => d.describe(),
            LoadedLogs::Mapped(d) => d.describe(),
        }
    }

    /// Rows of the training log (KuaiRand: the whole standard log): what "every row" means.
    pub fn n_training_rows(&self) -> usize {
        match self {
            LoadedLogs::KuaiRand(d) => d.standard.len(),
            LoadedLogs::Mapped(d) => d.train.n,
        }
    }
}

impl LogSource {
    /// The command that reads this source: `logs`, `kuairand`, `yahoo-r3` or `coat`.
    pub fn command(&self) -> &'static str {
        match self {
            LogSource::Files { .. } => "logs",
            LogSource::KuaiRand { .. } => "kuairand",
            LogSource::YahooR3 { .. } => "yahoo-r3",
            LogSource::Coat { .. } => "coat",
        }
    }

    /// Reads the source within `limits` (KuaiRand's loader keeps its own compact columns and
    /// cache, and is not bounded by them).
    pub fn read(&self, limits: ReadLimits, observer: &mut dyn LoadObserver) -> Result<LoadedLogs> {
        Ok(match self {
            LogSource::Files {
                train,
                test,
                mapping,
            } => LoadedLogs::Mapped(read_logs(
                &LogFiles {
                    train: train.clone(),
                    test: test.clone(),
                },
                mapping,
                limits,
                observer,
            )?),
            LogSource::KuaiRand { dir, cache, .. } => {
                LoadedLogs::KuaiRand(load_kuairand(dir, *cache, observer)?)
            }
            LogSource::YahooR3 { dir, options } => {
                LoadedLogs::Mapped(read_yahoo_r3(dir, options, limits, observer)?)
            }
            LogSource::Coat { dir, options } => {
                LoadedLogs::Mapped(read_coat(dir, options, limits, observer)?)
            }
        })
    }
}
