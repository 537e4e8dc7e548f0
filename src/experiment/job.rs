//! One training job from start to finish, the way the app's worker, the headless commands and the
//! examples all run it: choose the device, build the problem, train with an observer, then
//! evaluate shift by shift.

use super::eval::{EvalAt, EvalRow, shift_rows, test_set};
use super::representation::{Representation, confounder_value, project_member, shown_members};
use super::run::{JobEnd, RunResults};
use super::settings::TrainSettings;
use crate::data::Sampler;
use crate::error::{Error, Result};
use crate::limits::MemoryBudget;
use crate::mi::EstimatorKind;
use crate::scm::Scenario;
use crate::train::{
    DeviceChoice, MemberSpec, Observer, Problem, REFERENCE_ROWS, Report, RunControl, RunInfo,
    TestOutputs, TestSets, TrainConfig, Z_ROWS, check_training_memory, select_device, train_scored,
};

/// Test rows per shift scored at every report before the last, so the OOD curve appears at the
/// first report and sharpens as training goes (the last report scores all `n_test` rows; a
/// thousand rows put a seed's accuracy within about ±1.3 points).
pub const LIVE_TEST_ROWS: usize = 1_000;

/// A training job: everything a run needs, owned (so it can move to a worker thread).
#[derive(Clone, Debug)]
pub struct TrainJob {
    /// The scenario to learn from.
    pub scenario: Scenario,
    /// Engine settings.
    pub config: TrainConfig,
    /// The ensemble's members.
    pub members: Vec<MemberSpec>,
    /// Shifts to evaluate at after training.
    pub shifts: Vec<f64>,
    /// Where to train.
    pub device: DeviceChoice,
}

impl TrainJob {
    /// The job the training panel's settings describe (see [`TrainSettings::plan`]).
    pub fn from_settings(scenario: &Scenario, settings: &TrainSettings) -> Result<Self> {
        let (config, members, shifts) = settings.plan()?;
        Ok(TrainJob {
            scenario: scenario.clone(),
            config,
            members,
            shifts,
            device: settings.device,
        })
    }

    /// Refuses the job, before anything is sampled or trained, when a sample it draws (the
    /// standardisation's reference rows, a seed's training and validation rows, a shift's test
    /// rows) or the training itself (every member's rows, models and optimiser state) would
    /// pass the process's memory budget (see [`crate::limits`]).
    pub fn check_memory(&self) -> Result<()> {
        let c = &self.config;
        let sampler = Sampler::new(&self.scenario, 0.0)?;
        for n in [REFERENCE_ROWS, c.n_train, c.n_val, c.n_test] {
            sampler.check_rows(n)?;
        }
        let one_hot = c.estimator == EstimatorKind::ClubCategorical;
        let mut seeds: Vec<u64> = self.members.iter().map(|m| m.seed).collect();
        seeds.sort_unstable();
        seeds.dedup();
        check_training_memory(
            (c.n_train, c.n_val),
            Problem::input_widths(&self.scenario, one_hot),
            (self.members.len(), seeds.len()),
            c,
            self.shifts.len().saturating_mul(c.n_test),
            MemoryBudget::process(),
        )
    }

    /// Empty results for this job, ready to be filled by a [`ResultsRecorder`]. (A scenario
    /// whose outcome cannot be trained fails when the job runs; its empty results say binary.)
    pub fn empty_results(&self, settings: &TrainSettings) -> RunResults {
        RunResults::new(
            self.scenario.outcome_kind().unwrap_or_default(),
            settings.mode,
            self.members.clone(),
            self.config.estimator,
            self.config.penalty_batch,
            self.config.steps,
            self.shifts.clone(),
        )
    }
}

/// Watches a whole job: training (through [`Observer`]), then the end of training and each
/// shift's evaluation. Every method has a default that ignores the event.
pub trait JobObserver: Observer {
    /// Training ended; `cancelled` if it was stopped early (no evaluation follows then).
    fn on_trained(&mut self, _cancelled: bool) {}
    /// Every member evaluated at every shift, on the model at `step` (see [`EvalAt`]). Each
    /// call replaces the previous one; the last comes after the last step, on every test row.
    fn on_evaluated(&mut self, _at: EvalAt, _rows: &[EvalRow]) {}
    /// The models' representations at a report, projected (see [`Representation`]).
    fn on_representation(&mut self, _representation: &Representation) {}
}

/// Runs `job`: selects the device, builds the problem and the test set of every shift, and
/// trains (reporting to `observer`, steered by `control`), scoring every member at every shift
/// at each report (on [`LIVE_TEST_ROWS`] rows per shift, and on all `n_test` after the last
/// step), so the out-of-distribution results fill in while training runs. Deterministic for a
/// given job on the CPU backend.
pub fn run_job(
    job: &TrainJob,
    observer: &mut dyn JobObserver,
    control: &RunControl,
) -> Result<JobEnd> {
    job.check_memory()?;
    let device = select_device(job.device)?;
    let problem = Problem::new(&job.scenario, job.config.seed)?;
    let mut tables = Vec::with_capacity(job.shifts.len());
    let mut raw_y = Vec::with_capacity(job.shifts.len());
    for &shift in &job.shifts {
        let (table, y) = test_set(&problem, shift, job.config.n_test, job.config.seed)?;
        tables.push(table);
        raw_y.push(y);
    }
    let colour_c = tables
        .iter()
        .map(|t: &crate::data::HostTable| {
            let w = t.c.len() / t.n.max(1);
            (0..t.n.min(Z_ROWS))
                .map(|r| confounder_value(&t.c[r * w..(r + 1) * w]))
                .collect()
        })
        .collect();
    let tests = TestSets {
        tables,
        live_rows: LIVE_TEST_ROWS,
    };
    let mut live = LiveEval {
        problem: &problem,
        shifts: &job.shifts,
        raw_y,
        colour_c,
        members: &job.members,
        inner: observer,
        failed: None,
    };
    let trained = train_scored(
        &problem,
        &job.members,
        &job.config,
        &device,
        (!job.shifts.is_empty()).then_some(&tests),
        &mut live,
        control,
    )?;
    if let Some(e) = live.failed {
        return Err(e);
    }
    observer.on_trained(trained.cancelled);
    Ok(if trained.cancelled {
        JobEnd::Stopped
    } else {
        JobEnd::Done
    })
}

/// Turns the engine's test outputs into evaluation rows for a [`JobObserver`], passing every
/// other event on.
struct LiveEval<'a> {
    problem: &'a Problem,
    shifts: &'a [f64],
    /// The outcome of every test row, per shift.
    raw_y: Vec<Vec<f32>>,
    /// The confounder of the first [`Z_ROWS`] test rows, per shift (for colouring z).
    colour_c: Vec<Vec<f32>>,
    members: &'a [MemberSpec],
    inner: &'a mut dyn JobObserver,
    /// The first evaluation that failed (a non-finite prediction), returned after training.
    failed: Option<Error>,
}

impl LiveEval<'_> {
    fn rows(&self, out: &TestOutputs) -> Result<Vec<EvalRow>> {
        let mut rows = Vec::with_capacity(self.shifts.len() * self.members.len());
        for ((&shift, outs), y) in self.shifts.iter().zip(&out.outputs).zip(&self.raw_y) {
            let on = format!("the test set at shift {shift} (step {})", out.step);
            let y = &y[..out.rows.min(y.len())];
            rows.extend(shift_rows(self.problem, self.members, shift, outs, y, &on)?);
        }
        Ok(rows)
    }

    /// Every member's z at `out`'s report, projected.
    fn representation(&self, out: &TestOutputs) -> Representation {
        let m = out.z.first().map_or(0, Vec::len);
        let shown = shown_members(self.members);
        let members = (0..m)
            .map(|i| {
                shown.get(i).copied().unwrap_or(false).then(|| {
                    let per_shift: Vec<&[f32]> =
                        out.z.iter().map(|set| set[i].as_slice()).collect();
                    project_member(&per_shift, out.z_rows, out.z_dim)
                })
            })
            .collect();
        Representation {
            step: out.step,
            shifts: self.shifts.to_vec(),
            members,
            confounder: self
                .colour_c
                .iter()
                .map(|c| c[..out.z_rows.min(c.len())].to_vec())
                .collect(),
            outcome: self
                .raw_y
                .iter()
                .map(|y| y[..out.z_rows.min(y.len())].to_vec())
                .collect(),
        }
    }
}

impl Observer for LiveEval<'_> {
    fn on_start(&mut self, info: &RunInfo) {
        self.inner.on_start(info);
    }

    fn on_report(&mut self, report: &Report) {
        self.inner.on_report(report);
    }

    fn on_test_outputs(&mut self, out: &TestOutputs) {
        if self.failed.is_some() {
            return;
        }
        if out.z_rows > 0 && out.z_dim > 0 {
            let r = self.representation(out);
            self.inner.on_representation(&r);
        }
        match self.rows(out) {
            Ok(rows) => self.inner.on_evaluated(
                EvalAt {
                    step: out.step,
                    rows: out.rows,
                },
                &rows,
            ),
            Err(e) => self.failed = Some(e),
        }
    }
}

/// Fills a [`RunResults`] from a job's events, and passes them on to another observer (a
/// progress bar, say).
pub struct ResultsRecorder<'a> {
    /// The results being filled.
    pub results: RunResults,
    inner: &'a mut dyn JobObserver,
}

impl<'a> ResultsRecorder<'a> {
    /// Records into `results`, forwarding every event to `inner`.
    pub fn new(results: RunResults, inner: &'a mut dyn JobObserver) -> Self {
        ResultsRecorder { results, inner }
    }
}

impl Observer for ResultsRecorder<'_> {
    fn on_start(&mut self, info: &RunInfo) {
        self.results.record_start(info.clone());
        self.inner.on_start(info);
    }

    fn on_report(&mut self, report: &Report) {
        self.results.record_report(report.clone());
        self.inner.on_report(report);
    }
}

impl JobObserver for ResultsRecorder<'_> {
    fn on_trained(&mut self, cancelled: bool) {
        self.results.record_trained(cancelled);
        self.inner.on_trained(cancelled);
    }

    fn on_evaluated(&mut self, at: EvalAt, rows: &[EvalRow]) {
        self.results.record_evaluated(at, rows);
        self.inner.on_evaluated(at, rows);
    }

    fn on_representation(&mut self, r: &Representation) {
        self.results.representation = Some(r.clone());
        self.inner.on_representation(r);
    }
}

/// A [`JobObserver`] that ignores everything.
pub struct SilentJob;

impl Observer for SilentJob {}
impl JobObserver for SilentJob {}

/// Runs `job` to completion and returns its results as the app would hold them at the end
/// (state `Done`, or `Stopped` if `control` stopped it).
pub fn run_job_to_results(
    job: &TrainJob,
    settings: &TrainSettings,
    observer: &mut dyn JobObserver,
    control: &RunControl,
) -> Result<RunResults> {
    let mut rec = ResultsRecorder::new(job.empty_results(settings), observer);
    let end = run_job(job, &mut rec, control)?;
    let mut results = rec.results;
    results.record_end(end);
    Ok(results)
}
