//! Every preset with its recommended settings: baseline, CRL and the causal-features-only oracle
//! at shifts 0 and 1, mean ± sd over seeds, and the probes' penalised MI at the last report.
//! These are the figures the closing notes quote.
//!
//! `cargo run --release --example presets` (5 seeds), or `-- SEEDS [PRESET...]`; set
//! `CRITIC_STEPS=k` to train with k critic steps per model step instead of the default.

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::Instant;

use crl_lab::experiment::{SummaryRow, mean_std, sweep};
use crl_lab::scm::{OutcomeKind, preset, preset_names};
use crl_lab::train::{
    DeviceChoice, ModelKind, Problem, RunControl, Silent, TrainConfig, select_device,
};

fn main() -> crl_lab::Result<()> {
    let mut args = std::env::args().skip(1);
    let seeds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let chosen: Vec<String> = args.collect();
    let names: Vec<String> = if chosen.is_empty() {
        preset_names().into_iter().map(str::to_owned).collect()
    } else {
        chosen
    };
    let device = select_device(DeviceChoice::Auto)?;
    println!(
        "device: {}; {seeds} seeds per preset; {} critic step(s) per model step",
        device.description,
        std::env::var("CRITIC_STEPS")
            .unwrap_or_else(|_| TrainConfig::default().critic_steps.to_string())
    );
    for name in &names {
        let scenario = preset(name)?;
        let mut config = TrainConfig::for_scenario(&scenario);
        if let Some(k) = std::env::var("CRITIC_STEPS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            config.critic_steps = k;
        }
        let problem = Problem::new(&scenario, config.seed)?;
        let metric = OutcomeKind::from_binary(problem.binary).metric_name();
        let t0 = Instant::now();
        let res = sweep(
            &problem,
            &config,
            seeds,
            &[0.0, 1.0],
            &device,
            &mut Silent,
            &RunControl::default(),
        )?;
        let cell = |model: ModelKind, shift: f64| {
            res.summary
                .iter()
                .find(|r: &&SummaryRow| r.model == model && r.shift == shift)
                .map_or("—".to_owned(), |r| {
                    format!("{:.3} ± {:.3}", r.mean.headline(), r.std.headline())
                })
        };
        let last = res.trained.history.last();
        let mi = |model: ModelKind| {
            let v: Vec<f64> = res
                .trained
                .members
                .iter()
                .enumerate()
                .filter(|(_, m)| m.kind == model)
                .filter_map(|(i, _)| last.and_then(|r| r.members.get(i)))
                .map(|r| r.monitored_target(config.conditional))
                .collect();
            let (m, s) = mean_std(&v);
            format!("{m:.3} ± {s:.3}")
        };
        let target = if config.conditional {
            "I(z;c|y)"
        } else {
            "I(z;c)"
        };
        println!(
            "\n{name} (β {}, {}; {:.0} s)",
            config.beta,
            if config.conditional {
                "conditional"
            } else {
                "unconditional"
            },
            t0.elapsed().as_secs_f64()
        );
        println!(
            "  {:<9} {:>15} {:>15} {:>15}",
            "model",
            format!("{metric} s=0"),
            format!("{metric} s=1"),
            target
        );
        for model in [ModelKind::Baseline, ModelKind::Crl, ModelKind::Oracle] {
            println!(
                "  {:<9} {:>15} {:>15} {:>15}",
                model.name(),
                cell(model, 0.0),
                cell(model, 1.0),
                mi(model)
            );
        }
    }
    Ok(())
}
