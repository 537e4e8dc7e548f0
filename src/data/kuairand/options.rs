//! What a KuaiRand run encodes: the outcome the models predict, the confounder proxy the
//! penalty removes, the bucket counts, and whether the leaky statistics file is an input.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The label the models predict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `is_click`: a click (two-column UI) or a valid play (single-column UI).
    #[default]
    IsClick,
    /// `long_view`: played to the end (videos up to 18 s) or for 18 s.
    LongView,
}

impl Outcome {
    /// The column name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::IsClick => "is_click",
            Outcome::LongView => "long_view",
        }
    }
}

impl FromStr for Outcome {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "is_click" => Ok(Outcome::IsClick),
            "long_view" => Ok(Outcome::LongView),
            other => Err(Error::invalid(format!(
                "unknown outcome `{other}` (use is_click or long_view)"
            ))),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The observed proxy of what confounds the logs, seen only by the penalty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfounderProxy {
    /// `tab`, the app scenario the logging policy served the video in, one-hot over
    /// [`TAB_CLASSES`] classes (tabs above 14 share the last).
    #[default]
    Tab,
    /// The video's popularity under the logging policy: its number of impressions among the
    /// training rows, in quantile buckets of the training rows.
    Popularity,
}

impl ConfounderProxy {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ConfounderProxy::Tab => "tab",
            ConfounderProxy::Popularity => "popularity",
        }
    }
}

impl FromStr for ConfounderProxy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "tab" => Ok(ConfounderProxy::Tab),
            "popularity" => Ok(ConfounderProxy::Popularity),
            other => Err(Error::invalid(format!(
                "unknown confounder `{other}` (use tab or popularity)"
            ))),
        }
    }
}

impl fmt::Display for ConfounderProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Classes of the `tab` confounder: tabs 0..=14 (KuaiRand's range), and one for anything above.
pub const TAB_CLASSES: usize = 16;

/// How rows become model inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EncodeOptions {
    /// The label.
    pub outcome: Outcome,
    /// The confounder proxy.
    pub confounder: ConfounderProxy,
    /// Buckets of each id-like category (`user_id`, `video_id`, `author_id`, `tag`, and the
    /// user's one-hot features with more values than this).
    pub id_buckets: usize,
    /// Quantile buckets of the popularity confounder.
    pub popularity_buckets: usize,
    /// Use the columns of `video_features_statistic_*.csv` as inputs. Off by default: that
    /// file aggregates over the whole collection period, the random-exposure log's dates
    /// included, and several of its columns are the outcome summed over time, so a model that
    /// sees them has seen the test set's labels (see [`LEAKAGE_WARNING`]).
    pub use_statistics_file: bool,
}

/// What a run that uses the statistics file is told (and the CLI prints).
pub const LEAKAGE_WARNING: &str = "warning: the inputs include video_features_statistic, which aggregates over the whole collection period (the random-exposure log's dates included) and sums the outcome over time: the model has seen the test set's labels, so its held-out and random-exposure numbers are not trustworthy";

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            outcome: Outcome::IsClick,
            confounder: ConfounderProxy::Tab,
            id_buckets: 16,
            popularity_buckets: 5,
            use_statistics_file: false,
        }
    }
}
