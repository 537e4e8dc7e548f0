//! CLUB (Cheng et al. 2020) with a Gaussian q(c | z): an upper bound when q is well fitted.

use burn::module::Module;
use burn::tensor::Tensor;

use super::batch::{PairBatch, masked_row_mean, per_member_mean, weighted_member_mean};
use super::estimate::MiEstimator;
use crate::models::GaussianCritic;

/// Log-variance bounds of CLUB's Gaussian q(c | z) (method.md §5: clamp logvar).
pub const LOGVAR_RANGE: (f32, f32) = (-4.0, 4.0);

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
