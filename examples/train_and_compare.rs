//! Training both models and printing the OOD table: a baseline and a CRL model on the
//! `shortcut` preset (two seeds each, on the CPU), evaluated from the training distribution
//! (shift 0) to the test environment (shift 1).
//!
//! `cargo run --release --example train_and_compare`

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::experiment::{SilentJob, TrainJob, run_job_to_results};
use crl_lab::session::Workspace;
use crl_lab::train::{DeviceChoice, RunControl};

fn main() -> crl_lab::Result<()> {
    let mut ws = Workspace::from_preset("shortcut")?;
    ws.train.config.steps = 1_000;
    ws.train.n_seeds = 2;
    ws.train.shift_grid = "0:1:5".into();
    ws.train.device = DeviceChoice::Cpu;
    let job = TrainJob::from_settings(&ws.scenario, &ws.train)?;
    let run = run_job_to_results(&job, &ws.train, &mut SilentJob, &RunControl::default())?;
    println!(
        "{:<16} {:>6}  accuracy (mean ± sd over {} seeds)",
        "model", "shift", ws.train.n_seeds
    );
    for g in &run.groups {
        for r in run.group_summary(g) {
            println!(
                "{:<16} {:>6.2}  {:.3} ± {:.3}",
                g.name,
                r.shift,
                r.mean.headline(),
                r.std.headline()
            );
        }
    }
    Ok(())
}
