//! Workspace files: one versioned JSON file holding a session's scenario, node layout, training
//! settings (hyperparameters, seeds, device), plot settings and the results already computed, so
//! the app can reopen it and `crl-lab figure` / `crl-lab run` can rebuild its figures.
//!
//! The encoding is deterministic: struct fields in declaration order, maps sorted, pretty JSON
//! with a trailing newline. Saving a loaded workspace gives the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::pinned::PinnedRun;
use super::view::PlotSettings;
use crate::error::{Error, Result};
use crate::experiment::{RunResults, TrainSettings};
use crate::fs::{VersionedJson, read_string, write_string};
use crate::hash::fnv1a64_hex;
use crate::mi::{Calibration, Staircase};
use crate::scm::{Scenario, preset};

/// The `format` field every workspace file carries.
pub const WORKSPACE_FORMAT: &str = "crl-lab-workspace";
/// The version this build writes and understands.
pub const WORKSPACE_VERSION: u32 = 1;

/// Node positions on the graph canvas, in `[0, 1]²`, keyed by node name.
pub type NodeLayout = BTreeMap<String, [f32; 2]>;

/// A saved session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Always [`WORKSPACE_FORMAT`].
    pub format: String,
    /// Always [`WORKSPACE_VERSION`] once loaded.
    pub version: u32,
    /// The crl-lab version that wrote it (informational; not checked).
    pub written_by: String,
    /// The scenario.
    pub scenario: Scenario,
    /// Where the graph editor draws each node (may be empty: the app lays nodes out itself).
    pub layout: NodeLayout,
    /// Training settings: every hyperparameter, the seeds and the device choice.
    pub train: TrainSettings,
    /// Plot settings.
    pub plots: PlotSettings,
    /// The last training run's results, if any.
    pub results: Option<RunResults>,
    /// The calibration view's points, one per correlation done.
    pub calibration_points: Vec<Calibration>,
    /// The calibration view's staircase, once run (absent in files written before it existed,
    /// and then not written back, so they round-trip unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_staircase: Option<Staircase>,
    /// Finished runs pinned for comparison, in pinning order (not written when there are none,
    /// so older files round-trip unchanged).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned: Vec<PinnedRun>,
}

impl Workspace {
    /// A workspace for `scenario` with `train` settings, default plot settings and no results.
    pub fn new(scenario: Scenario, layout: NodeLayout, train: TrainSettings) -> Self {
        Workspace {
            format: WORKSPACE_FORMAT.into(),
            version: WORKSPACE_VERSION,
            written_by: env!("CARGO_PKG_VERSION").into(),
            scenario,
            layout,
            train,
            plots: PlotSettings::default(),
            results: None,
            calibration_points: Vec::new(),
            calibration_staircase: None,
            pinned: Vec::new(),
        }
    }

    /// A fresh workspace on a preset, with the preset's recommended beta and penalty (as the
    /// app starts), an empty layout and no results.
    pub fn from_preset(name: &str) -> Result<Self> {
        let scenario = preset(name)?;
        let train = TrainSettings::for_scenario(&scenario);
        Ok(Workspace::new(scenario, NodeLayout::new(), train))
    }

    /// The canonical text: pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Result<String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::invalid(format!("cannot encode the workspace: {e}")))?;
        text.push('\n');
        Ok(text)
    }

    /// Parses a workspace from `text`; `label` (usually the path) names it in errors. Checks the
    /// format string and version before anything else, so an old or new file gets a message
    /// about its version, not about a missing field.
    pub fn from_json(text: &str, label: &str) -> Result<Self> {
        VersionedJson {
            format: WORKSPACE_FORMAT,
            version: WORKSPACE_VERSION,
            noun: "workspace",
            invalid_hint: " (damaged or truncated?)",
            newer_verb: "open",
            older_note: "; no converter exists for it",
        }
        .parse(text, label)
    }

    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = read_string(path)?;
        Workspace::from_json(&text, &path.display().to_string())
    }

    /// Writes the canonical text to `path` atomically (a failed save leaves the old file).
    pub fn save(&self, path: &Path) -> Result<()> {
        write_string(path, &self.to_json()?)
    }

    /// A stable content hash of the canonical text: FNV-1a 64, 16 hex digits.
    pub fn hash(&self) -> Result<String> {
        Ok(fnv1a64_hex(self.to_json()?.as_bytes()))
    }
}
