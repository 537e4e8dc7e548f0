//! The monitors: probes that measure what the representation keeps, independent of training.
//!
//! The penalty critic's estimate is what the CRL model is trained against; it cannot also be the
//! evidence that the model worked (method.md §10). A probe is a fresh InfoNCE critic per member
//! and per quantity, trained only at reports, on a frozen snapshot of z computed on held-out
//! validation rows: the same estimator, the same initial weights (from the member's data seed,
//! so a baseline and the CRL model of one seed start from the same probe), the same number of
//! probe steps and the same rows for every member, so the readings of baseline and CRL compare.
//! Each report warm-starts from the previous report's probe, so the probe follows the encoder
//! without lagging behind it for long.
//!
//! Three quantities are measured: I(z; c | y) (negatives from rows that share y's class, or its
//! quantile bin when y is continuous), I(z; c) and I(z; y). InfoNCE is a lower bound (capped at
//! log N): a reading well above 0 is evidence that the information is there.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, s};

use super::config::TrainConfig;
use super::device_data::DeviceData;
use crate::mi::{Conditioning, InfoNce, MiEstimator, PairBatch};
use crate::models::{CriticKind, CriticShape, PairCritic, Predictor};
use crate::scm::derive_seed;

/// Validation rows the probes are evaluated on (the rest of the validation rows train them).
pub const PROBE_EVAL_ROWS: usize = 512;

/// Validation rows a probe's reading is taken on, out of `n_val`: [`PROBE_EVAL_ROWS`], or half
/// of a small validation set.
pub fn probe_eval_rows(n_val: usize) -> usize {
    PROBE_EVAL_ROWS.min(n_val / 2).max(2)
}

/// Rows per probe training step.
const PROBE_BATCH: usize = 128;

/// The three probes of every member.
#[derive(Module, Debug)]
pub struct ProbeCritics {
    /// I(z; c | y).
    pub zc_given_y: InfoNce,
    /// I(z; c).
    pub zc: InfoNce,
    /// I(z; y).
    pub zy: InfoNce,
}

/// What one measurement found, per member `[M]`, on the device.
pub(super) struct Measured {
    /// I(z; c | y) in nats.
    pub(super) zc_given_y: Tensor<1>,
    /// I(z; c) in nats.
    pub(super) zc: Tensor<1>,
    /// I(z; y) in nats.
    pub(super) zy: Tensor<1>,
}

/// The probes, their optimiser and where they are in the validation rows.
pub(super) struct Probes {
    critics: Option<ProbeCritics>,
    opt: ModuleOptimizer,
    /// How y is conditioned on for I(z; c | y).
    conditioning: Conditioning,
    /// Probe steps done so far (picks the next window of training rows).
    done: usize,
}

impl Probes {
    /// Probes for members with these data `seeds`, z of width `config.z_dim` against c of width
    /// `dc` and against y, conditioning I(z; c | y) on a binary y by class and on a continuous
    /// one by quantile bins.
    pub(super) fn init(
        config: &TrainConfig,
        seeds: &[u64],
        dc: usize,
        binary: bool,
        ad: &Device,
    ) -> Self {
        let probe_seeds: Vec<u64> = seeds.iter().map(|s| derive_seed(*s, "probes")).collect();
        let probe = |name: &str, dc: usize| InfoNce {
            critic: PairCritic::init(
                CriticKind::Separable,
                &probe_seeds,
                name,
                CriticShape {
                    dz: config.z_dim,
                    dc,
                    hidden: config.critic_hidden,
                },
                ad,
            ),
        };
        Probes {
            critics: Some(ProbeCritics {
                zc_given_y: probe("probe_zc_y", dc),
                zc: probe("probe_zc", dc),
                zy: probe("probe_zy", 1),
            }),
            opt: AdamConfig::new().with_epsilon(1e-8).init(),
            conditioning: Conditioning::for_outcome(true, binary),
            done: 0,
        }
    }

    /// Parameters of one member's probes.
    pub(super) fn params_per_member(&self, members: usize) -> usize {
        self.critics
            .as_ref()
            .map_or(0, |c| c.num_params() / members.max(1))
    }

    /// Trains the probes for `steps` steps on a frozen snapshot of every member's z on the
    /// validation rows beyond the first [`PROBE_EVAL_ROWS`], then measures on those first rows.
    /// `pred` is the predictor off the autodiff graph.
    pub(super) fn measure(
        &mut self,
        pred: &Predictor,
        data: &DeviceData,
        steps: usize,
        lr: f64,
    ) -> Option<Measured> {
        let mut critics = self.critics.take()?;
        let nv = data.x_val.dims()[1];
        let n_eval = probe_eval_rows(nv);
        let n_fit = nv - n_eval;
        // The snapshot: z of every validation row, off the model's graph.
        let z = pred.encode(data.x_val.clone());
        let rows = |t: &Tensor<3>, a: usize, b: usize| t.clone().slice(s![.., a..b, ..]);
        if n_fit >= 4 {
            let p = PROBE_BATCH.min(n_fit);
            for _ in 0..steps {
                let start = n_eval + (self.done * p) % (n_fit - p + 1);
                let end = start + p;
                self.done += 1;
                let (zb, cb, yb) = (
                    rows(&z, start, end),
                    rows(&data.c_val, start, end),
                    rows(&data.y_val, start, end),
                );
                let loss = self.losses(&critics, zb, cb, yb, 1 + self.done % (p - 1));
                let grads = GradientsParams::from_grads(loss.backward(), &critics);
                critics = self.opt.step(lr, critics, grads);
            }
        }
        let eval = critics.valid();
        let (ze, ce, ye) = (
            rows(&z, 0, n_eval),
            rows(&data.c_val, 0, n_eval),
            rows(&data.y_val, 0, n_eval),
        );
        let measured = self.estimates(&eval, ze, ce, ye);
        self.critics = Some(critics);
        Some(measured)
    }

    /// The summed training loss of the three probes on one window.
    fn losses(
        &self,
        critics: &ProbeCritics,
        z: Tensor<3>,
        c: Tensor<3>,
        y: Tensor<3>,
        roll: usize,
    ) -> Tensor<1> {
        let n = z.dims()[1];
        let cond = self.conditioning.negatives(Some(y.clone()), n, &z.device());
        let zc_y = critics.zc_given_y.critic_loss(&PairBatch::with_negatives(
            z.clone(),
            c.clone(),
            cond,
            roll,
        ));
        let zc = critics.zc.critic_loss(&PairBatch::new(
            z.clone(),
            c,
            None,
            Conditioning::None,
            roll,
        ));
        let zy = critics
            .zy
            .critic_loss(&PairBatch::new(z, y, None, Conditioning::None, roll));
        (zc_y + zc + zy).sum()
    }

    /// The three estimates on one set of rows.
    fn estimates(
        &self,
        critics: &ProbeCritics,
        z: Tensor<3>,
        c: Tensor<3>,
        y: Tensor<3>,
    ) -> Measured {
        let n = z.dims()[1];
        let cond = self.conditioning.negatives(Some(y.clone()), n, &z.device());
        Measured {
            zc_given_y: critics.zc_given_y.estimate(&PairBatch::with_negatives(
                z.clone(),
                c.clone(),
                cond,
                1,
            )),
            zc: critics
                .zc
                .estimate(&PairBatch::new(z.clone(), c, None, Conditioning::None, 1)),
            zy: critics
                .zy
                .estimate(&PairBatch::new(z, y, None, Conditioning::None, 1)),
        }
    }
}
