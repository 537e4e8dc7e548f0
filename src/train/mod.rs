//! Training: device choice, configuration, the loop and its observers, metrics (ranking metrics
//! included).

mod config;
mod critics;
mod device;
mod device_data;
mod engine;
mod join;
mod loss;
mod metrics;
mod observer;
mod probes;
mod problem;
mod ranking;
mod readback;
mod scoring;
mod shard;

pub use config::TrainConfig;
pub use critics::Critics;
pub use device::{Backend, ComputeDevice, DeviceChoice, read_back, select_device};
pub use device_data::check_training_memory;
pub use engine::{Trained, shard_count, train, train_scored, train_tables};
pub use metrics::{Metrics, binary_metrics, regression_metrics, roc_auc};
pub use observer::{
    MemberReport, MemberSpec, ModelKind, Observer, Report, RunControl, RunInfo, Silent,
};
pub use probes::{PROBE_EVAL_ROWS, ProbeCritics};
pub use problem::{Problem, REFERENCE_ROWS, Standardizer};
pub use ranking::{gauc, ndcg_at_k};
pub use scoring::{TestOutputs, TestSets, Z_ROWS};
