//! `logs`, `yahoo-r3` and `coat` (baseline and CRL on logged interactions), and their fixture
//! commands `logs-fixture`, `yahoo-r3-fixture` and `coat-fixture`.

use std::path::{Path, PathBuf};

use clap::Args;

use super::logs_run::{RunArgs, run_source};
use crate::data::logs::{
    Delimiter, LogMapping, LogsFixtureConfig, RatingFixtureConfig, RatingOptions, ReadLimits,
    SplitColumn, write_coat_fixture, write_logs_fixture, write_yahoo_fixture,
};
use crate::error::{Error, Result};
use crate::experiment::LogSource;

/// Arguments of `crl-lab logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The training log (CSV or TSV with a header line), or the only file with --split-column.
    #[arg(long, value_name = "FILE")]
    train: PathBuf,
    /// The test log (the same columns; randomly exposed, ideally).
    #[arg(long, value_name = "FILE")]
    test: Option<PathBuf>,
    /// A mapping file (JSON, as --save-map writes); the flags below override its fields.
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// The outcome column (0/1, or a number cut at --threshold).
    #[arg(long)]
    outcome: Option<String>,
    /// A continuous outcome is 1 at or above this value.
    #[arg(long, allow_negative_numbers = true)]
    threshold: Option<f64>,
    /// Numeric input columns, comma-separated.
    #[arg(long, value_delimiter = ',')]
    numeric: Vec<String>,
    /// Categorical input columns, comma-separated (each hashed into --buckets one-hot columns).
    #[arg(long, value_delimiter = ',')]
    categorical: Vec<String>,
    /// Confounder-proxy columns, comma-separated (the penalty sees them, the models do not).
    #[arg(long, value_delimiter = ',')]
    confounder: Vec<String>,
    /// An item column whose popularity among the training rows is a confounder proxy (it is
    /// also a categorical input when listed there).
    #[arg(long)]
    popularity_of: Option<String>,
    /// The user column (per-user GAUC and NDCG@10).
    #[arg(long)]
    user: Option<String>,
    /// A numeric time column: the latest training rows are then the held-out ones.
    #[arg(long)]
    time: Option<String>,
    /// With a single file: the column that marks the test rows.
    #[arg(long)]
    split_column: Option<String>,
    /// The --split-column value of a test row.
    #[arg(long, default_value = "test")]
    test_value: String,
    /// Buckets of each categorical column.
    #[arg(long)]
    buckets: Option<usize>,
    /// Field separator: auto, comma, tab or semicolon.
    #[arg(long)]
    delimiter: Option<Delimiter>,
    /// Write the resolved mapping to this file (to keep beside the data).
    #[arg(long, value_name = "FILE")]
    save_map: Option<PathBuf>,
    /// Training, selection, seeds, device and output.
    #[command(flatten)]
    run: RunArgs,
}

/// Arguments of `crl-lab yahoo-r3` and `crl-lab coat`.
#[derive(Debug, Args)]
pub struct RatingArgs {
    /// The data set's folder (or a folder directly above it).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// A rating at or above this is a positive outcome.
    #[arg(long, default_value_t = 4.0)]
    threshold: f64,
    /// Buckets of the user id.
    #[arg(long, default_value_t = 128)]
    user_buckets: usize,
    /// Buckets of the item id.
    #[arg(long, default_value_t = 256)]
    item_buckets: usize,
    /// Training, selection, seeds, device and output.
    #[command(flatten)]
    run: RunArgs,
}

/// Arguments of `crl-lab logs-fixture`.
#[derive(Debug, Args)]
pub struct LogsFixtureArgs {
    /// Folder to write train.csv, test.csv and mapping.json into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Users.
    #[arg(long, default_value_t = 500)]
    users: usize,
    /// Items.
    #[arg(long, default_value_t = 300)]
    items: usize,
    /// Rows of the training log.
    #[arg(long, default_value_t = 20_000)]
    train_rows: usize,
    /// Rows of the test log.
    #[arg(long, default_value_t = 5_000)]
    test_rows: usize,
    /// Seed of every draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// Arguments of `crl-lab yahoo-r3-fixture` and `crl-lab coat-fixture`.
#[derive(Debug, Args)]
pub struct RatingFixtureArgs {
    /// Folder to write.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Users [default: Yahoo! R3 1,000; Coat 290].
    #[arg(long)]
    users: Option<usize>,
    /// Items [default: Yahoo! R3 300; Coat 300].
    #[arg(long)]
    items: Option<usize>,
    /// Self-selected ratings per user [default: Yahoo! R3 20; Coat 24].
    #[arg(long)]
    train_per_user: Option<usize>,
    /// Randomly assigned ratings per user [default: Yahoo! R3 10; Coat 16].
    #[arg(long)]
    test_per_user: Option<usize>,
    /// Seed of every draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// The mapping from `--map` (if any) with the flags' fields over it.
fn mapping(args: &LogsArgs) -> Result<LogMapping> {
    let mut m = match &args.map {
        Some(p) => LogMapping::load(p)?,
        None => LogMapping::default(),
    };
    let set = |field: &mut Vec<String>, v: &Vec<String>| {
        if !v.is_empty() {
            field.clone_from(v);
        }
    };
    if let Some(o) = &args.outcome {
        m.outcome.clone_from(o);
    }
    if args.threshold.is_some() {
        m.outcome_threshold = args.threshold;
    }
    set(&mut m.numeric, &args.numeric);
    set(&mut m.categorical, &args.categorical);
    set(&mut m.confounders, &args.confounder);
    for (field, v) in [
        (&mut m.popularity_of, &args.popularity_of),
        (&mut m.user, &args.user),
        (&mut m.time, &args.time),
    ] {
        if v.is_some() {
            field.clone_from(v);
        }
    }
    if let Some(c) = &args.split_column {
        m.split = Some(SplitColumn {
            column: c.clone(),
            test_value: args.test_value.clone(),
        });
    }
    if let Some(b) = args.buckets {
        m.buckets = b;
    }
    if let Some(d) = args.delimiter {
        m.delimiter = d;
    }
    m.validate()?;
    Ok(m)
}

/// `crl-lab logs`.
pub fn logs_cmd(args: &LogsArgs) -> Result<()> {
    let mapping = mapping(args)?;
    if let Some(p) = &args.save_map {
        mapping.save(p)?;
        eprintln!("wrote the mapping to {}", p.display());
    }
    if args.test.is_none() && mapping.split.is_none() {
        return Err(Error::invalid(
            "give a test log (--test FILE), or --split-column for one file holding both sets",
        ));
    }
    let source = LogSource::Files {
        train: args.train.clone(),
        test: args.test.clone(),
        mapping: Box::new(mapping),
    };
    run_source(source, &args.run, ReadLimits::process())
}

fn rating_options(args: &RatingArgs) -> RatingOptions {
    RatingOptions {
        threshold: args.threshold,
        user_buckets: args.user_buckets,
        item_buckets: args.item_buckets,
        ..RatingOptions::default()
    }
}

/// `crl-lab yahoo-r3`.
pub fn yahoo_cmd(args: &RatingArgs) -> Result<()> {
    let source = LogSource::YahooR3 {
        dir: args.dir.clone(),
        options: rating_options(args),
    };
    run_source(source, &args.run, ReadLimits::process())
}

/// `crl-lab coat`.
pub fn coat_cmd(args: &RatingArgs) -> Result<()> {
    let source = LogSource::Coat {
        dir: args.dir.clone(),
        options: rating_options(args),
    };
    run_source(source, &args.run, ReadLimits::process())
}

/// `crl-lab logs-fixture`.
pub fn logs_fixture_cmd(args: &LogsFixtureArgs) -> Result<()> {
    let config = LogsFixtureConfig {
        users: args.users,
        items: args.items,
        train_rows: args.train_rows,
        test_rows: args.test_rows,
        seed: args.seed,
    };
    let files = write_logs_fixture(&args.out, &config)?;
    eprintln!(
        "wrote {}, {} and {}: try `crl-lab logs --train {} --test {} --map {} --out run`",
        files.train.display(),
        files.test.display(),
        files.mapping.display(),
        files.train.display(),
        files.test.display(),
        files.mapping.display()
    );
    Ok(())
}

/// Which rating layout a fixture command writes.
#[derive(Clone, Copy, Debug)]
pub enum RatingLayout {
    /// Yahoo! R3's two tab-separated files.
    YahooR3,
    /// Coat's matrices and feature files.
    Coat,
}

/// `crl-lab yahoo-r3-fixture` and `crl-lab coat-fixture`.
pub fn rating_fixture_cmd(args: &RatingFixtureArgs, layout: RatingLayout) -> Result<()> {
    let (users, items, train, test, write, name): (
        _,
        _,
        _,
        _,
        fn(&Path, &RatingFixtureConfig) -> Result<()>,
        _,
    ) = match layout {
        RatingLayout::YahooR3 => (1000, 300, 20, 10, write_yahoo_fixture, "yahoo-r3"),
        RatingLayout::Coat => (290, 300, 24, 16, write_coat_fixture, "coat"),
    };
    let config = RatingFixtureConfig {
        users: args.users.unwrap_or(users),
        items: args.items.unwrap_or(items),
        train_per_user: args.train_per_user.unwrap_or(train),
        test_per_user: args.test_per_user.unwrap_or(test),
        seed: args.seed,
    };
    write(&args.out, &config)?;
    eprintln!(
        "wrote a synthetic {name} folder ({} users, {} items, {} self-selected and {} random \
         ratings per user) to {}: try `crl-lab {name} --dir {} --out run`",
        config.users,
        config.items,
        config.train_per_user,
        config.test_per_user,
        args.out.display(),
        args.out.display()
    );
    Ok(())
}
