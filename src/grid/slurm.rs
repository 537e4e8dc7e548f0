//! Slurm: an `sbatch` job-array script whose tasks each run one batch of cells with
//! `crl-lab grid run-cell DIR --index $SLURM_ARRAY_TASK_ID`, only the tasks that still have
//! unfinished cells, at most `max_parallel` at once (`--array=…%N`); and submitting it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::plan::Plan;
use crate::error::{Error, Result};
use crate::fs::write_string;

/// The resources and shape of the job array.
#[derive(Clone, Debug, PartialEq)]
pub struct SlurmOptions {
    /// Array tasks running at once (the `%N` of `--array`).
    pub max_parallel: usize,
    /// Cells per array task (task `t` runs cells `t·k` to `t·k + k − 1`).
    pub cells_per_task: usize,
    /// CPUs per task (each cell trains on this many threads).
    pub cpus_per_task: usize,
    /// Memory per task, as sbatch takes it (`2G`).
    pub mem: String,
    /// Time limit per task, as sbatch takes it (`01:00:00`).
    pub time: String,
    /// The partition, if not the cluster's default.
    pub partition: Option<String>,
    /// The account to charge, if needed.
    pub account: Option<String>,
    /// Further `#SBATCH` options, each as given (`--qos=short`).
    pub extra: Vec<String>,
    /// The crl-lab binary the tasks run (it must exist at this path on the compute nodes).
    pub binary: PathBuf,
}

/// `0-3,7,9-11`: the sorted indices as ranges.
pub fn ranges(indices: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        let mut end = start;
        while i + 1 < indices.len() && indices[i + 1] == end + 1 {
            i += 1;
            end = indices[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(",")
}

/// A word for a shell script, single-quoted.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The array tasks that hold at least one unfinished cell of the grid planned in `dir`.
pub fn pending_tasks(dir: &Path, plan: &Plan, cells_per_task: usize) -> Vec<usize> {
    let k = cells_per_task.max(1);
    let mut tasks: Vec<usize> = plan.unfinished(dir).map(|c| c.index / k).collect();
    tasks.dedup();
    tasks
}

/// Checks the options: positive counts and sbatch-safe strings (no line breaks).
fn check(opts: &SlurmOptions) -> Result<()> {
    for (name, v) in [
        ("--max-parallel", opts.max_parallel),
        ("--cells-per-task", opts.cells_per_task),
        ("--cpus-per-task", opts.cpus_per_task),
    ] {
        if v == 0 {
            return Err(Error::invalid(format!("{name} must be at least 1")));
        }
    }
    let texts = [Some(&opts.mem), Some(&opts.time)]
        .into_iter()
        .chain([opts.partition.as_ref(), opts.account.as_ref()])
        .flatten()
        .chain(&opts.extra);
    for t in texts {
        if t.is_empty() || t.contains(['\n', '\r']) {
            return Err(Error::invalid(format!(
                "`{t}` is not a valid sbatch value (empty, or a line break)"
            )));
        }
    }
    Ok(())
}

/// The sbatch script for the grid planned in `dir` (an absolute path, as the tasks see it), or
/// `None` when every cell is finished.
pub fn slurm_script(dir: &Path, plan: &Plan, opts: &SlurmOptions) -> Result<Option<String>> {
    check(opts)?;
    let tasks = pending_tasks(dir, plan, opts.cells_per_task);
    if tasks.is_empty() {
        return Ok(None);
    }
    let name: String = format!("crl-grid-{}", plan.name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let logs = dir.join("slurm");
    let mut s = String::from("#!/bin/bash\n");
    let _ = writeln!(
        s,
        "# crl-lab grid `{}` ({} cells, grid fnv1a64:{}): one array task per {} cell(s).",
        plan.name.replace('\n', " "),
        plan.cells.len(),
        plan.grid_hash,
        opts.cells_per_task
    );
    s.push_str("# Written by `crl-lab grid slurm`; submit with `sbatch` (or `--submit`).\n");
    let _ = writeln!(s, "#SBATCH --job-name={name}");
    let _ = writeln!(
        s,
        "#SBATCH --array={}%{}",
        ranges(&tasks),
        opts.max_parallel
    );
    s.push_str("#SBATCH --ntasks=1\n");
    let _ = writeln!(s, "#SBATCH --cpus-per-task={}", opts.cpus_per_task);
    let _ = writeln!(s, "#SBATCH --mem={}", opts.mem);
    let _ = writeln!(s, "#SBATCH --time={}", opts.time);
    if let Some(p) = &opts.partition {
        let _ = writeln!(s, "#SBATCH --partition={p}");
    }
    if let Some(a) = &opts.account {
        let _ = writeln!(s, "#SBATCH --account={a}");
    }
    for e in &opts.extra {
        let _ = writeln!(s, "#SBATCH {e}");
    }
    let _ = writeln!(s, "#SBATCH --output={}", logs.join("%A_%a.out").display());
    s.push_str("set -euo pipefail\n");
    let _ = writeln!(
        s,
        "exec {} grid run-cell {} --index \"$SLURM_ARRAY_TASK_ID\" --cells-per-task {} --threads \"${{SLURM_CPUS_PER_TASK:-{}}}\"",
        shell_quote(&opts.binary.display().to_string()),
        shell_quote(&dir.display().to_string()),
        opts.cells_per_task,
        opts.cpus_per_task
    );
    Ok(Some(s))
}

/// Writes the script to `DIR/slurm/grid.sbatch` (and creates the log folder beside it);
/// returns its path, or `None` when every cell is finished.
pub fn write_slurm_script(dir: &Path, plan: &Plan, opts: &SlurmOptions) -> Result<Option<PathBuf>> {
    let Some(script) = slurm_script(dir, plan, opts)? else {
        return Ok(None);
    };
    let folder = dir.join("slurm");
    std::fs::create_dir_all(&folder).map_err(|e| Error::io("cannot create", &folder, e))?;
    let path = folder.join("grid.sbatch");
    write_string(&path, &script)?;
    Ok(Some(path))
}

/// Submits `script` with `sbatch --parsable` and returns the job id.
pub fn submit(script: &Path) -> Result<String> {
    let out = Command::new("sbatch")
        .arg("--parsable")
        .arg(script)
        .output()
        .map_err(|e| {
            Error::invalid(format!(
                "cannot run sbatch ({e}): is this a Slurm login node? The script is {}",
                script.display()
            ))
        })?;
    if !out.status.success() {
        return Err(Error::invalid(format!(
            "sbatch refused {}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // `--parsable` prints `jobid` or `jobid;cluster`.
    let id = text.trim().split(';').next().unwrap_or("").to_owned();
    if id.is_empty() {
        return Err(Error::invalid("sbatch printed no job id"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_compress_runs() {
        assert_eq!(ranges(&[0, 1, 2, 3, 7, 9, 10, 11]), "0-3,7,9-11");
        assert_eq!(ranges(&[5]), "5");
        assert_eq!(ranges(&[]), "");
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
    }
}
