//! The one path of a run on logs, whatever the source (`logs`, and its aliases `kuairand`,
//! `yahoo-r3` and `coat`): the training flags, the reading progress bar, the job, the metrics
//! table and the output files (what each source adds to them is in `logs_report`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::logs_report::report;
use super::train_cmds::{ProgressObserver, create_dir};
use crate::data::logs::{LoadEvent, LoadObserver, ReadLimits};
use crate::error::{Error, Result};
use crate::experiment::{
    LoadWatcher, LoadedLogs, LogSource, LogsJob, LogsReference, LogsRow, LogsSettings,
    LogsSummaryRow, RowCount, SplitObserver, run_logs_job,
};
use crate::export::{
    kuairand_references_csv, kuairand_rows_csv, kuairand_summary_csv, metrics_csv,
};
use crate::fs::write_string;
use crate::mi::EstimatorKind;
use crate::train::{DeviceChoice, RunControl, TrainConfig, Trained};

/// Training, model selection, seeds, device and output of a run on real logs.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Model steps (see --epochs).
    #[arg(long, default_value_t = 2000)]
    pub(super) steps: usize,
    /// Train for this many passes over the training rows instead of --steps.
    #[arg(long)]
    pub(super) epochs: Option<f64>,
    /// L2 weight decay of the models (Adam's), 0 for none.
    #[arg(long, default_value_t = 0.0)]
    pub(super) weight_decay: f64,
    /// Number of seeds (each trains a baseline and a CRL model).
    #[arg(long, default_value_t = 3)]
    pub(super) seeds: usize,
    /// Penalty weight of the CRL model (lower than the presets' 10: on the synthetic KuaiRand
    /// fixture, 10 collapsed the representation and 3 did best).
    #[arg(long, default_value_t = 3.0, allow_negative_numbers = true)]
    pub(super) beta: f64,
    /// Penalise I(z; c | y) instead of I(z; c).
    #[arg(long)]
    pub(super) conditional: bool,
    /// The penalty's estimator: nce-club, club, club-sample, club-categorical or infonce.
    #[arg(long, default_value = "nce-club")]
    pub(super) estimator: EstimatorKind,
    /// Rows per minibatch.
    #[arg(long, default_value_t = 512)]
    pub(super) batch: usize,
    /// Training rows drawn from the training split (0: all of them). The encoded rows live in
    /// memory once per model, about 1.2 KB a row each.
    #[arg(long, default_value_t = 200_000)]
    pub(super) train_rows: usize,
    /// Share of the training log held out: validation (model selection) and the in-distribution
    /// set (KuaiRand: of the standard log's evaluation window; with a time column: the latest).
    #[arg(long, default_value_t = 0.1)]
    pub(super) held_out: f64,
    /// Which step of each model is evaluated: `best-val` (the report with its lowest
    /// validation loss, the same rule for every model) or `last`.
    #[arg(long, default_value = "best-val", value_parser = parse_select)]
    pub(super) select: bool,
    /// CPU threads to split the models across (0: one per core; a GPU uses one).
    #[arg(long, default_value_t = 0)]
    pub(super) threads: usize,
    /// Seed of the split, the row samples and the first model.
    #[arg(long, default_value_t = 0)]
    pub(super) seed: u64,
    /// Device: auto (a GPU through wgpu if present, else the CPU), wgpu or cpu.
    #[arg(long, default_value = "auto")]
    pub(super) device: DeviceChoice,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(super) out: PathBuf,
}

impl RunArgs {
    /// How many training rows the models see (`--train-rows 0`: every one).
    pub(super) fn train_rows(&self) -> RowCount {
        RowCount::from_flag(self.train_rows)
    }

    /// The engine's configuration these flags give (its `n_train` is set by the job, from
    /// [`RunArgs::train_rows`]).
    pub(super) fn config(&self) -> Result<TrainConfig> {
        if self.seeds == 0 {
            return Err(Error::invalid("--seeds must be at least 1"));
        }
        let config = TrainConfig {
            steps: self.steps,
            batch_size: self.batch,
            beta: self.beta,
            conditional: self.conditional,
            estimator: self.estimator,
            n_val: 10_000,
            seed: self.seed,
            keep_best_val: self.select,
            weight_decay: self.weight_decay,
            threads: self.threads,
            n_train: if self.train_rows > 0 {
                self.train_rows
            } else {
                TrainConfig::default().n_train
            },
            ..TrainConfig::default()
        };
        config.validate()?;
        Ok(config)
    }

    /// How the evaluated step of each model was chosen, for config.json.
    pub(super) fn model_selection(&self) -> &'static str {
        if self.select {
            "the report with the lowest validation loss"
        } else {
            "the last step"
        }
    }
}

/// A progress bar over the bytes of each file being read.
pub(super) struct LoadProgress {
    pub(super) bar: ProgressBar,
}

impl LoadProgress {
    pub(super) fn new() -> Self {
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes}  {msg}  [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        LoadProgress { bar }
    }
}

impl LoadObserver for LoadProgress {
    fn on_event(&mut self, event: &LoadEvent) {
        // Printed (not bar.println) so the lines also reach a log when stderr is no terminal.
        match event {
            LoadEvent::Reading {
                file,
                bytes_done,
                bytes_total,
            } => {
                if *bytes_done == 0 {
                    self.bar.set_length(*bytes_total);
                    self.bar.set_message(format!("reading {file}"));
                }
                self.bar.set_position(*bytes_done);
            }
            LoadEvent::CacheUsed { path } => self
                .bar
                .suspend(|| eprintln!("using the cache {}", path.display())),
            LoadEvent::CacheRejected { path, reason } => self.bar.suspend(|| {
                eprintln!(
                    "not using the cache {} ({reason}); reading the CSV files",
                    path.display()
                );
            }),
            LoadEvent::CacheWritten { path, bytes } => self.bar.suspend(|| {
                eprintln!(
                    "wrote the cache {} ({:.1} MB)",
                    path.display(),
                    *bytes as f64 / 1e6
                );
            }),
            LoadEvent::CacheNotWritten { path, reason } => self.bar.suspend(|| {
                eprintln!(
                    "warning: could not write the cache {}: {reason}",
                    path.display()
                );
            }),
        }
    }
}

/// `--select`: true for `best-val`, false for `last`.
pub(super) fn parse_select(s: &str) -> std::result::Result<bool, String> {
    match s {
        "best-val" => Ok(true),
        "last" => Ok(false),
        other => Err(format!(
            "unknown selection `{other}` (use best-val or last)"
        )),
    }
}

/// The progress of a whole run on logs: a bar over the bytes read, then one over the steps.
pub(super) type RunProgress = SplitObserver<ProgressObserver, Reading>;

/// The reading half of [`RunProgress`]: the bar over the bytes read, and the clock.
pub(super) struct Reading {
    pub(super) progress: LoadProgress,
    /// The start of loading, then (once loaded) of training.
    pub(super) started: Instant,
}

impl RunProgress {
    pub(super) fn new() -> Self {
        SplitObserver {
            train: ProgressObserver::new(),
            load: Reading {
                progress: LoadProgress::new(),
                started: Instant::now(),
            },
        }
    }

    /// Clears both bars (the run is over, or failed).
    pub(super) fn finish(&self) {
        self.load.progress.bar.finish_and_clear();
        self.train.bar.finish_and_clear();
    }
}

impl LoadWatcher for Reading {
    fn on_load(&mut self, event: &LoadEvent) {
        self.progress.on_event(event);
    }

    /// The data are in memory: says what was read and how long it took, and times training
    /// from now.
    fn on_loaded(&mut self, data: &LoadedLogs) {
        self.progress.bar.finish_and_clear();
        eprintln!(
            "{} (loaded in {:.1} s)",
            data.describe(),
            self.started.elapsed().as_secs_f64()
        );
        self.started = Instant::now();
    }
}

/// Writes `<name>.csv` (per member and set), summary.csv, references.csv and metrics.csv.
pub(super) fn write_result_files(
    out: &Path,
    name: &str,
    rows: &[LogsRow],
    summary: &[LogsSummaryRow],
    references: &[LogsReference],
    trained: &Trained,
) -> Result<()> {
    write_string(&out.join(format!("{name}.csv")), &kuairand_rows_csv(rows))?;
    write_string(&out.join("summary.csv"), &kuairand_summary_csv(summary))?;
    write_string(
        &out.join("references.csv"),
        &kuairand_references_csv(references),
    )?;
    write_string(
        &out.join("metrics.csv"),
        &metrics_csv(&trained.history, &trained.members, trained.info.conditional),
    )
}

/// Runs `source` with `run`'s flags, writes the output folder and prints the source's report:
/// the one path of `logs`, `kuairand`, `yahoo-r3` and `coat`.
pub(super) fn run_source(source: LogSource, run: &RunArgs, limits: ReadLimits) -> Result<()> {
    let config = run.config()?;
    create_dir(&run.out)?;
    let job = LogsJob {
        source,
        settings: LogsSettings {
            held_out_fraction: run.held_out,
            epochs: run.epochs,
            ..LogsSettings::default()
        },
        config,
        train_rows: run.train_rows(),
        n_seeds: run.seeds,
        device: run.device,
        limits,
    };
    let mut obs = RunProgress::new();
    let output = run_logs_job(&job, &mut obs, &RunControl::default());
    obs.finish();
    let output = output?;
    let res = &output.result;
    write_result_files(
        &run.out,
        job.source.command(),
        res.rows(),
        res.summary(),
        res.references(),
        res.trained(),
    )?;
    report(&job, &output, &run.out, run.model_selection())?;
    eprintln!(
        "trained {} models × {} steps in {:.1} s on {}; wrote {}",
        res.trained().members.len(),
        res.trained().steps_done,
        obs.load.started.elapsed().as_secs_f64(),
        output.device,
        run.out.display()
    );
    Ok(())
}
