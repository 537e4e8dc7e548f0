//! The penalty's critic of every member, over the ensemble axis: the training signal of the CRL
//! model (its estimate is reported as such, never as the measurement; see `probes`).

use burn::module::Module;
use burn::tensor::Device;

use super::config::TrainConfig;
use crate::mi::Estimator;
use crate::models::CriticShape;
use crate::scm::derive_seed;

/// The training-only critic of every member's penalty.
#[derive(Module, Debug)]
pub struct Critics {
    /// The penalty's estimator.
    pub penalty: Estimator,
}

impl Critics {
    /// The penalty critics of members with these `seeds`: z of width `config.z_dim` against c of
    /// width `dc` (classes when one-hot).
    pub(super) fn init(config: &TrainConfig, seeds: &[u64], dc: usize, ad: &Device) -> Self {
        let critic_seeds: Vec<u64> = seeds.iter().map(|s| derive_seed(*s, "critics")).collect();
        Critics {
            penalty: Estimator::init(
                config.estimator,
                config.critic,
                &critic_seeds,
                "penalty",
                CriticShape {
                    dz: config.z_dim,
                    dc,
                    hidden: config.critic_hidden,
                },
                ad,
            ),
        }
    }
}
