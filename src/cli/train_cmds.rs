//! `train` and `sweep`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::source::ScenarioSource;
use crate::error::{Error, Result};
use crate::experiment::{JobObserver, parse_grid, sweep};
use crate::export::{metrics_csv, reliance_csv, summary_csv, sweep_csv};
use crate::fs::write_string;
use crate::mi::EstimatorKind;
use crate::models::CriticKind;
use crate::scm::{OutcomeKind, Scenario};
use crate::train::{
    DeviceChoice, MemberSpec, Observer, Problem, Report, RunControl, RunInfo, TrainConfig,
    select_device, train,
};

/// Settings shared by `train` and `sweep`.
#[derive(Debug, Args)]
pub struct TrainOptions {
    #[command(flatten)]
    source: ScenarioSource,
    /// Penalty weight of the CRL model (default: the scenario's recommendation).
    #[arg(long, allow_negative_numbers = true)]
    beta: Option<f64>,
    /// The penalty's estimator: nce-club, club, club-sample, club-categorical or infonce.
    #[arg(long, default_value = "nce-club")]
    estimator: EstimatorKind,
    /// Pair critic: separable (g(z)·h(c), fast) or concat (MLP on [z, c]).
    #[arg(long, default_value = "separable", value_parser = parse_critic)]
    critic: CriticKind,
    /// Penalise I(z; c | y) (true) or I(z; c) (false); default: the scenario's recommendation.
    #[arg(long)]
    conditional: Option<bool>,
    /// Model steps.
    #[arg(long, default_value_t = 2000)]
    steps: usize,
    /// Rows per minibatch.
    #[arg(long, default_value_t = 512)]
    batch: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    lr: f64,
    /// Steps over which beta warms up from 0.
    #[arg(long, default_value_t = 500)]
    warmup: usize,
    /// Critic steps per model step [default: 2].
    #[arg(long)]
    critic_steps: Option<usize>,
    /// Adam learning rate of the critics [default: 0.005].
    #[arg(long, allow_negative_numbers = true)]
    critic_lr: Option<f64>,
    /// Rows of each minibatch the penalty sees (N of its N × N scores).
    #[arg(long, default_value_t = 128)]
    penalty_batch: usize,
    /// Training rows per seed.
    #[arg(long, default_value_t = 20_000)]
    train_rows: usize,
    /// Seed (the first seed, for sweeps).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Probe steps per report of the monitors (I(z; c | y), I(z; c), I(z; y)); 0 measures nothing.
    #[arg(long)]
    monitor_steps: Option<usize>,
    /// Leave out the causal-features-only reference (the oracle) that `sweep` trains per seed.
    #[arg(long)]
    no_oracle: bool,
    /// Device: auto (a GPU through wgpu if present, else the CPU), wgpu or cpu.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// CPU threads to split the models across (0: one per core; a GPU uses one).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub(super) fn parse_critic(s: &str) -> std::result::Result<CriticKind, String> {
    match s {
        "separable" => Ok(CriticKind::Separable),
        "concat" => Ok(CriticKind::Concat),
        other => Err(format!(
            "unknown critic `{other}` (use separable or concat)"
        )),
    }
}

impl TrainOptions {
    fn config(&self, scenario: &Scenario) -> TrainConfig {
        let mut c = TrainConfig::for_scenario(scenario);
        if let Some(b) = self.beta {
            c.beta = b;
        }
        if let Some(cond) = self.conditional {
            c.conditional = cond;
        }
        c.estimator = self.estimator;
        c.critic = self.critic;
        c.steps = self.steps;
        c.batch_size = self.batch;
        c.lr = self.lr;
        c.beta_warmup_steps = self.warmup;
        c.critic_steps = self.critic_steps.unwrap_or(c.critic_steps);
        c.critic_lr = self.critic_lr.unwrap_or(c.critic_lr);
        c.penalty_batch = self.penalty_batch;
        c.n_train = self.train_rows;
        c.seed = self.seed;
        c.oracle = !self.no_oracle;
        c.threads = self.threads;
        if let Some(k) = self.monitor_steps {
            c.monitor = k > 0;
            c.monitor_steps = k.max(1);
        }
        c
    }
}

/// Which models `train` trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelChoice {
    /// The baseline only.
    Baseline,
    /// The CRL model only.
    Crl,
    /// Both, side by side in one ensemble.
    Both,
}

/// Arguments of `crl-lab train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    opts: TrainOptions,
    /// Which model(s) to train.
    #[arg(long, value_enum, default_value_t = ModelChoice::Both)]
    model: ModelChoice,
}

/// Arguments of `crl-lab sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    opts: TrainOptions,
    /// Shift grid: start:end:count, or a comma list.
    #[arg(long, default_value = "0:1:11")]
    shifts: String,
    /// Number of seeds (each trains a baseline, a CRL model and, unless --no-oracle, the
    /// causal-features-only reference).
    #[arg(long, default_value_t = 5)]
    seeds: usize,
}

/// A progress bar over training steps.
pub(super) struct ProgressObserver {
    pub(super) bar: ProgressBar,
    /// The penalty is conditional: the bar shows I(z; c | y).
    conditional: bool,
}

impl ProgressObserver {
    pub(super) fn new() -> Self {
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {msg}  [{elapsed} < {eta}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        ProgressObserver {
            bar,
            conditional: false,
        }
    }
}

impl Observer for ProgressObserver {
    fn on_start(&mut self, info: &RunInfo) {
        self.bar.set_length(info.total_steps as u64);
        self.conditional = info.conditional;
        // Printed (not bar.println) so the lines also reach a log when stderr is no terminal.
        self.bar.suspend(|| eprintln!("device: {}", info.device));
        self.bar.suspend(|| eprintln!(
            "parameters at serving time: baseline {} = CRL {} per model (capacity-matched); training adds {} parameters per model (penalty critic and probes), dropped after training",
            info.params_per_member, info.params_per_member, info.critic_params_per_member
        ));
    }
    fn on_report(&mut self, r: &Report) {
        self.bar.set_position(r.step as u64);
        let mut msg = format!("{:.0} steps/s", r.steps_per_sec);
        if let (Some(b), Some(c)) = (r.members.first(), r.members.get(1)) {
            let target = if self.conditional {
                "I(z;c|y)"
            } else {
                "I(z;c)"
            };
            let _ = write!(
                msg,
                "  val {:.3} | {:.3}  {target} {:.3} | {:.3} nats",
                b.val_metric,
                c.val_metric,
                b.monitored_target(self.conditional),
                c.monitored_target(self.conditional)
            );
        }
        self.bar.set_message(msg);
    }
}

impl JobObserver for ProgressObserver {
    fn on_trained(&mut self, _cancelled: bool) {
        self.bar.set_message("evaluating at each shift");
    }
}

pub(super) fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))
}

#[derive(Serialize)]
struct RunConfigFile<'a> {
    format: &'static str,
    version: u32,
    crl_lab_version: &'static str,
    command: &'a str,
    device: &'a str,
    members: &'a [MemberSpec],
    train: &'a TrainConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    shifts: Option<&'a [f64]>,
    scenario: &'a Scenario,
}

fn write_config(dir: &Path, file: &RunConfigFile<'_>) -> Result<()> {
    let text = serde_json::to_string_pretty(file)
        .map_err(|e| Error::invalid(format!("cannot encode config.json: {e}")))?;
    write_string(&dir.join("config.json"), &text)
}

/// `crl-lab train`.
pub fn train_cmd(args: &TrainArgs) -> Result<()> {
    let scenario = args.opts.source.load()?;
    let config = args.opts.config(&scenario);
    config.validate()?;
    create_dir(&args.opts.out)?;
    let device = select_device(args.opts.device)?;
    let problem = Problem::new(&scenario, config.seed)?;
    let members = match args.model {
        ModelChoice::Baseline => vec![MemberSpec::baseline(config.seed)],
        ModelChoice::Crl => vec![MemberSpec::crl(config.seed, config.beta)],
        ModelChoice::Both => vec![
            MemberSpec::baseline(config.seed),
            MemberSpec::crl(config.seed, config.beta),
        ],
    };
    let mut obs = ProgressObserver::new();
    let control = RunControl::default();
    let t0 = Instant::now();
    let result = train(&problem, &members, &config, &device, &mut obs, &control);
    obs.bar.finish_and_clear();
    let trained = result?;
    write_string(
        &args.opts.out.join("metrics.csv"),
        &metrics_csv(&trained.history, &members, trained.info.conditional),
    )?;
    write_config(
        &args.opts.out,
        &RunConfigFile {
            format: "crl-lab-run",
            version: 1,
            crl_lab_version: env!("CARGO_PKG_VERSION"),
            command: "train",
            device: &device.description,
            members: &members,
            train: &config,
            shifts: None,
            scenario: &scenario,
        },
    )?;
    if let Some(last) = trained.history.last() {
        let metric = OutcomeKind::from_binary(problem.binary).metric_name();
        for (m, r) in members.iter().zip(&last.members) {
            eprintln!(
                "{:<9} beta {:<5} validation {metric} {:.4}  I(z;c|y) {:.3}  I(z;c) {:.3}  I(z;y) {:.3} nats (probes)",
                m.kind, m.beta, r.val_metric, r.mi_zc_given_y, r.mi_zc, r.mi_zy
            );
        }
    }
    eprintln!(
        "trained {} steps in {:.1} s on {} ({}); wrote {}",
        trained.steps_done,
        t0.elapsed().as_secs_f64(),
        device.description,
        throughput(&trained),
        args.opts.out.display()
    );
    Ok(())
}

/// `N steps/s, M model-steps/s (K models)` over a run's training time, reports included.
fn throughput(trained: &crate::train::Trained) -> String {
    let secs = trained.history.last().map_or(0.0, |r| r.elapsed_secs);
    let models = trained.members.len();
    if secs <= 0.0 {
        return format!("{models} models");
    }
    let steps = trained.steps_done as f64 / secs;
    let threads = trained.shard_count();
    format!(
        "{steps:.0} steps/s, {:.0} model-steps/s over {models} models on {threads} thread{}",
        steps * models as f64,
        if threads == 1 { "" } else { "s" }
    )
}

/// `crl-lab sweep`.
pub fn sweep_cmd(args: &SweepArgs) -> Result<()> {
    let scenario = args.opts.source.load()?;
    let config = args.opts.config(&scenario);
    config.validate()?;
    let shifts = parse_grid(&args.shifts)?;
    if args.seeds == 0 {
        return Err(Error::invalid("--seeds must be at least 1"));
    }
    create_dir(&args.opts.out)?;
    let device = select_device(args.opts.device)?;
    let problem = Problem::new(&scenario, config.seed)?;
    let mut obs = ProgressObserver::new();
    let control = RunControl::default();
    let t0 = Instant::now();
    let result = sweep(
        &problem, &config, args.seeds, &shifts, &device, &mut obs, &control,
    );
    obs.bar.finish_and_clear();
    let res = result?;
    let out = &args.opts.out;
    write_string(
        &out.join("sweep.csv"),
        &sweep_csv(&res.rows, problem.binary),
    )?;
    write_string(
        &out.join("summary.csv"),
        &summary_csv(&res.summary, problem.binary),
    )?;
    write_string(&out.join("reliance.csv"), &reliance_csv(&res.reliance))?;
    write_string(
        &out.join("metrics.csv"),
        &metrics_csv(
            &res.trained.history,
            &res.trained.members,
            res.trained.info.conditional,
        ),
    )?;
    write_config(
        out,
        &RunConfigFile {
            format: "crl-lab-run",
            version: 1,
            crl_lab_version: env!("CARGO_PKG_VERSION"),
            command: "sweep",
            device: &device.description,
            members: &res.trained.members,
            train: &config,
            shifts: Some(&shifts),
            scenario: &scenario,
        },
    )?;
    let metric = OutcomeKind::from_binary(problem.binary).metric_name();
    eprintln!(
        "{:<9} {:>6}  {metric} mean ± std over {} seeds",
        "model", "shift", args.seeds
    );
    for r in &res.summary {
        eprintln!(
            "{:<9} {:>6.2}  {:.4} ± {:.4}",
            r.model,
            r.shift,
            r.mean.headline(),
            r.std.headline()
        );
    }
    eprintln!(
        "swept {} models × {} shifts in {:.1} s on {} (training: {}); wrote {}",
        res.trained.members.len(),
        shifts.len(),
        t0.elapsed().as_secs_f64(),
        device.description,
        throughput(&res.trained),
        out.display()
    );
    Ok(())
}
