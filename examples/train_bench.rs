//! Training throughput: steps per second of the baseline and the CRL step on the default preset
//! (batch 512, hidden 64-64, z-dim 16), and model-steps per second for ensembles of 1 to 50
//! members (half baseline, half CRL) and of CRL members only, on every available device; on the
//! CPU with 1 thread and with every core (the ensemble split across them).
//!
//! `cargo run --release --example train_bench` (add `-- quick` for fewer steps, `-- cpu` for
//! the CPU only, `-- gpu` for wgpu only, with ensembles up to 256 on a real GPU).

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::scm::{DEFAULT_PRESET, preset};
use crl_lab::train::{
    Backend, ComputeDevice, DeviceChoice, MemberSpec, Observer, Problem, Report, RunControl,
    TrainConfig, select_device, train,
};

/// Keeps the last report: its interval excludes the first half (warm-up, shader compilation).
#[derive(Default)]
struct Last(Option<Report>);

impl Observer for Last {
    fn on_report(&mut self, r: &Report) {
        self.0 = Some(r.clone());
    }
}

fn steps_per_sec(
    problem: &Problem,
    members: &[MemberSpec],
    config: &TrainConfig,
    device: &ComputeDevice,
) -> f64 {
    let mut last = Last::default();
    match train(
        problem,
        members,
        config,
        device,
        &mut last,
        &RunControl::default(),
    ) {
        Ok(_) => last.0.map_or(f64::NAN, |r| r.steps_per_sec),
        Err(e) => {
            eprintln!("  failed: {e}");
            f64::NAN
        }
    }
}

fn main() -> anyhow::Result<()> {
    let quick = std::env::args().any(|a| a == "quick");
    let gpu_only = std::env::args().any(|a| a == "gpu");
    let scenario = preset(DEFAULT_PRESET)?;
    let problem = Problem::new(&scenario, 0)?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut devices = Vec::new();
    if !gpu_only {
        let cpu = select_device(DeviceChoice::Cpu)?;
        devices.push((cpu.clone(), 1));
        if cores > 1 {
            devices.push((cpu, cores));
        }
    }
    let cpu_only = std::env::args().any(|a| a == "cpu");
    match select_device(DeviceChoice::Wgpu) {
        Ok(_) if cpu_only => {}
        Ok(d) => devices.push((d, 1)),
        Err(e) => println!("wgpu: {e}"),
    }
    for (device, threads) in &devices {
        let (device, threads) = (device, *threads);
        let steps = match (device.backend, quick) {
            (Backend::Cpu, false) => 400,
            (Backend::Cpu, true) => 100,
            (Backend::Wgpu, false) => 300,
            (Backend::Wgpu, true) => 60,
        };
        let mut config = TrainConfig::for_scenario(&scenario);
        config.steps = steps;
        config.report_every = steps / 2;
        config.n_train = 20_000;
        config.threads = threads;
        println!("device: {}, {threads} thread(s)", device.description);
        let mut plain = config.clone();
        plain.monitor = false;
        let base = steps_per_sec(&problem, &[MemberSpec::baseline(0)], &plain, device);
        println!("  baseline step (supervised only)           {base:>8.1} steps/s");
        let base_mon = steps_per_sec(&problem, &[MemberSpec::baseline(0)], &config, device);
        println!("  baseline step (+ probes at reports)       {base_mon:>8.1} steps/s");
        let crl = steps_per_sec(
            &problem,
            &[MemberSpec::crl(0, config.beta)],
            &config,
            device,
        );
        println!(
            "  CRL step ({} x{} critic steps, N={})   {crl:>8.1} steps/s",
            config.estimator, config.critic_steps, config.penalty_batch
        );
        // A software adapter (llvmpipe) gets the small sizes only: it is slow, and 64 members
        // outgrow its buffers.
        let software = device.description.contains("(Cpu,");
        let sizes: &[usize] = match device.backend {
            Backend::Cpu => &[1, 2, 10, 50],
            Backend::Wgpu if software => &[1, 2, 10],
            Backend::Wgpu => &[1, 2, 10, 64, 256],
        };
        // The work of the PyTorch reference step in anchors.md: the penalty critic and two
        // monitor critics of the same shape, two steps each on the detached z, then the model
        // step; here the monitors are probes at reports, so six critic steps on the penalty
        // critic stand in for that work.
        if device.backend == Backend::Cpu {
            for m in [1usize, 2, 10] {
                let members: Vec<MemberSpec> = (0..m as u64)
                    .map(|i| MemberSpec::crl(i, config.beta))
                    .collect();
                let mut c = config.clone();
                c.critic_steps = 6;
                let sps = steps_per_sec(&problem, &members, &c, device);
                println!(
                    "  reference step (3 critics x 2 steps), {m:>2} CRL members: {:>8.1} model-steps/s",
                    sps * m as f64
                );
            }
        }
        for crl_only in [false, true] {
            for &m in sizes {
                let members: Vec<MemberSpec> = (0..m as u64)
                    .map(|i| {
                        if crl_only {
                            MemberSpec::crl(i, config.beta)
                        } else if i % 2 == 0 {
                            MemberSpec::baseline(i / 2)
                        } else {
                            MemberSpec::crl(i / 2, config.beta)
                        }
                    })
                    .collect();
                let mut c = config.clone();
                if m >= 50 && device.backend == Backend::Cpu {
                    c.steps = (steps / 8).max(20);
                    c.report_every = c.steps / 2;
                }
                let sps = steps_per_sec(&problem, &members, &c, device);
                let what = if crl_only { "CRL only" } else { "half CRL" };
                println!(
                    "  ensemble of {m:>3} ({what}): {sps:>8.1} steps/s = {:>8.1} model-steps/s",
                    sps * m as f64
                );
            }
        }
    }
    Ok(())
}
