//! Structural causal models: nodes, mechanisms, shift, interventions, sampling, analytic truth
//! and presets.

mod edit;
mod file;
mod gaussian;
mod node;
mod param;
mod sample;
mod scenario;

pub use file::{DEFAULT_PRESET, SCENARIO_FORMAT, SCENARIO_VERSION, preset, preset_names};
pub use gaussian::{GaussianTruth, correlated_gaussian_mi};
pub use node::{Activation, Edge, Mechanism, Node, Noise, Role, sigmoid};
pub use param::{Param, shifting};
pub use sample::{MAX_ROWS, Sampler, check_shift, derive_seed, sample};
pub use scenario::{Intervention, NodeId, Scenario, TrainingHints, Warning};
