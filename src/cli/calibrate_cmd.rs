//! `calibrate`: one estimator at one correlation, or `--all` of them over the calibration grid,
//! and optionally up the staircase of true MI.

use std::ops::ControlFlow;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::train_cmds::parse_critic;
use crate::error::Result;
use crate::experiment::{CALIBRATION_RHOS, STAIRCASE_NATS};
use crate::mi::{CalibrationConfig, EstimatorKind, StaircaseConfig, calibrate, staircase};
use crate::models::CriticKind;
use crate::train::{ComputeDevice, DeviceChoice, select_device};

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
            );
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
