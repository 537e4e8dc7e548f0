//! Training: device choice, configuration, the members of an ensemble, the CRL objective, the
//! loop, its observers and controls, metrics (ranking metrics included).

mod best;
mod config;
mod control;
mod critics;
mod device;
mod device_data;
mod engine;
mod join;
mod loss;
mod member;
mod metrics;
mod objective;
mod observer;
mod penalised;
mod probes;
mod problem;
mod ranking;
mod readback;
mod scoring;
mod shard;
mod shard_io;
mod sharding;

pub use config::TrainConfig;
pub use control::RunControl;
pub use critics::Critics;
pub use device::{Backend, ComputeDevice, DeviceChoice, read_back, select_device};
pub use device_data::check_training_memory;
pub use engine::{Trained, train, train_scored, train_tables};
pub use member::{MemberSpec, ModelKind};
pub use metrics::{Metrics, binary_metrics, regression_metrics, roc_auc};
pub use observer::{MemberReport, Observer, Report, RunInfo, Silent};
pub use probes::{PROBE_EVAL_ROWS, ProbeCritics};
pub use problem::{Problem, REFERENCE_ROWS, Standardizer};
pub use ranking::{gauc, ndcg_at_k};
pub use scoring::{TestOutputs, TestSets, Z_ROWS};
pub use sharding::shard_count;
