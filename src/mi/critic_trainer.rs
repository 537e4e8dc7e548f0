//! A critic trained on correlated Gaussians, whose true mutual information is known: the data
//! pools, the estimator with its Adam state, and the checks and steps the calibration and the
//! staircase share.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::batch::{Conditioning, PairBatch};
use super::estimate::MiEstimator;
use super::estimator::Estimator;
use super::kind::EstimatorKind;
use crate::error::{Error, Result};
use crate::models::CriticKind;
use crate::models::CriticShape;

/// Refuses an estimator that cannot be calibrated on Gaussian pairs (club-categorical).
pub(super) fn check_gaussian_estimator(kind: EstimatorKind) -> Result<()> {
    if kind == EstimatorKind::ClubCategorical {
        return Err(Error::invalid(
            "club-categorical needs a categorical variable; calibrate it on a scenario instead",
        ));
    }
    Ok(())
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
    fn new(
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

/// One estimator and its Adam state, trained step by step on correlated Gaussians, with the
/// random stream its data pools are drawn from: the set-up the calibration and the staircase
/// share.
pub(super) struct CriticTrainer {
    est: Option<Estimator>,
    opt: ModuleOptimizer,
    kind: EstimatorKind,
    lr: f64,
    batch: usize,
    dim: usize,
    /// The autodiff device the estimator and the pools live on.
    device: Device,
    /// The data's stream, seeded with the settings' seed.
    rng: ChaCha8Rng,
}

impl CriticTrainer {
    /// A fresh estimator for `settings` on the autodiff device of `device` (a plain one), for
    /// pairs of width `settings.dim`; its data stream starts from `settings.seed`.
    pub(super) fn new(settings: TrainerSettings, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let inputs = CriticShape {
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
                &device,
            )),
            opt: AdamConfig::new().with_epsilon(1e-8).init(),
            kind: settings.kind,
            lr: settings.lr,
            batch: settings.batch,
            dim: settings.dim,
            device,
            rng: ChaCha8Rng::seed_from_u64(settings.seed),
        }
    }

    /// The next data at per-dimension correlation `rho`, drawn from the trainer's stream: a
    /// training pool of [`POOL_BATCHES`] batches (each step takes the next one), then a
    /// held-out pool of [`HELD_OUT_BATCHES`] (only estimates read it).
    pub(super) fn draw_pools(&mut self, rho: f64) -> (GaussianPool, GaussianPool) {
        let (n, d) = (self.batch, self.dim);
        let pool = GaussianPool::new(POOL_BATCHES, n, d, rho, &mut self.rng, &self.device);
        let held = GaussianPool::new(HELD_OUT_BATCHES, n, d, rho, &mut self.rng, &self.device);
        (pool, held)
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
            .ok_or_else(|| Error::internal("estimator lost"))?;
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
            .ok_or_else(|| Error::internal("estimator lost"))?;
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

/// The [`TrainerSettings`] of a config that names them alike (`estimator`, `critic`, `dim`,
/// `hidden`, `batch`, `lr`, `seed`): a calibration's and a staircase's, which are saved in
/// workspaces as they are.
macro_rules! trainer_settings_of {
    ($config:expr) => {
        TrainerSettings {
            kind: $config.estimator,
            critic: $config.critic,
            dim: $config.dim,
            hidden: $config.hidden,
            batch: $config.batch,
            lr: $config.lr,
            seed: $config.seed,
        }
    };
}
pub(super) use trainer_settings_of;

/// Batches in a held-out pool: a calibration's estimate averages over all of them; a
/// staircase's reading r takes batch r mod this.
pub(super) const HELD_OUT_BATCHES: usize = 8;
/// Batches in the training pool; each step takes the next one.
const POOL_BATCHES: usize = 64;
