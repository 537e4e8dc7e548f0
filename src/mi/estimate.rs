//! What every estimator does: train its critic, estimate I(z; c) (or I(z; c | y)) per member,
//! and say whether the estimate is an upper bound.

use burn::tensor::Tensor;

use super::batch::PairBatch;

/// A mutual-information estimator with a trainable critic.
pub trait MiEstimator {
    /// The loss the critic minimises, per member `[M]` (the caller detaches z).
    fn critic_loss(&self, batch: &PairBatch) -> Tensor<1>;
    /// The estimate of I(z; c) (or I(z; c | y)) in nats per member `[M]`, differentiable in z.
    fn estimate(&self, batch: &PairBatch) -> Tensor<1>;
    /// Whether the estimate is an upper bound (when its critic is well fitted).
    fn is_upper_bound(&self) -> bool;
}
