//! What the commands on real logs share (`kuairand`, `logs`, `yahoo-r3`, `coat`): the training
//! flags, the reading progress bar, the metrics table and the output files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::train_cmds::ProgressObserver;
use crate::data::kuairand::KuaiRandData;
use crate::data::logs::{LoadEvent, LoadObserver, LogsData};
use crate::error::{Error, Result};
use crate::experiment::{
    EvalSet, KuaiRandObserver, KuaiRandReference, KuaiRandRow, KuaiRandSummaryRow, LogsObserver,
};
use crate::export::{
    kuairand_references_csv, kuairand_rows_csv, kuairand_summary_csv, metrics_csv,
};
use crate::fs::write_string;
use crate::mi::EstimatorKind;
use crate::train::{DeviceChoice, Observer, Report, RunInfo, TrainConfig, Trained};

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
    /// The engine's configuration these flags give (`n_train` 0: every training row).
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

/// The table `kuairand` prints: one line per set and model, mean ± std over seeds.
pub(super) fn summary_table(
    set_label: fn(EvalSet) -> &'static str,
    rows: &[KuaiRandSummaryRow],
    references: &[KuaiRandReference],
    n_seeds: usize,
) -> String {
    let mut s = format!(
        "{:<16} {:<15} {:>16} {:>16} {:>16} {:>16}   (mean ± std over {n_seeds} seed{})\n",
        "set",
        "model",
        "AUC",
        "log-loss",
        "GAUC",
        "NDCG@10",
        if n_seeds == 1 { "" } else { "s" }
    );
    let cell = |m: f64, d: f64| format!("{m:.4} ± {d:.4}");
    for set in [EvalSet::InDistribution, EvalSet::RandomExposure] {
        for r in rows.iter().filter(|r| r.set == set) {
            let _ = writeln!(
                s,
                "{:<16} {:<15} {:>16} {:>16} {:>16} {:>16}",
                set_label(set),
                r.model,
                cell(r.mean.auc, r.std.auc),
                cell(r.mean.logloss, r.std.logloss),
                cell(r.mean.gauc, r.std.gauc),
                cell(r.mean.ndcg10, r.std.ndcg10)
            );
        }
        // What "better" means: predictors without training, on the same rows.
        for r in references.iter().filter(|r| r.set == set) {
            let plain = |m: f64| format!("{m:.4}         ");
            let _ = writeln!(
                s,
                "{:<16} {:<15} {:>16} {:>16} {:>16} {:>16}",
                set_label(set),
                r.name,
                plain(r.metrics.auc),
                plain(r.metrics.logloss),
                plain(r.metrics.gauc),
                plain(r.metrics.ndcg10)
            );
        }
    }
    s
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

/// The progress of a whole run on real logs: a bar over the bytes read, then one over the
/// steps. The commands' observers (KuaiRand's and the logs') are this one.
pub(super) struct RunProgress {
    pub(super) load: LoadProgress,
    pub(super) train: ProgressObserver,
    /// The start of loading, then (once loaded) of training.
    pub(super) started: Instant,
}

impl RunProgress {
    pub(super) fn new() -> Self {
        RunProgress {
            load: LoadProgress::new(),
            train: ProgressObserver::new(),
            started: Instant::now(),
        }
    }

    /// The data are in memory: says what was read and how long it took, and times training
    /// from now.
    fn loaded(&mut self, description: &str) {
        self.load.bar.finish_and_clear();
        eprintln!(
            "{description} (loaded in {:.1} s)",
            self.started.elapsed().as_secs_f64()
        );
        self.started = Instant::now();
    }

    /// Clears both bars (the run is over, or failed).
    pub(super) fn finish(&self) {
        self.load.bar.finish_and_clear();
        self.train.bar.finish_and_clear();
    }
}

impl Observer for RunProgress {
    fn on_start(&mut self, info: &RunInfo) {
        self.train.on_start(info);
    }
    fn on_report(&mut self, report: &Report) {
        self.train.on_report(report);
    }
}

impl KuaiRandObserver for RunProgress {
    fn on_load(&mut self, event: &LoadEvent) {
        self.load.on_event(event);
    }
    fn on_loaded(&mut self, data: &KuaiRandData) {
        self.loaded(&describe_kuairand(data));
    }
}

impl LogsObserver for RunProgress {
    fn on_load(&mut self, event: &LoadEvent) {
        self.load.on_event(event);
    }
    fn on_loaded(&mut self, data: &LogsData) {
        self.loaded(&data.describe());
    }
}

/// A KuaiRand folder's rows, users and videos in one line.
pub(super) fn describe_kuairand(data: &KuaiRandData) -> String {
    let mut s = format!(
        "{}: {} standard rows, {} random-exposure rows, {} users, {} videos",
        data.variant,
        data.standard.len(),
        data.random.len(),
        data.users.len(),
        data.videos.len()
    );
    for (n, what) in [
        (
            data.users_without_features,
            "log users without user features",
        ),
        (data.videos_without_basic, "videos without basic features"),
        (data.videos_without_statistic, "videos without statistics"),
    ] {
        if n > 0 {
            let _ = write!(s, "; {n} {what}");
        }
    }
    s
}

/// Writes `<name>.csv` (per member and set), summary.csv, references.csv and metrics.csv.
pub(super) fn write_result_files(
    out: &Path,
    name: &str,
    rows: &[KuaiRandRow],
    summary: &[KuaiRandSummaryRow],
    references: &[KuaiRandReference],
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

/// config.json's text.
pub(super) fn config_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid(format!("cannot encode config.json: {e}")))
}
