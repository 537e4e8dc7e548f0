//! What a session sets besides the scenario: training, the data view and the calibration view.
//! The app edits these, a workspace file stores them, and the headless commands rebuild the same
//! runs from them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::mi::{CalibrationConfig, EstimatorKind, StaircaseConfig};
use crate::scm::{Scenario, check_shift};
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
    /// The default settings with `scenario`'s recommended beta and penalty form.
    pub fn for_scenario(scenario: &Scenario) -> Self {
        let mut settings = TrainSettings::default();
        settings.config.apply_hints(&scenario.hints);
        settings
    }

    /// What a run with these settings trains: the engine configuration (reporting about 50
    /// times), the ensemble's members and the shifts to evaluate at. Errors name the setting.
    pub fn plan(&self) -> Result<(TrainConfig, Vec<MemberSpec>, Vec<f64>)> {
        check_seeds(self.n_seeds)?;
        let shifts =
            parse_grid(&self.shift_grid).map_err(|e| Error::invalid(format!("shifts: {e}")))?;
        let mut config = self.config.clone();
        config.report_every = report_every(config.steps);
        config.validate()?;
        let seeds: Vec<u64> = (0..self.n_seeds.max(1) as u64)
            .map(|i| config.seed.wrapping_add(i))
            .collect();
        let members: Vec<MemberSpec> = match self.mode {
            RunMode::Compare => {
                compare_members(config.seed, self.n_seeds.max(1), config.beta, config.oracle)
            }
            RunMode::BetaSweep => {
                let betas = parse_betas(&self.sweep_betas)
                    .map_err(|e| Error::invalid(format!("β values: {e}")))?;
                let oracles = seeds
                    .iter()
                    .filter(|_| config.oracle)
                    .map(|&seed| MemberSpec::oracle(seed));
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
                    .chain(oracles)
                    .collect()
            }
        };
        Ok((config, members, shifts))
    }
}

/// How often a run of `steps` steps reports after its early reports (steps 10 and 25): about
/// 40 times, at most every 50 steps (each report trains the probes and scores every shift, so
/// reporting more often costs training time). 2,000 steps report every 50.
pub fn report_every(steps: usize) -> usize {
    (steps / 40).clamp(1, 50)
}

/// Most seeds per model a run trains: each seed is another copy of every model in the
/// ensemble, and a count read from a typo must be refused before the member list is built.
pub const MAX_SEEDS: usize = 1_000;

/// Refuses more than [`MAX_SEEDS`] seeds per model, naming the setting.
pub fn check_seeds(n_seeds: usize) -> Result<()> {
    if n_seeds > MAX_SEEDS {
        return Err(Error::invalid(format!(
            "{n_seeds} seeds per model is more than {MAX_SEEDS}: each seed trains another copy \
             of every model (lower --seeds, or the Seeds setting)"
        )));
    }
    Ok(())
}

/// Most shifts a grid may hold: each is a full evaluation of every model, and a count read
/// from a typo (`0:1:1000000000`) must be refused before the grid is built.
pub const MAX_SHIFTS: usize = 1_000;

/// Parses a grid `start:end:count` (e.g. `0:1:11`) or a comma list (`0,0.5,1`) of at most
/// [`MAX_SHIFTS`] shifts.
pub fn parse_grid(text: &str) -> Result<Vec<f64>> {
    let bad = || {
        Error::invalid(format!(
            "`{text}` is not a shift grid (use start:end:count such as 0:1:11, or a list such as 0,0.5,1)"
        ))
    };
    let too_many = |n: usize| {
        Error::invalid(format!(
            "`{text}` asks for {n} shifts; a grid holds at most {MAX_SHIFTS} (each shift \
             evaluates every model)"
        ))
    };
    let grid: Vec<f64> = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let [a, b, n] = parts.as_slice() else {
            return Err(bad());
        };
        let (a, b): (f64, f64) = (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        );
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n > MAX_SHIFTS {
            return Err(too_many(n));
        }
        match n {
            0 => return Err(bad()),
            1 => vec![a],
            _ => (0..n)
                .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
                .collect(),
        }
    } else {
        text.split(',')
            .map(|p| p.trim().parse::<f64>().map_err(|_| bad()))
            .collect::<Result<_>>()?
    };
    if grid.len() > MAX_SHIFTS {
        return Err(too_many(grid.len()));
    }
    for &s in &grid {
        check_shift(s)?;
    }
    Ok(grid)
}

/// The members of a comparison: a baseline and a CRL model with penalty weight `beta` for each
/// of `n_seeds` seeds from `first_seed` on, and with `oracle` a causal-features-only reference
/// per seed, in one ensemble (seed order; baseline, CRL, oracle).
pub fn compare_members(
    first_seed: u64,
    n_seeds: usize,
    beta: f64,
    oracle: bool,
) -> Vec<MemberSpec> {
    (0..n_seeds as u64)
        .flat_map(|i| {
            let seed = first_seed.wrapping_add(i);
            let mut v = vec![MemberSpec::baseline(seed), MemberSpec::crl(seed, beta)];
            if oracle {
                v.push(MemberSpec::oracle(seed));
            }
            v
        })
        .collect()
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

/// True MI of the staircase's levels in nats, as in the CLUB authors' notebook.
pub const STAIRCASE_NATS: [f64; 5] = [2.0, 4.0, 6.0, 8.0, 10.0];

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
    /// The staircase's settings. Written only when they differ from the defaults, so a file
    /// from before the staircase existed saves back byte for byte.
    #[serde(default, skip_serializing_if = "StaircaseSettings::is_default")]
    pub staircase: StaircaseSettings,
}

impl Default for CalibrationSettings {
    fn default() -> Self {
        CalibrationSettings {
            estimator: EstimatorKind::NceClub,
            dim: 5,
            steps: 1000,
            staircase: StaircaseSettings::default(),
        }
    }
}

/// Settings of the calibration view's staircase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaircaseSettings {
    /// Dimension of the Gaussian vectors (20 keeps the ideal readable; see
    /// [`StaircaseConfig::dim`]).
    pub dim: usize,
    /// Training steps per level.
    pub steps_per_level: usize,
}

impl Default for StaircaseSettings {
    fn default() -> Self {
        let c = StaircaseConfig::default();
        StaircaseSettings {
            dim: c.dim,
            steps_per_level: c.steps_per_level,
        }
    }
}

impl StaircaseSettings {
    /// Whether these are the defaults (then a workspace file leaves them out).
    pub fn is_default(&self) -> bool {
        *self == StaircaseSettings::default()
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

    /// The staircase over [`STAIRCASE_NATS`] for the same estimator.
    pub fn staircase_config(&self) -> StaircaseConfig {
        StaircaseConfig {
            estimator: self.estimator,
            levels_nats: STAIRCASE_NATS.to_vec(),
            dim: self.staircase.dim,
            steps_per_level: self.staircase.steps_per_level,
            ..StaircaseConfig::default()
        }
    }
}
