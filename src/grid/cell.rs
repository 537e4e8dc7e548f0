//! One cell: run its workspace through the same rebuild as `crl-lab run` (training only), write
//! its outputs into its folder, and mark it done last, atomically, so a cell killed half-way is
//! simply not done. A failure is recorded with its error in `failed.json`.
//!
//! A cell's folder: `workspace.json` (the plan's, never changed), then `result.json` (the same
//! workspace with its results), `sweep.csv`, `summary.csv`, `metrics.csv`, and `done.json` or
//! `failed.json`.

use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::hash::settings_hash;
use crate::error::{Error, Result};
use crate::experiment::JobObserver;
use crate::export::{Needs, recompute, write_run_tables};
use crate::fs::{read_string, write_string};
use crate::session::Workspace;
use crate::train::{DeviceChoice, RunControl};

/// The `format` field of a cell's `done.json`.
pub const DONE_FORMAT: &str = "crl-lab-grid-cell";

/// What `done.json` records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DoneMarker {
    /// Always [`DONE_FORMAT`].
    pub format: String,
    /// The cell's settings hash.
    pub hash: String,
    /// Seconds the cell took.
    pub elapsed_secs: f64,
    /// CPU threads it trained on.
    pub threads: usize,
    /// The crl-lab version that ran it.
    pub crl_lab: String,
    /// When it finished, in seconds since 1970.
    pub finished_unix_secs: u64,
}

/// What `failed.json` records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailedMarker {
    /// The error.
    pub error: String,
}

/// Where a cell is.
#[derive(Clone, Debug, PartialEq)]
pub enum CellStatus {
    /// Not run yet, or interrupted.
    Pending,
    /// Finished.
    Done(DoneMarker),
    /// Failed with this error.
    Failed(String),
}

/// The status of the cell whose folder is `dir`, from its markers (an unreadable `done.json`
/// counts as not done).
pub fn cell_status(dir: &Path) -> CellStatus {
    if let Ok(text) = read_string(&dir.join("done.json"))
        && let Ok(m) = serde_json::from_str::<DoneMarker>(&text)
        && m.format == DONE_FORMAT
    {
        return CellStatus::Done(m);
    }
    if let Ok(text) = read_string(&dir.join("failed.json")) {
        let error = serde_json::from_str::<FailedMarker>(&text).map_or_else(
            |_| "failed (its record is unreadable)".to_owned(),
            |m| m.error,
        );
        return CellStatus::Failed(error);
    }
    CellStatus::Pending
}

/// Removes a cell's done and failed markers (before it runs again).
pub fn remove_markers(dir: &Path) -> Result<()> {
    for name in ["done.json", "failed.json"] {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("cannot remove", p, e)),
        }
    }
    Ok(())
}

/// How a cell runs (neither changes its numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct CellOptions {
    /// CPU threads its training splits the models across (0: one per core).
    pub threads: usize,
    /// Train on this device instead of the workspace's.
    pub device: Option<DeviceChoice>,
}

/// How a cell's run ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellEnd {
    /// Finished and marked done, in this many seconds.
    Done(f64),
    /// Stopped through its control; nothing was marked.
    Cancelled,
}

/// Runs the cell in `dir` (its `workspace.json`) and marks it done, or records its failure in
/// `failed.json` and returns the error. Training reports to `observer`; cancelling `control`
/// stops it and leaves the cell unmarked.
pub fn run_cell(
    dir: &Path,
    opts: &CellOptions,
    observer: &mut dyn JobObserver,
    control: &RunControl,
) -> Result<CellEnd> {
    let t0 = Instant::now();
    remove_markers(dir)?;
    match train_cell(dir, opts, observer, control) {
        Ok(hash) => {
            let elapsed_secs = t0.elapsed().as_secs_f64();
            let marker = DoneMarker {
                format: DONE_FORMAT.into(),
                hash,
                elapsed_secs,
                threads: opts.threads,
                crl_lab: env!("CARGO_PKG_VERSION").into(),
                finished_unix_secs: SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            };
            write_json(&dir.join("done.json"), &marker)?;
            Ok(CellEnd::Done(elapsed_secs))
        }
        Err(_) if control.is_cancelled() => Ok(CellEnd::Cancelled),
        Err(e) => {
            record_failure(dir, &e.to_string())?;
            Err(e)
        }
    }
}

/// Writes `failed.json` with `error`.
pub fn record_failure(dir: &Path, error: &str) -> Result<()> {
    write_json(
        &dir.join("failed.json"),
        &FailedMarker {
            error: error.to_owned(),
        },
    )
}

/// Trains the cell and writes its outputs; returns its settings hash.
fn train_cell(
    dir: &Path,
    opts: &CellOptions,
    observer: &mut dyn JobObserver,
    control: &RunControl,
) -> Result<String> {
    let mut ws = Workspace::load(&dir.join("workspace.json"))?;
    let hash = settings_hash(&ws)?;
    let threads = ws.train.config.threads;
    ws.train.config.threads = opts.threads;
    let needs = Needs {
        training: true,
        calibration: false,
    };
    let result = recompute(
        &mut ws,
        needs,
        true,
        opts.device,
        observer,
        &mut |_| {},
        control,
    );
    ws.train.config.threads = threads;
    result?;
    let run = ws
        .results
        .as_ref()
        .ok_or_else(|| Error::invalid("the cell's run left no results"))?;
    write_run_tables(run, dir)?;
    ws.save(&dir.join("result.json"))?;
    Ok(hash)
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid(format!("cannot encode {}: {e}", path.display())))?;
    text.push('\n');
    write_string(path, &text)
}
