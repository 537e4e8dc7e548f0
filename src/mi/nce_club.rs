//! NCE-CLUB (Liang et al. 2023, FactorCL): a critic trained with the InfoNCE loss, read as a
//! CLUB-style contrast (the default penalty).

use burn::module::Module;
use burn::tensor::Tensor;

use super::batch::{PairBatch, diagonal, masked_row_mean, weighted_member_mean};
use super::estimate::MiEstimator;
use super::infonce::infonce;
use crate::models::PairCritic;

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
