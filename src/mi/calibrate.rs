//! Estimator calibration on correlated Gaussians, where the truth is known exactly
//! (method.md §6): I = −d/2 log(1 − ρ²). Each run also records the estimator's ideal (see
//! [`ideal_estimate`]), what it would read with its best critic: an upper bound that lands far
//! above the truth but on its ideal is working as it should.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::critic_trainer::{
    CriticTrainer, HELD_OUT_BATCHES, TrainerSettings, check_gaussian_estimator, trainer_settings_of,
};
use super::ideal::ideal_estimate;
use super::kind::EstimatorKind;
use crate::error::{Error, Result};
use crate::models::CriticKind;
use crate::scm::correlated_gaussian_mi;

/// Settings of a calibration run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalibrationConfig {
    /// The estimator under test.
    pub estimator: EstimatorKind,
    /// How its pair critic (if any) is built.
    pub critic: CriticKind,
    /// Per-dimension correlation ρ in (−1, 1).
    pub rho: f64,
    /// Dimension d of each side.
    pub dim: usize,
    /// Critic training steps.
    pub steps: usize,
    /// Pairs per step (N).
    pub batch: usize,
    /// Hidden width of the critic.
    pub hidden: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Seed of the data and the critic.
    pub seed: u64,
    /// Steps between recorded estimates.
    pub report_every: usize,
}

impl Default for CalibrationConfig {
    fn default() -> Self {
        CalibrationConfig {
            estimator: EstimatorKind::NceClub,
            critic: CriticKind::Separable,
            rho: 0.8,
            dim: 5,
            steps: 1_500,
            batch: 128,
            hidden: 64,
            lr: 2e-3,
            seed: 0,
            report_every: 50,
        }
    }
}

impl CalibrationConfig {
    /// Rejects settings that cannot run, naming the setting.
    pub fn validate(&self) -> Result<()> {
        let config = self;
        if config.rho.is_nan() || config.rho.abs() >= 1.0 {
            return Err(Error::invalid(format!(
                "rho must lie strictly between -1 and 1, not {}",
                config.rho
            )));
        }
        if config.dim == 0 || config.batch < 4 || config.steps == 0 || config.report_every == 0 {
            return Err(Error::invalid(
                "dim, steps and report_every must be at least 1, and batch at least 4",
            ));
        }
        check_gaussian_estimator(config.estimator)
    }

    /// The critic trainer this calibration runs.
    fn trainer_settings(&self) -> TrainerSettings {
        trainer_settings_of!(self)
    }
}

/// What a calibration run found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The exact mutual information in nats.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub truth: f64,
    /// log N, InfoNCE's ceiling.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub log_n: f64,
    /// The final estimate, averaged over held-out batches.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub estimate: f64,
    /// (step, estimate on a held-out batch) over training.
    pub history: Vec<(usize, f64)>,
    /// Whether the estimator is an upper bound.
    pub upper_bound: bool,
    /// What the estimator reads with its best critic ([`ideal_estimate`]): d·ρ²/(1 − ρ²) for the
    /// CLUB family, min(I, log N) for InfoNCE. Absent in files written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<f64>,
}

/// Trains the estimator's critic on correlated Gaussians and compares its estimate with the
/// truth and with the estimator's ideal ([`ideal_estimate`]). The data pool is uploaded once;
/// each step takes the next window of it.
pub fn calibrate(config: &CalibrationConfig, device: &Device) -> Result<Calibration> {
    calibrate_until(config, device, &|| false)
}

/// [`calibrate`], asking `stop` before every critic step: once it says yes the calibration
/// ends with [`Error::Cancelled`] (within a step, so a closing window never waits long).
pub fn calibrate_until(
    config: &CalibrationConfig,
    device: &Device,
    stop: &dyn Fn() -> bool,
) -> Result<Calibration> {
    config.validate()?;
    let (n, d) = (config.batch, config.dim);
    let mut trainer = CriticTrainer::new(config.trainer_settings(), device);
    let (pool, held) = trainer.draw_pools(config.rho);
    let mut history = Vec::new();
    for t in 0..config.steps {
        if stop() {
            return Err(Error::Cancelled);
        }
        trainer.step(&pool.batch(t, trainer.roll(t), false))?;
        if (t + 1) % config.report_every == 0 {
            history.push((t + 1, trainer.estimate(&held, 0..HELD_OUT_BATCHES, t + 1)?));
        }
    }
    Ok(Calibration {
        truth: correlated_gaussian_mi(config.rho, d),
        log_n: (n as f64).ln(),
        estimate: trainer.estimate(&held, 0..HELD_OUT_BATCHES, config.steps)?,
        history,
        upper_bound: config.estimator.is_upper_bound(),
        ideal: ideal_estimate(config.estimator, config.rho, d, n),
    })
}
