//! What a training run tells whoever watches it (the CLI's progress bar, the app, tests). How
//! they steer it is `control`'s.

use serde::{Deserialize, Serialize};

use super::member::MemberSpec;

/// One member's figures at a report.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct MemberReport {
    /// Supervised loss plus the weighted penalty, on the last minibatch.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub total_loss: f64,
    /// Cross-entropy (or MSE) on the last minibatch.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub supervised_loss: f64,
    /// beta (with warm-up) times the penalty's estimate.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub penalty: f64,
    /// The penalty critic's own estimate in nats on the step's sub-batch: the training signal,
    /// not a measurement.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub penalty_mi: f64,
    /// I(z; c) in nats, measured by the member's probe on held-out validation rows.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub mi_zc: f64,
    /// I(z; c | y) in nats, measured by the member's probe on held-out validation rows (NaN in
    /// results written before it was measured).
    #[serde(
        default = "crate::serde_float::nan",
        deserialize_with = "crate::serde_float::nan_if_null",
        skip_serializing_if = "crate::serde_float::is_nan"
    )]
    pub mi_zc_given_y: f64,
    /// I(z; y) in nats, measured by the member's probe on held-out validation rows.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub mi_zy: f64,
    /// Supervised loss on the validation rows.
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub val_loss: f64,
    /// Validation accuracy (binary) or R² (continuous).
    #[serde(deserialize_with = "crate::serde_float::nan_if_null")]
    pub val_metric: f64,
}

impl MemberReport {
    /// The monitored quantity the penalty targets: I(z; c | y) when the penalty is
    /// `conditional`, I(z; c) otherwise (results from before I(z; c | y) was measured fall back
    /// to I(z; c)).
    pub fn monitored_target(&self, conditional: bool) -> f64 {
        if conditional && !self.mi_zc_given_y.is_nan() {
            self.mi_zc_given_y
        } else {
            self.mi_zc
        }
    }
}

/// Everything reported every `report_every` steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Model steps done.
    pub step: usize,
    /// Steps the run will take.
    pub total_steps: usize,
    /// Wall time since the start, pauses excluded.
    pub elapsed_secs: f64,
    /// Model steps per second over the last interval.
    pub steps_per_sec: f64,
    /// The warm-up factor of beta in [0, 1].
    pub beta_warmup: f64,
    /// One entry per member, in member order.
    pub members: Vec<MemberReport>,
}

/// Facts about a run, told once at its start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The device line.
    pub device: String,
    /// The members.
    pub members: Vec<MemberSpec>,
    /// Parameters of one member at serving time (encoder + head): the same for baseline and CRL.
    pub params_per_member: usize,
    /// Training-only parameters of one member's critics (penalty and monitors).
    pub critic_params_per_member: usize,
    /// Whether the penalty is conditional, I(z; c | y), rather than I(z; c): the monitored
    /// quantity the MI view leads with.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
    /// Validation rows each probe's reading is taken on (InfoNCE's ceiling is their log; 0 in
    /// results written before probes).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub probe_rows: usize,
    /// Steps the run will take.
    pub total_steps: usize,
    /// Threads the ensemble was split across (0 in results written before it was told).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub threads: usize,
    /// The backend it trained on (absent in results written before it was told).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<super::device::Backend>,
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &usize) -> bool {
    *v == 0
}

/// Watches a run. Every method has a default that ignores the event.
pub trait Observer {
    /// Called once before the first step.
    fn on_start(&mut self, _info: &RunInfo) {}
    /// Called at every report step (see [`TrainConfig::is_report_step`]).
    ///
    /// [`TrainConfig::is_report_step`]: super::TrainConfig::is_report_step
    fn on_report(&mut self, _report: &Report) {}
    /// Called after a report at which the run's test sets were scored (see [`TestSets`]).
    ///
    /// [`TestSets`]: super::TestSets
    fn on_test_outputs(&mut self, _outputs: &super::TestOutputs) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {}
