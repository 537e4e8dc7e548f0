//! Structural causal models: nodes, mechanisms, shift, interventions, seeds, analytic truth
//! and presets.

mod edit;
mod file;
mod gaussian;
mod node;
mod param;
mod scenario;
mod seed;
mod validate;

pub use file::{DEFAULT_PRESET, SCENARIO_FORMAT, SCENARIO_VERSION, preset, preset_names};
pub use gaussian::{GaussianTruth, correlated_gaussian_mi, correlation_for_mi};
pub use node::{Activation, Edge, Mechanism, Node, Noise, OutcomeKind, Role, sigmoid};
pub use param::{Param, check_shift, shifting};
pub use scenario::{Intervention, NodeId, Scenario, TrainingHints, Warning};
pub use seed::{derive_seed, splitmix64};
