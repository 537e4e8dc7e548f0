//! Headless rebuild: run what a workspace lacks (its training run, its calibration) and fill in
//! its results, through the same [`run_job`](crate::experiment::run_job) path as the app.

use crate::error::{Error, Result};
use crate::experiment::{
    CALIBRATION_RHOS, JobObserver, RunState, STAIRCASE_NATS, TrainJob, run_calibration,
    run_job_to_results, run_staircase,
};
use crate::session::Workspace;
use crate::train::{DeviceChoice, RunControl};

/// Which results a caller needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Needs {
    /// The training run (loss, MI, OOD and trade-off plots).
    pub training: bool,
    /// The calibration points and the staircase (calibration plot).
    pub calibration: bool,
}

impl Needs {
    /// Everything.
    pub const ALL: Needs = Needs {
        training: true,
        calibration: true,
    };
}

/// What [`recompute`] ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Recomputed {
    /// The training run was (re)run.
    pub training: bool,
    /// The calibration (its points, its staircase or both) was (re)run.
    pub calibration: bool,
}

impl Recomputed {
    /// Whether anything ran (the workspace's content changed).
    pub fn any(&self) -> bool {
        self.training || self.calibration
    }
}

/// Whether the workspace holds a finished training run with evaluations.
pub fn has_training(ws: &Workspace) -> bool {
    ws.results
        .as_ref()
        .is_some_and(|r| r.state == RunState::Done && !r.reports.is_empty() && !r.eval.is_empty())
}

/// Whether the workspace holds a calibration point for every correlation and a finished
/// staircase.
pub fn has_calibration(ws: &Workspace) -> bool {
    has_calibration_points(ws) && has_staircase(ws)
}

fn has_calibration_points(ws: &Workspace) -> bool {
    ws.calibration_points.len() >= CALIBRATION_RHOS.len()
}

fn has_staircase(ws: &Workspace) -> bool {
    ws.calibration_staircase
        .as_ref()
        .is_some_and(|s| s.levels.len() >= STAIRCASE_NATS.len())
}

/// Where a headless calibration is, as [`recompute`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalibrationProgress {
    /// About to train at correlation `index` (from 0) of `count`.
    Correlation {
        /// Which correlation, from 0.
        index: usize,
        /// How many.
        count: usize,
    },
    /// About to train up the staircase.
    Staircase,
}

/// Runs what `ws` lacks of `needs` (everything in `needs` when `force`), on the workspace's
/// device unless `device` overrides it, and stores the results in `ws`. Training reports to
/// `observer`; `on_calibration` is told before each correlation and before the staircase.
/// A workspace whose points are complete but that has no staircase (one written before the
/// staircase existed) gets the staircase only. `control` steers the training run: cancelling
/// it stops the run within a step (the call then fails, saying the run stopped before it
/// finished, and `ws` keeps its results); callers that never cancel pass
/// `&RunControl::default()`.
pub fn recompute(
    ws: &mut Workspace,
    needs: Needs,
    force: bool,
    device: Option<DeviceChoice>,
    observer: &mut dyn JobObserver,
    on_calibration: &mut dyn FnMut(CalibrationProgress),
    control: &RunControl,
) -> Result<Recomputed> {
    let device = device.unwrap_or(ws.train.device);
    let mut done = Recomputed::default();
    if needs.training && (force || !has_training(ws)) {
        let mut job = TrainJob::from_settings(&ws.scenario, &ws.train)?;
        job.device = device;
        let results = run_job_to_results(&job, &ws.train, observer, control)?;
        if results.state != RunState::Done {
            return Err(Error::invalid(
                "the training run stopped before it finished",
            ));
        }
        ws.results = Some(results);
        done.training = true;
    }
    if needs.calibration && (force || !has_calibration_points(ws)) {
        let configs = ws.plots.calibration.configs();
        let count = configs.len();
        on_calibration(CalibrationProgress::Correlation { index: 0, count });
        let points = run_calibration(&configs, device, &RunControl::default(), &mut |i, _| {
            if i + 1 < count {
                on_calibration(CalibrationProgress::Correlation {
                    index: i + 1,
                    count,
                });
            }
        })?;
        ws.calibration_points = points;
        done.calibration = true;
    }
    if needs.calibration && (force || !has_staircase(ws)) {
        on_calibration(CalibrationProgress::Staircase);
        let config = ws.plots.calibration.staircase_config();
        ws.calibration_staircase =
            run_staircase(&config, device, &RunControl::default(), &mut |_| {})?;
        done.calibration = true;
    }
    Ok(done)
}
