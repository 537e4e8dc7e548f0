//! Estimator calibration on correlated Gaussians, where the truth is known exactly
//! (method.md §6): I = −d/2 log(1 − ρ²). Each run also records the estimator's ideal (see
//! [`ideal_estimate`]), what it would read with its best critic: an upper bound that lands far
//! above the truth but on its ideal is working as it should.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::batch::{Conditioning, PairBatch};
use super::estimators::{Estimator, EstimatorInputs, MiEstimator};
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
}

/// Refuses an estimator that cannot be calibrated on Gaussian pairs (club-categorical).
pub(super) fn check_gaussian_estimator(kind: EstimatorKind) -> Result<()> {
    if kind == EstimatorKind::ClubCategorical {
        return Err(Error::invalid(
            "club-categorical needs a categorical variable; calibrate it on a scenario instead",
        ));
    }
    Ok(())
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

/// A pool of `n_batches` batches of `batch` pairs (x, y) with y = ρ x + √(1 − ρ²) ε, uploaded
/// once; each `[1, n_batches · batch, d]`.
pub(super) struct GaussianPool {
    x: Tensor<3>,
    y: Tensor<3>,
    batch: usize,
    dim: usize,
    n_batches: usize,
}

impl GaussianPool {
    /// Draws the pool from `rng`.
    pub(super) fn new(
        n_batches: usize,
        batch: usize,
        dim: usize,
        rho: f64,
        rng: &mut ChaCha8Rng,
        device: &Device,
    ) -> Self {
        let n = n_batches * batch;
        let s = (1.0 - rho * rho).sqrt();
        let mut x = Vec::with_capacity(n * dim);
        let mut y = Vec::with_capacity(n * dim);
        for _ in 0..n * dim {
            let a: f64 = StandardNormal.sample(rng);
            let e: f64 = StandardNormal.sample(rng);
            x.push(a as f32);
            y.push((rho * a + s * e) as f32);
        }
        GaussianPool {
            x: Tensor::from_data(TensorData::new(x, [1, n, dim]), device),
            y: Tensor::from_data(TensorData::new(y, [1, n, dim]), device),
            batch,
            dim,
            n_batches,
        }
    }

    /// Batch `k` (modulo the pool) with sampled-negative offset `roll`; `detach` for held-out
    /// batches, which only the estimate reads.
    pub(super) fn batch(&self, k: usize, roll: usize, detach: bool) -> PairBatch {
        let (n, d) = (self.batch, self.dim);
        let rows = (k % self.n_batches) * n..(k % self.n_batches + 1) * n;
        let mut x = self.x.clone().slice([0..1, rows.clone(), 0..d]);
        let mut y = self.y.clone().slice([0..1, rows, 0..d]);
        if detach {
            x = x.detach();
            y = y.detach();
        }
        PairBatch::new(x, y, None, Conditioning::None, roll)
    }
}

/// One estimator and its Adam state, trained step by step on correlated Gaussians (the
/// calibration and the staircase share it).
pub(super) struct CriticTrainer {
    est: Option<Estimator>,
    opt: ModuleOptimizer,
    kind: EstimatorKind,
    lr: f64,
    batch: usize,
}

impl CriticTrainer {
    /// A fresh estimator of `kind` on `device` (an autodiff device) for pairs of width `dim`.
    pub(super) fn new(settings: TrainerSettings, device: &Device) -> Self {
        let inputs = EstimatorInputs {
            dz: settings.dim,
            dc: settings.dim,
            hidden: settings.hidden,
        };
        CriticTrainer {
            est: Some(Estimator::init(
                settings.kind,
                settings.critic,
                &[settings.seed],
                "calibration",
                inputs,
                device,
            )),
            opt: AdamConfig::new().with_epsilon(1e-8).init(),
            kind: settings.kind,
            lr: settings.lr,
            batch: settings.batch,
        }
    }

    /// The sampled-negative offset of step (or held-out batch) `t`: 1 + t mod (N − 1).
    pub(super) fn roll(&self, t: usize) -> usize {
        1 + t % (self.batch - 1)
    }

    /// One Adam step of the critic on `batch`.
    pub(super) fn step(&mut self, batch: &PairBatch) -> Result<()> {
        let e = self
            .est
            .take()
            .ok_or_else(|| Error::invalid("internal: estimator lost"))?;
        let loss = e.critic_loss(batch).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &e);
        self.est = Some(self.opt.step(self.lr, e, grads));
        Ok(())
    }

    /// The estimate on each of `batches` of `pool` (held out), averaged. Fails on a non-finite
    /// estimate, naming the estimator and `step`.
    pub(super) fn estimate(
        &self,
        pool: &GaussianPool,
        batches: std::ops::Range<usize>,
        step: usize,
    ) -> Result<f64> {
        let e = self
            .est
            .as_ref()
            .ok_or_else(|| Error::invalid("internal: estimator lost"))?;
        let count = batches.len().max(1);
        let mut total = 0.0;
        for k in batches {
            let v: f32 = e.estimate(&pool.batch(k, self.roll(k), true)).into_scalar();
            total += f64::from(v);
        }
        let v = total / count as f64;
        if !v.is_finite() {
            return Err(Error::NonFinite {
                quantity: format!("{} estimate", self.kind),
                value: v,
                step,
            });
        }
        Ok(v)
    }
}

/// What [`CriticTrainer::new`] builds.
#[derive(Clone, Copy, Debug)]
pub(super) struct TrainerSettings {
    pub(super) kind: EstimatorKind,
    pub(super) critic: CriticKind,
    pub(super) dim: usize,
    pub(super) hidden: usize,
    pub(super) batch: usize,
    pub(super) lr: f64,
    pub(super) seed: u64,
}

/// Held-out batches each estimate averages over.
const HELD_OUT_BATCHES: usize = 8;
/// Batches in the training pool; each step takes the next one.
pub(super) const POOL_BATCHES: usize = 64;

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
    let ad = device.clone().autodiff();
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (n, d) = (config.batch, config.dim);
    let pool = GaussianPool::new(POOL_BATCHES, n, d, config.rho, &mut rng, &ad);
    let held = GaussianPool::new(HELD_OUT_BATCHES, n, d, config.rho, &mut rng, &ad);
    let mut trainer = CriticTrainer::new(
        TrainerSettings {
            kind: config.estimator,
            critic: config.critic,
            dim: d,
            hidden: config.hidden,
            batch: n,
            lr: config.lr,
            seed: config.seed,
        },
        &ad,
    );
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
