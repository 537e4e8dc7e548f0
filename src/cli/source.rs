//! Where a command's scenario comes from: a preset or a scenario file.

use std::path::PathBuf;

use clap::Args;

use crate::error::Result;
use crate::scm::{DEFAULT_PRESET, Scenario, preset};

/// Where a scenario comes from: a preset or a file.
#[derive(Debug, Args, Clone)]
#[group(multiple = false)]
pub struct ScenarioSource {
    /// A preset by name (see `crl-lab presets`); the default is `shortcut`.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// A scenario file (JSON, as saved by the app or shipped in assets/scenarios).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

impl ScenarioSource {
    /// Loads the scenario this names (the default preset when neither is given), printing
    /// validation warnings to stderr.
    pub fn load(&self) -> Result<Scenario> {
        let sc = match (&self.preset, &self.scenario) {
            (_, Some(path)) => Scenario::load(path)?,
            (Some(name), None) => preset(name)?,
            (None, None) => preset(DEFAULT_PRESET)?,
        };
        let (_, warnings) = sc.validate()?;
        for w in warnings {
            eprintln!("warning: {w}");
        }
        Ok(sc)
    }
}
