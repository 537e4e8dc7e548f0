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
