//! Helpers the test binaries share: running the `crl-lab` binary, and stepping the app until
//! something holds. Each test binary uses some of them.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs the `crl-lab` binary with `args` and waits for it.
pub fn crl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crl-lab"))
        .args(args)
        .output()
        .expect("run crl-lab")
}

/// What a finished command wrote to stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Steps the app until `done` holds, at most `secs` seconds, then once more.
#[cfg(feature = "gui")]
pub fn step_until(
    h: &mut egui_kittest::Harness<'_, crl_lab::ui::CrlApp>,
    secs: u64,
    what: &str,
    done: impl Fn(&crl_lab::ui::CrlApp) -> bool,
) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.step();
}

/// Sets `s` to a small, quick run of `steps` steps: 2,000 training rows, 500 validation and
/// 500 test rows, batches of 128 (penalty batches of 64), a report every 10 steps, one seed.
pub fn small_run(s: &mut crl_lab::experiment::TrainSettings, steps: usize) {
    s.config.steps = steps;
    s.config.n_train = 2_000;
    s.config.n_val = 500;
    s.config.n_test = 500;
    s.config.batch_size = 128;
    s.config.penalty_batch = 64;
    s.config.report_every = 10;
    s.n_seeds = 1;
}
