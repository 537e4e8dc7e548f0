//! One training job from start to finish, the way the app's worker, the headless commands and the
//! examples all run it: choose the device, build the problem, train with an observer, then
//! evaluate shift by shift.

use super::eval::{EvalRow, evaluate};
use super::run::{JobEnd, RunResults};
use super::settings::TrainSettings;
use crate::error::Result;
use crate::scm::Scenario;
use crate::train::{
    DeviceChoice, MemberSpec, Observer, Problem, Report, RunControl, RunInfo, TrainConfig,
    select_device, train,
};

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
    /// Every member evaluated at one shift.
    fn on_evaluated(&mut self, _rows: &[EvalRow]) {}
}

/// Runs `job`: selects the device, builds the problem, trains (reporting to `observer`,
/// steered by `control`), then evaluates shift by shift so results can arrive one shift at a
/// time. Deterministic for a given job on the CPU backend.
pub fn run_job(
    job: &TrainJob,
    observer: &mut dyn JobObserver,
    control: &RunControl,
) -> Result<JobEnd> {
    let device = select_device(job.device)?;
    let problem = Problem::new(&job.scenario, job.config.seed)?;
    let trained = {
        let obs: &mut dyn Observer = as_observer(observer);
        train(&problem, &job.members, &job.config, &device, obs, control)?
    };
    observer.on_trained(trained.cancelled);
    if trained.cancelled {
        return Ok(JobEnd::Stopped);
    }
    for &shift in &job.shifts {
        if control.is_cancelled() {
            return Ok(JobEnd::Stopped);
        }
        let rows = evaluate(
            &problem,
            &trained,
            &[shift],
            job.config.n_test,
            job.config.seed,
        )?;
        observer.on_evaluated(&rows);
    }
    Ok(JobEnd::Done)
}

fn as_observer(o: &mut dyn JobObserver) -> &mut dyn Observer {
    o
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

    fn on_evaluated(&mut self, rows: &[EvalRow]) {
        self.results.record_evaluated(rows);
        self.inner.on_evaluated(rows);
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
