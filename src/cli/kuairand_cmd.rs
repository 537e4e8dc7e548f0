//! `kuairand` (the `logs` run on a KuaiRand folder, with KuaiRand's own flags) and
//! `kuairand-fixture`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::logs_run::{RunArgs, run_source};
use crate::data::kuairand::{
    CachePolicy, ConfounderProxy, EncodeOptions, FixtureConfig, LEAKAGE_WARNING, Outcome,
    write_fixture,
};
use crate::data::logs::ReadLimits;
use crate::error::Result;
use crate::experiment::LogSource;

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

/// `crl-lab kuairand`: `logs` on a KuaiRand folder.
pub fn kuairand_cmd(args: &KuaiRandArgs) -> Result<()> {
    let source = LogSource::KuaiRand {
        dir: args.dir.clone(),
        cache: args.cache,
        encode: EncodeOptions {
            outcome: args.outcome,
            confounder: args.confounder,
            id_buckets: args.buckets,
            use_statistics_file: args.use_statistics_file,
            ..EncodeOptions::default()
        },
    };
    if args.use_statistics_file {
        eprintln!("{LEAKAGE_WARNING}");
    }
    run_source(source, &args.run, ReadLimits::process())
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
