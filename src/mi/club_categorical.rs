//! CLUB for a categorical confounder: q(c | z) a softmax classifier.

use burn::module::Module;
use burn::tensor::Tensor;
use burn::tensor::activation::log_softmax;

use super::batch::{PairBatch, diagonal, masked_row_mean, per_member_mean, weighted_member_mean};
use super::estimate::MiEstimator;
use crate::models::CategoricalCritic;

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
