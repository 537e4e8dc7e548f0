//! `train`, `sweep` and `calibrate` (one estimator at one correlation, or `--all` of them over
//! the calibration grid, and optionally up the staircase of true MI).

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::source::ScenarioSource;
use crate::error::{Error, Result};
use crate::experiment::{CALIBRATION_RHOS, JobObserver, STAIRCASE_NATS, parse_grid, sweep};
use crate::export::{metrics_csv, reliance_csv, summary_csv, sweep_csv};
use crate::fs::write_string;
use crate::mi::{CalibrationConfig, EstimatorKind, StaircaseConfig, calibrate, staircase};
use crate::models::CriticKind;
use crate::scm::{OutcomeKind, Scenario};
use crate::train::{
    ComputeDevice, DeviceChoice, MemberSpec, Observer, Problem, Report, RunControl, RunInfo,
    TrainConfig, select_device, train,
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
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

fn parse_critic(s: &str) -> std::result::Result<CriticKind, String> {
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

/// Arguments of `crl-lab calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The estimator: nce-club, club, club-sample or infonce.
    #[arg(long, default_value = "nce-club")]
    estimator: EstimatorKind,
    /// Run every estimator that calibrates on Gaussians (all but club-categorical) over the
    /// calibration view's correlations (0.1 to 0.9) and print one table: truth, ideal, estimate
    /// and the biases against both.
    #[arg(long, conflicts_with_all = ["estimator", "rho"])]
    all: bool,
    /// Also train one critic up the staircase of true MI (2, 4, 6, 8, 10 nats) and print, per
    /// level, the mean and spread of its readings against the truth and the ideal.
    #[arg(long)]
    staircase: bool,
    /// Dimension of each Gaussian of the staircase.
    #[arg(long, default_value_t = StaircaseConfig::default().dim)]
    staircase_dim: usize,
    /// Critic training steps per staircase level.
    #[arg(long, default_value_t = StaircaseConfig::default().steps_per_level)]
    staircase_steps: usize,
    /// Pair critic: separable or concat.
    #[arg(long, default_value = "separable", value_parser = parse_critic)]
    critic: CriticKind,
    /// Per-dimension correlation of the two Gaussians.
    #[arg(long, default_value_t = 0.8, allow_negative_numbers = true)]
    rho: f64,
    /// Dimension of each Gaussian.
    #[arg(long, default_value_t = 5)]
    dim: usize,
    /// Critic training steps.
    #[arg(long, default_value_t = 1500)]
    steps: usize,
    /// Pairs per batch (N).
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Device: auto, wgpu or cpu.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
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
    format!(
        "{steps:.0} steps/s, {:.0} model-steps/s over {models} models",
        steps * models as f64
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

/// Relative difference `(estimate − reference) / reference` in percent, for a table.
fn relative_pct(estimate: f64, reference: f64) -> String {
    if reference.abs() > 0.0 && estimate.is_finite() {
        format!("{:+.1}%", 100.0 * (estimate - reference) / reference)
    } else {
        "—".into()
    }
}

/// A value or a dash where there is none.
fn or_dash(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.4}"))
}

/// A progress bar over `n` calibration runs, on stderr.
fn run_bar(n: usize, what: &str) -> ProgressBar {
    let template = format!("{{bar:30}} {{pos}}/{{len}} {what}  {{msg}}  [{{elapsed}}]");
    ProgressBar::new(n as u64).with_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}

/// The estimators that calibrate on Gaussians, in [`EstimatorKind::ALL`] order.
fn gaussian_estimators() -> Vec<EstimatorKind> {
    EstimatorKind::ALL
        .into_iter()
        .filter(|&k| k != EstimatorKind::ClubCategorical)
        .collect()
}

/// `crl-lab calibrate`.
pub fn calibrate_cmd(args: &CalibrateArgs) -> Result<()> {
    let config = CalibrationConfig {
        estimator: args.estimator,
        critic: args.critic,
        rho: args.rho,
        dim: args.dim,
        steps: args.steps,
        batch: args.batch,
        seed: args.seed,
        ..CalibrationConfig::default()
    };
    let estimators = if args.all {
        gaussian_estimators()
    } else {
        vec![args.estimator]
    };
    let staircase_config = |estimator| StaircaseConfig {
        estimator,
        critic: args.critic,
        levels_nats: STAIRCASE_NATS.to_vec(),
        dim: args.staircase_dim,
        steps_per_level: args.staircase_steps,
        batch: args.batch,
        seed: args.seed,
        ..StaircaseConfig::default()
    };
    // Every setting is checked before anything trains.
    for &estimator in &estimators {
        let rhos: &[f64] = if args.all {
            &CALIBRATION_RHOS
        } else {
            &[args.rho]
        };
        for &rho in rhos {
            CalibrationConfig {
                estimator,
                rho,
                ..config.clone()
            }
            .validate()?;
        }
        if args.staircase {
            staircase_config(estimator).validate()?;
        }
    }
    let device = select_device(args.device)?;
    eprintln!("device: {}", device.description);
    if args.all {
        calibrate_all(&config, &estimators, &device)?;
    } else {
        let c = calibrate(&config, &device.device)?;
        let bound = if c.upper_bound {
            "upper bound"
        } else {
            "lower bound, capped at log N"
        };
        let ideal = c
            .ideal
            .map(|v| format!("; ideal {v:.4} nats"))
            .unwrap_or_default();
        println!(
            "{}: estimate {:.4} nats vs true {:.4} nats{ideal} (rho {}, dim {}; {bound}; log N = {:.4})",
            args.estimator, c.estimate, c.truth, args.rho, args.dim, c.log_n
        );
    }
    if args.staircase {
        for &estimator in &estimators {
            print_staircase(&staircase_config(estimator), &device)?;
        }
    }
    Ok(())
}

/// `calibrate --all`: every estimator over [`CALIBRATION_RHOS`], one table on stdout.
fn calibrate_all(
    config: &CalibrationConfig,
    estimators: &[EstimatorKind],
    device: &ComputeDevice,
) -> Result<()> {
    let bar = run_bar(estimators.len() * CALIBRATION_RHOS.len(), "runs");
    let mut rows = Vec::new();
    for &estimator in estimators {
        let t0 = Instant::now();
        for &rho in &CALIBRATION_RHOS {
            bar.set_message(format!("{estimator} at rho {rho}"));
            let c = calibrate(
                &CalibrationConfig {
                    estimator,
                    rho,
                    ..config.clone()
                },
                &device.device,
            );
            let c = match c {
                Ok(c) => c,
                Err(e) => {
                    bar.finish_and_clear();
                    return Err(e);
                }
            };
            rows.push((estimator, rho, c));
            bar.inc(1);
        }
        // Printed (not bar.println) so the lines also reach a log when stderr is no terminal.
        bar.suspend(|| {
            eprintln!(
                "{estimator}: {} correlations in {:.1} s",
                CALIBRATION_RHOS.len(),
                t0.elapsed().as_secs_f64()
            )
        });
    }
    bar.finish_and_clear();
    println!(
        "{:<12} {:>4} {:>9} {:>9} {:>9} {:>14} {:>14}",
        "estimator", "rho", "truth", "ideal", "estimate", "bias vs truth", "bias vs ideal"
    );
    for (estimator, rho, c) in &rows {
        println!(
            "{:<12} {:>4} {:>9.4} {:>9} {:>9.4} {:>14} {:>14}",
            estimator.name(),
            rho,
            c.truth,
            or_dash(c.ideal),
            c.estimate,
            relative_pct(c.estimate, c.truth),
            c.ideal
                .map_or_else(|| "—".into(), |i| relative_pct(c.estimate, i)),
        );
    }
    println!(
        "dim {}, N {} (log N = {:.4}), {} steps per run. The CLUB family's ideal d·ρ²/(1−ρ²) is \
         what CLUB reads with the true conditional: an upper bound that far above the truth is \
         working as it should. InfoNCE's is min(I, log N).",
        config.dim,
        config.batch,
        (config.batch as f64).ln(),
        config.steps
    );
    Ok(())
}

/// `calibrate --staircase`: one critic up the staircase, one line per level on stdout.
fn print_staircase(config: &StaircaseConfig, device: &ComputeDevice) -> Result<()> {
    let total = config.levels_nats.len() * config.steps_per_level;
    let bar = run_bar(total, "staircase steps");
    bar.set_message(config.estimator.name());
    let result = staircase(config, &device.device, &mut |p| {
        bar.set_position(p.step as u64);
        ControlFlow::Continue(())
    });
    bar.finish_and_clear();
    let s = result?;
    println!(
        "staircase of {} (dim {}, N {}, {} steps per level; mean ± sd of the later half of each level's readings):",
        config.estimator, config.dim, config.batch, config.steps_per_level
    );
    println!(
        "{:>6} {:>9} {:>9} {:>16} {:>14} {:>14}",
        "level", "truth", "ideal", "estimate", "bias vs truth", "bias vs ideal"
    );
    for (i, l) in s.levels.iter().enumerate() {
        println!(
            "{:>6} {:>9.4} {:>9} {:>16} {:>14} {:>14}",
            i + 1,
            l.truth,
            or_dash(l.ideal),
            format!("{:.3} ± {:.3}", l.mean, l.sd),
            relative_pct(l.mean, l.truth),
            l.ideal
                .map_or_else(|| "—".into(), |i| relative_pct(l.mean, i)),
        );
    }
    Ok(())
}
