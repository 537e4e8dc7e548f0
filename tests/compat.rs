//! Files written before typed identity (model kinds, the outcome kind, the view as an enum) open
//! and save back byte for byte, and the types read from them what the old strings meant.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::Path;

use crl_lab::experiment::{RunMode, RunResults};
use crl_lab::mi::EstimatorKind;
use crl_lab::scm::OutcomeKind;
use crl_lab::session::{Tab, Workspace};
use crl_lab::train::{MemberSpec, ModelKind};

/// `tests/data/small_workspace.json` was written by crl-lab before the restructuring.
fn old_file() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_workspace.json");
    std::fs::read_to_string(path).expect("the old workspace file")
}

#[test]
fn every_stored_view_opens_as_its_tab_and_saves_back_unchanged() {
    let old = old_file();
    assert!(old.contains("\"view\": \"Overview\""));
    let keys = [
        ("Overview", Tab::Overview),
        ("Loss", Tab::Loss),
        ("Mi", Tab::Mi),
        ("Ood", Tab::Ood),
        ("TradeOff", Tab::TradeOff),
        ("Representation", Tab::Representation),
        ("Data", Tab::Data),
        ("Calibration", Tab::Calibration),
        ("KuaiRand", Tab::KuaiRand),
    ];
    assert_eq!(keys.len(), Tab::ALL.len());
    for (key, tab) in keys {
        let text = old.replace("\"view\": \"Overview\"", &format!("\"view\": \"{key}\""));
        let ws = Workspace::from_json(&text, "old").unwrap();
        assert_eq!(ws.plots.view, tab, "{key}");
        assert_eq!(
            ws.to_json().unwrap(),
            text,
            "{key} saves back byte for byte"
        );
    }
}

#[test]
fn an_unknown_view_opens_the_overview() {
    let text = old_file().replace("\"view\": \"Overview\"", "\"view\": \"Hologram\"");
    let ws = Workspace::from_json(&text, "old").unwrap();
    assert_eq!(ws.plots.view, Tab::Overview);
}

#[test]
fn old_results_read_their_model_kinds_and_outcome() {
    let ws = Workspace::from_json(&old_file(), "old").unwrap();
    let run = ws.results.expect("the old file has results");
    assert_eq!(
        run.outcome, None,
        "the old file does not store the outcome kind"
    );
    assert_eq!(run.outcome_kind(), OutcomeKind::Binary);
    assert!(!run.members.is_empty());
    for (i, m) in run.members.iter().enumerate() {
        let want = if i % 2 == 0 {
            ModelKind::Baseline
        } else {
            ModelKind::Crl
        };
        assert_eq!(m.kind, want, "member {i}");
        assert_eq!(m.kind.is_baseline(), m.beta == 0.0, "member {i}");
    }
    let kinds: Vec<ModelKind> = run.groups.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, [ModelKind::Baseline, ModelKind::Crl]);
    assert!(run.eval.iter().any(|r| r.model == ModelKind::Crl));
}

#[test]
fn an_old_continuous_run_is_told_by_its_missing_accuracy() {
    let mut v: serde_json::Value = serde_json::from_str(&old_file()).unwrap();
    for row in v["results"]["eval"].as_array_mut().unwrap() {
        row["metrics"]["accuracy"] = serde_json::Value::Null;
    }
    let text = serde_json::to_string(&v).unwrap();
    let ws = Workspace::from_json(&text, "old").unwrap();
    let run = ws.results.unwrap();
    assert_eq!(run.outcome_kind(), OutcomeKind::Continuous);
}

#[test]
fn new_results_store_their_outcome_kind_and_labels() {
    let members = vec![MemberSpec::baseline(4), MemberSpec::crl(4, 2.5)];
    let run = RunResults::new(
        OutcomeKind::Continuous,
        RunMode::Compare,
        members,
        EstimatorKind::NceClub,
        64,
        100,
        vec![0.0, 1.0],
    );
    // Before any evaluation row the kind is known (the loss axis of a running regression).
    assert_eq!(run.outcome_kind(), OutcomeKind::Continuous);
    let text = serde_json::to_string(&run).unwrap();
    assert!(text.contains("\"outcome\":\"continuous\""), "{text}");
    assert!(text.contains("\"label\":\"baseline\"") && text.contains("\"label\":\"crl\""));
    let back: RunResults = serde_json::from_str(&text).unwrap();
    assert_eq!(back, run);
    assert_eq!(back.groups[0].name, "baseline");
    assert_eq!(back.groups[1].name, "CRL (β = 2.5)");
}

#[test]
fn model_kinds_read_as_the_names_files_use() {
    assert_eq!(ModelKind::Baseline.to_string(), "baseline");
    assert_eq!(format!("{:<9}|", ModelKind::Crl), "crl      |");
    assert!(ModelKind::Crl == "crl" && ModelKind::Baseline != "crl");
    let spec: MemberSpec =
        serde_json::from_str(r#"{"label": "crl", "beta": 3.0, "seed": 7}"#).unwrap();
    assert_eq!(spec, MemberSpec::crl(7, 3.0));
    let oracle: MemberSpec =
        serde_json::from_str(r#"{"label": "oracle", "beta": 0, "seed": 1}"#).unwrap();
    assert_eq!(oracle, MemberSpec::oracle(1));
    assert!(
        serde_json::from_str::<MemberSpec>(r#"{"label": "teacher", "beta": 0, "seed": 1}"#)
            .is_err()
    );
}
