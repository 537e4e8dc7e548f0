//! Load time and peak memory of the KuaiRand loader on a synthetic folder of KuaiRand-Pure's
//! size (27,285 users, 7,583 videos, 1,436,609 standard and 1,186,059 random-exposure rows):
//! once from the CSV files (writing the cache), once from the cache.
//!
//! `cargo run --release --example kuairand_load` (add `-- DIR` to keep the folder in DIR).
//! Peak memory is the resident high-water mark (VmHWM, Linux), reset before each load.

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::Path;
use std::time::Instant;

use crl_lab::data::kuairand::{
    CachePolicy, FixtureConfig, KuaiRandData, LoadEvent, load_kuairand, write_fixture,
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

/// Resets the high-water mark to the current resident size (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn timed_load(dir: &Path, label: &str) -> anyhow::Result<KuaiRandData> {
    reset_peak();
    let (_, before) = memory_mb();
    let t0 = Instant::now();
    let mut cache = String::new();
    let mut watch = |e: &LoadEvent| match e {
        LoadEvent::CacheUsed { .. } => cache = "read from the cache".into(),
        LoadEvent::CacheWritten { bytes, .. } => {
            cache = format!("cache written, {:.1} MB", *bytes as f64 / 1e6);
        }
        LoadEvent::CacheRejected { reason, .. } => cache = format!("cache rejected: {reason}"),
        _ => {}
    };
    let data = load_kuairand(dir, CachePolicy::Use, &mut watch)?;
    let secs = t0.elapsed().as_secs_f64();
    let (peak, now) = memory_mb();
    println!(
        "{label:<6} {secs:>6.2} s   peak RSS {peak:>7.1} MB (before {before:.1} MB, after {now:.1} MB)   {cache}"
    );
    Ok(data)
}

fn main() -> anyhow::Result<()> {
    let kept = std::env::args().nth(1);
    let temp = tempfile::tempdir()?;
    let root = kept.as_deref().map_or(temp.path(), Path::new);
    let config = FixtureConfig::pure_scale(0);
    let t0 = Instant::now();
    let files = write_fixture(root, &config)?;
    let csv_bytes: u64 = files
        .all()
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "generated {} standard + {} random rows, {:.1} MB of CSV, in {:.1} s",
        config.standard_rows,
        config.random_rows,
        csv_bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_file(files.dir.join(crl_lab::data::kuairand::CACHE_FILE_NAME));
    let cold = timed_load(root, "cold")?;
    drop(cold);
    let cached = timed_load(root, "cached")?;
    println!(
        "{} standard rows, {} random rows, {} users, {} videos",
        cached.standard.len(),
        cached.random.len(),
        cached.users.len(),
        cached.videos.len()
    );
    Ok(())
}
