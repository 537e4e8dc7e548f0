//! A run as the plots (on screen and exported) see it: the reports and evaluations that have arrived, grouped into the
//! curves a reader compares (baseline against CRL, or one curve per beta), averaged over seeds.
//!
//! Over 400 lines with its unit tests: every series the plots read (steps, MI, OOD, β) is a
//! method of the one results type, so the app and the figures cannot compute them differently.

use super::representation::Representation;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::eval::{EvalAt, EvalRow};
use super::settings::RunMode;
use super::summary::{SummaryRow, mean, mean_std, summarize};
use super::text::trim;
use crate::mi::EstimatorKind;
use crate::scm::OutcomeKind;
use crate::train::{MemberReport, MemberSpec, ModelKind, Report, RunInfo};

/// Where a run is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RunState {
    /// Choosing the device and preparing data.
    Starting,
    /// Stepping.
    Training,
    /// Paused by the user.
    Paused,
    /// Evaluating at each shift after training: no longer entered (every shift is scored at
    /// each report), kept so that results saved in this state still load.
    Evaluating,
    /// Finished.
    Done,
    /// Stopped by the user.
    Stopped,
    /// Failed; the message names why.
    Failed(String),
}

impl RunState {
    /// Whether a worker thread is still busy.
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            RunState::Starting | RunState::Training | RunState::Paused | RunState::Evaluating
        )
    }
}

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobEnd {
    /// Trained and evaluated at every shift.
    Done,
    /// Stopped through the [`RunControl`](crate::train::RunControl).
    Stopped,
}

/// Members that are drawn as one curve (the seeds of one model).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Legend name, e.g. `baseline`, `CRL`, `β = 3`.
    pub name: String,
    /// What its members are (stored as `label` in files).
    #[serde(rename = "label")]
    pub kind: ModelKind,
    /// The beta its members started with.
    pub beta: f64,
    /// Indices into the run's members.
    pub members: Vec<usize>,
}

/// One run's results so far (what the app plots and a workspace file stores).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    /// Compare or beta sweep.
    pub mode: RunMode,
    /// The ensemble.
    pub members: Vec<MemberSpec>,
    /// Curves.
    pub groups: Vec<Group>,
    /// The penalty's estimator (its estimate is an upper bound or not).
    pub estimator: EstimatorKind,
    /// Minibatch of the MI critics (InfoNCE's ceiling is log of it).
    pub penalty_batch: usize,
    /// Steps asked for.
    pub total_steps: usize,
    /// Shifts to evaluate at.
    pub shifts: Vec<f64>,
    /// The engine's description of the run (device, parameter counts), once started.
    pub info: Option<RunInfo>,
    /// Reports in arrival order.
    pub reports: Vec<Report>,
    /// The latest evaluation: every member at every shift, on the model at `eval_at`'s step
    /// (replaced at each report while training runs; the last is on every test row).
    pub eval: Vec<EvalRow>,
    /// Which step `eval` reflects and on how many test rows per shift (absent in results
    /// written before evaluation ran during training: theirs is of the last step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval_at: Option<EvalAt>,
    /// Where the run is.
    pub state: RunState,
    /// What the models predict. Absent only in workspace files written before it was stored;
    /// see [`RunResults::outcome_kind`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeKind>,
    /// The latest projected representations (the first seed of each model; absent in files
    /// written before it was stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representation: Option<Representation>,
}

impl RunResults {
    /// An empty result for a run of `members`.
    pub fn new(
        outcome: OutcomeKind,
        mode: RunMode,
        members: Vec<MemberSpec>,
        estimator: EstimatorKind,
        penalty_batch: usize,
        total_steps: usize,
        shifts: Vec<f64>,
    ) -> Self {
        let groups = groups_of(mode, &members);
        RunResults {
            mode,
            members,
            groups,
            estimator,
            penalty_batch,
            total_steps,
            shifts,
            info: None,
            reports: Vec::new(),
            eval: Vec::new(),
            eval_at: None,
            state: RunState::Starting,
            outcome: Some(outcome),
            representation: None,
        }
    }

    /// What the models predict. Results from before the kind was stored tell it by their
    /// evaluation rows (a continuous outcome has no accuracy); with none, binary.
    pub fn outcome_kind(&self) -> OutcomeKind {
        self.outcome.unwrap_or_else(|| {
            OutcomeKind::from_binary(
                self.eval
                    .first()
                    .is_none_or(|r| !r.metrics.accuracy.is_nan()),
            )
        })
    }

    /// The latest report.
    pub fn last(&self) -> Option<&Report> {
        self.reports.last()
    }

    /// Fraction of the training steps done (every shift is evaluated at each report, so
    /// nothing is left to do after the last step).
    pub fn progress(&self) -> f32 {
        let steps = self.last().map_or(0, |r| r.step) as f32 / self.total_steps.max(1) as f32;
        steps.clamp(0.0, 1.0)
    }

    /// Whether the evaluation shown is final: of the last step, on every test row (results
    /// written before evaluation ran during training are final once they have rows).
    pub fn eval_is_final(&self) -> bool {
        match self.eval_at {
            Some(at) => at.step >= self.total_steps,
            None => !self.eval.is_empty(),
        }
    }

    /// Seconds left in training at the current rate, if it can be told.
    pub fn eta_secs(&self) -> Option<f64> {
        let r = self.last()?;
        (r.steps_per_sec > 0.0)
            .then(|| (self.total_steps.saturating_sub(r.step)) as f64 / r.steps_per_sec)
    }

    /// `(step, mean over the group's members of field)` for each report.
    pub fn series(&self, group: &Group, field: fn(&MemberReport) -> f64) -> Vec<[f64; 2]> {
        self.reports
            .iter()
            .map(|r| {
                let vals: Vec<f64> = group
                    .members
                    .iter()
                    .filter_map(|&i| r.members.get(i).map(field))
                    .collect();
                [r.step as f64, mean(&vals)]
            })
            .collect()
    }

    /// Mean and standard deviation over seeds per group and shift, for the OOD plot.
    pub fn summary(&self) -> Vec<SummaryRow> {
        summarize(&self.eval)
    }

    /// The summary rows of one group, in shift order.
    pub fn group_summary(&self, group: &Group) -> Vec<SummaryRow> {
        self.summary()
            .into_iter()
            .filter(|r| {
                r.model == group.kind && (self.mode == RunMode::Compare || r.beta == group.beta)
            })
            .collect()
    }

    /// One group's OOD curve: `(shift, mean, std)` over seeds of the headline metric, in shift
    /// order (the curve and its band, as the plot and the figure draw it).
    pub fn ood_band(&self, group: &Group) -> Vec<(f64, f64, f64)> {
        self.group_summary(group)
            .iter()
            .map(|r| (r.shift, r.mean.headline(), r.std.headline()))
            .collect()
    }

    /// One group's mean OOD curve, `[shift, mean]` (a pinned run's curve, drawn without a band).
    pub fn ood_means(&self, group: &Group) -> Option<Vec<[f64; 2]>> {
        Some(
            self.group_summary(group)
                .iter()
                .map(|s| [s.shift, s.mean.headline()])
                .collect(),
        )
    }

    /// Per group of a beta sweep: `(beta, mean, std)` of the headline metric at `shift`.
    pub fn metric_vs_beta(&self, shift: f64) -> Vec<(f64, f64, f64)> {
        let mut by_beta: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        let swept = |r: &&EvalRow| r.shift == shift && r.model != ModelKind::Oracle;
        for r in self.eval.iter().filter(swept) {
            by_beta
                .entry(r.beta.to_bits())
                .or_default()
                .push(r.metrics.headline());
        }
        by_beta
            .into_iter()
            .map(|(b, v)| {
                let (m, s) = mean_std(&v);
                (f64::from_bits(b), m, s)
            })
            .collect()
    }

    /// Whether the penalty is conditional: the MI view then leads with I(z; c | y).
    pub fn conditional(&self) -> bool {
        self.info.as_ref().is_some_and(|i| i.conditional)
    }

    /// The name of the monitored quantity the penalty targets.
    pub fn monitored_target_name(&self) -> &'static str {
        if self.conditional() {
            "I(z; c | y)"
        } else {
            "I(z; c)"
        }
    }

    /// InfoNCE's ceiling log N for the probes' readings (N = the rows they are read on; the
    /// penalty batch for results written before probes).
    pub fn probe_ceiling(&self) -> f64 {
        let rows = self.info.as_ref().map_or(0, |i| i.probe_rows);
        let n = if rows > 0 { rows } else { self.penalty_batch };
        (n as f64).ln()
    }

    /// The highest probe reading of any group's mean curve (0 when there is none): plots draw
    /// the probes' ceiling only once a curve comes near it.
    pub fn probe_peak(&self) -> f64 {
        self.groups
            .iter()
            .flat_map(|g| self.series(g, |m| m.mi_zc.max(m.mi_zy).max(m.mi_zc_given_y)))
            .map(|p| p[1])
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max)
    }

    /// Per group of a beta sweep (the oracle left out): `(beta, mean, std)` over seeds of the
    /// last monitored quantity the penalty targets.
    pub fn final_mi_vs_beta(&self) -> Vec<(f64, f64, f64)> {
        let Some(last) = self.last() else {
            return Vec::new();
        };
        let conditional = self.conditional();
        self.groups
            .iter()
            .filter(|g| g.kind != ModelKind::Oracle)
            .map(|g| {
                let v: Vec<f64> = g
                    .members
                    .iter()
                    .filter_map(|&i| last.members.get(i).map(|m| m.monitored_target(conditional)))
                    .collect();
                let (m, s) = mean_std(&v);
                (g.beta, m, s)
            })
            .collect()
    }

    /// What the evaluation shown reflects, for a caption: the step and test rows per shift, and
    /// whether it is still updating (`None` without an evaluation, or for results written
    /// before evaluation ran during training).
    pub fn eval_caption(&self) -> Option<String> {
        let at = self.eval_at.filter(|_| !self.eval.is_empty())?;
        let rows = super::text::thousands(at.rows);
        Some(if self.eval_is_final() {
            format!(
                "after the last step ({}) · {rows} test rows per shift",
                super::text::thousands(at.step)
            )
        } else if self.state.is_active() {
            format!(
                "at step {} of {} · {rows} test rows per shift · updates at every report",
                super::text::thousands(at.step),
                super::text::thousands(self.total_steps)
            )
        } else {
            format!(
                "at step {} (the run stopped there) · {rows} test rows per shift",
                super::text::thousands(at.step)
            )
        })
    }

    /// The run started on the device `info` describes.
    pub fn record_start(&mut self, info: RunInfo) {
        self.info = Some(info);
        if self.state == RunState::Starting {
            self.state = RunState::Training;
        }
    }

    /// A training report arrived.
    pub fn record_report(&mut self, report: Report) {
        self.reports.push(report);
    }

    /// Training ended (`cancelled`: stopped early; the latest evaluation stays, of the step it
    /// says).
    pub fn record_trained(&mut self, cancelled: bool) {
        if cancelled {
            self.state = RunState::Stopped;
        }
    }

    /// Every member was evaluated at every shift, on the model `at` a step: replaces the
    /// previous evaluation.
    pub fn record_evaluated(&mut self, at: EvalAt, rows: &[EvalRow]) {
        self.eval = rows.to_vec();
        self.eval_at = Some(at);
    }

    /// The job is over (a run already stopped or failed stays so).
    pub fn record_end(&mut self, end: JobEnd) {
        if self.state.is_active() {
            self.state = match end {
                JobEnd::Done => RunState::Done,
                JobEnd::Stopped => RunState::Stopped,
            };
        }
    }

    /// The job failed; `message` names why.
    pub fn record_failure(&mut self, message: impl Into<String>) {
        self.state = RunState::Failed(message.into());
    }

    /// Betas the user set during the run are the CRL members' new betas.
    pub fn set_crl_beta(&mut self, beta: f64) {
        for g in &mut self.groups {
            if g.kind == ModelKind::Crl && self.mode == RunMode::Compare {
                g.name = format!("CRL (β = {})", trim(beta));
            }
        }
    }
}

fn groups_of(mode: RunMode, members: &[MemberSpec]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let same = |g: &Group| match mode {
            RunMode::Compare => g.kind == m.kind,
            RunMode::BetaSweep => g.kind == m.kind && g.beta == m.beta,
        };
        if let Some(g) = groups.iter_mut().find(|g| same(g)) {
            g.members.push(i);
            continue;
        }
        let name = match mode {
            _ if m.kind == ModelKind::Oracle => ModelKind::Oracle.legend().to_owned(),
            RunMode::Compare if m.kind.is_baseline() => "baseline".to_owned(),
            RunMode::Compare => format!("CRL (β = {})", trim(m.beta)),
            RunMode::BetaSweep if m.beta == 0.0 => "β = 0 (baseline)".to_owned(),
            RunMode::BetaSweep => format!("β = {}", trim(m.beta)),
        };
        groups.push(Group {
            name,
            kind: m.kind,
            beta: m.beta,
            members: vec![i],
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::Metrics;

    fn run_with_eval(step: usize, rows: usize, state: RunState) -> RunResults {
        let mut r = RunResults::new(
            OutcomeKind::Binary,
            RunMode::Compare,
            vec![MemberSpec::baseline(0), MemberSpec::crl(0, 5.0)],
            EstimatorKind::NceClub,
            128,
            2_000,
            vec![0.0, 1.0],
        );
        let row = EvalRow {
            model: ModelKind::Baseline,
            beta: 0.0,
            seed: 0,
            shift: 0.0,
            metrics: Metrics::default(),
        };
        r.record_evaluated(EvalAt { step, rows }, &[row]);
        r.state = state;
        r
    }

    /// Issue 12: the OOD view says which step its numbers reflect, while training and after.
    #[test]
    fn the_evaluation_says_which_step_it_reflects() {
        let live = run_with_eval(400, 1_000, RunState::Training);
        assert!(!live.eval_is_final());
        assert_eq!(
            live.eval_caption().as_deref(),
            Some("at step 400 of 2,000 · 1,000 test rows per shift · updates at every report")
        );
        let stopped = run_with_eval(400, 1_000, RunState::Stopped);
        assert_eq!(
            stopped.eval_caption().as_deref(),
            Some("at step 400 (the run stopped there) · 1,000 test rows per shift")
        );
        let done = run_with_eval(2_000, 5_000, RunState::Done);
        assert!(done.eval_is_final());
        assert_eq!(
            done.eval_caption().as_deref(),
            Some("after the last step (2,000) · 5,000 test rows per shift")
        );
        // A new evaluation replaces the last one.
        let mut r = live;
        r.record_evaluated(
            EvalAt {
                step: 450,
                rows: 1_000,
            },
            &[],
        );
        assert!(r.eval.is_empty());
        assert_eq!(r.eval_caption(), None);
        // Results written before evaluation ran during training are final once they have rows.
        let mut old = done;
        old.eval_at = None;
        assert!(old.eval_is_final());
        assert_eq!(old.eval_caption(), None);
    }
}
