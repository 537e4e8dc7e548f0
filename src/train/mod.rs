//! Training: device choice, configuration, the loop and its observers, metrics (ranking metrics
//! included).

mod config;
mod device;
mod engine;
mod metrics;
mod observer;
mod problem;
mod ranking;

pub use config::TrainConfig;
pub use device::{Backend, ComputeDevice, DeviceChoice, select_device};
pub use engine::{Critics, Trained, train, train_tables};
pub use metrics::{Metrics, binary_metrics, regression_metrics, roc_auc};
pub use observer::{
    MemberReport, MemberSpec, ModelKind, Observer, Report, RunControl, RunInfo, Silent,
};
pub use problem::{Problem, Standardizer};
pub use ranking::{gauc, ndcg_at_k};
