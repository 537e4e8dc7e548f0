//! The training-only critics of every member: the penalty's estimator and the two monitoring
//! InfoNCE critics, one of each per member over the ensemble axis.

use burn::module::Module;
use burn::tensor::Device;

use super::config::TrainConfig;
use crate::mi::{Estimator, EstimatorInputs, InfoNce};
use crate::models::{CriticKind, PairCritic};
use crate::scm::derive_seed;

/// The training-only critics of every member.
#[derive(Module, Debug)]
pub struct Critics {
    /// The penalty's estimator.
    pub penalty: Estimator,
    /// Monitoring InfoNCE for I(z; c), the same for every member.
    pub monitor_c: InfoNce,
    /// Monitoring InfoNCE for I(z; y).
    pub monitor_y: InfoNce,
}

impl Critics {
    /// The critics of members with these `seeds`: the penalty's sees `[z, extra]` of width
    /// `penalty_dz` against `[c, extra]` of width `penalty_dc` (`extra` is y when it is
    /// appended), the monitors see z against c (`dc` columns) and against y.
    pub(super) fn init(
        config: &TrainConfig,
        seeds: &[u64],
        penalty_dz: usize,
        penalty_dc: usize,
        dc: usize,
        ad: &Device,
    ) -> Self {
        let critic_seeds: Vec<u64> = seeds.iter().map(|s| derive_seed(*s, "critics")).collect();
        let inputs = |dz, dc| EstimatorInputs {
            dz,
            dc,
            hidden: config.critic_hidden,
        };
        let monitor = |name: &str, dc: usize| InfoNce {
            critic: PairCritic::init(
                CriticKind::Separable,
                &critic_seeds,
                name,
                config.z_dim,
                dc,
                config.critic_hidden,
                ad,
            ),
        };
        Critics {
            penalty: Estimator::init(
                config.estimator,
                config.critic,
                &critic_seeds,
                "penalty",
                inputs(penalty_dz, penalty_dc),
                ad,
            ),
            monitor_c: monitor("monitor_c", dc),
            monitor_y: monitor("monitor_y", 1),
        }
    }
}
