//! InfoNCE (van den Oord et al. 2018): a lower bound of I(z; c), capped at log N.

use burn::module::Module;
use burn::tensor::Tensor;

use super::batch::{PairBatch, diagonal, masked_logsumexp, weighted_member_mean};
use super::estimate::MiEstimator;
use crate::models::PairCritic;

/// InfoNCE (van den Oord et al. 2018): a lower bound capped at log N.
#[derive(Module, Debug)]
pub struct InfoNce {
    /// f(z, c).
    pub critic: PairCritic,
}

/// InfoNCE estimate per member: the mean over rows that have a negative of
/// f_ii − log Σ_{j allowed} exp f_ij + log(#allowed). A row alone in its class or bin would
/// contribute exactly 0 and only dilute the mean, so it is left out.
pub(super) fn infonce(scores: Tensor<3>, batch: &PairBatch) -> Tensor<1> {
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
