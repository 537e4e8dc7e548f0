//! A tiny training run on burn's wgpu backend, compared with the CPU backend. In CI it runs on
//! Mesa's software Vulkan driver; set `CRL_LAB_REQUIRE_WGPU=1` to fail when no adapter is found.
#![cfg(feature = "wgpu")]
// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::scm::preset;
use crl_lab::train::{
    Backend, DeviceChoice, MemberSpec, Problem, RunControl, Silent, TrainConfig, select_device,
    train,
};

#[test]
fn wgpu_trains_like_the_cpu() {
    let device = match select_device(DeviceChoice::Wgpu) {
        Ok(d) => d,
        Err(e) => {
            assert!(
                std::env::var("CRL_LAB_REQUIRE_WGPU").is_err(),
                "wgpu required but unavailable: {e}"
            );
            eprintln!("skipping: {e}");
            return;
        }
    };
    assert_eq!(device.backend, Backend::Wgpu);
    eprintln!("{}", device.description);
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    config.steps = 20;
    config.report_every = 10;
    config.n_train = 512;
    config.n_val = 256;
    config.batch_size = 128;
    config.penalty_batch = 32;
    config.hidden = vec![16];
    config.z_dim = 4;
    config.critic_hidden = 16;
    let problem = Problem::new(&scenario, 0).unwrap();
    let members = [MemberSpec::baseline(0), MemberSpec::crl(0, 5.0)];
    let gpu = train(
        &problem,
        &members,
        &config,
        &device,
        &mut Silent,
        &RunControl::default(),
    )
    .unwrap();
    let cpu = select_device(DeviceChoice::Cpu).unwrap();
    let reference = train(
        &problem,
        &members,
        &config,
        &cpu,
        &mut Silent,
        &RunControl::default(),
    )
    .unwrap();
    // Same batches and initial weights on both backends; only float rounding differs.
    for (g, c) in gpu.history.iter().zip(&reference.history) {
        for (a, b) in g.members.iter().zip(&c.members) {
            assert!(
                (a.supervised_loss - b.supervised_loss).abs() < 1e-2,
                "{} vs {}",
                a.supervised_loss,
                b.supervised_loss
            );
            assert!((a.val_metric - b.val_metric).abs() < 0.02);
        }
    }
}
