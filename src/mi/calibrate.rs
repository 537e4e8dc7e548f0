//! Estimator calibration on correlated Gaussians, where the truth is known exactly
//! (method.md §6): I = −d/2 log(1 − ρ²).

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::batch::{Conditioning, PairBatch};
use super::estimators::{Estimator, EstimatorInputs, MiEstimator};
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
        if config.estimator == EstimatorKind::ClubCategorical {
            return Err(Error::invalid(
                "club-categorical needs a categorical variable; calibrate it on a scenario instead",
            ));
        }
        Ok(())
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
}

/// `n` pairs (x, y) with y = ρ x + √(1 − ρ²) ε, each `[1, n, d]`.
fn pairs(
    n: usize,
    d: usize,
    rho: f64,
    rng: &mut ChaCha8Rng,
    device: &Device,
) -> (Tensor<3>, Tensor<3>) {
    let s = (1.0 - rho * rho).sqrt();
    let mut x = Vec::with_capacity(n * d);
    let mut y = Vec::with_capacity(n * d);
    for _ in 0..n * d {
        let a: f64 = StandardNormal.sample(rng);
        let e: f64 = StandardNormal.sample(rng);
        x.push(a as f32);
        y.push((rho * a + s * e) as f32);
    }
    (
        Tensor::from_data(TensorData::new(x, [1, n, d]), device),
        Tensor::from_data(TensorData::new(y, [1, n, d]), device),
    )
}

/// Trains the estimator's critic on correlated Gaussians and compares its estimate with the
/// truth. The data pool is uploaded once; each step takes the next window of it.
pub fn calibrate(config: &CalibrationConfig, device: &Device) -> Result<Calibration> {
    config.validate()?;
    let ad = device.clone().autodiff();
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let pool = 64 * config.batch;
    let (px, py) = pairs(pool, config.dim, config.rho, &mut rng, &ad);
    let (hx, hy) = pairs(8 * config.batch, config.dim, config.rho, &mut rng, &ad);
    let inputs = EstimatorInputs {
        dz: config.dim,
        dc: config.dim,
        hidden: config.hidden,
    };
    let mut est = Some(Estimator::init(
        config.estimator,
        config.critic,
        &[config.seed],
        "calibration",
        inputs,
        &ad,
    ));
    let mut opt: ModuleOptimizer = AdamConfig::new().with_epsilon(1e-8).init();
    let n = config.batch;
    let windows = pool / n;
    let held_out = |e: &Estimator| -> Result<f64> {
        let mut total = 0.0;
        for k in 0..8 {
            let rows = k * n..(k + 1) * n;
            let b = PairBatch::new(
                hx.clone()
                    .slice([0..1, rows.clone(), 0..config.dim])
                    .detach(),
                hy.clone().slice([0..1, rows, 0..config.dim]).detach(),
                None,
                Conditioning::None,
                1 + k % (n - 1),
            );
            let v: f32 = e.estimate(&b).into_scalar();
            total += f64::from(v);
        }
        Ok(total / 8.0)
    };
    let mut history = Vec::new();
    for t in 0..config.steps {
        let w = t % windows;
        let rows = w * n..(w + 1) * n;
        let batch = PairBatch::new(
            px.clone().slice([0..1, rows.clone(), 0..config.dim]),
            py.clone().slice([0..1, rows, 0..config.dim]),
            None,
            Conditioning::None,
            1 + t % (n - 1),
        );
        let Some(e) = est.take() else { break };
        let loss = e.critic_loss(&batch).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &e);
        let e = opt.step(config.lr, e, grads);
        if (t + 1) % config.report_every == 0 {
            let v = held_out(&e)?;
            if !v.is_finite() {
                return Err(Error::NonFinite {
                    quantity: format!("{} estimate", config.estimator),
                    value: v,
                    step: t + 1,
                });
            }
            history.push((t + 1, v));
        }
        est = Some(e);
    }
    let e = est.ok_or_else(|| Error::invalid("internal: estimator lost"))?;
    Ok(Calibration {
        truth: correlated_gaussian_mi(config.rho, config.dim),
        log_n: (n as f64).ln(),
        estimate: held_out(&e)?,
        history,
        upper_bound: config.estimator.is_upper_bound(),
    })
}
