//! The staircase (as in the CLUB authors' notebook): one critic trained without a break while the
//! true mutual information of its correlated-Gaussian data steps up, level by level (2, 4, 6, 8
//! and 10 nats by default). Read over training steps, it shows an estimator's bias (how far the
//! line sits from the truth and from its ideal, [`ideal_estimate`]), its variance (how much the
//! line shakes on single batches) and how fast its critic catches up when the data change.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use super::critic_trainer::{
    CriticTrainer, TrainerSettings, check_gaussian_estimator, trainer_settings_of,
};
use super::ideal::ideal_estimate;
use super::kind::EstimatorKind;
use crate::error::{Error, Result};
use crate::models::CriticKind;
use crate::scm::{correlated_gaussian_mi, correlation_for_mi};

/// Settings of a staircase run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaircaseConfig {
    /// The estimator under test.
    pub estimator: EstimatorKind,
    /// How its pair critic (if any) is built.
    pub critic: CriticKind,
    /// The true MI of each level in nats, in order (each level's ρ is √(1 − exp(−2I/d))).
    pub levels_nats: Vec<f64>,
    /// Dimension d of each side. The CLUB notebook's 20 keeps the ideal of the top level
    /// readable (34 nats at 10 true nats; at d = 5 it would be 268).
    pub dim: usize,
    /// Critic training steps per level.
    pub steps_per_level: usize,
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

impl Default for StaircaseConfig {
    fn default() -> Self {
        StaircaseConfig {
            estimator: EstimatorKind::NceClub,
            critic: CriticKind::Separable,
            levels_nats: vec![2.0, 4.0, 6.0, 8.0, 10.0],
            dim: 20,
            steps_per_level: 1000,
            batch: 128,
            hidden: 64,
            lr: 2e-3,
            seed: 0,
            report_every: 10,
        }
    }
}

impl StaircaseConfig {
    /// Rejects settings that cannot run, naming the setting.
    pub fn validate(&self) -> Result<()> {
        if self.levels_nats.is_empty() {
            return Err(Error::invalid("the staircase needs at least one level"));
        }
        if let Some(bad) = self
            .levels_nats
            .iter()
            .find(|v| !(v.is_finite() && **v > 0.0))
        {
            return Err(Error::invalid(format!(
                "each staircase level must be a finite MI above 0 nats, not {bad}"
            )));
        }
        if self.dim == 0 || self.batch < 4 || self.report_every == 0 {
            return Err(Error::invalid(
                "dim and report_every must be at least 1, and batch at least 4",
            ));
        }
        if self.steps_per_level < self.report_every {
            return Err(Error::invalid(format!(
                "steps per level ({}) must be at least report_every ({}), so every level is read",
                self.steps_per_level, self.report_every
            )));
        }
        check_gaussian_estimator(self.estimator)
    }

    /// The critic trainer this staircase runs through every level.
    fn trainer_settings(&self) -> TrainerSettings {
        trainer_settings_of!(self)
    }
}

/// One reading of a staircase run: the estimate on one held-out batch (N fresh pairs of the
/// current level, never trained on), so its spread is the estimator's variance at that N.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaircasePoint {
    /// Training steps done (counted over all levels, from 1).
    pub step: usize,
    /// The level (0-based).
    pub level: usize,
    /// The level's per-dimension correlation.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub rho: f64,
    /// The level's true MI in nats.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub truth: f64,
    /// The estimator's ideal at the level ([`ideal_estimate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<f64>,
    /// The estimate.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub estimate: f64,
}

/// One level of a staircase run and how the estimator read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaircaseLevel {
    /// True MI in nats.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub truth: f64,
    /// The per-dimension correlation that gives it.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub rho: f64,
    /// The estimator's ideal ([`ideal_estimate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<f64>,
    /// The first training step of the level (from 1).
    pub first_step: usize,
    /// Its last training step.
    pub last_step: usize,
    /// Mean of the later half of the level's readings, once the critic has caught up with the
    /// new ρ: its distance to `truth` and `ideal` is the estimator's bias.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub mean: f64,
    /// Their standard deviation: the estimator's spread on single batches.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub sd: f64,
}

/// What a staircase run found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Staircase {
    /// Dimension d of each side.
    pub dim: usize,
    /// log N, InfoNCE's ceiling.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub log_n: f64,
    /// Whether the estimator is an upper bound.
    pub upper_bound: bool,
    /// The levels reached, in order.
    pub levels: Vec<StaircaseLevel>,
    /// Every reading, in step order.
    pub history: Vec<StaircasePoint>,
}

impl Staircase {
    /// A staircase with no readings yet, for pairs of width `dim` in batches of `batch`.
    pub fn empty(dim: usize, batch: usize, upper_bound: bool) -> Self {
        Staircase {
            dim,
            log_n: (batch.max(1) as f64).ln(),
            upper_bound,
            levels: Vec::new(),
            history: Vec::new(),
        }
    }

    /// Adds a reading (readings arrive in step order): it opens its level if it is the first of
    /// it, extends the level to its step, and updates the level's mean and spread over the later
    /// half of its readings. The app folds a running staircase's readings in with this, as
    /// [`staircase`] does.
    pub fn record(&mut self, point: StaircasePoint) {
        let level_start = self.history.partition_point(|p| p.level < point.level);
        if point.level >= self.levels.len() {
            let first_step = self.levels.last().map_or(1, |l| l.last_step + 1);
            self.levels.push(StaircaseLevel {
                truth: point.truth,
                rho: point.rho,
                ideal: point.ideal,
                first_step,
                last_step: point.step,
                mean: f64::NAN,
                sd: f64::NAN,
            });
        }
        self.history.push(point);
        let readings: Vec<f64> = self.history[level_start..]
            .iter()
            .map(|p| p.estimate)
            .collect();
        let late = &readings[readings.len() / 2..];
        if let (Some(l), Some(p)) = (self.levels.last_mut(), self.history.last()) {
            l.last_step = p.step;
            (l.mean, l.sd) = mean_sd(late);
        }
    }

    /// The truth as a staircase over steps: a flat segment per level, joined by vertical steps,
    /// starting at step 0.
    pub fn truth_steps(&self) -> Vec<(f64, f64)> {
        self.steps_of(|l| Some(l.truth))
    }

    /// The ideal as a staircase over steps, as [`Staircase::truth_steps`]; empty for an
    /// estimator without one.
    pub fn ideal_steps(&self) -> Vec<(f64, f64)> {
        self.steps_of(|l| l.ideal)
    }

    fn steps_of(&self, value: impl Fn(&StaircaseLevel) -> Option<f64>) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(2 * self.levels.len());
        for l in &self.levels {
            let Some(v) = value(l) else {
                return Vec::new();
            };
            out.push(((l.first_step - 1) as f64, v));
            out.push((l.last_step as f64, v));
        }
        out
    }
}

/// Mean and sample standard deviation (0 for one value, NaN for none).
fn mean_sd(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (mean, 0.0);
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Trains one critic through every level of `config` in turn, warm-started from level to level
/// (the same critic and Adam state; only the data's ρ changes), and records an estimate on a
/// held-out batch every `report_every` steps. `on_point` sees each reading as it is made; a
/// `Break` stops the run there and returns what is done.
pub fn staircase(
    config: &StaircaseConfig,
    device: &burn::tensor::Device,
    on_point: &mut dyn FnMut(&StaircasePoint) -> ControlFlow<()>,
) -> Result<Staircase> {
    config.validate()?;
    let (n, d) = (config.batch, config.dim);
    let mut trainer = CriticTrainer::new(config.trainer_settings(), device);
    let mut out = Staircase::empty(d, n, config.estimator.is_upper_bound());
    let mut step = 0;
    let mut reads = 0;
    for (level, &mi) in config.levels_nats.iter().enumerate() {
        let rho = correlation_for_mi(mi, d);
        let (pool, held) = trainer.draw_pools(rho);
        let truth = correlated_gaussian_mi(rho, d);
        let ideal = ideal_estimate(config.estimator, rho, d, n);
        for t in 0..config.steps_per_level {
            trainer.step(&pool.batch(t, trainer.roll(step), false))?;
            step += 1;
            if (t + 1) % config.report_every != 0 {
                continue;
            }
            let estimate = trainer.estimate(&held, reads..reads + 1, step)?;
            reads += 1;
            let point = StaircasePoint {
                step,
                level,
                rho,
                truth,
                ideal,
                estimate,
            };
            let flow = on_point(&point);
            out.record(point);
            if flow.is_break() {
                return Ok(out);
            }
        }
        // Steps after the level's last reading still belong to it.
        if let Some(l) = out.levels.last_mut() {
            l.last_step = step;
        }
    }
    Ok(out)
}
