//! The estimators: InfoNCE, NCE-CLUB, CLUB (Gaussian, sampled, categorical), each over an
//! ensemble axis and each with an optional conditioning on y (see [`PairBatch`]).

use burn::module::Module;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Tensor, s};

use super::batch::{
    PairBatch, diagonal, masked_logsumexp, masked_row_mean, per_member_mean, weighted_member_mean,
};
use burn::tensor::Device;

use super::kind::EstimatorKind;
use crate::models::{CategoricalCritic, CriticKind, GaussianCritic, PairCritic};

/// Log-variance bounds of CLUB's Gaussian q(c | z) (method.md §5: clamp logvar).
pub const LOGVAR_RANGE: (f32, f32) = (-4.0, 4.0);

/// A mutual-information estimator with a trainable critic.
pub trait MiEstimator {
    /// The loss the critic minimises, per member `[M]` (the caller detaches z).
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1>;
    /// The estimate of I(z; c) (or I(z; c | y)) in nats per member `[M]`, differentiable in z.
    fn estimate(&self, batch: &PairBatch) -> Tensor<1>;
    /// Whether the estimate is an upper bound (when its critic is well fitted).
    fn is_upper_bound(&self) -> bool;
}

/// InfoNCE (van den Oord et al. 2018): a lower bound capped at log N.
#[derive(Module, Debug)]
pub struct InfoNce {
    /// f(z, c).
    pub critic: PairCritic,
}

/// InfoNCE estimate per member: the mean over rows that have a negative of
/// f_ii − log Σ_{j allowed} exp f_ij + log(#allowed). A row alone in its class or bin would
/// contribute exactly 0 and only dilute the mean, so it is left out.
fn infonce(scores: Tensor<3>, batch: &PairBatch) -> Tensor<1> {
    let pos = diagonal(scores.clone(), batch.eye.clone());
    let lse = masked_logsumexp(scores, batch.allowed.clone());
    let count = batch.allowed.clone().sum_dim(2).clamp_min(1.0);
    weighted_member_mean(pos - lse + count.log(), batch.has_negative())
}

impl MiEstimator for InfoNce {
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1> {
        self.estimate(batch).neg()
    }
    fn estimate(&self, batch: &PairBatch) -> Tensor<1> {
        let scores = self.critic.scores(batch.z.clone(), batch.c.clone());
        infonce(scores, batch)
    }
    fn is_upper_bound(&self) -> bool {
        false
    }
}

/// NCE-CLUB (Liang et al. 2023): the critic is trained with the InfoNCE loss; the estimate is the
/// CLUB-style contrast mean f(z_i, c_i) − mean_{i≠j} f(z_i, c_j).
#[derive(Module, Debug)]
pub struct NceClub {
    /// f(z, c).
    pub critic: PairCritic,
}

impl MiEstimator for NceClub {
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1> {
        let scores = self.critic.scores(batch.z.clone(), batch.c.clone());
        infonce(scores, batch).neg()
    }
    fn estimate(&self, batch: &PairBatch) -> Tensor<1> {
        let scores = self.critic.scores(batch.z.clone(), batch.c.clone());
        let pos = diagonal(scores.clone(), batch.eye.clone());
        let neg = masked_row_mean(scores, batch.allowed_off_diagonal());
        // Only rows with a negative: a row alone in its class would add its raw f(z_i, c_i).
        weighted_member_mean(pos - neg, batch.has_negative())
    }
    fn is_upper_bound(&self) -> bool {
        true
    }
}

/// CLUB (Cheng et al. 2020) with a Gaussian q(c | z); `sampled` uses one negative per row.
#[derive(Module, Debug)]
pub struct Club {
    /// q(c | z).
    pub q: GaussianCritic,
    /// One rolled negative per row instead of all N.
    #[module(skip)]
    pub sampled: bool,
}

impl Club {
    /// (mu, precision = exp(−logvar), logvar), each `[M, N, dc]`.
    fn moments(&self, z: Tensor<3>) -> (Tensor<3>, Tensor<3>, Tensor<3>) {
        let mu = self.q.mu.forward(z.clone());
        let logvar = self
            .q
            .logvar
            .forward(z)
            .clamp(LOGVAR_RANGE.0, LOGVAR_RANGE.1);
        (mu, logvar.clone().neg().exp(), logvar)
    }
}

impl MiEstimator for Club {
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1> {
        // Gaussian negative log-likelihood of c_i under q(· | z_i), up to a constant.
        let (mu, prec, logvar) = self.moments(batch.z.clone());
        let sq = (batch.c.clone() - mu).powi_scalar(2) * prec + logvar;
        per_member_mean(sq.sum_dim(2).mul_scalar(0.5))
    }
    fn estimate(&self, batch: &PairBatch) -> Tensor<1> {
        let (mu, prec, _) = self.moments(batch.z.clone());
        // log q(c_j | z_i) up to terms that cancel in the contrast: −½ Σ_d (c_j − mu_i)² prec_i.
        let pos = (batch.c.clone() - mu.clone()).powi_scalar(2) * prec.clone();
        let pos = pos.sum_dim(2).mul_scalar(-0.5); // [M, N, 1]
        if self.sampled {
            let neg = (batch.c_rolled() - mu).powi_scalar(2) * prec;
            let neg = neg.sum_dim(2).mul_scalar(-0.5);
            // Both terms over the same rows: those whose sampled partner is an allowed negative.
            let w = batch.rolled_allowed(); // [M or 1, N, 1]
            return weighted_member_mean(pos - neg, w);
        }
        let [m, n, _] = mu.dims();
        let diff = mu.unsqueeze_dim::<4>(2) - batch.c.clone().unsqueeze_dim::<4>(1); // [M, N, N, dc]
        let all = (diff.powi_scalar(2) * prec.unsqueeze_dim::<4>(2))
            .sum_dim(3)
            .mul_scalar(-0.5);
        let all: Tensor<3> = all.reshape([m, n, n]);
        weighted_member_mean(
            pos - masked_row_mean(all, batch.allowed.clone()),
            batch.has_negative(),
        )
    }
    fn is_upper_bound(&self) -> bool {
        true
    }
}

/// CLUB for a categorical c: q(c | z) is a softmax classifier; c arrives one-hot `[., N, K]`.
#[derive(Module, Debug)]
pub struct ClubCategorical {
    /// The classifier.
    pub q: CategoricalCritic,
}

impl ClubCategorical {
    /// `[M, N, N]`: log q(c_j | z_i).
    fn log_probs(&self, batch: &PairBatch) -> Tensor<3> {
        let logp = log_softmax(self.q.net.forward(batch.z.clone()), 2); // [M, N, K]
        let [m, _, _] = logp.dims();
        let onehot = batch.c.clone();
        let onehot = if onehot.dims()[0] == m {
            onehot
        } else {
            onehot.repeat_dim(0, m)
        };
        logp.matmul(onehot.swap_dims(1, 2))
    }
}

impl MiEstimator for ClubCategorical {
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1> {
        per_member_mean(diagonal(self.log_probs(batch), batch.eye.clone())).neg()
    }
    fn estimate(&self, batch: &PairBatch) -> Tensor<1> {
        let lp = self.log_probs(batch);
        let pos = diagonal(lp.clone(), batch.eye.clone());
        weighted_member_mean(
            pos - masked_row_mean(lp, batch.allowed.clone()),
            batch.has_negative(),
        )
    }
    fn is_upper_bound(&self) -> bool {
        true
    }
}

/// Any of the estimators, as one module.
#[derive(Module, Debug)]
pub enum Estimator {
    /// NCE-CLUB (the default penalty).
    NceClub(NceClub),
    /// InfoNCE.
    InfoNce(InfoNce),
    /// CLUB with a Gaussian q (all negatives or one sampled).
    Club(Club),
    /// CLUB with a softmax q for a categorical confounder.
    ClubCategorical(ClubCategorical),
}

impl MiEstimator for Estimator {
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1> {
        match self {
            Estimator::NceClub(e) => e.critic_loss(batch),
            Estimator::InfoNce(e) => e.critic_loss(batch),
            Estimator::Club(e) => e.critic_loss(batch),
            Estimator::ClubCategorical(e) => e.critic_loss(batch),
        }
    }
    fn estimate(&self, batch: &PairBatch) -> Tensor<1> {
        match self {
            Estimator::NceClub(e) => e.estimate(batch),
            Estimator::InfoNce(e) => e.estimate(batch),
            Estimator::Club(e) => e.estimate(batch),
            Estimator::ClubCategorical(e) => e.estimate(batch),
        }
    }
    fn is_upper_bound(&self) -> bool {
        match self {
            Estimator::NceClub(e) => e.is_upper_bound(),
            Estimator::InfoNce(e) => e.is_upper_bound(),
            Estimator::Club(e) => e.is_upper_bound(),
            Estimator::ClubCategorical(e) => e.is_upper_bound(),
        }
    }
}

/// Drops rows beyond `n` of a `[M, N, d]` tensor.
pub fn first_rows(x: Tensor<3>, n: usize) -> Tensor<3> {
    x.slice(s![.., 0..n, ..])
}

/// Sizes of an estimator's inputs.
#[derive(Clone, Copy, Debug)]
pub struct EstimatorInputs {
    /// Width of z as the critic sees it.
    pub dz: usize,
    /// Width of c as the critic sees it (number of classes, one-hot, for `club-categorical`).
    pub dc: usize,
    /// Hidden width of the critic.
    pub hidden: usize,
}

impl Estimator {
    /// Builds an estimator of `kind` with one critic per member seed.
    pub fn init(
        kind: EstimatorKind,
        critic: CriticKind,
        seeds: &[u64],
        name: &str,
        inputs: EstimatorInputs,
        device: &Device,
    ) -> Self {
        let EstimatorInputs { dz, dc, hidden } = inputs;
        match kind {
            EstimatorKind::NceClub => Estimator::NceClub(NceClub {
                critic: PairCritic::init(critic, seeds, name, dz, dc, hidden, device),
            }),
            EstimatorKind::Infonce => Estimator::InfoNce(InfoNce {
                critic: PairCritic::init(critic, seeds, name, dz, dc, hidden, device),
            }),
            EstimatorKind::Club | EstimatorKind::ClubSample => Estimator::Club(Club {
                q: GaussianCritic::init(seeds, name, dz, dc, hidden, device),
                sampled: kind == EstimatorKind::ClubSample,
            }),
            EstimatorKind::ClubCategorical => Estimator::ClubCategorical(ClubCategorical {
                q: CategoricalCritic::init(seeds, name, dz, dc, hidden, device),
            }),
        }
    }
}
