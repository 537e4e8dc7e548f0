//! The command line as a user drives it: outputs, exit codes and error lines.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::{crl, stderr};

use std::path::Path;
use std::process::Output;

/// A failed command exits non-zero with exactly one `error:` line naming the problem.
fn assert_fails_with(o: &Output, needle: &str) {
    assert!(!o.status.success(), "should fail: {}", stderr(o));
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {err}");
    assert!(lines[0].contains(needle), "`{needle}` not in: {err}");
}

#[test]
fn presets_lists_every_preset() {
    let o = crl(&["presets"]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    for name in [
        "shortcut",
        "exposure-bias",
        "anti-causal",
        "linear-gaussian",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(name)),
            "{name} missing in {out}"
        );
    }
    assert!(out.lines().next().unwrap().contains("(default)"));
}

#[test]
fn generate_writes_csv_and_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let o = crl(&[
        "generate",
        "--preset",
        "shortcut",
        "--rows",
        "250",
        "--shift",
        "0.5",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "x_c.0,x_c.1,x_c.2,x_c.3,h_plus.0,h_minus.0,y.0,c.0,x_s.0,env_shift"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 250);
    assert!(
        rows.iter()
            .all(|r| r.ends_with(",0.5") && r.split(',').count() == 10)
    );
    let side: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("d.csv.json")).unwrap())
            .unwrap();
    assert_eq!(side["seed"], 3);
    assert_eq!(side["shift"], 0.5);
    assert_eq!(side["n_rows"], 250);
    assert_eq!(side["scenario"]["name"], "shortcut");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "an ordinary file, not a private temporary one");
    }
    // Same inputs, same bytes.
    let again = dir.path().join("e.csv");
    let o = crl(&[
        "generate",
        "--preset",
        "shortcut",
        "--rows",
        "250",
        "--shift",
        "0.5",
        "--seed",
        "3",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn generate_from_a_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("s.json");
    std::fs::write(&sc, crl_lab::scm::preset("anti-causal").unwrap().to_json()).unwrap();
    let out = dir.path().join("d.csv");
    let o = crl(&[
        "generate",
        "--scenario",
        sc.to_str().unwrap(),
        "--rows",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 11);
}

/// Issue 11: a noise scale of 1e308 used to put `inf` in the CSV; now the command fails with one
/// line naming the node, and writes nothing.
#[test]
fn generate_refuses_non_finite_values_naming_the_node() {
    use crl_lab::scm::{Noise, Param};
    let dir = tempfile::tempdir().unwrap();
    let mut scenario = crl_lab::scm::preset("shortcut").unwrap();
    let id = scenario.id("x_s").unwrap();
    scenario.nodes[id.0].noise = Noise::Gaussian {
        sd: Param::Fixed(1e308),
    };
    let sc = dir.path().join("s.json");
    std::fs::write(&sc, scenario.to_json()).unwrap();
    let out = dir.path().join("d.csv");
    let o = crl(&[
        "generate",
        "--scenario",
        sc.to_str().unwrap(),
        "--rows",
        "100",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_fails_with(&o, "node `x_s`");
    assert!(stderr(&o).contains("inf"), "{}", stderr(&o));
    assert!(!out.exists(), "no CSV with inf in it");
}

fn assert_no_files(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn bad_input_fails_cleanly_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let o = out.to_str().unwrap();
    assert_fails_with(&crl(&["generate", "--preset", "nope", "--out", o]), "nope");
    assert_fails_with(
        &crl(&["generate", "--rows", "10", "--shift", "1.5", "--out", o]),
        "1.5",
    );
    assert_fails_with(&crl(&["generate", "--rows", "0", "--out", o]), "at least 1");
    // A cyclic scenario file.
    let cyclic = dir.path().join("cyclic.json");
    let text = crl_lab::scm::preset("anti-causal")
        .unwrap()
        .to_json()
        .replace("\"from\": \"x_c\"", "\"from\": \"x_s\"");
    std::fs::write(&cyclic, text).unwrap();
    assert_fails_with(
        &crl(&[
            "generate",
            "--scenario",
            cyclic.to_str().unwrap(),
            "--rows",
            "10",
            "--out",
            o,
        ]),
        "cycle",
    );
    // Malformed JSON.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ \"format\": ").unwrap();
    assert_fails_with(
        &crl(&[
            "generate",
            "--scenario",
            broken.to_str().unwrap(),
            "--rows",
            "10",
            "--out",
            o,
        ]),
        "broken.json",
    );
    std::fs::remove_file(&cyclic).unwrap();
    std::fs::remove_file(&broken).unwrap();
    assert_no_files(dir.path());
    // An output folder that does not exist.
    let missing = dir.path().join("no/such/dir/d.csv");
    assert_fails_with(
        &crl(&[
            "generate",
            "--rows",
            "10",
            "--out",
            missing.to_str().unwrap(),
        ]),
        "no/such/dir",
    );
}

#[test]
fn truth_prints_exact_mi_or_refuses() {
    let o = crl(&[
        "truth",
        "--preset",
        "linear-gaussian",
        "--a",
        "c",
        "--b",
        "x_s",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let want = format!("{:.6}", 0.5 * 10f64.ln());
    assert!(out.contains(&want), "{out} should contain {want}");
    assert_fails_with(
        &crl(&["truth", "--preset", "shortcut", "--a", "x_c", "--b", "y"]),
        "linear-Gaussian",
    );
    assert_fails_with(
        &crl(&[
            "truth",
            "--preset",
            "linear-gaussian",
            "--a",
            "ghost",
            "--b",
            "y",
        ]),
        "ghost",
    );
}

#[test]
fn train_and_sweep_write_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let o = crl(&[
        "train",
        "--preset",
        "anti-causal",
        "--steps",
        "100",
        "--train-rows",
        "2000",
        "--batch",
        "128",
        "--device",
        "cpu",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("device: cpu"), "{err}");
    assert!(err.contains("capacity-matched"), "{err}");
    // The throughput over the whole training time, reports included, per step and per model.
    assert!(
        err.contains("steps/s") && err.contains("model-steps/s over 2 models on"),
        "{err}"
    );
    let metrics = std::fs::read_to_string(run.join("metrics.csv")).unwrap();
    assert!(metrics.starts_with("step,member,model,beta,seed,total_loss,supervised_loss,penalty,penalty_critic_estimate,monitor_target,monitor_target_nats,monitor_mi_zc_given_y,monitor_mi_zc,monitor_mi_zy,val_loss,val_metric"));
    // The shortcut preset's penalty is conditional: the target is I(z; c | y), and its reading is
    // the I(z; c | y) probe's.
    let row: Vec<&str> = metrics.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[9], "I(z;c|y)");
    assert_eq!(row[10], row[11]);
    assert_eq!(
        metrics.lines().count(),
        1 + 4 * 2,
        "four reports (steps 10, 25, 50, 100) of two members"
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["train"]["steps"], 100);
    assert_eq!(config["scenario"]["name"], "anti-causal");

    let sw = dir.path().join("sweep");
    let o = crl(&[
        "sweep",
        "--preset",
        "anti-causal",
        "--shifts",
        "0:1:3",
        "--seeds",
        "2",
        "--steps",
        "50",
        "--train-rows",
        "2000",
        "--batch",
        "128",
        "--device",
        "cpu",
        "--out",
        sw.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sweep = std::fs::read_to_string(sw.join("sweep.csv")).unwrap();
    let mut lines = sweep.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,shift,seed,accuracy,auc,logloss"
    );
    // Baseline, CRL and the causal-features-only oracle, 2 seeds, 3 shifts.
    assert_eq!(lines.count(), 3 * 2 * 3);
    let summary = std::fs::read_to_string(sw.join("summary.csv")).unwrap();
    assert!(summary.starts_with("model,beta,shift,n_seeds,accuracy_mean,accuracy_std"));
    assert_eq!(summary.lines().count(), 1 + 3 * 3);
    assert_eq!(
        summary.lines().filter(|l| l.starts_with("oracle,")).count(),
        3
    );
    assert!(sw.join("config.json").exists() && sw.join("reliance.csv").exists());
}

#[test]
fn training_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("x");
    let o = o.to_str().unwrap();
    assert_fails_with(
        &crl(&["train", "--estimator", "magic", "--out", o]),
        "magic",
    );
    assert_fails_with(&crl(&["sweep", "--shifts", "0:3:2", "--out", o]), "shift");
    assert_fails_with(
        &crl(&["train", "--lr", "-1", "--device", "cpu", "--out", o]),
        "lr",
    );
    assert_fails_with(
        &crl(&["calibrate", "--rho", "1.5", "--device", "cpu"]),
        "rho",
    );
}

#[test]
fn calibrate_prints_estimate_and_truth() {
    let o = crl(&[
        "calibrate",
        "--estimator",
        "infonce",
        "--rho",
        "0.5",
        "--dim",
        "2",
        "--steps",
        "200",
        "--device",
        "cpu",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let truth = format!("{:.4}", -(0.75f64.ln()));
    assert!(out.contains(&truth) && out.contains("lower bound"), "{out}");
}

/// `calibrate --all` runs every estimator that calibrates on Gaussians over the calibration grid
/// and prints one table with the truth, the ideal, the estimate and both biases.
#[test]
fn calibrate_all_prints_every_estimator_with_its_ideal() {
    let o = crl(&[
        "calibrate",
        "--all",
        "--dim",
        "2",
        "--steps",
        "100",
        "--device",
        "cpu",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let header = out.lines().next().unwrap();
    for col in [
        "estimator",
        "rho",
        "truth",
        "ideal",
        "estimate",
        "bias vs truth",
        "bias vs ideal",
    ] {
        assert!(header.contains(col), "`{col}` not in {header}");
    }
    for name in ["nce-club", "club", "club-sample", "infonce"] {
        let rows: Vec<&str> = out
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(name))
            .collect();
        assert_eq!(rows.len(), 6, "{name}: one row per correlation in\n{out}");
        assert!(rows.iter().all(|r| r.contains('%')), "{rows:?}");
    }
    assert!(!out.contains("club-categorical"), "{out}");
    // ρ = 0.9, d = 2: the CLUB family's ideal is 2 · 0.81 / 0.19 = 8.5263.
    let row = out
        .lines()
        .find(|l| l.starts_with("club ") && l.contains(" 0.9 "))
        .expect("the club row at 0.9");
    assert!(row.contains("8.5263"), "{row}");
    // Progress and the device go to stderr, one line per estimator.
    let err = stderr(&o);
    assert!(err.contains("device:") && err.contains("infonce:"), "{err}");
    // --all picks the estimators and the correlations itself.
    assert_fails_with(
        &crl(&[
            "calibrate",
            "--all",
            "--estimator",
            "club",
            "--device",
            "cpu",
        ]),
        "--estimator",
    );
}

/// Issue 15: a noise sd of 1e308 is finite, but its draws overflow. `generate` ends with one
/// line naming the node and the row, exit 1, and writes no CSV (never an `inf`).
#[test]
fn generate_refuses_noise_that_overflows_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut sc = crl_lab::scm::preset("shortcut").unwrap();
    let x_s = sc.nodes.iter_mut().find(|n| n.name == "x_s").unwrap();
    x_s.noise = crl_lab::scm::Noise::Gaussian {
        sd: crl_lab::scm::Param::Fixed(1e308),
    };
    let file = dir.path().join("loud.json");
    sc.save(&file).unwrap();
    let out = dir.path().join("rows.csv");
    let o = crl(&[
        "generate",
        "--scenario",
        file.to_str().unwrap(),
        "--rows",
        "1000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_fails_with(&o, "node `x_s`");
    assert!(stderr(&o).contains("row "), "{}", stderr(&o));
    assert!(!out.exists(), "no CSV is written");
    assert!(!Path::new(&format!("{}.json", out.display())).exists());
}

/// The commands whose outputs `tests/data/golden/` holds, as the crl-lab of 8 December 2026
/// (before issue 25's restructuring) wrote them: each a name and its arguments, run in one
/// folder in this order (later commands read what earlier ones wrote); arguments are separated
/// by spaces.
const GOLDEN_RUNS: [(&str, &str); 11] = [
    ("truth", "truth --preset linear-gaussian --a x_c --b y"),
    (
        "generate",
        "generate --preset shortcut --rows 300 --shift 0.5 --seed 3 --out gen.csv",
    ),
    (
        "train",
        "train --preset anti-causal --steps 60 --train-rows 400 --batch 64 --device cpu --threads 1 --out train",
    ),
    (
        "sweep",
        "sweep --preset shortcut --shifts 0:1:3 --seeds 2 --steps 40 --train-rows 300 --batch 64 --device cpu --threads 1 --out sweep",
    ),
    (
        "ws",
        "workspace --preset exposure-bias --steps 30 --seeds 1 --out ws.json",
    ),
    ("runws", "run ws.json --device cpu --out runws"),
    ("lfix", "logs-fixture --out L"),
    (
        "logs",
        "logs --train L/train.csv --test L/test.csv --map L/mapping.json --steps 30 --seeds 1 --device cpu --out logs",
    ),
    ("kfix", "kuairand-fixture --out K"),
    (
        "kuai",
        "kuairand --dir K --steps 30 --seeds 1 --device cpu --out kuai",
    ),
    ("done", "presets"),
];

/// Byte for byte, the same seeds and settings give the same files and tables as before the
/// restructuring: datasets, the analytic truth, training and sweep results, a workspace and
/// its rerun, the logs and KuaiRand tables (timings, which no two runs share, are not stored).
#[test]
fn outputs_are_byte_identical_to_the_files_of_the_last_release() {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden");
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, args) in GOLDEN_RUNS {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_crl-lab"))
            .args(args.split_whitespace())
            .current_dir(dir.path())
            .output()
            .expect("run crl-lab");
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let stdout = golden.join(format!("{name}.stdout"));
        if stdout.exists() {
            let want = std::fs::read_to_string(&stdout).expect("golden stdout");
            assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{name}'s table");
        }
    }
    let mut files = Vec::new();
    let mut stack = vec![golden.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("golden folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_none_or(|x| x != "stdout") {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 15, "the golden files: {}", files.len());
    for want in files {
        let rel = want.strip_prefix(&golden).expect("inside");
        let got = std::fs::read(dir.path().join(rel))
            .unwrap_or_else(|e| panic!("{} was not written: {e}", rel.display()));
        let want = std::fs::read(&want).expect("golden file");
        assert!(
            got == want,
            "{} differs from the last release's",
            rel.display()
        );
    }
}
