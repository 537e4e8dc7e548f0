//! The estimators behind one trait: [`MiEstimator`], and [`Estimator`], any of them as one
//! module, built from an [`EstimatorKind`].

use burn::module::Module;
use burn::tensor::{Device, Tensor, s};

use super::batch::PairBatch;
use super::club::Club;
use super::club_categorical::ClubCategorical;
use super::estimate::MiEstimator;
use super::infonce::InfoNce;
use super::kind::EstimatorKind;
use super::nce_club::NceClub;
use crate::models::{CategoricalCritic, CriticKind, CriticShape, GaussianCritic, PairCritic};

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

impl Estimator {
    /// Builds an estimator of `kind` with one critic per member seed.
    pub fn init(
        kind: EstimatorKind,
        critic: CriticKind,
        seeds: &[u64],
        name: &str,
        shape: CriticShape,
        device: &Device,
    ) -> Self {
        match kind {
            EstimatorKind::NceClub => Estimator::NceClub(NceClub {
                critic: PairCritic::init(critic, seeds, name, shape, device),
            }),
            EstimatorKind::Infonce => Estimator::InfoNce(InfoNce {
                critic: PairCritic::init(critic, seeds, name, shape, device),
            }),
            EstimatorKind::Club | EstimatorKind::ClubSample => Estimator::Club(Club {
                q: GaussianCritic::init(seeds, name, shape, device),
                sampled: kind == EstimatorKind::ClubSample,
            }),
            EstimatorKind::ClubCategorical => Estimator::ClubCategorical(ClubCategorical {
                q: CategoricalCritic::init(seeds, name, shape, device),
            }),
        }
    }
}
