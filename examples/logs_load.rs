//! Read time and peak memory of the generic logs reader on CSV files of KuaiRand-Pure's size
//! (1,436,609 training and 1,186,059 test rows, 27,285 users, 7,583 items, nine columns), with
//! the fixture's mapping (one number, five categorical columns, a confounder, user and time).
//!
//! `cargo run --release --example logs_load` (add `-- DIR` to keep the files in DIR).
//! Peak memory is the resident high-water mark (VmHWM, Linux), reset before the read.

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::Path;
use std::time::Instant;

use crl_lab::data::logs::{
    LoadEvent, LogFiles, LogMapping, LogsFixtureConfig, ReadLimits, read_logs, write_logs_fixture,
};

/// VmHWM and VmRSS from /proc/self/status, in MB (NaN where unavailable).
fn memory_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn main() -> anyhow::Result<()> {
    let kept = std::env::args().nth(1);
    let temp = tempfile::tempdir()?;
    let root = kept.as_deref().map_or(temp.path(), Path::new);
    let config = LogsFixtureConfig {
        users: 27_285,
        items: 7_583,
        train_rows: 1_436_609,
        test_rows: 1_186_059,
        seed: 0,
    };
    let t0 = Instant::now();
    let files = write_logs_fixture(root, &config)?;
    let bytes = std::fs::metadata(&files.train)?.len() + std::fs::metadata(&files.test)?.len();
    println!(
        "wrote {} + {} rows ({:.1} MB of CSV) in {:.1} s",
        config.train_rows,
        config.test_rows,
        bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    let mapping = LogMapping::load(&files.mapping)?;
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (_, before) = memory_mb();
    let t0 = Instant::now();
    let mut events = 0usize;
    let mut count = |_: &LoadEvent| events += 1;
    let data = read_logs(
        &LogFiles {
            train: files.train.clone(),
            test: Some(files.test.clone()),
        },
        &mapping,
        ReadLimits::from_memory(),
        &mut count,
    )?;
    let secs = t0.elapsed().as_secs_f64();
    let (peak, now) = memory_mb();
    println!(
        "read   {secs:>6.2} s ({:.0} MB/s, {:.2} M rows/s)   peak RSS {peak:>7.1} MB (before \
         {before:.1} MB, after {now:.1} MB)   {events} progress events",
        bytes as f64 / 1e6 / secs,
        (data.train.n + data.test.n) as f64 / 1e6 / secs
    );
    println!("{}", data.describe());
    Ok(())
}
