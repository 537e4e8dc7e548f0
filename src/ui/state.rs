//! What the app remembers between runs (eframe storage): the scenario being edited, where its
//! nodes sit, the training settings and the view. Results and threads are runtime-only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kuairand::KuaiRandSource;
use crate::experiment::{CalibrationSettings, TrainSettings};
use crate::export::DataSettings;
pub use crate::export::Tab;
use crate::scm::{DEFAULT_PRESET, Scenario, preset};

/// Node positions on the canvas, in `[0, 1]²` of the canvas (so they survive resizing). Keyed by
/// node name; UI state, not part of the scenario.
pub type Layout = BTreeMap<String, [f32; 2]>;

/// The persisted state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    /// The scenario being edited.
    pub scenario: Scenario,
    /// Node positions.
    pub layout: Layout,
    /// Training settings.
    pub train: TrainSettings,
    /// The selected plot tab.
    pub tab: Tab,
    /// Data view settings.
    pub data: DataSettings,
    /// Calibration view settings.
    pub calibration: CalibrationSettings,
    /// The KuaiRand data source.
    pub kuairand: KuaiRandSource,
    /// Recently opened or saved workspace files, newest first.
    pub recent: Vec<String>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState::from_preset(DEFAULT_PRESET)
    }
}

impl AppState {
    /// The state a first start shows: a preset, laid out, with its recommended settings.
    pub fn from_preset(name: &str) -> Self {
        let scenario = preset(name).unwrap_or_else(|_| Scenario {
            name: "empty".into(),
            title: "Empty scenario".into(),
            description: String::new(),
            nodes: Vec::new(),
            interventions: Vec::new(),
            hints: Default::default(),
        });
        let mut train = TrainSettings::default();
        train.config.beta = scenario.hints.beta;
        train.config.conditional = scenario.hints.conditional_penalty;
        AppState {
            layout: super::graph::auto_layout(&scenario),
            scenario,
            train,
            tab: Tab::Overview,
            data: DataSettings::default(),
            calibration: CalibrationSettings::default(),
            kuairand: KuaiRandSource::default(),
            recent: Vec::new(),
        }
    }
}
