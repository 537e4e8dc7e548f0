//! How long a cell takes, measured: the planned cell with the most steps runs for a few seconds
//! through the same path as every cell, and its time is extrapolated from the steps it reached.
//! A cell that finishes within the budget is simply done (and stays done).

use std::path::Path;
use std::time::Instant;

use super::cell::{CellEnd, CellOptions, CellStatus, cell_status, run_cell};
use super::plan::Plan;
use crate::error::Result;
use crate::experiment::JobObserver;
use crate::session::Workspace;
use crate::train::{Observer, Report, RunControl, RunInfo};

/// A measured time per cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The cell measured.
    pub cell: usize,
    /// Its estimated seconds from start to finish.
    pub secs_per_cell: f64,
    /// Steps it reached.
    pub measured_steps: usize,
    /// Steps it has.
    pub total_steps: usize,
    /// Seconds it ran.
    pub measured_secs: f64,
    /// Whether it finished (then the estimate is its time, and the cell is done).
    pub finished: bool,
}

/// Cancels the run once `budget_secs` have passed since training started and a report came.
struct Timer<'a> {
    t0: Instant,
    started: Option<f64>,
    last: Option<(usize, f64)>,
    budget_secs: f64,
    control: &'a RunControl,
}

impl Observer for Timer<'_> {
    fn on_start(&mut self, _info: &RunInfo) {
        self.started = Some(self.t0.elapsed().as_secs_f64());
    }

    fn on_report(&mut self, report: &Report) {
        let now = self.t0.elapsed().as_secs_f64();
        self.last = Some((report.step, now));
        if now - self.started.unwrap_or(0.0) > self.budget_secs {
            self.control.cancel();
        }
    }
}

impl JobObserver for Timer<'_> {}

/// Measures the pending cell of `plan` (planned in `dir`) with the most steps for about
/// `budget_secs`, with `opts` as the cells will run. `None` when no cell is pending or no
/// report came within the run (nothing to extrapolate from).
pub fn estimate_cell_secs(
    dir: &Path,
    plan: &Plan,
    opts: &CellOptions,
    budget_secs: f64,
) -> Result<Option<Estimate>> {
    let mut best: Option<(usize, usize)> = None;
    for cell in &plan.cells {
        let cell_dir = Plan::cell_dir(dir, &cell.hash);
        if matches!(cell_status(&cell_dir), CellStatus::Done(_)) {
            continue;
        }
        let steps = Workspace::load(&cell_dir.join("workspace.json"))?
            .train
            .config
            .steps;
        if best.is_none_or(|(_, s)| steps > s) {
            best = Some((cell.index, steps));
        }
    }
    let Some((index, total_steps)) = best else {
        return Ok(None);
    };
    let cell_dir = Plan::cell_dir(dir, &plan.cells[index].hash);
    let control = RunControl::default();
    let mut timer = Timer {
        t0: Instant::now(),
        started: None,
        last: None,
        budget_secs,
        control: &control,
    };
    let end = run_cell(&cell_dir, opts, &mut timer, &control)?;
    let measured_secs = timer.t0.elapsed().as_secs_f64();
    Ok(match end {
        CellEnd::Done(secs) => Some(Estimate {
            cell: index,
            secs_per_cell: secs,
            measured_steps: total_steps,
            total_steps,
            measured_secs,
            finished: true,
        }),
        CellEnd::Cancelled => timer.last.map(|(step, at)| {
            let setup = timer.started.unwrap_or(0.0);
            let per_step = (at - setup) / step.max(1) as f64;
            Estimate {
                cell: index,
                secs_per_cell: setup + per_step * total_steps as f64,
                measured_steps: step,
                total_steps,
                measured_secs,
                finished: false,
            }
        }),
    })
}
