//! `crl-lab grid`: plan a grid file into cells, run them here (every core) or as a Slurm job
//! array, and collect them into one table and figures.
//!
//! Over 400 lines: the five `grid` subcommands share their argument structs and progress
//! reporting; each subcommand's work is in `crate::grid`, this file only parses and prints.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Error, Result};
use crate::export::FigureWidth;
use crate::grid::{
    CellOptions, CellOutcome, GridObserver, Plan, RunOptions, SlurmOptions, collect_grid, cores,
    estimate_cell_secs, plan_grid, run_grid, run_task, submit, workers_and_threads,
    write_slurm_script,
};
use crate::train::DeviceChoice;

/// Arguments of `crl-lab grid`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// What to do with the grid.
    #[command(subcommand)]
    command: GridCommand,
}

/// The grid subcommands.
#[derive(Debug, Subcommand)]
enum GridCommand {
    /// Expand a grid file into cells (complete workspaces named by a hash of their settings)
    /// in a folder; finished cells of an earlier plan are kept. Prints the count and a time per
    /// cell measured on a short run.
    Plan(PlanArgs),
    /// Run the unfinished cells here, one worker per core (or --jobs), resuming where an
    /// interrupted run stopped.
    Run(RunArgs),
    /// Run one cell, or one batch of cells (what each Slurm array task does).
    RunCell(RunCellArgs),
    /// Write an sbatch job-array script for the unfinished cells, and submit it with --submit.
    Slurm(SlurmArgs),
    /// Merge the finished cells into DIR/collected: results.csv (a row per cell, model and
    /// shift), summary.csv (mean, std and 95% interval over seeds) and figures.
    Collect(CollectArgs),
}

#[derive(Debug, Args)]
struct PlanArgs {
    /// The grid file (JSON, format crl-lab-grid).
    grid: PathBuf,
    /// The grid's folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Workers the estimate assumes (0: one per core), as `grid run --jobs`.
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// Seconds of the calibration run the time estimate comes from (0: no estimate).
    #[arg(long, default_value_t = 3.0)]
    calibrate_secs: f64,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The grid's folder (from `grid plan`).
    dir: PathBuf,
    /// Cells run at once (0: one per core).
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// CPU threads per cell (0: the cores shared out between the workers).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Train on this device instead of each workspace's (auto, wgpu or cpu).
    #[arg(long)]
    device: Option<DeviceChoice>,
}

#[derive(Debug, Args)]
struct RunCellArgs {
    /// The grid's folder.
    dir: PathBuf,
    /// The cell's index (from 0), or with --cells-per-task the batch's.
    #[arg(long)]
    index: usize,
    /// Cells per batch: runs cells index·k to index·k + k − 1.
    #[arg(long, default_value_t = 1)]
    cells_per_task: usize,
    /// CPU threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Train on this device instead of the workspace's (auto, wgpu or cpu).
    #[arg(long)]
    device: Option<DeviceChoice>,
}

#[derive(Debug, Args)]
struct SlurmArgs {
    /// The grid's folder (from `grid plan`; the tasks must see it at the same path).
    dir: PathBuf,
    /// Array tasks running at once (the %N of --array).
    #[arg(long, default_value_t = 16)]
    max_parallel: usize,
    /// Cells per array task.
    #[arg(long, default_value_t = 1)]
    cells_per_task: usize,
    /// CPUs per task.
    #[arg(long, default_value_t = 2)]
    cpus_per_task: usize,
    /// Memory per task.
    #[arg(long, default_value = "2G")]
    mem: String,
    /// Time limit per task.
    #[arg(long, default_value = "01:00:00")]
    time: String,
    /// Partition (default: the cluster's).
    #[arg(long)]
    partition: Option<String>,
    /// Account to charge.
    #[arg(long)]
    account: Option<String>,
    /// A further #SBATCH option, as sbatch takes it (repeatable), e.g. --sbatch-arg=--qos=short.
    #[arg(long = "sbatch-arg", value_name = "OPTION", allow_hyphen_values = true)]
    sbatch_args: Vec<String>,
    /// The crl-lab binary the tasks run (default: this one).
    #[arg(long, value_name = "PATH")]
    crl_lab: Option<PathBuf>,
    /// Submit the script with sbatch and print the job id.
    #[arg(long)]
    submit: bool,
}

#[derive(Debug, Args)]
struct CollectArgs {
    /// The grid's folder.
    dir: PathBuf,
    /// Paper width of the figures: single (3.5 in) or double (7 in) column.
    #[arg(long, default_value = "single")]
    width: FigureWidth,
}

/// `crl-lab grid …`.
pub fn grid_cmd(args: &GridArgs) -> Result<()> {
    match &args.command {
        GridCommand::Plan(a) => plan_cmd(a),
        GridCommand::Run(a) => run_cmd(a),
        GridCommand::RunCell(a) => run_cell_cmd(a),
        GridCommand::Slurm(a) => slurm_cmd(a),
        GridCommand::Collect(a) => collect_cmd(a),
    }
}

/// Seconds as `4.2 s`, `3 min 5 s` or `2 h 10 min`.
fn duration(secs: f64) -> String {
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else if secs < 3600.0 {
        format!("{} min {} s", (secs / 60.0) as u64, (secs % 60.0) as u64)
    } else {
        format!(
            "{} h {} min",
            (secs / 3600.0) as u64,
            ((secs % 3600.0) / 60.0) as u64
        )
    }
}

fn plan_cmd(a: &PlanArgs) -> Result<()> {
    let summary = plan_grid(&a.grid, &a.out)?;
    let plan = &summary.plan;
    println!(
        "{} cells in {} ({} finished, kept; {} to run)",
        plan.cells.len(),
        a.out.display(),
        summary.reused,
        summary.pending()
    );
    if a.calibrate_secs <= 0.0 || summary.pending() == 0 {
        return Ok(());
    }
    let run = RunOptions {
        jobs: a.jobs,
        ..RunOptions::default()
    };
    let (jobs, threads) = workers_and_threads(&run, summary.pending(), cores());
    let opts = CellOptions {
        threads,
        device: None,
    };
    eprintln!(
        "measuring a cell for about {} …",
        duration(a.calibrate_secs)
    );
    match estimate_cell_secs(&a.out, plan, &opts, a.calibrate_secs)? {
        Some(e) => {
            let measured = if e.finished {
                format!(
                    "cell {} ran to the end in {}",
                    e.cell,
                    duration(e.measured_secs)
                )
            } else {
                format!(
                    "cell {} reached step {} of {} in {}",
                    e.cell,
                    e.measured_steps,
                    e.total_steps,
                    duration(e.measured_secs)
                )
            };
            let left = summary.pending() - usize::from(e.finished);
            println!(
                "about {} per cell on {threads} thread(s) ({measured}); {left} cells on {jobs} \
                 worker(s): about {}",
                duration(e.secs_per_cell),
                duration(e.secs_per_cell * left as f64 / jobs as f64)
            );
        }
        None => println!(
            "no estimate: the calibration cell reached no report in {}",
            duration(a.calibrate_secs)
        ),
    }
    Ok(())
}

/// The progress bar of a local run.
struct Bar {
    progress: ProgressBar,
    failed: usize,
    running: usize,
}

impl GridObserver for Bar {
    fn on_begin(&mut self, pending: usize, done: usize, jobs: usize, threads: usize) {
        self.progress.set_length(pending as u64);
        self.progress.suspend(|| {
            eprintln!(
                "{pending} cells to run ({done} already finished) on {jobs} worker(s) of \
                 {threads} thread(s)"
            );
        });
    }

    fn on_cell_start(&mut self, _index: usize) {
        self.running += 1;
        self.message();
    }

    fn on_cell_end(&mut self, index: usize, outcome: &CellOutcome) {
        self.running = self.running.saturating_sub(1);
        match outcome {
            CellOutcome::Done(_) => self.progress.inc(1),
            CellOutcome::Failed(e) => {
                self.failed += 1;
                self.progress.inc(1);
                self.progress
                    .suspend(|| eprintln!("cell {index} failed: {e}"));
            }
            CellOutcome::Cancelled => {}
        }
        self.message();
    }
}

impl Bar {
    fn message(&self) {
        let mut msg = format!("{} running", self.running);
        if self.failed > 0 {
            let _ = write!(msg, ", {} failed", self.failed);
        }
        self.progress.set_message(msg);
    }
}

fn run_cmd(a: &RunArgs) -> Result<()> {
    let style =
        ProgressStyle::with_template("{bar:30} {pos}/{len} cells  {msg}  [{elapsed} < {eta}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    let mut bar = Bar {
        progress: ProgressBar::new(0).with_style(style),
        failed: 0,
        running: 0,
    };
    let opts = RunOptions {
        jobs: a.jobs,
        threads_per_cell: a.threads,
        device: a.device,
    };
    let cancel = AtomicBool::new(false);
    let result = run_grid(&a.dir, &opts, &mut bar, &cancel);
    bar.progress.finish_and_clear();
    let s = result?;
    println!(
        "{} of {} cells finished ({} this run, {} before) in {}",
        s.skipped + s.done,
        s.cells,
        s.done,
        s.skipped,
        duration(s.elapsed_secs)
    );
    if !s.failed.is_empty() {
        let list: Vec<String> = s.failed.iter().map(|(i, _)| i.to_string()).collect();
        return Err(Error::invalid(format!(
            "{} cell(s) failed ({}); their errors are in their failed.json and in `grid collect`'s \
             failed.csv; `grid run` tries them again",
            s.failed.len(),
            list.join(", ")
        )));
    }
    Ok(())
}

fn run_cell_cmd(a: &RunCellArgs) -> Result<()> {
    let opts = CellOptions {
        threads: a.threads,
        device: a.device,
    };
    let outcomes = run_task(&a.dir, a.index, a.cells_per_task, &opts)?;
    let mut failed = Vec::new();
    for (i, o) in &outcomes {
        match o {
            None => eprintln!("cell {i}: already finished"),
            Some(CellOutcome::Done(secs)) => eprintln!("cell {i}: done in {}", duration(*secs)),
            Some(CellOutcome::Failed(e)) => {
                eprintln!("cell {i}: failed: {e}");
                failed.push(i.to_string());
            }
            Some(CellOutcome::Cancelled) => eprintln!("cell {i}: stopped"),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "cell(s) {} failed (recorded in their failed.json)",
            failed.join(", ")
        )))
    }
}

fn slurm_cmd(a: &SlurmArgs) -> Result<()> {
    let dir = std::path::absolute(&a.dir).map_err(|e| Error::io("cannot resolve", &a.dir, e))?;
    let plan = Plan::load(&dir)?;
    let binary = match &a.crl_lab {
        Some(p) => std::path::absolute(p).map_err(|e| Error::io("cannot resolve", p, e))?,
        None => std::env::current_exe().map_err(|e| {
            Error::invalid(format!(
                "cannot tell where crl-lab is ({e}): give --crl-lab"
            ))
        })?,
    };
    let opts = SlurmOptions {
        max_parallel: a.max_parallel,
        cells_per_task: a.cells_per_task,
        cpus_per_task: a.cpus_per_task,
        mem: a.mem.clone(),
        time: a.time.clone(),
        partition: a.partition.clone(),
        account: a.account.clone(),
        extra: a.sbatch_args.clone(),
        binary,
    };
    let Some(script) = write_slurm_script(&dir, &plan, &opts)? else {
        println!(
            "every cell of {} is finished: nothing to submit",
            dir.display()
        );
        return Ok(());
    };
    println!("wrote {}", script.display());
    if a.submit {
        let id = submit(&script)?;
        println!("submitted job {id}");
        eprintln!(
            "follow it with `squeue -j {id}`; when it is done: crl-lab grid collect {}",
            dir.display()
        );
    } else {
        eprintln!(
            "submit it with `sbatch {}` (or add --submit)",
            script.display()
        );
    }
    Ok(())
}

fn collect_cmd(a: &CollectArgs) -> Result<()> {
    let report = collect_grid(&a.dir, a.width)?;
    let c = &report.collected;
    println!(
        "collected {} of {} cells ({} rows) into {}: {}",
        c.done,
        c.plan.cells.len(),
        c.rows.len(),
        report.out.display(),
        report.files.join(", ")
    );
    if !c.pending.is_empty() {
        eprintln!(
            "note: {} cell(s) not finished yet are left out",
            c.pending.len()
        );
    }
    if !c.failed.is_empty() {
        eprintln!(
            "note: {} cell(s) failed; their errors are in failed.csv",
            c.failed.len()
        );
    }
    if c.other_versions > 0 {
        eprintln!(
            "note: {} cell(s) were run by another crl-lab version than this one ({})",
            c.other_versions,
            env!("CARGO_PKG_VERSION")
        );
    }
    Ok(())
}
