//! Training: device choice, configuration, the loop and its observers, metrics (ranking metrics
//! included).

mod config;
mod critics;
mod device;
mod device_data;
mod engine;
mod loss;
mod metrics;
mod observer;
mod probes;
mod problem;
mod ranking;
mod readback;

pub use config::TrainConfig;
pub use critics::Critics;
pub use device::{Backend, ComputeDevice, DeviceChoice, select_device};
pub use engine::{Trained, train, train_tables};
pub use metrics::{Metrics, binary_metrics, regression_metrics, roc_auc};
pub use observer::{
    MemberReport, MemberSpec, ModelKind, Observer, Report, RunControl, RunInfo, Silent,
};
pub use probes::{PROBE_EVAL_ROWS, ProbeCritics};
pub use problem::{Problem, Standardizer};
pub use ranking::{gauc, ndcg_at_k};
