//! Training settings.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::{MAX_BATCH, MAX_LAYERS, MAX_ROWS, MAX_WIDTH, check_cap};
use crate::mi::EstimatorKind;
use crate::models::CriticKind;
use crate::scm::{Scenario, TrainingHints};

/// Every setting of a training run. Defaults follow method.md §9's neural check.
// A settings struct: each bool is an independent switch of the run.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Training rows per data seed (sampled at shift 0).
    pub n_train: usize,
    /// Validation rows per data seed (shift 0, held out).
    pub n_val: usize,
    /// Test rows per shift in evaluation.
    pub n_test: usize,
    /// Model steps.
    pub steps: usize,
    /// Rows per minibatch.
    pub batch_size: usize,
    /// Rows of the minibatch the penalty and the critics see (N of the N × N scores).
    pub penalty_batch: usize,
    /// Adam learning rate of encoder and head.
    pub lr: f64,
    /// Adam learning rate of the critics.
    pub critic_lr: f64,
    /// Hidden widths of the encoder.
    pub hidden: Vec<usize>,
    /// Dimension of the representation z.
    pub z_dim: usize,
    /// Hidden width of every critic.
    pub critic_hidden: usize,
    /// The penalty's estimator.
    pub estimator: EstimatorKind,
    /// How pair critics are built.
    pub critic: CriticKind,
    /// Penalise I(z; c | y) instead of I(z; c).
    pub conditional: bool,
    /// Critic steps per model step.
    pub critic_steps: usize,
    /// Penalty weight of the CRL model, as the settings own it: the experiment's plans, the
    /// CLI, grids and the app build each CRL member's [`MemberSpec::beta`] from it. The engine
    /// never reads it: a run's betas are its members' (and those the user sets while it runs,
    /// see [`RunControl::set_betas`]). It stays here because workspace files store it as
    /// `train.config.beta`; `validate` still checks it, since a plan is built from it.
    ///
    /// [`MemberSpec::beta`]: super::MemberSpec::beta
    /// [`RunControl::set_betas`]: super::RunControl::set_betas
    pub beta: f64,
    /// Steps over which beta rises linearly from 0.
    pub beta_warmup_steps: usize,
    /// Steps between reports.
    pub report_every: usize,
    /// Measure I(z; c | y), I(z; c) and I(z; y) at every report with probes trained on a frozen
    /// snapshot of z (see `probes`). Off: no measurement, and a run whose betas are all 0 is a
    /// plain supervised run.
    pub monitor: bool,
    /// Probe steps per report (the same for every member; each report warm-starts from the
    /// previous one). Not written when it has its default, so older files save back unchanged.
    #[serde(skip_serializing_if = "is_default_monitor_steps")]
    pub monitor_steps: usize,
    /// Seed of data, initialisation and batching.
    pub seed: u64,
    /// Train, beside baseline and CRL, a causal-features-only reference per seed (the oracle;
    /// scenarios only, since real logs do not say which features are causal). On by default
    /// (and then not written, so older files save back unchanged).
    #[serde(skip_serializing_if = "is_true")]
    pub oracle: bool,
    /// Threads the ensemble is split across on the CPU backend (0: one per core; a GPU always
    /// uses one). Every member's numbers are the same whatever the split. Not written when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub threads: usize,
    /// Model selection: return each member as it was at the report with its lowest validation
    /// loss, the same rule for every member (the live test scores still follow the current
    /// step). Not written when off.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub keep_best_val: bool,
    /// L2 weight decay of the encoder and head (Adam's), 0 for none. Not written when 0.
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub weight_decay: f64,
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &usize) -> bool {
    *v == 0
}

/// Steps with a report before the first regular one (when they come before it).
const EARLY_REPORTS: [usize; 2] = [10, 25];

/// Probe steps per report unless set.
const MONITOR_STEPS: usize = 20;

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_default_monitor_steps(v: &usize) -> bool {
    *v == MONITOR_STEPS
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_true(v: &bool) -> bool {
    *v
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            n_train: 20_000,
            n_val: 2_000,
            n_test: 5_000,
            steps: 2_000,
            batch_size: 512,
            penalty_batch: 128,
            lr: 1e-3,
            critic_lr: 5e-3,
            hidden: vec![64, 64],
            z_dim: 16,
            critic_hidden: 64,
            estimator: EstimatorKind::NceClub,
            critic: CriticKind::Separable,
            conditional: false,
            critic_steps: 2,
            beta: 10.0,
            beta_warmup_steps: 500,
            report_every: 50,
            monitor: true,
            monitor_steps: MONITOR_STEPS,
            seed: 0,
            oracle: true,
            threads: 0,
            keep_best_val: false,
            weight_decay: 0.0,
        }
    }
}

impl TrainConfig {
    /// The defaults with the scenario's recommended beta and penalty form.
    pub fn for_scenario(scenario: &Scenario) -> Self {
        let mut config = TrainConfig::default();
        config.apply_hints(&scenario.hints);
        config
    }

    /// Takes a scenario's recommended beta and penalty form (what loading a preset does).
    pub fn apply_hints(&mut self, hints: &TrainingHints) {
        self.beta = hints.beta;
        self.conditional = hints.conditional_penalty;
    }

    /// Whether a report follows model step `step` (1-based): early ones at steps 10 and 25 (so
    /// the first curves come within a second or two of the start), then every `report_every`
    /// steps, and always after the last step.
    pub fn is_report_step(&self, step: usize) -> bool {
        step == self.steps
            || (self.report_every > 0 && step.is_multiple_of(self.report_every))
            || (EARLY_REPORTS.contains(&step) && step < self.report_every)
    }

    /// The steps a run reports at, in order (see [`TrainConfig::is_report_step`]).
    pub fn report_steps(&self) -> Vec<usize> {
        (1..=self.steps)
            .filter(|&s| self.is_report_step(s))
            .collect()
    }

    /// Rejects settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("n_train", self.n_train),
            ("n_val", self.n_val),
            ("n_test", self.n_test),
            ("steps", self.steps),
            ("batch_size", self.batch_size),
            ("z_dim", self.z_dim),
            ("critic_hidden", self.critic_hidden),
            ("critic_steps", self.critic_steps),
            ("report_every", self.report_every),
        ];
        for (name, v) in positive {
            if v == 0 {
                return Err(Error::invalid(format!("`{name}` must be at least 1")));
            }
        }
        if self.penalty_batch < 4 || self.batch_size < 4 {
            return Err(Error::invalid(
                "`batch_size` and `penalty_batch` must be at least 4 (the estimators need negatives)",
            ));
        }
        if self.batch_size > self.n_train {
            return Err(Error::invalid(format!(
                "the batch ({}) is larger than the training set ({})",
                self.batch_size, self.n_train
            )));
        }
        if self.hidden.contains(&0) {
            return Err(Error::invalid("hidden widths must be at least 1"));
        }
        check_cap("the number of hidden layers", self.hidden.len(), MAX_LAYERS)?;
        let widths = self.hidden.iter().map(|&w| ("a hidden width", w));
        for (name, v) in widths.chain([
            ("`z_dim`", self.z_dim),
            ("`critic_hidden`", self.critic_hidden),
        ]) {
            check_cap(name, v, MAX_WIDTH)?;
        }
        for (name, v) in [
            ("`batch_size`", self.batch_size),
            ("`penalty_batch`", self.penalty_batch),
        ] {
            check_cap(name, v, MAX_BATCH)?;
        }
        for (name, v) in [
            ("`n_train`", self.n_train),
            ("`n_val`", self.n_val),
            ("`n_test`", self.n_test),
        ] {
            check_cap(name, v, MAX_ROWS)?;
        }
        for (name, v) in [("lr", self.lr), ("critic_lr", self.critic_lr)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid(format!(
                    "`{name}` must be a positive number, not {v}"
                )));
            }
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(Error::invalid(format!(
                "`weight_decay` must be a number ≥ 0, not {}",
                self.weight_decay
            )));
        }
        if !(self.beta.is_finite() && self.beta >= 0.0) {
            return Err(Error::invalid(format!(
                "beta must be a number ≥ 0, not {}",
                self.beta
            )));
        }
        Ok(())
    }
}
