//! Running a planned grid on this machine: named worker threads take the unfinished cells in
//! index order, each cell's training split over `cores / workers` threads so the workers do not
//! fight over cores. Finished cells are skipped (so an interrupted run resumes where it
//! stopped), a failed cell is recorded and the others go on, and a cancel flag stops the run
//! within a training step, leaving the cells in flight unmarked.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use super::cell::{CellEnd, CellOptions, CellStatus, cell_status, record_failure, run_cell};
use super::plan::Plan;
use crate::error::{Error, Result};
use crate::experiment::SilentJob;
use crate::train::{DeviceChoice, RunControl};

/// How a local run is organised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RunOptions {
    /// Cells run at once (0: one per core).
    pub jobs: usize,
    /// CPU threads per cell (0: the cores shared out between the workers, at least 1).
    pub threads_per_cell: usize,
    /// Train on this device instead of each workspace's.
    pub device: Option<DeviceChoice>,
}

/// How one cell of a run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum CellOutcome {
    /// Finished in this many seconds.
    Done(f64),
    /// Failed with this error (recorded in its `failed.json`).
    Failed(String),
    /// Stopped by the cancel flag; it runs again next time.
    Cancelled,
}

/// Watches a local run (the CLI's progress bar, the app, tests). Called on the thread that
/// called [`run_grid`].
pub trait GridObserver {
    /// The run starts: `pending` cells to run, `done` already finished, on `jobs` workers of
    /// `threads` threads each.
    fn on_begin(&mut self, _pending: usize, _done: usize, _jobs: usize, _threads: usize) {}
    /// A worker started the cell at `index`.
    fn on_cell_start(&mut self, _index: usize) {}
    /// The cell at `index` ended.
    fn on_cell_end(&mut self, _index: usize, _outcome: &CellOutcome) {}
}

/// A [`GridObserver`] that ignores everything.
pub struct SilentGrid;

impl GridObserver for SilentGrid {}

/// What a local run did.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// Cells in the plan.
    pub cells: usize,
    /// Cells already finished before the run (not run again).
    pub skipped: usize,
    /// Cells this run finished.
    pub done: usize,
    /// Cells this run saw fail: `(index, error)`, in index order.
    pub failed: Vec<(usize, String)>,
    /// Whether the cancel flag stopped the run early.
    pub cancelled: bool,
    /// Workers used.
    pub jobs: usize,
    /// CPU threads per cell.
    pub threads_per_cell: usize,
    /// Wall-clock seconds.
    pub elapsed_secs: f64,
}

/// The number of cores this process may use (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Workers and threads per cell for `opts` with `pending` cells to run on `cores` cores: one
/// worker per core unless told, never more workers than cells, and the cores shared out.
pub fn workers_and_threads(opts: &RunOptions, pending: usize, cores: usize) -> (usize, usize) {
    let jobs = if opts.jobs == 0 { cores } else { opts.jobs };
    let jobs = jobs.clamp(1, pending.max(1));
    let threads = if opts.threads_per_cell == 0 {
        (cores / jobs).max(1)
    } else {
        opts.threads_per_cell
    };
    (jobs, threads)
}

enum Event {
    Start(usize),
    End(usize, CellOutcome),
}

/// Runs every unfinished cell of the grid planned in `dir`, reporting to `observer`, until all
/// are done or `cancel` is set. Errors only when the plan cannot be read; a cell's failure is
/// in the summary.
pub fn run_grid(
    dir: &Path,
    opts: &RunOptions,
    observer: &mut dyn GridObserver,
    cancel: &AtomicBool,
) -> Result<RunSummary> {
    let t0 = Instant::now();
    let plan = Plan::load(dir)?;
    let pending: Vec<usize> = plan.unfinished(dir).map(|c| c.index).collect();
    let skipped = plan.cells.len() - pending.len();
    let (jobs, threads) = workers_and_threads(opts, pending.len(), cores());
    observer.on_begin(pending.len(), skipped, jobs, threads);
    let cell_opts = CellOptions {
        threads,
        device: opts.device,
    };
    let next = AtomicUsize::new(0);
    let controls: Vec<RunControl> = (0..jobs).map(|_| RunControl::default()).collect();
    let mut summary = RunSummary {
        cells: plan.cells.len(),
        skipped,
        done: 0,
        failed: Vec::new(),
        cancelled: false,
        jobs,
        threads_per_cell: threads,
        elapsed_secs: 0.0,
    };
    // Set when a worker cannot be started: the others stop taking cells.
    let stop = AtomicBool::new(false);
    let spawned = std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = sync_channel::<Event>(2 * jobs);
        let mut spawn_error = None;
        for (w, control) in controls.iter().enumerate() {
            let tx = tx.clone();
            let (plan, pending, next, stop) = (&plan, &pending, &next, &stop);
            let spawned = std::thread::Builder::new()
                .name(format!("grid-worker-{w}"))
                .spawn_scoped(scope, move || {
                    let quit = || cancel.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst);
                    worker(dir, plan, pending, next, &cell_opts, control, &quit, &tx);
                });
            if let Err(e) = spawned {
                spawn_error = Some(Error::invalid(format!("cannot start a grid worker: {e}")));
                stop.store(true, Ordering::SeqCst);
                break;
            }
        }
        drop(tx);
        // Drains every event until the workers are gone (even after a failed start, so none
        // blocks on a full channel).
        loop {
            if cancel.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst) {
                summary.cancelled = true;
                for c in &controls {
                    c.cancel();
                }
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Event::Start(i)) => observer.on_cell_start(i),
                Ok(Event::End(i, outcome)) => {
                    match &outcome {
                        CellOutcome::Done(_) => summary.done += 1,
                        CellOutcome::Failed(e) => summary.failed.push((i, e.clone())),
                        CellOutcome::Cancelled => summary.cancelled = true,
                    }
                    observer.on_cell_end(i, &outcome);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        spawn_error.map_or(Ok(()), Err)
    });
    spawned?;
    summary.failed.sort_by_key(|(i, _)| *i);
    summary.elapsed_secs = t0.elapsed().as_secs_f64();
    Ok(summary)
}

/// One worker: takes the next pending cell until none is left or the run is cancelled.
#[allow(clippy::too_many_arguments)]
fn worker(
    dir: &Path,
    plan: &Plan,
    pending: &[usize],
    next: &AtomicUsize,
    opts: &CellOptions,
    control: &RunControl,
    quit: &dyn Fn() -> bool,
    tx: &SyncSender<Event>,
) {
    loop {
        if quit() {
            return;
        }
        let k = next.fetch_add(1, Ordering::SeqCst);
        let Some(&index) = pending.get(k) else {
            return;
        };
        let cell_dir = Plan::cell_dir(dir, &plan.cells[index].hash);
        if tx.send(Event::Start(index)).is_err() {
            return;
        }
        let outcome = run_one(&cell_dir, opts, control);
        if tx.send(Event::End(index, outcome)).is_err() {
            return;
        }
    }
}

/// Runs array task `task` of a Slurm job (or by hand): the cells `task · cells_per_task` to
/// `task · cells_per_task + cells_per_task − 1` of the grid planned in `dir`, skipping finished
/// ones. Returns each cell's index and outcome (a finished cell: `None`). Errors when the plan
/// cannot be read or the task has no cells.
pub fn run_task(
    dir: &Path,
    task: usize,
    cells_per_task: usize,
    opts: &CellOptions,
) -> Result<Vec<(usize, Option<CellOutcome>)>> {
    let plan = Plan::load(dir)?;
    let k = cells_per_task.max(1);
    let first = task.saturating_mul(k);
    if first >= plan.cells.len() {
        plan.cell(first)?;
    }
    let last = first.saturating_add(k).min(plan.cells.len());
    let control = RunControl::default();
    Ok((first..last)
        .map(|i| {
            let cell_dir = Plan::cell_dir(dir, &plan.cells[i].hash);
            let outcome = match cell_status(&cell_dir) {
                CellStatus::Done(_) => None,
                _ => Some(run_one(&cell_dir, opts, &control)),
            };
            (i, outcome)
        })
        .collect())
}

/// Runs one cell, turning an error or a panic into its outcome (a panic is recorded as the
/// cell's failure, like an error).
pub fn run_one(cell_dir: &Path, opts: &CellOptions, control: &RunControl) -> CellOutcome {
    let result = catch_unwind(AssertUnwindSafe(|| {
        run_cell(cell_dir, opts, &mut SilentJob, control)
    }));
    match result {
        Ok(Ok(CellEnd::Done(secs))) => CellOutcome::Done(secs),
        Ok(Ok(CellEnd::Cancelled)) => CellOutcome::Cancelled,
        Ok(Err(e)) => CellOutcome::Failed(e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "unknown panic".into());
            let error = format!("crl-lab panicked in this cell: {what}");
            // The failure is in the outcome even if it cannot be written down.
            let _ = record_failure(cell_dir, &error);
            CellOutcome::Failed(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_share_the_cores_out() {
        let o = RunOptions::default();
        assert_eq!(workers_and_threads(&o, 24, 2), (2, 1));
        assert_eq!(workers_and_threads(&o, 24, 16), (16, 1));
        let one = RunOptions {
            jobs: 1,
            ..RunOptions::default()
        };
        assert_eq!(workers_and_threads(&one, 24, 8), (1, 8));
        let two = RunOptions {
            jobs: 2,
            ..RunOptions::default()
        };
        assert_eq!(workers_and_threads(&two, 24, 8), (2, 4));
        // Never more workers than cells.
        assert_eq!(workers_and_threads(&o, 3, 16), (3, 5));
        assert_eq!(workers_and_threads(&o, 0, 4), (1, 4));
        let fixed = RunOptions {
            jobs: 2,
            threads_per_cell: 3,
            ..RunOptions::default()
        };
        assert_eq!(workers_and_threads(&fixed, 24, 2), (2, 3));
    }
}
