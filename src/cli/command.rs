//! The command line: its subcommands and the dispatch to each.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use super::logs_cmd::RatingLayout;
use super::{calibrate_cmd, data_cmds, export_cmds, grid_cmd, kuairand_cmd, logs_cmd, train_cmds};
use crate::error::Result;

/// Top-level command line.
#[derive(Debug, Parser)]
#[command(
    name = "crl-lab",
    version,
    about = "See causal representation learning work: draw an SCM, generate confounded data, \
             train a baseline and a CRL model, and watch them part under distribution shift.",
    long_about = "See causal representation learning work: draw an SCM, generate confounded \
                  data, train a baseline and a CRL model, and watch them part under distribution \
                  shift.\n\nThe method follows Felekis et al., \"Causal Representation Learning \
                  for Generalisable Recommendation\" (2026). The paper's full text was not \
                  available to us: crl-lab's formulation is its own, consistent with the \
                  abstract and the estimators it names, and its variants are selectable.\n\n\
                  Run without a subcommand to open the desktop app (with a workspace file \
                  as its argument, the app opens it)."
)]
pub struct Cli {
    /// What to do; none opens the desktop app.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A workspace file for the desktop app to open (as File ▸ Open would).
    #[arg(value_name = "WORKSPACE.json")]
    pub open: Option<PathBuf>,
    /// Memory one request (rows sampled, rows uploaded for training, logs parsed) may take, in
    /// MB [default: half the memory available]; larger requests are refused before they start.
    #[arg(long, global = true, value_name = "MB")]
    pub max_memory_mb: Option<u64>,
}

impl Cli {
    /// Parses a command line (the program's name first) as the binary does: clap's parser,
    /// then the rule clap cannot state alone, that a workspace file to open and a subcommand
    /// exclude each other. (clap's `args_conflicts_with_subcommands` would also take a global
    /// flag before the subcommand, `crl-lab --max-memory-mb 100 generate …`, as the app's
    /// argument, and read `generate` as a workspace file.)
    pub fn parse_args<I, T>(args: I) -> std::result::Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut cmd = Cli::command();
        let mut matches = cmd.try_get_matches_from_mut(args)?;
        if let (Some(file), Some(sub)) = (
            matches.get_one::<PathBuf>("open"),
            matches.subcommand_name(),
        ) {
            return Err(cmd.error(
                ErrorKind::ArgumentConflict,
                format!(
                    "`{}` is a workspace file for the app, which takes no subcommand: run \
                     `crl-lab {sub} …` without it, or `crl-lab {}` to open it",
                    file.display(),
                    file.display()
                ),
            ));
        }
        Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))
    }
}

/// The subcommands.
// One is parsed per process, so the size of the largest (the logs mapping flags) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the preset scenarios, one line each.
    Presets,
    /// Sample rows from a scenario at a shift and write them as CSV (plus a JSON sidecar).
    Generate(data_cmds::GenerateArgs),
    /// Print the exact mutual information between two sets of nodes (linear-Gaussian only).
    Truth(data_cmds::TruthArgs),
    /// Train the baseline and the CRL model side by side; writes metrics.csv and config.json.
    Train(train_cmds::TrainArgs),
    /// Train both models for several seeds and evaluate them on a shift grid; writes sweep.csv,
    /// summary.csv, reliance.csv, metrics.csv and config.json.
    Sweep(train_cmds::SweepArgs),
    /// Train an estimator on correlated Gaussians and print its estimate against the true MI.
    Calibrate(calibrate_cmd::CalibrateArgs),
    /// Train both models on KuaiRand's standard logs and compare them in distribution and on its
    /// random-exposure log; writes kuairand.csv, summary.csv, metrics.csv and config.json.
    Kuairand(kuairand_cmd::KuaiRandArgs),
    /// Write a synthetic dataset in KuaiRand-Pure's layout (for trying `kuairand` without the
    /// download).
    KuairandFixture(kuairand_cmd::FixtureArgs),
    /// Train both models on your own logged interactions (a CSV/TSV training log and a test
    /// log, or one file with a split column) mapped by flags or a JSON file; writes logs.csv,
    /// summary.csv, references.csv, metrics.csv and config.json.
    Logs(logs_cmd::LogsArgs),
    /// Write a synthetic confounded training log, a randomly exposed test log and their
    /// mapping (for trying `logs`).
    LogsFixture(logs_cmd::LogsFixtureArgs),
    /// Train both models on Yahoo! R3 (self-selected song ratings) and compare them on its
    /// randomly assigned ratings.
    #[command(name = "yahoo-r3")]
    YahooR3(logs_cmd::RatingArgs),
    /// Write a synthetic folder in Yahoo! R3's layout.
    #[command(name = "yahoo-r3-fixture")]
    YahooR3Fixture(logs_cmd::RatingFixtureArgs),
    /// Train both models on Coat (self-selected coat ratings) and compare them on its randomly
    /// assigned ratings.
    Coat(logs_cmd::RatingArgs),
    /// Write a synthetic folder in Coat's layout.
    CoatFixture(logs_cmd::RatingFixtureArgs),
    /// Write a workspace file (scenario, settings, no results) from a preset.
    Workspace(export_cmds::WorkspaceArgs),
    /// Draw one plot of a workspace as SVG or 300 dpi PNG, computing what the workspace lacks.
    Figure(export_cmds::FigureArgs),
    /// Rerun a whole workspace and write its figures (SVG and PNG), CSVs, dataset and the
    /// completed workspace to a folder.
    Run(export_cmds::RunArgs),
    /// Experiment grids: plan a grid file into cells, run them on every core or as a Slurm job
    /// array, and collect them into one table and figures.
    Grid(grid_cmd::GridArgs),
}

/// Runs a parsed command line. `None` means "open the app", which the caller handles.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Presets => data_cmds::presets(),
        Command::Generate(args) => data_cmds::generate(&args),
        Command::Truth(args) => data_cmds::truth(&args),
        Command::Train(args) => train_cmds::train_cmd(&args),
        Command::Sweep(args) => train_cmds::sweep_cmd(&args),
        Command::Calibrate(args) => calibrate_cmd::calibrate_cmd(&args),
        Command::Kuairand(args) => kuairand_cmd::kuairand_cmd(&args),
        Command::KuairandFixture(args) => kuairand_cmd::fixture_cmd(&args),
        Command::Logs(args) => logs_cmd::logs_cmd(&args),
        Command::LogsFixture(args) => logs_cmd::logs_fixture_cmd(&args),
        Command::YahooR3(args) => logs_cmd::yahoo_cmd(&args),
        Command::YahooR3Fixture(args) => logs_cmd::rating_fixture_cmd(&args, RatingLayout::YahooR3),
        Command::Coat(args) => logs_cmd::coat_cmd(&args),
        Command::CoatFixture(args) => logs_cmd::rating_fixture_cmd(&args, RatingLayout::Coat),
        Command::Workspace(args) => export_cmds::workspace_cmd(&args),
        Command::Figure(args) => export_cmds::figure_cmd(&args),
        Command::Run(args) => export_cmds::run_cmd(&args),
        Command::Grid(args) => grid_cmd::grid_cmd(&args),
    }
}
