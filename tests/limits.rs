//! Resource limits (issue 15): sizes a scenario or a configuration may name, and the memory
//! budget checked before anything is allocated, in the library, the command line and the app.
//!
//! Every test here takes `LOCK`: some set the process's memory budget, which every other
//! request in this process then sees.

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
use std::sync::Mutex;

use crl_lab::Error;
use crl_lab::data::Sampler;
use crl_lab::experiment::{TrainJob, TrainSettings};
use crl_lab::limits::{MAX_CLASSES, MAX_NODE_DIM, MAX_NODES, MemoryBudget, set_process_budget};
use crl_lab::scm::{Edge, Mechanism, Node, Noise, Param, Role, Scenario, preset};

static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The shortcut preset with its confounder `c` made categorical with `classes` classes.
fn with_classes(classes: usize) -> Scenario {
    let mut sc = preset("shortcut").unwrap();
    let c = sc.nodes.iter_mut().find(|n| n.name == "c").unwrap();
    c.mechanism = Mechanism::Categorical { classes };
    c.bias.clear();
    c.parents.clear();
    sc
}

/// The shortcut preset with one more feature of dimension `dim`, fed by nothing.
fn with_wide_feature(dim: usize) -> Scenario {
    let mut sc = preset("shortcut").unwrap();
    sc.nodes.push(Node {
        name: "wide".into(),
        role: Role::Feature,
        dim,
        mechanism: Mechanism::Linear,
        noise: Noise::Gaussian {
            sd: Param::Fixed(1.0),
        },
        bias: Vec::new(),
        parents: Vec::new(),
    });
    sc
}

fn write_scenario(dir: &Path, sc: &Scenario) -> String {
    let path = dir.join("scenario.json");
    sc.save(&path).unwrap();
    path.display().to_string()
}

/// Landed tree: `memory allocation of 800000000000 bytes failed`, exit 134. Now: one line
/// naming the node and the limit, exit 1, before anything is allocated.
#[test]
fn a_categorical_node_of_a_hundred_million_classes_is_refused() {
    let _g = lock();
    let sc = with_classes(100_000_000);
    let e = sc.validate().unwrap_err().to_string();
    assert!(
        e.contains("node `c`'s number of classes is 100000000")
            && e.contains(&MAX_CLASSES.to_string()),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), &sc);
    let out = dir.path().join("rows.csv");
    let o = crl(&[
        "generate",
        "--scenario",
        &path,
        "--rows",
        "1000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("number of classes"), "{}", stderr(&o));
    assert!(!out.exists());
    // At the limit it samples.
    assert!(crl_lab::data::sample(&with_classes(MAX_CLASSES), 50, 0.0, 1).is_ok());
}

/// Landed tree: a 20,000-dimensional feature with `--rows 100000` grew past 7.8 GB and was still
/// running after two minutes. Now the request is refused at once with its figure, the limit,
/// and the flag that changes it.
#[test]
fn rows_times_columns_over_the_budget_are_refused_before_sampling() {
    let _g = lock();
    let sc = with_wide_feature(20_000);
    let sampler = Sampler::new(&sc, 0.0)
        .unwrap()
        .with_budget(MemoryBudget::from_mb(8_000));
    // 100,000 rows × 20,009 columns: 8.0 GB of f32 columns and 16 GB of f64 working values.
    let e = sampler.sample(100_000, 1).unwrap_err();
    assert!(matches!(e, Error::OverBudget { .. }), "{e}");
    let text = e.to_string();
    for needle in [
        "sampling 100,000 rows × 20,009 columns",
        "24.0 GB",
        "8.0 GB",
        "--max-memory-mb",
    ] {
        assert!(text.contains(needle), "`{needle}` not in: {text}");
    }
    // Fewer rows fit the same budget.
    assert!(sampler.check_rows(1_000).is_ok());

    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), &sc);
    let out = dir.path().join("rows.csv");
    let o = crl(&[
        "generate",
        "--scenario",
        &path,
        "--rows",
        "100000",
        "--max-memory-mb",
        "8000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("24.0 GB") && err.contains("8.0 GB") && err.contains("--max-memory-mb"),
        "{err}"
    );
    assert!(!out.exists());
}

/// A node, a dimension, a graph and an edge each have a cap, checked by validation.
#[test]
fn sizes_past_their_caps_are_refused_naming_the_size() {
    let _g = lock();
    let e = with_wide_feature(MAX_NODE_DIM + 1)
        .validate()
        .unwrap_err()
        .to_string();
    assert!(e.contains("node `wide`'s dimension is 65537"), "{e}");
    assert!(with_wide_feature(MAX_NODE_DIM).validate().is_ok());

    let mut many = preset("shortcut").unwrap();
    for i in 0..MAX_NODES {
        many.nodes.push(Node::root(
            &format!("extra{i}"),
            Role::Latent,
            1,
            Noise::None,
        ));
    }
    let e = many.validate().unwrap_err().to_string();
    assert!(
        e.contains("the number of nodes is") && e.contains("256"),
        "{e}"
    );

    // A 4,096-dimensional node fed by a 2,048-dimensional one: 8.4 M weights on one edge.
    let mut wide_edge = with_wide_feature(2_048);
    wide_edge.nodes.push(Node {
        name: "wider".into(),
        role: Role::Latent,
        dim: 4_096,
        mechanism: Mechanism::Linear,
        noise: Noise::None,
        bias: Vec::new(),
        parents: vec![Edge::uniform("wide", 4_096, 2_048, Param::Fixed(0.0))],
    });
    let e = wide_edge.validate().unwrap_err().to_string();
    assert!(
        e.contains("the weight matrix of `wide -> wider` (4096 × 2048)"),
        "{e}"
    );
}

/// Widths, layers, batches and rows of a training configuration have caps too.
#[test]
fn training_settings_past_their_caps_are_refused() {
    type Change = fn(&mut TrainSettings);
    let _g = lock();
    let sc = preset("shortcut").unwrap();
    let cases: [(Change, &str); 4] = [
        (
            |s| s.config.hidden = vec![64, 1_000_000_000],
            "a hidden width is 1000000000",
        ),
        (
            |s| s.config.hidden = vec![8; 17],
            "the number of hidden layers is 17",
        ),
        (|s| s.config.z_dim = 100_000, "`z_dim` is 100000"),
        (
            |s| s.config.penalty_batch = 1_000_000,
            "`penalty_batch` is 1000000",
        ),
    ];
    for (change, needle) in cases {
        let mut s = TrainSettings::for_scenario(&sc);
        change(&mut s);
        let e = TrainJob::from_settings(&sc, &s).unwrap_err().to_string();
        assert!(e.contains(needle), "`{needle}` not in: {e}");
    }
}

/// A run whose members × rows × columns (with models and optimiser state) pass the budget is
/// refused before any row is sampled; the same run fits a larger budget.
#[test]
fn a_training_run_over_the_budget_is_refused_before_it_starts() {
    let _g = lock();
    let sc = with_wide_feature(2_000);
    let mut settings = TrainSettings::for_scenario(&sc);
    settings.n_seeds = 3;
    let job = TrainJob::from_settings(&sc, &settings).unwrap();
    // Sampling 20,000 rows of 2,009 columns fits 1,500 MB; nine models' rows, weights and
    // optimiser state do not.
    set_process_budget(Some(1_500));
    let refused = job.check_memory();
    set_process_budget(Some(100_000));
    let fits = job.check_memory();
    set_process_budget(None);
    let text = refused.unwrap_err().to_string();
    assert!(
        text.contains("training 9 model(s) on 20,000 + 2,000 rows × 2,007 columns each")
            && text.contains("1.5 GB"),
        "{text}"
    );
    fits.unwrap();
}

/// The `KuaiRand` reader stops at the budget, naming the file and the row, instead of reading
/// the whole log into memory.
#[test]
fn the_kuairand_reader_stops_at_the_budget() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("kr");
    let o = crl(&[
        "kuairand-fixture",
        "--out",
        folder.to_str().unwrap(),
        "--seed",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("run");
    let o = crl(&[
        "kuairand",
        "--dir",
        folder.to_str().unwrap(),
        "--cache",
        "off",
        "--max-memory-mb",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("reading ") && err.contains("log_standard") && err.contains("1 MB"),
        "{err}"
    );
}
