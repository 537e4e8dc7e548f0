//! Experiment grids: one grid file (a base, the axes to vary, the seeds, what to collect)
//! planned into cells (complete workspaces named by a hash of their settings), run on every
//! core of this machine or as a Slurm job array, and collected into one table and figures.
//! Every cell runs through the same rebuild as `crl-lab run`, so its numbers are those of its
//! workspace run alone.
//!
//! The parts, in the order a grid passes through them: `file` (the grid file) with `setting`
//! (what an axis can vary), `param` (a node's parameter by name) and `metric`; `plan` with
//! `hash` (cells and their names); `cell` (one cell's run and markers), `runner` (local
//! workers), `estimate` (time per cell) and `slurm` (the job array); `collect` (the tables),
//! `figures` and `output` (the collected folder).

mod cell;
mod collect;
mod estimate;
mod figures;
mod file;
mod hash;
mod metric;
mod output;
mod param;
mod plan;
mod runner;
mod setting;
mod slurm;

pub use cell::{
    CellEnd, CellOptions, CellStatus, DONE_FORMAT, DoneMarker, FailedMarker, cell_status, run_cell,
};
pub use collect::{
    Collected, CollectedRow, Spread, SummaryRow, failed_csv, gather, results_csv, spread,
    summarize, summary_csv, t975, table_number,
};
pub use estimate::{Estimate, estimate_cell_secs};
pub use figures::{GridFigureOut, figure_specs, grid_figures};
pub use file::{
    GRID_FORMAT, GRID_VERSION, GridAxis, GridBase, GridCollect, GridFigure, GridFile, grid_hash,
};
pub use hash::settings_hash;
pub use metric::{Metric, parse_model};
pub use output::{CollectReport, FIGURES_FORMAT, FigureEntry, FigureIndex, collect_grid};
pub use param::{End, ParamPart, ParamPath, scenario_parameters};
pub use plan::{
    MAX_CELLS, PLAN_FORMAT, PLAN_VERSION, Plan, PlanSummary, PlannedCell, base_workspace, expand,
    plan_grid, plan_grid_text,
};
pub use runner::{
    CellOutcome, GridObserver, RunOptions, RunSummary, SilentGrid, cores, run_grid, run_one,
    run_task, workers_and_threads,
};
pub use setting::{RUN_SETTINGS, Setting, TRAIN_SETTINGS, value_label};
pub use slurm::{
    SlurmOptions, pending_tasks, ranges, shell_quote, slurm_script, submit, write_slurm_script,
};
