//! Models over an ensemble axis: the predictor (encoder + head) and the estimators' critics.

mod critics;
mod ensemble;
mod predictor;

pub use critics::{
    CategoricalCritic, ConcatCritic, CriticKind, CriticShape, GaussianCritic, PairCritic,
    SeparableCritic,
};
pub use ensemble::{EnsembleLinear, EnsembleMlp, layer_rng};
pub use predictor::{Predictor, PredictorShape};
