//! What the app remembers between runs (eframe storage): the scenario being edited, where its
//! nodes sit, the training settings, the view and the KuaiRand source. Results and threads are
//! runtime-only.

use serde::{Deserialize, Serialize};

use crate::experiment::{CalibrationSettings, TrainSettings};
use crate::export::DataSettings;
pub use crate::export::Tab;
use crate::scm::{DEFAULT_PRESET, Scenario, preset};
use crate::ui::layout::{Layout, auto_layout};

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
        let train = TrainSettings::for_scenario(&scenario);
        AppState {
            layout: auto_layout(&scenario),
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

/// What the KuaiRand view remembers between sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KuaiRandSource {
    /// The folder typed or picked.
    pub dir: String,
    /// Penalty weight of the CRL model (3 is steadier on these logs than the presets' values).
    pub beta: f64,
    /// Training rows the models see (the evaluation uses every held-out and random row).
    pub n_train: usize,
}

impl Default for KuaiRandSource {
    fn default() -> Self {
        KuaiRandSource {
            dir: String::new(),
            beta: 3.0,
            n_train: 200_000,
        }
    }
}
