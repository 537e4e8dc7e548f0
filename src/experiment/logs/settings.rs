//! What a run on logs is told besides the source and the engine's configuration: the held-out
//! share, the epochs, the memory the encoded rows may take, and how many training rows to use.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::experiment::settings::check_seeds;
use crate::train::{ComputeDevice, RunControl, TrainConfig};

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

/// How many rows of the training split the models train on: the one way to say "every row".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowCount {
    /// Every row of the source's training log.
    All,
    /// At most this many (drawn at random from the training split).
    AtMost(usize),
}

impl RowCount {
    /// `n` rows, with 0 meaning every row (the CLI's `--train-rows 0`).
    pub fn from_flag(n: usize) -> Self {
        if n == 0 {
            RowCount::All
        } else {
            RowCount::AtMost(n)
        }
    }

    /// The engine's `n_train` for a training log of `n_rows` rows.
    pub fn resolve(self, n_rows: usize) -> usize {
        match self {
            RowCount::All => n_rows.max(1),
            RowCount::AtMost(n) => n,
        }
    }
}

/// How a logs experiment trains: the models' settings, the seeds, the device and the run's
/// controls (the observer is passed beside it, being borrowed mutably).
#[derive(Clone, Copy)]
pub struct LogsTraining<'a> {
    /// The models' settings.
    pub config: &'a TrainConfig,
    /// Seeds per model.
    pub n_seeds: usize,
    /// Where they train.
    pub device: &'a ComputeDevice,
    /// Pause and cancel.
    pub control: &'a RunControl,
}

impl LogsTraining<'_> {
    /// Refuses no seed (`run` names the run in the message: "a KuaiRand run") or too many, and
    /// the models' settings when they are out of range.
    pub fn check(&self, run: &str) -> Result<()> {
        if self.n_seeds == 0 {
            return Err(Error::invalid(format!("{run} needs at least one seed")));
        }
        check_seeds(self.n_seeds)?;
        self.config.validate()
    }
}
