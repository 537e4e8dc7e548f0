//! Experiment grids: planning (cells, stable hashes, reuse), local runs (resume after an
//! interruption or a kill, failures recorded), collecting (the numbers of `crl-lab run` on each
//! cell), the Slurm script, and the grid file's error messages. Cells are tiny: 30 steps on a
//! few hundred rows.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::crl;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crl_lab::export::FigureWidth;
use crl_lab::grid::{
    CellOptions, CellOutcome, CellStatus, GridFile, GridObserver, Plan, RunOptions, SilentGrid,
    SlurmOptions, cell_status, collect_grid, plan_grid, run_cell, run_grid, settings_hash,
    slurm_script,
};
use crl_lab::session::Workspace;
use crl_lab::train::RunControl;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A base workspace with tiny training (and a tiny calibration, so that `crl-lab run` on a cell
/// is quick too), written to `dir/base.json`.
fn base(dir: &Path) -> PathBuf {
    let mut ws = Workspace::from_preset("anti-causal").unwrap();
    let c = &mut ws.train.config;
    c.steps = 30;
    c.n_train = 400;
    c.n_val = 100;
    c.n_test = 200;
    c.batch_size = 64;
    c.penalty_batch = 32;
    c.hidden = vec![8];
    c.z_dim = 4;
    c.critic_hidden = 8;
    c.monitor = false;
    ws.train.n_seeds = 3;
    ws.train.shift_grid = "0, 1".into();
    ws.plots.calibration.steps = 5;
    ws.plots.calibration.staircase.steps_per_level = 10;
    let path = dir.join("base.json");
    ws.save(&path).unwrap();
    path
}

/// A grid on `base.json` in `dir` with these axes and seeds.
fn grid(dir: &Path, axes: &str, seeds: &str) -> PathBuf {
    base(dir);
    let path = dir.join("grid.json");
    std::fs::write(
        &path,
        format!(
            r#"{{
  "format": "crl-lab-grid",
  "version": 1,
  "name": "test",
  "base": {{ "workspace": "base.json" }},
  "axes": {axes},
  "seeds": {seeds}
}}
"#
        ),
    )
    .unwrap();
    path
}

const BETA_BY_CONDITIONAL: &str = r#"[
    { "setting": "beta", "values": [1, 5] },
    { "setting": "conditional", "values": [true, false] }
  ]"#;

fn hashes(plan: &Plan) -> Vec<String> {
    plan.cells.iter().map(|c| c.hash.clone()).collect()
}

#[test]
fn plan_expands_every_combination_into_workspaces_named_by_a_stable_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(tmp.path(), BETA_BY_CONDITIONAL, "[0, 1]");
    let out = tmp.path().join("g");
    let summary = plan_grid(&g, &out).unwrap();
    let plan = &summary.plan;
    assert_eq!(plan.cells.len(), 8, "2 β × 2 forms × 2 seeds");
    assert_eq!((summary.reused, summary.pending()), (0, 8));
    assert_eq!(plan.axes, ["beta", "conditional"]);
    // The first axis slowest, the seeds innermost.
    let expect = [
        (1.0, true, 0),
        (1.0, true, 1),
        (1.0, false, 0),
        (1.0, false, 1),
        (5.0, true, 0),
        (5.0, true, 1),
        (5.0, false, 0),
        (5.0, false, 1),
    ];
    assert_eq!(plan.cells.len(), expect.len());
    for (cell, (beta, cond, seed)) in plan.cells.iter().zip(expect) {
        assert_eq!(cell.seed, seed);
        assert_eq!(cell.hash.len(), 16);
        let ws = Workspace::load(&Plan::cell_dir(&out, &cell.hash).join("workspace.json")).unwrap();
        assert_eq!(ws.train.config.beta, beta);
        assert_eq!(ws.train.config.conditional, cond);
        assert_eq!(ws.train.config.seed, seed);
        assert_eq!(ws.train.n_seeds, 1, "one seed per cell");
        assert_eq!(ws.train.config.steps, 30, "the base's settings");
        assert!(ws.results.is_none());
        assert_eq!(settings_hash(&ws).unwrap(), cell.hash);
    }
    let mut distinct = hashes(plan);
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 8);
    assert_eq!(Plan::load(&out).unwrap(), *plan, "plan.json round-trips");
    assert_eq!(
        std::fs::read_to_string(out.join("grid.json")).unwrap(),
        std::fs::read_to_string(&g).unwrap()
    );

    // Planned elsewhere: the same names.
    let again = plan_grid(&g, &tmp.path().join("elsewhere")).unwrap();
    assert_eq!(hashes(&again.plan), hashes(plan));

    // A finished cell is kept when the grid is planned again, here with one more β.
    let first = Plan::cell_dir(&out, &plan.cells[0].hash);
    let end = run_cell(
        &first,
        &CellOptions::default(),
        &mut crl_lab::experiment::SilentJob,
        &RunControl::default(),
    )
    .unwrap();
    assert!(matches!(end, crl_lab::grid::CellEnd::Done(_)));
    let done_before = std::fs::read_to_string(first.join("done.json")).unwrap();
    grid(
        tmp.path(),
        r#"[
    { "setting": "beta", "values": [1, 5, 20] },
    { "setting": "conditional", "values": [true, false] }
  ]"#,
        "[0, 1]",
    );
    let bigger = plan_grid(&g, &out).unwrap();
    assert_eq!(bigger.plan.cells.len(), 12);
    assert_eq!((bigger.reused, bigger.pending()), (1, 11));
    assert_eq!(bigger.plan.cells[0].hash, plan.cells[0].hash);
    assert_eq!(hashes(&bigger.plan)[..8], hashes(plan)[..]);
    assert_eq!(
        std::fs::read_to_string(first.join("done.json")).unwrap(),
        done_before,
        "the finished cell was not touched"
    );
}

#[test]
fn planning_measures_a_cell_and_keeps_it_when_it_finished() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "steps", "values": [30, 400] } ]"#,
        "[0]",
    );
    let out = tmp.path().join("g");
    // A budget the tiny cell fits in: it runs to the end, and stays done.
    let o = crl(&[
        "grid",
        "plan",
        g.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--calibrate-secs",
        "120",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let said = text(&o);
    assert!(said.contains("2 cells in"), "{said}");
    assert!(said.contains("per cell on"), "{said}");
    assert!(
        said.contains("cell 1 ran to the end"),
        "the cell with the most steps: {said}"
    );
    let plan = Plan::load(&out).unwrap();
    let status = |i: usize| cell_status(&Plan::cell_dir(&out, &plan.cells[i].hash));
    assert!(matches!(status(1), CellStatus::Done(_)));
    assert_eq!(status(0), CellStatus::Pending);
    let again = plan_grid(&g, &out).unwrap();
    assert_eq!((again.reused, again.pending()), (1, 1));

    // A budget shorter than the cell: measured on the steps reached, the cell left to run.
    let fresh = tmp.path().join("h");
    let plan = plan_grid(&g, &fresh).unwrap().plan;
    let opts = CellOptions::default();
    let e = crl_lab::grid::estimate_cell_secs(&fresh, &plan, &opts, 0.0)
        .unwrap()
        .expect("an estimate");
    assert_eq!(e.cell, 1);
    assert!(!e.finished);
    assert_eq!(e.total_steps, 400);
    assert!(e.measured_steps >= 10 && e.measured_steps < 400, "{e:?}");
    assert!(e.secs_per_cell > e.measured_secs * 0.5, "{e:?}");
    assert_eq!(
        cell_status(&Plan::cell_dir(&fresh, &plan.cells[1].hash)),
        CellStatus::Pending
    );
}

#[test]
fn the_hash_follows_the_settings_that_change_numbers_only() {
    let mut ws = Workspace::from_preset("anti-causal").unwrap();
    let h = settings_hash(&ws).unwrap();
    ws.layout.insert("y".into(), [0.5, 0.5]);
    ws.train.config.threads = 2;
    ws.plots.calibration.steps = 7;
    assert_eq!(settings_hash(&ws).unwrap(), h);
    ws.train.config.beta += 1.0;
    assert_ne!(settings_hash(&ws).unwrap(), h);
}

/// Sets `cancel` once `after` cells have finished.
struct StopAfter<'a> {
    after: usize,
    ended: Vec<(usize, CellOutcome)>,
    cancel: &'a AtomicBool,
}

impl GridObserver for StopAfter<'_> {
    fn on_cell_end(&mut self, index: usize, outcome: &CellOutcome) {
        self.ended.push((index, outcome.clone()));
        if self.ended.len() >= self.after {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }
}

#[test]
fn an_interrupted_run_resumes_without_redoing_finished_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "beta", "values": [1, 5] } ]"#,
        "[0, 1]",
    );
    let out = tmp.path().join("g");
    let plan = plan_grid(&g, &out).unwrap().plan;
    let cancel = AtomicBool::new(false);
    let mut stop = StopAfter {
        after: 1,
        ended: Vec::new(),
        cancel: &cancel,
    };
    let one = RunOptions {
        jobs: 1,
        ..RunOptions::default()
    };
    let first = run_grid(&out, &one, &mut stop, &cancel).unwrap();
    assert!(first.cancelled);
    assert_eq!((first.skipped, first.done), (0, 1));
    assert!(matches!(stop.ended[0], (0, CellOutcome::Done(_))));
    let statuses: Vec<CellStatus> = plan
        .cells
        .iter()
        .map(|c| cell_status(&Plan::cell_dir(&out, &c.hash)))
        .collect();
    assert!(matches!(statuses[0], CellStatus::Done(_)));
    assert!(
        statuses[1..].iter().all(|s| *s == CellStatus::Pending),
        "{statuses:?}"
    );
    let cell0 = Plan::cell_dir(&out, &plan.cells[0].hash);
    let done0 = std::fs::read_to_string(cell0.join("done.json")).unwrap();
    let result0 = std::fs::read_to_string(cell0.join("result.json")).unwrap();
    // A cell killed half-way: outputs written, no done marker.
    let cell1 = Plan::cell_dir(&out, &plan.cells[1].hash);
    std::fs::write(cell1.join("result.json"), "half a file").unwrap();

    let cancel = AtomicBool::new(false);
    let mut seen = StopAfter {
        after: usize::MAX,
        ended: Vec::new(),
        cancel: &cancel,
    };
    let second = run_grid(&out, &RunOptions::default(), &mut seen, &cancel).unwrap();
    assert!(!second.cancelled);
    assert_eq!((second.skipped, second.done), (1, 3));
    assert!(second.failed.is_empty(), "{:?}", second.failed);
    let mut ran: Vec<usize> = seen.ended.iter().map(|(i, _)| *i).collect();
    ran.sort_unstable();
    assert_eq!(ran, [1, 2, 3], "cell 0 was not run again");
    assert_eq!(
        std::fs::read_to_string(cell0.join("done.json")).unwrap(),
        done0
    );
    assert_eq!(
        std::fs::read_to_string(cell0.join("result.json")).unwrap(),
        result0
    );
    assert!(Workspace::load(&cell1.join("result.json")).is_ok());
    // Nothing left: a third run does nothing.
    let third = run_grid(&out, &RunOptions::default(), &mut SilentGrid, &cancel).unwrap();
    assert_eq!((third.skipped, third.done), (4, 0));
}

#[test]
fn a_failed_cell_is_recorded_and_the_others_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "beta", "values": [1, 5, 10] } ]"#,
        "[0]",
    );
    let out = tmp.path().join("g");
    let plan = plan_grid(&g, &out).unwrap().plan;
    // Cell 1's workspace is damaged after planning.
    let broken = Plan::cell_dir(&out, &plan.cells[1].hash);
    std::fs::write(broken.join("workspace.json"), "{ not json").unwrap();
    let cancel = AtomicBool::new(false);
    let s = run_grid(&out, &RunOptions::default(), &mut SilentGrid, &cancel).unwrap();
    assert_eq!(s.done, 2);
    assert_eq!(s.failed.len(), 1);
    assert_eq!(s.failed[0].0, 1);
    assert!(
        s.failed[0].1.contains("not a valid JSON file"),
        "{:?}",
        s.failed
    );
    let CellStatus::Failed(e) = cell_status(&broken) else {
        panic!("cell 1 recorded as failed")
    };
    assert!(e.contains("workspace.json"), "{e}");

    let report = collect_grid(&out, FigureWidth::Single).unwrap();
    assert_eq!(report.collected.done, 2);
    assert_eq!(report.collected.failed.len(), 1);
    assert!(report.collected.rows.iter().all(|r| r.cell != 1));
    let failed = std::fs::read_to_string(out.join("collected/failed.csv")).unwrap();
    let lines: Vec<&str> = failed.lines().collect();
    assert_eq!(lines.len(), 2, "{failed}");
    assert!(
        lines[1].starts_with(&format!("1,{},\"beta=5, seed 0\",", plan.cells[1].hash)),
        "{failed}"
    );
    assert!(lines[1].contains("not a valid JSON file"));
    // The CLI's run says which cell failed and exits non-zero.
    let o = crl(&["grid", "run", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("1 cell(s) failed (1)"), "{}", text(&o));
}

/// Parses a CSV field written by `table_number` (empty: NaN).
fn num(s: &str) -> f64 {
    if s.is_empty() {
        f64::NAN
    } else {
        s.parse().unwrap()
    }
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn collected_numbers_are_those_of_crl_lab_run_on_each_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "beta", "values": [1, 5] } ]"#,
        "[0, 1]",
    );
    let out = tmp.path().join("g");
    let o = crl(&[
        "grid",
        "plan",
        g.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--calibrate-secs",
        "0",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("4 cells in"), "{}", text(&o));
    let o = crl(&["grid", "run", out.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("4 of 4 cells finished"), "{}", text(&o));
    let o = crl(&["grid", "collect", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    let table = std::fs::read_to_string(out.join("collected/results.csv")).unwrap();
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap(),
        "cell,hash,beta,seed,model,member_beta,shift,accuracy,auc,logloss,mse,r2"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4 * 3 * 2, "4 cells × 3 models × 2 shifts");

    // Cell 3 (β 5, seed 1) run alone with `crl-lab run`: the same numbers, bit for bit.
    let plan = Plan::load(&out).unwrap();
    let cell = &plan.cells[3];
    let alone = tmp.path().join("alone");
    let ws_path = Plan::cell_dir(&out, &cell.hash).join("workspace.json");
    let o = crl(&[
        "run",
        ws_path.to_str().unwrap(),
        "--out",
        alone.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let ws = Workspace::load(&alone.join("workspace.json")).unwrap();
    let eval = &ws.results.as_ref().unwrap().eval;
    let mine: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "3").collect();
    assert_eq!(mine.len(), eval.len());
    assert_eq!(eval.len(), 6);
    for e in eval {
        let r = mine
            .iter()
            .find(|r| r[4] == e.model.name() && num(r[6]) == e.shift)
            .unwrap_or_else(|| panic!("no row for {} at {}", e.model, e.shift));
        assert_eq!((r[1], r[2], r[3]), (cell.hash.as_str(), "5", "1"));
        let m = &e.metrics;
        for (k, v) in [m.accuracy, m.auc, m.logloss, m.mse, m.r2]
            .into_iter()
            .enumerate()
        {
            assert!(
                same(num(r[7 + k]), v),
                "column {}: {} vs {v}",
                7 + k,
                r[7 + k]
            );
        }
    }

    // The summary: the mean, std and 95% interval over the two seeds of β 5's CRL at shift 1.
    let summary = std::fs::read_to_string(out.join("collected/summary.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    assert_eq!(
        &header[..8],
        [
            "beta",
            "model",
            "member_beta",
            "shift",
            "n_seeds",
            "accuracy_mean",
            "accuracy_std",
            "accuracy_ci95_lo"
        ]
    );
    let row: Vec<&str> = summary
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[0] == "5" && r[1] == "crl" && r[3] == "1")
        .unwrap();
    assert_eq!(row[4], "2");
    let accs: Vec<f64> = rows
        .iter()
        .filter(|r| r[2] == "5" && r[4] == "crl" && r[6] == "1")
        .map(|r| num(r[7]))
        .collect();
    assert_eq!(accs.len(), 2);
    let mean = f64::midpoint(accs[0], accs[1]);
    let sd = ((accs[0] - mean).powi(2) + (accs[1] - mean).powi(2)).sqrt();
    assert!((num(row[5]) - mean).abs() < 1e-12);
    assert!((num(row[6]) - sd).abs() < 1e-12);
    let half = 12.706 * sd / 2f64.sqrt();
    assert!((num(row[7]) - (mean - half)).abs() < 1e-9);
    assert!((num(row[8]) - (mean + half)).abs() < 1e-9);

    // The default figure: accuracy at the largest shift against β, one line per model; its
    // files carry the grid file's hash.
    let index = std::fs::read_to_string(out.join("collected/figures.json")).unwrap();
    assert!(index.contains(&plan.grid_hash));
    let svg = std::fs::read_to_string(out.join("collected/headline-vs-beta-by-model.svg")).unwrap();
    assert!(svg.contains(&format!("grid fnv1a64:{}", plan.grid_hash)));
    assert_eq!(plan.grid_hash.len(), 16);
    let points =
        std::fs::read_to_string(out.join("collected/headline-vs-beta-by-model.csv")).unwrap();
    let crl_at_5 = points
        .lines()
        .find(|l| l.starts_with("CRL,5,"))
        .unwrap_or_else(|| panic!("{points}"));
    assert!((num(crl_at_5.split(',').nth(2).unwrap()) - mean).abs() < 1e-12);
}

#[test]
fn a_killed_run_resumes_from_the_finished_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "beta", "values": [1, 5, 10] } ]"#,
        "[0, 1]",
    );
    let out = tmp.path().join("g");
    let plan = plan_grid(&g, &out).unwrap().plan;
    let mut child = Command::new(env!("CARGO_BIN_EXE_crl-lab"))
        .args(["grid", "run", out.to_str().unwrap(), "--jobs", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let done = |plan: &Plan| -> Vec<usize> {
        plan.cells
            .iter()
            .filter(|c| {
                matches!(
                    cell_status(&Plan::cell_dir(&out, &c.hash)),
                    CellStatus::Done(_)
                )
            })
            .map(|c| c.index)
            .collect()
    };
    let t0 = Instant::now();
    while done(&plan).is_empty() {
        assert!(t0.elapsed() < Duration::from_mins(5), "no cell finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let finished = done(&plan);
    assert!(
        !finished.is_empty() && finished.len() < 6,
        "killed part-way: {finished:?}"
    );
    let markers: Vec<String> = finished
        .iter()
        .map(|&i| {
            std::fs::read_to_string(Plan::cell_dir(&out, &plan.cells[i].hash).join("done.json"))
                .unwrap()
        })
        .collect();
    let o = crl(&["grid", "run", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "6 of 6 cells finished ({} this run, {} before)",
            6 - finished.len(),
            finished.len()
        )),
        "{}",
        text(&o)
    );
    for (&i, before) in finished.iter().zip(&markers) {
        let after =
            std::fs::read_to_string(Plan::cell_dir(&out, &plan.cells[i].hash).join("done.json"))
                .unwrap();
        assert_eq!(&after, before, "cell {i} was not run again");
    }
}

#[test]
fn the_slurm_script_asks_for_an_array_of_the_unfinished_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "beta", "values": [1, 5, 10] } ]"#,
        "[0, 1]",
    );
    let out = tmp.path().join("g");
    let plan = plan_grid(&g, &out).unwrap().plan;
    let opts = SlurmOptions {
        max_parallel: 3,
        cells_per_task: 1,
        cpus_per_task: 2,
        mem: "1G".into(),
        time: "00:20:00".into(),
        partition: Some("short".into()),
        account: None,
        extra: vec!["--qos=low".into()],
        binary: "/opt/crl lab/crl-lab".into(),
    };
    let s = slurm_script(&out, &plan, &opts).unwrap().unwrap();
    for line in [
        "#SBATCH --array=0-5%3",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --mem=1G",
        "#SBATCH --time=00:20:00",
        "#SBATCH --partition=short",
        "#SBATCH --qos=low",
        "#SBATCH --job-name=crl-grid-test",
    ] {
        assert!(s.lines().any(|l| l == line), "{line} missing:\n{s}");
    }
    assert!(!s.contains("--account"));
    assert!(s.contains(&format!(
        "exec '/opt/crl lab/crl-lab' grid run-cell '{}' --index \"$SLURM_ARRAY_TASK_ID\" --cells-per-task 1",
        out.display()
    )));
    // Cells 0 and 1 finished by hand: the array skips them; in batches of 4, task 0 still runs.
    let code = crl(&[
        "grid",
        "run-cell",
        out.to_str().unwrap(),
        "--index",
        "0",
        "--cells-per-task",
        "2",
    ]);
    assert!(code.status.success(), "{}", text(&code));
    let s = slurm_script(&out, &plan, &opts).unwrap().unwrap();
    assert!(s.contains("#SBATCH --array=2-5%3"), "{s}");
    let batches = SlurmOptions {
        cells_per_task: 4,
        ..opts.clone()
    };
    let s = slurm_script(&out, &plan, &batches).unwrap().unwrap();
    assert!(s.contains("#SBATCH --array=0-1%3"), "{s}");
    let zero = SlurmOptions {
        max_parallel: 0,
        ..opts
    };
    let e = slurm_script(&out, &plan, &zero).unwrap_err().to_string();
    assert!(e.contains("--max-parallel must be at least 1"), "{e}");
    // The CLI writes it into the grid's folder; an index past the end is refused.
    let o = crl(&[
        "grid",
        "slurm",
        out.to_str().unwrap(),
        "--max-parallel",
        "2",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let written = std::fs::read_to_string(out.join("slurm/grid.sbatch")).unwrap();
    assert!(written.contains("#SBATCH --array=2-5%2"), "{written}");
    let o = crl(&["grid", "run-cell", out.to_str().unwrap(), "--index", "6"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("there is no cell 6: the grid has 6 (0 to 5)"),
        "{}",
        text(&o)
    );
}

fn grid_error(text: &str) -> String {
    GridFile::from_json(text, "g.json").unwrap_err().to_string()
}

const HEAD: &str = r#""format": "crl-lab-grid", "version": 1, "base": { "preset": "anti-causal" }"#;

#[test]
fn bad_grid_files_are_refused_naming_the_place() {
    let e = grid_error(
        r#"{ "format": "crl-lab-grid", "version": 2, "base": { "preset": "x" }, "axes": [] }"#,
    );
    assert_eq!(
        e,
        "g.json: version 2 is newer than this crl-lab understands (1); update crl-lab to read it"
    );
    let e = grid_error(r#"{ "format": "crl-lab-workspace", "version": 1 }"#);
    assert!(
        e.contains("format is `crl-lab-workspace`, expected `crl-lab-grid`"),
        "{e}"
    );
    let e = grid_error("[1, 2");
    assert!(e.starts_with("g.json: not a valid JSON file"), "{e}");
    let e = grid_error(&format!(
        r#"{{ {HEAD}, "axes": [ {{ "setting": "beta", "values": [1] }}, {{ "setting": "betaa", "values": [1] }} ] }}"#
    ));
    assert!(
        e.starts_with("g.json: axes[1] (`betaa`): unknown setting `betaa` (training settings:"),
        "{e}"
    );
    let e = grid_error(&format!(
        r#"{{ {HEAD}, "axes": [ {{ "setting": "estimator", "values": ["nce-club", "clubb"] }} ] }}"#
    ));
    assert!(
        e.starts_with("g.json: axes[0] (`estimator`) value 2: `estimator` cannot be \"clubb\""),
        "{e}"
    );
    let e = grid_error(&format!(
        r#"{{ {HEAD}, "axes": [ {{ "setting": "seed", "values": [1, 2] }} ] }}"#
    ));
    assert!(e.contains("list the seeds in the grid's `seeds`"), "{e}");
    let e = grid_error(&format!(
        r#"{{ {HEAD}, "axes": [ {{ "setting": "c.noise.width", "values": [1] }} ] }}"#
    ));
    assert!(e.contains("axes[0] (`c.noise.width`)"), "{e}");
    let e = grid_error(&format!(
        r#"{{ {HEAD}, "axes": [ {{ "setting": "beta", "values": [1, 1] }} ] }}"#
    ));
    assert!(e.contains("the value 1 is listed twice"), "{e}");
    let e = grid_error(&format!(r#"{{ {HEAD}, "axes": [], "extra": 1 }}"#));
    assert!(e.contains("unknown field `extra`"), "{e}");
    let e = grid_error(&format!(
        r#"{{ {HEAD}, "axes": [ {{ "setting": "beta", "values": [1, 2] }} ],
             "collect": {{ "figures": [ {{ "x": "lr" }} ] }} }}"#
    ));
    assert!(
        e.contains(
            "collect.figures[0]: x: `lr` is not an axis of the grid (axes: `beta`; or `shift`)"
        ),
        "{e}"
    );
    let e = grid_error(r#"{ "format": "crl-lab-grid", "version": 1, "base": {}, "axes": [] }"#);
    assert!(
        e.contains("`base` names neither a preset nor a workspace"),
        "{e}"
    );
}

#[test]
fn unknown_nodes_and_parameters_are_named_with_the_cell_when_planned() {
    let tmp = tempfile::tempdir().unwrap();
    let plan_error = |axes: &str| -> String {
        let g = grid(tmp.path(), axes, "[0]");
        plan_grid(&g, &tmp.path().join("g"))
            .unwrap_err()
            .to_string()
    };
    let e = plan_error(r#"[ { "setting": "nope.noise.sd", "values": [0.5] } ]"#);
    assert_eq!(
        e,
        "axes[0] (`nope.noise.sd`) value 0.5: unknown node `nope`"
    );
    let e = plan_error(r#"[ { "setting": "c.noise.sd", "values": [0.5] } ]"#);
    assert!(
        e.contains("node `c`: its label_flip noise has the parameter `noise.prob`, not `noise.sd`"),
        "{e}"
    );
    let e = plan_error(r#"[ { "setting": "c.noise.prob.test", "values": [0.5, 1.5] } ]"#);
    assert!(
        e.starts_with("cell 1 (c.noise.prob.test=1.5, seed 0): node `c`: parameter `noise.prob`"),
        "{e}"
    );
    let e = plan_error(r#"[ { "setting": "batch_size", "values": [64, 100000] } ]"#);
    assert!(
        e.starts_with("cell 1 (batch_size=100000, seed 0): the batch (100000) is larger"),
        "{e}"
    );
    // The CLI says it in one line.
    let g = grid(
        tmp.path(),
        r#"[ { "setting": "nope.threshold", "values": [1] } ]"#,
        "[0]",
    );
    let o = crl(&[
        "grid",
        "plan",
        g.to_str().unwrap(),
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.trim(),
        "error: axes[0] (`nope.threshold`) value 1: unknown node `nope`"
    );
}

#[test]
fn a_scenario_axis_and_node_parameters_vary_the_cells_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let g = tmp.path().join("g.json");
    std::fs::write(
        &g,
        r#"{
  "format": "crl-lab-grid", "version": 1, "name": "scenarios",
  "base": { "preset": "shortcut" },
  "set": { "steps": 40 },
  "axes": [
    { "setting": "scenario", "values": ["anti-causal", "exposure-bias"] },
    { "setting": "x_s.noise.sd", "values": [0.3, { "train": 0.3, "test": 1.0 }] }
  ]
}"#,
    )
    .unwrap();
    let out = tmp.path().join("g");
    let plan = plan_grid(&g, &out).unwrap().plan;
    assert_eq!(plan.cells.len(), 4);
    let ws = |i: usize| {
        Workspace::load(&Plan::cell_dir(&out, &plan.cells[i].hash).join("workspace.json")).unwrap()
    };
    assert_eq!(ws(0).scenario.name, "anti-causal");
    assert_eq!(ws(3).scenario.name, "exposure-bias");
    assert_eq!(ws(3).train.config.steps, 40);
    let sd = |w: &Workspace| {
        let s = &w.scenario;
        s.nodes[s.id("x_s").unwrap().0].noise.param().unwrap().1
    };
    assert_eq!(sd(&ws(0)), crl_lab::scm::Param::Fixed(0.3));
    assert_eq!(
        sd(&ws(3)),
        crl_lab::scm::Param::Shifting {
            train: 0.3,
            test: 1.0
        }
    );
    assert_eq!(
        plan.label(&plan.cells[3]),
        "scenario=exposure-bias, x_s.noise.sd=0.3→1, seed 0"
    );
}

/// The app's File ▸ Export grid… and File ▸ Open grid results…, driven through `egui_kittest`.
#[cfg(feature = "gui")]
mod app {
    use super::*;
    use crate::common::step_until;
    use crl_lab::ui::{AppOptions, Command, CrlApp};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    fn app() -> Harness<'static, CrlApp> {
        Harness::builder()
            .with_size([1440.0, 900.0])
            .build_eframe(|cc| CrlApp::with_options(cc, &AppOptions::headless()))
    }

    fn notice(h: &Harness<'_, CrlApp>) -> String {
        h.state()
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }

    #[test]
    fn export_grid_writes_a_grid_of_the_session_that_plans() {
        let tmp = tempfile::tempdir().unwrap();
        let mut h = app();
        h.run();
        h.state_mut()
            .handle_command(Command::LoadPreset("anti-causal".into()));
        h.run();
        h.get_by_label("File").click();
        h.run();
        h.get_by_label("Export grid…").click();
        h.run();
        assert!(h.state().grid.export.open);
        {
            let d = &h.state().grid.export;
            assert_eq!(d.axes.len(), 1);
            assert_eq!(d.axes[0].setting, "beta");
            assert_eq!(
                d.axes[0].values, "0, 5, 20, 80",
                "β around the session's 20"
            );
            assert_eq!(d.seeds, "0, 1, 2");
        }
        // A second axis: the next setting, its value the session's; then the values typed.
        h.get_by_label("Add axis").click();
        h.run();
        assert_eq!(h.state().grid.export.axes[1].setting, "n_train");
        assert_eq!(h.state().grid.export.axes[1].values, "20000");
        let path = tmp.path().join("session-grid.json");
        {
            let d = &mut h.state_mut().grid.export;
            d.axes[1].values = "1000, 2000".into();
            d.path = path.display().to_string();
        }
        h.run();
        h.get_by_label("Write grid file").click();
        h.step();
        step_until(&mut h, 30, "the grid file", |a| !a.files_busy());
        h.run();
        assert!(path.is_file(), "{}", notice(&h));
        assert!(notice(&h).contains("(24 cells)"), "{}", notice(&h));
        let g = GridFile::load(&path).unwrap();
        assert_eq!(g.axes.len(), 2);
        assert_eq!(
            g.axes[0].values,
            [0, 5, 20, 80].map(serde_json::Value::from)
        );
        assert_eq!(g.axes[1].values, [1000, 2000].map(serde_json::Value::from));
        assert_eq!(g.seeds, [0, 1, 2]);
        // The base is the session, which `grid plan` expands.
        let summary = plan_grid(&path, &tmp.path().join("g")).unwrap();
        assert_eq!(summary.plan.cells.len(), 24);
        let ws = Workspace::load(
            &Plan::cell_dir(&tmp.path().join("g"), &summary.plan.cells[23].hash)
                .join("workspace.json"),
        )
        .unwrap();
        assert_eq!(ws.scenario, h.state().state.scenario);
        assert_eq!(
            (ws.train.config.beta, ws.train.config.n_train),
            (80.0, 2000)
        );
        assert_eq!(ws.train.config.seed, 2);

        // A value the setting cannot take: refused, naming the axis; the file is left as it was.
        let before = std::fs::read_to_string(&path).unwrap();
        h.state_mut().grid.export.axes[0].values = "0, lots".into();
        h.run();
        h.get_by_label("Write grid file").click();
        h.run();
        assert!(
            notice(&h).contains("axes[0] (`beta`) value 2: `beta` cannot be \"lots\""),
            "{}",
            notice(&h)
        );
        assert!(h.state().notice.as_ref().is_some_and(|n| n.error));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }

    #[test]
    fn open_grid_results_shows_the_collected_figures() {
        let tmp = tempfile::tempdir().unwrap();
        let g = grid(
            tmp.path(),
            r#"[ { "setting": "beta", "values": [1, 5] } ]"#,
            "[0]",
        );
        let out = tmp.path().join("g");
        plan_grid(&g, &out).unwrap();
        let s = run_grid(
            &out,
            &RunOptions::default(),
            &mut SilentGrid,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(s.done, 2);
        let report = collect_grid(&out, FigureWidth::Single).unwrap();
        let hash = report.collected.plan.grid_hash.clone();

        let mut h = app();
        h.run();
        h.get_by_label("File").click();
        h.run();
        h.get_by_label("Open grid results…").click();
        h.run();
        assert!(h.state().grid.results.open);
        // A folder without a collected grid: said, nothing shown.
        h.state_mut().grid.results.path = tmp.path().display().to_string();
        h.run();
        h.get_by_label("Open").click();
        h.step();
        step_until(&mut h, 30, "the grid results", |a| !a.files_busy());
        h.run();
        assert!(
            notice(&h).contains("holds no collected grid"),
            "{}",
            notice(&h)
        );
        assert!(h.state().grid.results.shown.is_none());

        h.state_mut().grid.results.path = out.display().to_string();
        h.run();
        h.get_by_label("Open").click();
        h.step();
        step_until(&mut h, 30, "the grid results", |a| !a.files_busy());
        h.run();
        let shown = h.state().grid.results.shown.clone().expect("figures shown");
        assert_eq!(shown.index.grid_hash, hash);
        assert_eq!(shown.index.figures.len(), 1);
        let image = shown.images[0].as_ref().expect("the PNG decodes");
        assert_eq!(image.size, [1050, 840]);
        let title = &shown.index.figures[0].title;
        assert_eq!(title, "accuracy at shift 1 against β");
        assert!(
            h.get_all_by_label_contains(&format!("grid fnv1a64:{hash}"))
                .count()
                >= 1
        );
        assert!(h.get_all_by_label(title).count() >= 1);
        // Closing the window.
        h.state_mut()
            .handle_command(Command::ShowGridResults(false));
        h.run();
        assert!(!h.state().grid.results.open);
    }
}
