//! Local grid runs on every core: a grid of 24 small cells (3 β × 2 penalty forms × 4 seeds on
//! the `anti-causal` preset) run three ways: one worker on one thread (serial), one worker
//! whose cells split their models over every core (`--jobs 1`), and one worker per core each on
//! cores ÷ workers threads (the default); timed, with the cores the process kept busy on
//! average (Linux), and checked to give identical tables. Prints the times and speed-ups.
//!
//! `cargo run --release --example grid_speedup [STEPS] [TRAIN_ROWS]` (default 150 steps,
//! 2,000 rows)

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::Path;
use std::sync::atomic::AtomicBool;

use crl_lab::export::FigureWidth;
use crl_lab::grid::{
    GridAxis, GridBase, GridFile, RunOptions, SilentGrid, collect_grid, cores, plan_grid_text,
    run_grid,
};
use crl_lab::session::Workspace;
use serde_json::json;

/// CPU seconds this process has used (user + system), where Linux tells it.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime, in clock ticks of 1/100 s (Linux's USER_HZ).
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

fn run(dir: &Path, grid: &GridFile, jobs: usize, threads: usize) -> crl_lab::Result<(f64, String)> {
    let cpu0 = cpu_secs();
    let text = grid.to_json()?;
    plan_grid_text(grid, &text, Path::new("."), dir)?;
    let opts = RunOptions {
        jobs,
        threads_per_cell: threads,
        device: Some(crl_lab::train::DeviceChoice::Cpu),
    };
    let s = run_grid(dir, &opts, &mut SilentGrid, &AtomicBool::new(false))?;
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let busy = match (cpu0, cpu_secs()) {
        (Some(a), Some(b)) => format!(", {:.2} cores busy on average", (b - a) / s.elapsed_secs),
        _ => String::new(),
    };
    println!(
        "  {} worker(s) × {} thread(s): {} cells in {:.1} s ({:.2} s per cell{busy})",
        s.jobs,
        s.threads_per_cell,
        s.done,
        s.elapsed_secs,
        s.elapsed_secs / s.done.max(1) as f64
    );
    collect_grid(dir, FigureWidth::Single)?;
    let table = std::fs::read_to_string(dir.join("collected/results.csv"))
        .map_err(|e| crl_lab::Error::io("cannot read", dir, e))?;
    Ok((s.elapsed_secs, table))
}

fn main() -> crl_lab::Result<()> {
    let mut args = std::env::args().skip(1);
    let steps: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(150);
    let rows: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let mut base = Workspace::from_preset("anti-causal")?;
    base.train.device = crl_lab::train::DeviceChoice::Cpu;
    let mut grid = GridFile::new(
        "speedup",
        GridBase {
            preset: None,
            workspace: Some(serde_json::to_value(&base).map_err(|e| {
                crl_lab::Error::invalid(format!("cannot encode the workspace: {e}"))
            })?),
        },
    );
    grid.set.insert("steps".into(), json!(steps));
    grid.set.insert("n_train".into(), json!(rows));
    grid.set.insert("n_test".into(), json!(1000));
    grid.set.insert("n_val".into(), json!(500));
    grid.set.insert("batch_size".into(), json!(256));
    grid.set.insert("shift_grid".into(), json!("0:1:3"));
    grid.axes = vec![
        GridAxis {
            setting: "beta".into(),
            values: vec![json!(3), json!(10), json!(30)],
        },
        GridAxis {
            setting: "conditional".into(),
            values: vec![json!(true), json!(false)],
        },
    ];
    grid.seeds = vec![0, 1, 2, 3];
    let n = grid.cell_count();
    let tmp = tempfile::tempdir().map_err(|e| crl_lab::Error::io("cannot create", "/tmp", e))?;
    let c = cores();
    println!("{n} cells of {steps} steps on {rows} rows; this machine has {c} core(s)");
    let (serial, t0) = run(&tmp.path().join("serial"), &grid, 1, 1)?;
    let (one, t1) = run(&tmp.path().join("one"), &grid, 1, 0)?;
    let (all, tn) = run(&tmp.path().join("all"), &grid, 0, 0)?;
    assert_eq!(t0, t1, "the tables differ between one and {c} threads");
    assert_eq!(t1, tn, "the tables differ between one and {c} workers");
    println!(
        "speed-up of {c} workers: {:.2}× over one worker on {c} threads, {:.2}× over one \
         thread (identical results.csv, {} rows)",
        one / all,
        serial / all,
        tn.lines().count() - 1
    );
    Ok(())
}
