//! What a training run tells whoever watches it (the CLI's progress bar, the app, tests), and how
//! they can steer it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

/// What a member of an ensemble is. Stored by its lowercase name (`baseline`, `crl`, `oracle`)
/// in workspace files and result CSVs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// No penalty (beta = 0): the predictor trained on the supervised loss alone.
    #[default]
    Baseline,
    /// The capacity-matched model whose representation is penalised for confounder information.
    Crl,
    /// The reference a CRL model aims at: the baseline's widths and loss, but it sees only the
    /// features the scenario knows to be causal ancestors of the outcome (the others are
    /// masked). Never a training signal for the CRL model.
    Oracle,
}

impl ModelKind {
    /// The lowercase name used in files and tables: `baseline` or `crl`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Baseline => "baseline",
            ModelKind::Crl => "crl",
            ModelKind::Oracle => "oracle",
        }
    }

    /// The name a legend shows.
    pub fn legend(self) -> &'static str {
        match self {
            ModelKind::Baseline => "baseline",
            ModelKind::Crl => "CRL",
            ModelKind::Oracle => "causal features only",
        }
    }

    /// Whether this is the baseline.
    pub fn is_baseline(self) -> bool {
        self == ModelKind::Baseline
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// Compares with a name as files write it (`kind == "crl"`).
impl PartialEq<&str> for ModelKind {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// One member of an ensemble: the baseline is the member with beta = 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberSpec {
    /// Baseline or CRL (stored as `label` in files).
    #[serde(rename = "label")]
    pub kind: ModelKind,
    /// Penalty weight (after warm-up).
    pub beta: f64,
    /// Seed of this member's data, initialisation and batching.
    pub seed: u64,
}

impl MemberSpec {
    /// The baseline: no penalty.
    pub fn baseline(seed: u64) -> Self {
        MemberSpec {
            kind: ModelKind::Baseline,
            beta: 0.0,
            seed,
        }
    }

    /// The oracle: the baseline on the causal features only.
    pub fn oracle(seed: u64) -> Self {
        MemberSpec {
            kind: ModelKind::Oracle,
            beta: 0.0,
            seed,
        }
    }

    /// The CRL model with penalty weight `beta`.
    pub fn crl(seed: u64, beta: f64) -> Self {
        MemberSpec {
            kind: ModelKind::Crl,
            beta,
            seed,
        }
    }
}

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

/// Steers a running training from another thread: cancel, pause, new betas.
#[derive(Debug, Default)]
pub struct RunControl {
    cancel: AtomicBool,
    pause: AtomicBool,
    /// The model step at which the run fails as a lost device would (0: never); see
    /// [`RunControl::inject_device_fault`].
    device_fault_at: AtomicUsize,
    /// The latest betas the user set, and how many times they were set.
    betas: Mutex<(u64, Option<Vec<f64>>)>,
}

impl RunControl {
    /// Asks the run to stop; it returns what it has within one step.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Whether cancel was asked.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Pauses or resumes.
    pub fn set_paused(&self, paused: bool) {
        self.pause.store(paused, Ordering::SeqCst);
    }

    /// Whether the run is paused.
    pub fn is_paused(&self) -> bool {
        self.pause.load(Ordering::SeqCst)
    }

    /// Makes the run fail at model step `step` (1-based) exactly as a device that stops
    /// responding does: the step returns [`crate::Error::Device`] and the run ends with it.
    /// A fault hook, so that what callers do with a failing GPU can be tested on any machine.
    pub fn inject_device_fault(&self, step: usize) {
        self.device_fault_at.store(step, Ordering::SeqCst);
    }

    /// The injected device fault of model step `step` (1-based), if any.
    pub(crate) fn device_fault(&self, step: usize) -> crate::error::Result<()> {
        if self.device_fault_at.load(Ordering::SeqCst) == step && step > 0 {
            return Err(crate::error::Error::Device(format!(
                "the device stopped responding at step {step} (a fault injected on purpose)"
            )));
        }
        Ok(())
    }

    /// New penalty weights, one per member, applied from the next step.
    pub fn set_betas(&self, betas: Vec<f64>) {
        if let Ok(mut b) = self.betas.lock() {
            *b = (b.0 + 1, Some(betas));
        }
    }

    /// The betas set since `seen` (each shard of a run keeps its own `seen`, starting at 0).
    pub(crate) fn betas_since(&self, seen: &mut u64) -> Option<Vec<f64>> {
        let b = self.betas.lock().ok()?;
        if b.0 == *seen {
            return None;
        }
        *seen = b.0;
        b.1.clone()
    }
}
