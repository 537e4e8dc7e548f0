//! `kuairand` and `kuairand-fixture`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::real_logs::{RunArgs, RunProgress, config_json, summary_table, write_result_files};
use super::train_cmds::create_dir;
use crate::data::kuairand::{
    CachePolicy, ConfounderProxy, EncodeOptions, FixtureConfig, LEAKAGE_WARNING, Outcome,
    write_fixture,
};
use crate::error::Result;
use crate::experiment::{
    EvalSet, KuaiRandCounts, KuaiRandJob, KuaiRandOutput, KuaiRandSettings, run_kuairand_job,
};
use crate::fs::write_string;
use crate::train::{MemberSpec, RunControl, TrainConfig};

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
    /// Buckets of each id-like category (user, video, author, tag, ...).
    #[arg(long, default_value_t = 16)]
    buckets: usize,
    /// The binary cache next to the data: use, rebuild or off.
    #[arg(long, default_value = "use")]
    cache: CachePolicy,
    /// Also feed the models the columns of video_features_statistic_*.csv. They aggregate over
    /// the whole collection period, the random-exposure log's dates included, so this leaks the
    /// test set's labels into training (a warning is printed and config.json records it).
    #[arg(long)]
    use_statistics_file: bool,
    /// Training, selection, seeds, device and output.
    #[command(flatten)]
    run: RunArgs,
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

fn kuairand_set(set: EvalSet) -> &'static str {
    match set {
        EvalSet::InDistribution => "in distribution",
        EvalSet::RandomExposure => "random exposure",
    }
}

/// `crl-lab kuairand`.
pub fn kuairand_cmd(args: &KuaiRandArgs) -> Result<()> {
    let run = &args.run;
    let settings = KuaiRandSettings {
        encode: EncodeOptions {
            outcome: args.outcome,
            confounder: args.confounder,
            id_buckets: args.buckets,
            use_statistics_file: args.use_statistics_file,
            ..EncodeOptions::default()
        },
        held_out_fraction: run.held_out,
        epochs: run.epochs,
    };
    if args.use_statistics_file {
        eprintln!("{LEAKAGE_WARNING}");
    }
    let config = run.config()?;
    create_dir(&run.out)?;

    let job = KuaiRandJob {
        dir: args.dir.clone(),
        cache: args.cache,
        settings,
        config,
        all_training_rows: run.train_rows == 0,
        n_seeds: run.seeds,
        device: run.device,
    };
    let mut obs = RunProgress::new();
    let control = RunControl::default();
    let output = run_kuairand_job(&job, &mut obs, &control);
    obs.finish();
    let KuaiRandOutput {
        data,
        result: res,
        config,
        device,
    } = output?;
    let t1 = obs.started;
    let settings = &job.settings;

    let out = &run.out;
    write_result_files(
        out,
        "kuairand",
        &res.rows,
        &res.summary,
        &res.references,
        &res.trained,
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
        model_selection: run.model_selection(),
        selected_steps: &res.trained.selected_steps,
    };
    write_string(&out.join("config.json"), &config_json(&file)?)?;

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
        summary_table(kuairand_set, &res.summary, &res.references, run.seeds)
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
