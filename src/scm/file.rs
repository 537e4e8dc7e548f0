//! The versioned scenario file format (JSON) and the presets that ship in it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::scenario::Scenario;
use crate::error::{Error, Result};
use crate::fs::{read_string, write_string};

/// The `format` field of every scenario file.
pub const SCENARIO_FORMAT: &str = "crl-lab-scenario";
/// The version of the scenario format this build writes and reads.
pub const SCENARIO_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct ScenarioFile {
    format: String,
    version: u32,
    scenario: Scenario,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

impl Scenario {
    /// Parses and validates a scenario file's text; `label` names the source in errors.
    pub fn from_json(text: &str, label: &str) -> Result<Scenario> {
        let bad = |detail: String| Error::BadFile {
            path: label.to_owned(),
            detail,
        };
        let header: Header =
            serde_json::from_str(text).map_err(|e| bad(format!("not a scenario file: {e}")))?;
        match header.format.as_deref() {
            Some(SCENARIO_FORMAT) => {}
            Some(other) => {
                return Err(bad(format!(
                    "format is `{other}`, expected `{SCENARIO_FORMAT}`"
                )));
            }
            None => {
                return Err(bad(format!(
                    "no `format` field (expected `{SCENARIO_FORMAT}`)"
                )));
            }
        }
        match header.version {
            Some(SCENARIO_VERSION) => {}
            Some(v) if v > SCENARIO_VERSION => {
                return Err(bad(format!(
                    "version {v} was written by a newer crl-lab; this one reads version {SCENARIO_VERSION}"
                )));
            }
            Some(v) => {
                return Err(bad(format!(
                    "version {v} is not supported (this crl-lab reads {SCENARIO_VERSION})"
                )));
            }
            None => return Err(bad("no `version` field".to_owned())),
        }
        let file: ScenarioFile = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        file.scenario.validate().map_err(|e| bad(e.to_string()))?;
        Ok(file.scenario)
    }

    /// The scenario as the text of a scenario file.
    pub fn to_json(&self) -> String {
        let file = ScenarioFile {
            format: SCENARIO_FORMAT.to_owned(),
            version: SCENARIO_VERSION,
            scenario: self.clone(),
        };
        // Serialising plain data to a string cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Loads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = read_string(path)?;
        Scenario::from_json(&text, &path.display().to_string())
    }

    /// Saves the scenario atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        write_string(path, &self.to_json())
    }
}

/// The presets that ship with crl-lab: (name, file text). The first is the default.
const PRESETS: [(&str, &str); 5] = [
    (
        "shortcut",
        include_str!("../../assets/scenarios/shortcut.json"),
    ),
    (
        "exposure-bias",
        include_str!("../../assets/scenarios/exposure-bias.json"),
    ),
    (
        "anti-causal",
        include_str!("../../assets/scenarios/anti-causal.json"),
    ),
    (
        "linear-gaussian",
        include_str!("../../assets/scenarios/linear-gaussian.json"),
    ),
    (
        "watch-time",
        include_str!("../../assets/scenarios/watch-time.json"),
    ),
];

/// Name of the preset the app and the CLI start from.
pub const DEFAULT_PRESET: &str = "shortcut";

/// Names of every preset, the default first.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}

/// Loads a preset by name, through the same parser as user files.
pub fn preset(name: &str) -> Result<Scenario> {
    let (_, text) =
        PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| Error::UnknownPreset {
                name: name.to_owned(),
                available: preset_names().join(", "),
            })?;
    Scenario::from_json(text, &format!("preset {name}"))
}
