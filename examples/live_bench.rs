//! How live the app's default experiment is, measured through the same job the app's training
//! thread runs (`run_job`): seconds from Train to the first out-of-distribution result, and to
//! the last step, for the default preset's comparison (3 seeds of baseline and CRL, with and
//! without the causal-features-only reference), on the CPU with 1 thread and with every core.
//!
//! `cargo run --release --example live_bench` (add `-- quick` for 500 steps instead of 2,000;
//! set `CRITIC_STEPS=k` for k critic steps per model step).

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::Instant;

use crl_lab::experiment::{EvalAt, EvalRow, JobObserver, TrainJob, TrainSettings, run_job};
use crl_lab::scm::{DEFAULT_PRESET, preset};
use crl_lab::train::{DeviceChoice, Observer, Report, RunControl, RunInfo};

/// Times the events of one job from its start.
struct Clock {
    t0: Instant,
    started: Option<f64>,
    first_eval: Option<(f64, usize)>,
    reports: usize,
    last: Option<Report>,
    threads: usize,
}

impl Observer for Clock {
    fn on_start(&mut self, info: &RunInfo) {
        self.started = Some(self.t0.elapsed().as_secs_f64());
        self.threads = info.threads;
    }
    fn on_report(&mut self, r: &Report) {
        self.reports += 1;
        self.last = Some(r.clone());
    }
}

impl JobObserver for Clock {
    fn on_evaluated(&mut self, at: EvalAt, _rows: &[EvalRow]) {
        if self.first_eval.is_none() {
            self.first_eval = Some((self.t0.elapsed().as_secs_f64(), at.step));
        }
    }
}

fn main() -> anyhow::Result<()> {
    let quick = std::env::args().any(|a| a == "quick");
    let scenario = preset(DEFAULT_PRESET)?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("default preset `{DEFAULT_PRESET}`, the app's default settings, cpu ({cores} cores)");
    for oracle in [false, true] {
        for threads in [1, cores] {
            let mut settings = TrainSettings::for_scenario(&scenario);
            settings.device = DeviceChoice::Cpu;
            settings.config.oracle = oracle;
            settings.config.threads = threads;
            if quick {
                settings.config.steps = 500;
            }
            if let Some(k) = std::env::var("CRITIC_STEPS")
                .ok()
                .and_then(|v| v.parse().ok())
            {
                settings.config.critic_steps = k;
            }
            let job = TrainJob::from_settings(&scenario, &settings)?;
            let mut clock = Clock {
                t0: Instant::now(),
                started: None,
                first_eval: None,
                reports: 0,
                last: None,
                threads: 0,
            };
            run_job(&job, &mut clock, &RunControl::default())?;
            let total = clock.t0.elapsed().as_secs_f64();
            let (first, step) = clock.first_eval.unwrap_or((f64::NAN, 0));
            let sps = clock
                .last
                .as_ref()
                .map_or(f64::NAN, |r| r.step as f64 / r.elapsed_secs);
            println!(
                "  {:>2} models, {} thread(s): first OOD curve {first:.2} s (step {step}), all {} steps {total:.1} s; {sps:.0} steps/s = {:.0} model-steps/s; {} reports",
                job.members.len(),
                clock.threads,
                settings.config.steps,
                sps * job.members.len() as f64,
                clock.reports,
            );
        }
    }
    Ok(())
}
