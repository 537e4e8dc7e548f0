//! `kuairand` and `kuairand-fixture`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::train_cmds::{ProgressObserver, create_dir};
use crate::data::kuairand::{
    CachePolicy, ConfounderProxy, EncodeOptions, FixtureConfig, KuaiRandData, LEAKAGE_WARNING,
    LoadEvent, LoadObserver, Outcome, write_fixture,
};
use crate::error::{Error, Result};
use crate::experiment::{
    EvalSet, KuaiRandCounts, KuaiRandJob, KuaiRandObserver, KuaiRandOutput, KuaiRandReference,
    KuaiRandSettings, KuaiRandSummaryRow, run_kuairand_job,
};
use crate::export::{
    kuairand_references_csv, kuairand_rows_csv, kuairand_summary_csv, metrics_csv,
};
use crate::fs::write_string;
use crate::mi::EstimatorKind;
use crate::train::{DeviceChoice, MemberSpec, Observer, Report, RunControl, RunInfo, TrainConfig};

/// Arguments of `crl-lab kuairand`.
#[derive(Debug, Args)]
pub struct KuaiRandArgs {
    /// The KuaiRand-Pure or KuaiRand-1K folder: the one holding the CSV files, or the unpacked
    /// archive above it (with `data/`).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// The label: is_click or long_view.
    #[arg(long, default_value = "is_click")]
    outcome: Outcome,
    /// The confounder proxy the penalty removes: tab (the app scenario) or popularity (quantile
    /// bucket of the video's impressions in the training rows).
    #[arg(long, default_value = "tab")]
    confounder: ConfounderProxy,
    /// Model steps (see --epochs).
    #[arg(long, default_value_t = 2000)]
    steps: usize,
    /// Train for this many passes over the training rows instead of --steps.
    #[arg(long)]
    epochs: Option<f64>,
    /// L2 weight decay of the models (Adam's), 0 for none.
    #[arg(long, default_value_t = 0.0)]
    weight_decay: f64,
    /// Number of seeds (each trains a baseline and a CRL model).
    #[arg(long, default_value_t = 3)]
    seeds: usize,
    /// Penalty weight of the CRL model (lower than the presets' 10: on the synthetic fixture,
    /// 10 collapsed the representation and 3 did best).
    #[arg(long, default_value_t = 3.0, allow_negative_numbers = true)]
    beta: f64,
    /// Penalise I(z; c | y) instead of I(z; c).
    #[arg(long)]
    conditional: bool,
    /// The penalty's estimator: nce-club, club, club-sample, club-categorical or infonce.
    #[arg(long, default_value = "nce-club")]
    estimator: EstimatorKind,
    /// Rows per minibatch.
    #[arg(long, default_value_t = 512)]
    batch: usize,
    /// Training rows drawn from the training split (0: all of them). The encoded rows live in
    /// memory once per model, about 1.2 KB a row each.
    #[arg(long, default_value_t = 200_000)]
    train_rows: usize,
    /// Share of the standard-log rows held out as the in-distribution set.
    #[arg(long, default_value_t = 0.1)]
    held_out: f64,
    /// Also feed the models the columns of video_features_statistic_*.csv. They aggregate over
    /// the whole collection period, the random-exposure log's dates included, so this leaks the
    /// test set's labels into training (a warning is printed and config.json records it).
    #[arg(long)]
    use_statistics_file: bool,
    /// Which step of each model is evaluated: `best-val` (the report with its lowest
    /// validation loss, the same rule for every model) or `last`.
    #[arg(long, default_value = "best-val", value_parser = parse_select)]
    select: bool,
    /// Buckets of each id-like category (user, video, author, tag, ...).
    #[arg(long, default_value_t = 16)]
    buckets: usize,
    /// Seed of the split, the row samples and the first model.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The binary cache next to the data: use, rebuild or off.
    #[arg(long, default_value = "use")]
    cache: CachePolicy,
    /// Device: auto (a GPU through wgpu if present, else the CPU), wgpu or cpu.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Arguments of `crl-lab kuairand-fixture`.
#[derive(Debug, Args)]
pub struct FixtureArgs {
    /// Folder to write; the files go to DIR/data, as in the KuaiRand-Pure archive.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Users.
    #[arg(long, default_value_t = 400)]
    users: usize,
    /// Videos.
    #[arg(long, default_value_t = 300)]
    videos: usize,
    /// Rows of the two standard logs together.
    #[arg(long, default_value_t = 30_000)]
    rows: usize,
    /// Rows of the random-exposure log [default: 0.83 × rows, KuaiRand-Pure's ratio].
    #[arg(long)]
    random_rows: Option<usize>,
    /// Seed of every draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// KuaiRand-Pure's full size (27,285 users, 7,583 videos, 1,436,609 standard and 1,186,059
    /// random rows), instead of the sizes above.
    #[arg(long)]
    pure_scale: bool,
}

/// A progress bar over the bytes of each file being read.
struct LoadProgress {
    bar: ProgressBar,
}

impl LoadProgress {
    fn new() -> Self {
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

/// The progress of a whole `kuairand` run: a bar over the bytes read, then one over the steps.
struct KuaiRandProgress {
    load: LoadProgress,
    train: ProgressObserver,
    /// The start of loading, then (once loaded) of training.
    started: Instant,
}

impl Observer for KuaiRandProgress {
    fn on_start(&mut self, info: &RunInfo) {
        self.train.on_start(info);
    }
    fn on_report(&mut self, report: &Report) {
        self.train.on_report(report);
    }
}

impl KuaiRandObserver for KuaiRandProgress {
    fn on_load(&mut self, event: &LoadEvent) {
        self.load.on_event(event);
    }
    fn on_loaded(&mut self, data: &KuaiRandData) {
        self.load.bar.finish_and_clear();
        eprintln!(
            "{} (loaded in {:.1} s)",
            describe(data),
            self.started.elapsed().as_secs_f64()
        );
        self.started = Instant::now();
    }
}

#[derive(Serialize)]
struct KuaiRandConfigFile<'a> {
    format: &'static str,
    version: u32,
    crl_lab_version: &'static str,
    command: &'static str,
    device: &'a str,
    dir: &'a Path,
    release: String,
    members: &'a [MemberSpec],
    train: &'a TrainConfig,
    settings: &'a KuaiRandSettings,
    counts: &'a KuaiRandCounts,
    features: &'a [String],
    /// How each model's evaluated step was chosen, the same rule for every model.
    model_selection: &'static str,
    /// Per member, the step its evaluated model is of.
    selected_steps: &'a [usize],
}

fn set_label(set: EvalSet) -> &'static str {
    match set {
        EvalSet::InDistribution => "in distribution",
        EvalSet::RandomExposure => "random exposure",
    }
}

/// The table `kuairand` prints: one line per set and model, mean ± std over seeds.
fn summary_table(
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

fn describe(data: &KuaiRandData) -> String {
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

/// `--select`: true for `best-val`, false for `last`.
fn parse_select(s: &str) -> std::result::Result<bool, String> {
    match s {
        "best-val" => Ok(true),
        "last" => Ok(false),
        other => Err(format!(
            "unknown selection `{other}` (use best-val or last)"
        )),
    }
}

/// `crl-lab kuairand`.
pub fn kuairand_cmd(args: &KuaiRandArgs) -> Result<()> {
    if args.seeds == 0 {
        return Err(Error::invalid("--seeds must be at least 1"));
    }
    let settings = KuaiRandSettings {
        encode: EncodeOptions {
            outcome: args.outcome,
            confounder: args.confounder,
            id_buckets: args.buckets,
            use_statistics_file: args.use_statistics_file,
            ..EncodeOptions::default()
        },
        held_out_fraction: args.held_out,
        epochs: args.epochs,
    };
    if args.use_statistics_file {
        eprintln!("{LEAKAGE_WARNING}");
    }
    let mut config = TrainConfig {
        steps: args.steps,
        batch_size: args.batch,
        beta: args.beta,
        conditional: args.conditional,
        estimator: args.estimator,
        n_val: 10_000,
        seed: args.seed,
        keep_best_val: args.select,
        weight_decay: args.weight_decay,
        ..TrainConfig::default()
    };
    if args.train_rows > 0 {
        config.n_train = args.train_rows;
    }
    config.validate()?;
    create_dir(&args.out)?;

    let job = KuaiRandJob {
        dir: args.dir.clone(),
        cache: args.cache,
        settings,
        config,
        all_training_rows: args.train_rows == 0,
        n_seeds: args.seeds,
        device: args.device,
    };
    let mut obs = KuaiRandProgress {
        load: LoadProgress::new(),
        train: ProgressObserver::new(),
        started: Instant::now(),
    };
    let control = RunControl::default();
    let output = run_kuairand_job(&job, &mut obs, &control);
    obs.load.bar.finish_and_clear();
    obs.train.bar.finish_and_clear();
    let KuaiRandOutput {
        data,
        result: res,
        config,
        device,
    } = output?;
    let t1 = obs.started;
    let settings = &job.settings;

    let out = &args.out;
    write_string(&out.join("kuairand.csv"), &kuairand_rows_csv(&res.rows))?;
    write_string(
        &out.join("summary.csv"),
        &kuairand_summary_csv(&res.summary),
    )?;
    write_string(
        &out.join("references.csv"),
        &kuairand_references_csv(&res.references),
    )?;
    write_string(
        &out.join("metrics.csv"),
        &metrics_csv(
            &res.trained.history,
            &res.trained.members,
            res.trained.info.conditional,
        ),
    )?;
    let file = KuaiRandConfigFile {
        format: "crl-lab-kuairand-run",
        version: 1,
        crl_lab_version: env!("CARGO_PKG_VERSION"),
        command: "kuairand",
        device: &device,
        dir: &args.dir,
        release: data.variant.to_string(),
        members: &res.trained.members,
        train: &config,
        settings,
        counts: &res.counts,
        features: res.encoder.feature_names(),
        model_selection: if config.keep_best_val {
            "the report with the lowest validation loss"
        } else {
            "the last step"
        },
        selected_steps: &res.trained.selected_steps,
    };
    let text = serde_json::to_string_pretty(&file)
        .map_err(|e| Error::invalid(format!("cannot encode config.json: {e}")))?;
    write_string(&out.join("config.json"), &text)?;

    let c = &res.counts;
    eprintln!(
        "outcome {}, confounder {} ({} classes), {} inputs; statistics and popularity from the \
         {} standard rows dated before {} (the random log's first date); trained on {} of {} \
         training rows from {} on, evaluated on {} held-out and {} random-exposure rows",
        args.outcome,
        args.confounder,
        c.confounder_width,
        c.n_features,
        c.past,
        c.window_start,
        c.train_used,
        c.train_split,
        c.window_start,
        c.held_out,
        c.random
    );
    print!(
        "{}",
        summary_table(&res.summary, &res.references, args.seeds)
    );
    for w in res.warnings() {
        eprintln!("{w}");
    }
    eprintln!(
        "trained {} models × {} steps in {:.1} s on {}; wrote {}",
        res.trained.members.len(),
        res.trained.steps_done,
        t1.elapsed().as_secs_f64(),
        device,
        out.display()
    );
    Ok(())
}

/// `crl-lab kuairand-fixture`.
pub fn fixture_cmd(args: &FixtureArgs) -> Result<()> {
    let config = if args.pure_scale {
        FixtureConfig::pure_scale(args.seed)
    } else {
        FixtureConfig {
            users: args.users,
            videos: args.videos,
            standard_rows: args.rows,
            random_rows: args
                .random_rows
                .unwrap_or(((args.rows as f64) * 0.83).round() as usize),
            seed: args.seed,
        }
    };
    let t0 = Instant::now();
    let files = write_fixture(&args.out, &config)?;
    eprintln!(
        "wrote a synthetic KuaiRand-Pure folder ({} users, {} videos, {} standard and {} random \
         rows) to {} in {:.1} s",
        config.users,
        config.videos,
        config.standard_rows,
        config.random_rows,
        files.dir.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
