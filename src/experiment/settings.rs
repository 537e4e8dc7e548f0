//! What a session sets besides the scenario: training, the data view and the calibration view.
//! The app edits these, a workspace file stores them, and the headless commands rebuild the same
//! runs from them.

use serde::{Deserialize, Serialize};

use super::parse_grid;
use crate::error::{Error, Result};
use crate::mi::{CalibrationConfig, EstimatorKind};
use crate::train::{DeviceChoice, MemberSpec, TrainConfig};

/// Baseline against CRL, or several betas in one ensemble.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum RunMode {
    /// One baseline and one CRL model per seed.
    #[default]
    Compare,
    /// One model per beta value per seed (beta 0 is the baseline).
    BetaSweep,
}

/// Everything the training panel sets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainSettings {
    /// The engine's configuration (beta, widths, steps, ...).
    pub config: TrainConfig,
    /// Seeds per model (the OOD band is one standard deviation over them).
    pub n_seeds: usize,
    /// Where to train.
    pub device: DeviceChoice,
    /// Compare or beta sweep.
    pub mode: RunMode,
    /// Beta values of a sweep, comma-separated.
    pub sweep_betas: String,
    /// Shifts the trained models are evaluated at (`start:end:count` or a list).
    pub shift_grid: String,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            config: TrainConfig::default(),
            n_seeds: 3,
            device: DeviceChoice::Auto,
            mode: RunMode::Compare,
            sweep_betas: "0, 1, 3, 10, 30".into(),
            shift_grid: "0:1:11".into(),
        }
    }
}

impl TrainSettings {
    /// What a run with these settings trains: the engine configuration (reporting about 100
    /// times), the ensemble's members and the shifts to evaluate at. Errors name the setting.
    pub fn plan(&self) -> Result<(TrainConfig, Vec<MemberSpec>, Vec<f64>)> {
        let shifts =
            parse_grid(&self.shift_grid).map_err(|e| Error::invalid(format!("shifts: {e}")))?;
        let mut config = self.config.clone();
        config.report_every = report_every(config.steps);
        config.validate()?;
        let seeds: Vec<u64> = (0..self.n_seeds.max(1) as u64)
            .map(|i| config.seed.wrapping_add(i))
            .collect();
        let members: Vec<MemberSpec> = match self.mode {
            RunMode::Compare => seeds
                .iter()
                .flat_map(|&seed| {
                    [
                        MemberSpec::baseline(seed),
                        MemberSpec::crl(seed, config.beta),
                    ]
                })
                .collect(),
            RunMode::BetaSweep => {
                let betas = parse_betas(&self.sweep_betas)
                    .map_err(|e| Error::invalid(format!("β values: {e}")))?;
                betas
                    .iter()
                    .flat_map(|&b| {
                        seeds.iter().map(move |&seed| {
                            if b == 0.0 {
                                MemberSpec::baseline(seed)
                            } else {
                                MemberSpec::crl(seed, b)
                            }
                        })
                    })
                    .collect()
            }
        };
        Ok((config, members, shifts))
    }
}

/// How often a run of `steps` steps reports: about 100 times, at most every 50 steps.
pub fn report_every(steps: usize) -> usize {
    (steps / 100).clamp(1, 50)
}

/// Parses the comma-separated beta list of a sweep (distinct, finite, ≥ 0, at least one).
pub fn parse_betas(text: &str) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let b: f64 = t
            .parse()
            .map_err(|_| Error::invalid(format!("`{t}` is not a number")))?;
        if !b.is_finite() || b < 0.0 {
            return Err(Error::invalid(format!("β must be finite and ≥ 0, got {t}")));
        }
        if !out.contains(&b) {
            out.push(b);
        }
    }
    if out.is_empty() {
        return Err(Error::invalid("give at least one β value"));
    }
    Ok(out)
}

/// Correlations the calibration view runs at.
pub const CALIBRATION_RHOS: [f64; 6] = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9];

/// Settings of the calibration view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalibrationSettings {
    /// The estimator under test.
    pub estimator: EstimatorKind,
    /// Dimension of each Gaussian vector.
    pub dim: usize,
    /// Training steps per correlation.
    pub steps: usize,
}

impl Default for CalibrationSettings {
    fn default() -> Self {
        CalibrationSettings {
            estimator: EstimatorKind::NceClub,
            dim: 5,
            steps: 1000,
        }
    }
}

impl CalibrationSettings {
    /// One estimator configuration per correlation of [`CALIBRATION_RHOS`].
    pub fn configs(&self) -> Vec<CalibrationConfig> {
        CALIBRATION_RHOS
            .iter()
            .map(|&rho| CalibrationConfig {
                estimator: self.estimator,
                rho,
                dim: self.dim,
                steps: self.steps,
                ..CalibrationConfig::default()
            })
            .collect()
    }
}

/// Settings of the data view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DataSettings {
    /// The test-environment shift s shown beside the training distribution.
    pub shift: f64,
    /// Column on the x axis (empty: the first feature).
    pub x_column: String,
    /// Column on the y axis (empty: the second feature or the confounder).
    pub y_column: String,
    /// Rows drawn per scatter.
    pub n_points: usize,
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings {
            shift: 1.0,
            x_column: String::new(),
            y_column: String::new(),
            n_points: 1500,
        }
    }
}
