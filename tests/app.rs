//! The desktop app driven through egui_kittest: clicks by label, assertions on the app's state.
#![cfg(feature = "gui")]
// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::{small_run, step_until};

use std::time::{Duration, Instant};

use crl_lab::experiment::RunState;
use crl_lab::scm::{Noise, Param};
use crl_lab::train::{DeviceChoice, ModelKind};
use crl_lab::ui::{AppOptions, Command, CrlApp, DiscardAnswer, Selection, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn app() -> Harness<'static, CrlApp> {
    Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|cc| CrlApp::with_options(cc, &AppOptions::headless()))
}

fn edges(h: &Harness<'_, CrlApp>) -> Vec<(String, String)> {
    let s = &h.state().state.scenario;
    let mut out: Vec<(String, String)> = s
        .nodes
        .iter()
        .flat_map(|n| n.parents.iter().map(|e| (e.from.clone(), n.name.clone())))
        .collect();
    out.sort();
    out
}

/// Drags from the centre of one accessible widget to the centre of another.
fn drag(h: &mut Harness<'_, CrlApp>, from_label: &str, to_label: &str) {
    let from = h.get_by_label(from_label).rect().center();
    let to = h.get_by_label(to_label).rect().center();
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=5 {
        h.hover_at(from + (to - from) * (k as f32 / 5.0));
        h.step();
    }
    h.drop_at(to);
    h.run();
}

#[test]
fn opens_on_the_default_preset_with_its_explanation() {
    let mut h = app();
    h.run();
    assert_eq!(h.state().state.scenario.name, "shortcut");
    assert_eq!(h.state().state.layout.len(), 6, "every node has a position");
    h.get_by_label("Train");
    assert!(
        h.get_all_by_label_contains("easier to learn than the cause")
            .count()
            >= 1
    );
    assert!(h.state().validation().is_ok());
}

#[test]
fn loads_a_preset_from_the_menu_and_undo_brings_the_old_graph_back() {
    let mut h = app();
    h.run();
    h.get_by_label("Presets").click();
    h.run();
    h.get_by_label_contains("linear-gaussian").click();
    h.run();
    assert_eq!(h.state().state.scenario.name, "linear-gaussian");
    assert_eq!(h.state().state.scenario.nodes.len(), 4);
    assert!(h.get_all_by_label_contains("Everything Gaussian").count() >= 1);
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(h.state().state.scenario.name, "shortcut");
}

#[test]
fn adds_a_node_and_connects_it_by_dragging() {
    let mut h = app();
    h.run();
    h.get_by_label("+ Node").click();
    h.run();
    h.get_by_label("confounder").click();
    h.run();
    let s = &h.state().state.scenario;
    assert_eq!(s.nodes.len(), 7);
    assert!(s.id("c2").is_ok(), "the new confounder is named c2");
    assert_eq!(h.state().selection, Selection::Node("c2".into()));
    let before = edges(&h);
    drag(&mut h, "connect from c2", "x_s");
    let after = edges(&h);
    assert_eq!(after.len(), before.len() + 1, "one edge added: {after:?}");
    assert!(after.contains(&("c2".into(), "x_s".into())));
    assert!(h.state().state.scenario.validate().is_ok());
}

#[test]
fn refuses_an_edge_that_closes_a_cycle_and_keeps_the_graph() {
    let mut h = app();
    h.run();
    let before = edges(&h);
    // y -> c -> x_s exists, so x_s -> y would close x_s -> y -> c -> x_s.
    drag(&mut h, "connect from x_s", "y");
    assert_eq!(edges(&h), before, "the graph is unchanged");
    let notice = h.state().notice.clone().expect("a visible message");
    assert!(notice.error && notice.graph);
    assert!(notice.text.contains("cycle"), "{}", notice.text);
    h.get_by_label_contains("the graph has a cycle");
    assert!(
        !h.state().can_undo(),
        "a refused edit leaves nothing to undo"
    );
}

#[test]
fn an_added_edge_is_undone_and_redone_with_the_keyboard() {
    let mut h = app();
    h.run();
    let before = edges(&h);
    drag(&mut h, "connect from x_c", "x_s");
    assert_eq!(edges(&h).len(), before.len() + 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(edges(&h), before);
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    assert_eq!(edges(&h).len(), before.len() + 1);
}

#[test]
fn delete_key_removes_the_selected_node_and_training_then_explains_why_it_cannot_start() {
    let mut h = app();
    h.run();
    h.get_by_label("y").click();
    h.run();
    assert_eq!(h.state().selection, Selection::Node("y".into()));
    h.key_press(egui::Key::Delete);
    h.run();
    let s = &h.state().state.scenario;
    assert!(s.id("y").is_err());
    assert_eq!(s.nodes.len(), 5, "the rest of the graph is kept");
    assert!(h.state().validation().is_err());
    h.get_by_label("Train").click();
    h.run();
    let notice = h.state().notice.clone().expect("a message");
    assert!(notice.text.contains("no outcome node"), "{}", notice.text);
    assert!(h.state().run.is_none(), "nothing started");
    assert_eq!(h.state().state.scenario.nodes.len(), 5, "nothing lost");
}

#[test]
fn inspector_edits_a_parameter_into_a_shifting_one() {
    let mut h = app();
    h.run();
    h.get_by_label("x_s").click();
    h.run();
    // The noise sd of x_s gets a Δ toggle: mark it as shifting.
    let toggles = h.get_all_by_label("Δ").count();
    assert!(toggles >= 1);
    h.get_all_by_label("Δ").next().expect("a toggle").click();
    h.run();
    let s = &h.state().state.scenario;
    let x_s = s.node(s.id("x_s").expect("x_s"));
    assert!(
        matches!(x_s.noise, Noise::Gaussian { sd: Param::Shifting { train, test } } if train == 0.3 && test == 0.3),
        "{x_s:?}"
    );
    // The inspector now offers the training and the test value.
    h.get_by_label("train");
    h.get_by_label("test");
    assert!(h.state().can_undo());
}

#[test]
fn a_short_cpu_run_fills_the_plots() {
    let mut h = app();
    {
        let st = &mut h.state_mut().state.train;
        st.device = DeviceChoice::Cpu;
        st.config.steps = 40;
        st.config.n_train = 2_000;
        st.config.n_val = 500;
        st.config.n_test = 500;
        st.config.beta_warmup_steps = 10;
        st.n_seeds = 2;
        st.shift_grid = "0, 0.5, 1".into();
    }
    h.run();
    h.get_by_label("Train").click();
    h.step();
    let t0 = Instant::now();
    loop {
        h.step();
        let state = h.state().run.as_ref().map(|r| r.state.clone());
        match state {
            Some(RunState::Done) => break,
            Some(RunState::Failed(e)) => panic!("training failed: {e}"),
            _ => {}
        }
        assert!(
            t0.elapsed() < Duration::from_mins(5),
            "training did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = h.state().run.as_ref().expect("a run");
    let kinds: Vec<ModelKind> = run.groups.iter().map(|g| g.kind).collect();
    assert_eq!(
        kinds,
        [ModelKind::Baseline, ModelKind::Crl, ModelKind::Oracle],
        "baseline, CRL and the causal-features-only reference"
    );
    assert_eq!(run.groups[2].name, "causal features only");
    // The MI view leads with the penalised quantity: the shortcut preset's penalty is
    // conditional, and every member's probe measured I(z; c | y).
    assert!(run.conditional());
    assert_eq!(run.monitored_target_name(), "I(z; c | y)");
    assert!(
        run.reports
            .iter()
            .all(|r| r.members.iter().all(|m| m.mi_zc_given_y.is_finite()))
    );
    assert!(
        run.reports.len() >= 2,
        "reports arrived: {}",
        run.reports.len()
    );
    assert_eq!(run.reports.last().map(|r| r.step), Some(40));
    for g in &run.groups {
        let loss = run.series(g, |m| m.supervised_loss);
        assert_eq!(loss.len(), run.reports.len());
        assert!(
            loss.iter().all(|p| p[1].is_finite() && p[1] > 0.0),
            "{loss:?}"
        );
        let ood = run.group_summary(g);
        assert_eq!(ood.len(), 3, "one point per shift for {}", g.name);
        assert!(
            ood.iter()
                .all(|r| r.n_seeds == 2 && (0.0..=1.0).contains(&r.mean.accuracy))
        );
    }
    let info = run.info.as_ref().expect("run info");
    assert!(
        info.device.contains("CPU") || info.device.contains("cpu") || info.device.contains("flex"),
        "{}",
        info.device
    );
    // The plots render with data in every tab.
    // Issue 12: every shift was scored at each report; what stays is of the last step, on
    // every test row, and the OOD view says so above its plot.
    assert_eq!(
        run.eval_at,
        Some(crl_lab::experiment::EvalAt {
            step: 40,
            rows: 500
        })
    );
    // The representation view: the baseline's and the CRL model's projected z, at s = 0 and
    // at the chosen shift.
    h.state_mut()
        .handle_command(crl_lab::ui::Command::SetTab(Tab::Representation));
    h.run();
    assert_eq!(h.query_all_by_label_contains("axes explain").count(), 2);
    assert_eq!(h.query_all_by_label("s = 0").count(), 2);
    assert_eq!(h.query_all_by_label("s = 1").count(), 2);
    h.get_by_label("outcome y").click();
    h.run();
    assert_eq!(
        h.state().state.representation.colour,
        crl_lab::ui::ColourBy::Outcome
    );
    for tab in [Tab::Loss, Tab::Mi, Tab::Ood, Tab::Overview] {
        h.state_mut()
            .handle_command(crl_lab::ui::Command::SetTab(tab));
        h.run();
        if tab == Tab::Ood {
            h.get_by_label("after the last step (40) · 500 test rows per shift");
        }
    }
    assert_eq!(
        h.state().run.as_ref().map(|r| r.state.clone()),
        Some(RunState::Done)
    );
}

/// A real-logs run short enough for a test: 30 steps of one seed on the CPU.
fn short_real_logs_run(st: &mut crl_lab::ui::AppState, n_val: usize) {
    st.train.device = DeviceChoice::Cpu;
    st.train.config.steps = 30;
    st.train.config.n_val = n_val;
    st.train.config.beta_warmup_steps = 5;
    st.train.n_seeds = 1;
}

fn wait_for_kuairand(h: &mut Harness<'_, CrlApp>) {
    let t0 = Instant::now();
    while h.state().kuairand.running {
        h.step();
        assert!(
            t0.elapsed() < Duration::from_mins(5),
            "KuaiRand run did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.step();
}

#[test]
fn kuairand_folder_trains_both_models_and_fills_the_table() {
    use crl_lab::data::kuairand::{FixtureConfig, write_fixture};
    use crl_lab::experiment::EvalSet;
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture(
        dir.path(),
        &FixtureConfig {
            users: 60,
            videos: 50,
            standard_rows: 3_000,
            random_rows: 1_000,
            seed: 1,
        },
    )
    .expect("fixture");
    let mut h = app();
    {
        let st = &mut h.state_mut().state;
        short_real_logs_run(st, 300);
        st.kuairand.dir = dir.path().display().to_string();
        st.kuairand.n_train = 2_000;
        st.tab = Tab::KuaiRand;
    }
    h.run();
    h.get_by_label("Train on KuaiRand").click();
    h.step();
    wait_for_kuairand(&mut h);
    let app = h.state();
    assert_eq!(app.kuairand.error, None);
    let sets: Vec<(ModelKind, EvalSet)> = app
        .kuairand
        .summary
        .iter()
        .map(|r| (r.model, r.set))
        .collect();
    assert_eq!(sets.len(), 4, "{sets:?}");
    for r in &app.kuairand.summary {
        assert!(
            (0.0..=1.0).contains(&r.mean.auc) && r.mean.logloss > 0.0,
            "{r:?}"
        );
    }
    // The references without training sit under the models, on both sets.
    assert_eq!(app.kuairand.references.len(), 4);
    let run = app.run.as_ref().expect("the loss and MI plots get the run");
    assert_eq!(run.state, RunState::Done);
    assert_eq!(run.reports.last().map(|r| r.step), Some(30));
    h.run();
    assert_eq!(h.query_all_by_label("base rate").count(), 2);
    assert_eq!(h.query_all_by_label("past popularity").count(), 2);
}

#[test]
fn a_folder_that_is_not_kuairand_is_named_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = app();
    h.state_mut().state.train.device = DeviceChoice::Cpu;
    h.state_mut().state.kuairand.dir = dir.path().display().to_string();
    h.state_mut().state.tab = Tab::KuaiRand;
    h.run();
    h.get_by_label("Train on KuaiRand").click();
    h.step();
    wait_for_kuairand(&mut h);
    let err = h.state().kuairand.error.clone().expect("an error");
    assert!(
        err.contains("log_standard") || err.contains("KuaiRand"),
        "{err}"
    );
    assert_eq!(
        h.state().state.scenario.name,
        "shortcut",
        "the scenario is untouched"
    );
}

#[test]
fn a_workspace_saved_to_a_typed_path_opens_back_and_a_damaged_one_keeps_the_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("work.json");
    let mut h = app();
    h.run();
    // Edit something, then save through the File menu's typed path.
    drag(&mut h, "connect from x_c", "x_s");
    let edited = edges(&h);
    assert!(h.state().is_dirty());
    h.state_mut().files.typed = path.display().to_string();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Save to path").click();
    h.step();
    step_until(&mut h, 30, "the save", |a| !a.files_busy());
    h.run();
    assert!(path.exists(), "{:?}", h.state().notice);
    assert!(!h.state().is_dirty());
    assert_eq!(
        h.state().state.recent.first(),
        Some(&path.display().to_string())
    );
    // Load another preset, then open the file again: the edited graph comes back.
    h.state_mut()
        .handle_command(crl_lab::ui::Command::LoadPreset("linear-gaussian".into()));
    h.run();
    h.state_mut()
        .handle_command(crl_lab::ui::Command::OpenWorkspace(Some(path.clone())));
    h.run();
    assert!(
        h.state().files.pending.is_some(),
        "unsaved work is asked about first"
    );
    h.get_by_label("Discard").click();
    h.step();
    step_until(&mut h, 30, "the open", |a| !a.files_busy());
    h.run();
    assert_eq!(h.state().state.scenario.name, "shortcut");
    assert_eq!(edges(&h), edited);
    // A damaged file: a clear message, the current work stays.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").expect("write");
    h.state_mut()
        .handle_command(crl_lab::ui::Command::OpenWorkspace(Some(bad)));
    step_until(&mut h, 30, "the open", |a| !a.files_busy());
    h.run();
    let notice = h.state().notice.clone().expect("a message");
    assert!(
        notice.error && notice.text.contains("bad.json"),
        "{}",
        notice.text
    );
    assert_eq!(edges(&h), edited);
}

// Headless checks of what the UI split made testable: commands that carry their path (no
// dialog opens in `handle_command`), and each job steered by its own control.

#[test]
fn file_commands_use_the_path_they_carry_and_say_when_none_was_picked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = app();
    let app = h.state_mut();

    app.handle_command(Command::ExportDataset(None));
    let notice = app.notice.clone().expect("a message");
    assert!(
        !notice.error && notice.text.contains("no file picked"),
        "{notice:?}"
    );

    let csv = dir.path().join("data.csv");
    app.handle_command(Command::ExportDataset(Some(csv.clone())));
    step_until(&mut h, 60, "the dataset", |a| !a.files_busy());
    let app = h.state_mut();
    assert!(csv.exists(), "{:?}", app.notice);

    app.handle_command(Command::SaveWorkspace(None));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("Not saved"))
    );
    let ws = dir.path().join("work.json");
    app.handle_command(Command::SaveWorkspace(Some(ws.clone())));
    step_until(&mut h, 30, "the save", |a| !a.files_busy());
    let app = h.state_mut();
    assert!(ws.exists() && !app.is_dirty(), "{:?}", app.notice);

    app.handle_command(Command::SetKuaiRandFolder(Some(dir.path().to_owned())));
    assert_eq!(app.state.kuairand.dir, dir.path().display().to_string());
}

#[test]
fn save_first_without_a_file_discards_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("work.json");
    let mut h = app();
    let app = h.state_mut();
    app.handle_command(Command::SaveWorkspace(Some(ws.clone())));
    app.handle_command(Command::LoadPreset("linear-gaussian".into()));
    app.handle_command(Command::OpenWorkspace(Some(ws.clone())));
    assert!(app.files.pending.is_some(), "unsaved work is asked about");

    app.handle_command(Command::AnswerDiscard(DiscardAnswer::SaveFirst(None)));
    assert!(app.notice.as_ref().is_some_and(|n| n.error));
    assert_eq!(
        app.state.scenario.name, "linear-gaussian",
        "nothing discarded"
    );

    app.handle_command(Command::OpenWorkspace(Some(ws)));
    app.handle_command(Command::AnswerDiscard(DiscardAnswer::Discard));
    step_until(&mut h, 30, "the open", |a| !a.files_busy());
    assert_eq!(h.state().state.scenario.name, "shortcut");
}

/// Steps the app until no job is running, so no thread outlives the test's checks.
fn settle(h: &mut Harness<'_, CrlApp>) {
    let t0 = Instant::now();
    while h.state().run.as_ref().is_some_and(|r| r.state.is_active()) || h.state().kuairand.running
    {
        h.step();
        assert!(t0.elapsed() < Duration::from_mins(2), "a job did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_training_beta_steers_a_training_run_and_not_a_kuairand_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = app();
    {
        let st = &mut h.state_mut().state;
        st.train.device = DeviceChoice::Cpu;
        st.train.config.steps = 400;
        st.train.config.n_train = 2_000;
        st.train.config.n_val = 500;
        st.train.config.n_test = 500;
        st.train.n_seeds = 1;
        st.kuairand.dir = dir.path().display().to_string();
    }
    let crl_named = |app: &CrlApp, text: &str| {
        app.run
            .as_ref()
            .is_some_and(|r| r.groups.iter().any(|g| g.name.contains(text)))
    };

    // A KuaiRand run on a folder that is not KuaiRand: active until its thread's failure is
    // taken in, which no frame does before the β below.
    h.state_mut().handle_command(Command::StartLogs);
    assert!(h.state().kuairand.running);
    h.state_mut().handle_command(Command::SetBeta(42.0));
    assert_eq!(
        h.state().state.train.config.beta,
        42.0,
        "the next run's setting"
    );
    assert!(!crl_named(h.state(), "42"), "the KuaiRand run keeps its β");
    settle(&mut h);

    h.state_mut().handle_command(Command::StartTraining);
    h.state_mut().handle_command(Command::SetBeta(43.0));
    assert!(
        crl_named(h.state(), "43"),
        "the training run takes the new β"
    );
    h.state_mut().handle_command(Command::StopTraining);
    settle(&mut h);
}

#[test]
fn export_all_writes_the_same_bundle_as_the_run_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_workspace.json");
    let mut h = app();
    h.state_mut()
        .handle_command(Command::OpenWorkspace(Some(ws)));
    step_until(&mut h, 30, "the open", |a| !a.files_busy());
    let app = h.state_mut();
    assert!(app.run.is_some(), "{:?}", app.notice);
    let out = dir.path().join("bundle");
    app.handle_command(Command::ExportAll(out.clone()));
    step_until(&mut h, 300, "the export", |a| !a.files_busy());
    let notice = h.state().notice.clone().expect("a message");
    assert!(!notice.error, "{notice:?}");
    for name in [
        "workspace.json",
        "ood.svg",
        "ood.png",
        "ood-double.png",
        "ood.csv",
        "calibration-double.png",
        "metrics.csv",
        "summary.csv",
        "data.csv",
    ] {
        assert!(out.join(name).is_file(), "{name} missing; {notice:?}");
    }
    // 4 plots × (SVG, PNG, double PNG, CSV) + workspace, 3 result tables and the dataset.
    assert!(notice.text.contains("Exported 21 files"), "{notice:?}");
    assert!(
        !out.join("tradeoff.svg").exists(),
        "a comparison has no trade-off plot"
    );
    // One figure, exported on the file thread, records the hash of the session it came from.
    let one = dir.path().join("one.svg");
    h.state_mut().handle_command(Command::ExportFigure {
        kind: crl_lab::export::PlotKind::Ood,
        format: crl_lab::export::FigureFormat::Svg,
        width: crl_lab::export::FigureWidth::Single,
        path: Some(one.clone()),
    });
    step_until(&mut h, 60, "the figure", |a| !a.files_busy());
    let hash = h.state().workspace().hash().expect("hash");
    let svg = std::fs::read_to_string(&one).expect("the figure");
    assert!(
        svg.contains(&format!("workspace fnv1a64:{hash}")),
        "{svg:.300}"
    );
}

#[test]
fn the_causal_features_reference_can_be_switched_off() {
    let mut h = app();
    h.run();
    assert!(h.state().state.train.config.oracle, "on by default");
    h.get_by_label("reference").click();
    h.run();
    assert!(!h.state().state.train.config.oracle);
    let (_, members, _) = h.state().state.train.plan().unwrap();
    assert!(members.iter().all(|m| m.kind != ModelKind::Oracle));
    h.get_by_label("reference").click();
    h.run();
    let (_, members, _) = h.state().state.train.plan().unwrap();
    assert_eq!(
        members
            .iter()
            .filter(|m| m.kind == ModelKind::Oracle)
            .count(),
        h.state().state.train.n_seeds
    );
}

/// Issue 11: the calibration view draws each estimator's ideal beside the truth (an upper bound
/// far above the diagonal is then seen to be doing what it should), and runs the staircase
/// after the correlations, off the UI thread.
#[test]
fn the_calibration_view_shows_the_ideal_and_the_staircase() {
    use crl_lab::experiment::{CALIBRATION_RHOS, STAIRCASE_NATS, StaircaseSettings};
    let mut h = app();
    {
        let st = &mut h.state_mut().state;
        st.train.device = DeviceChoice::Cpu;
        st.calibration.steps = 60;
        st.calibration.staircase = StaircaseSettings {
            dim: 5,
            steps_per_level: 20,
        };
        st.tab = Tab::Calibration;
    }
    h.run();
    h.get_by_label("Run calibration").click();
    h.step();
    assert!(h.state().calibration.running, "it runs on its own thread");
    let t0 = Instant::now();
    while h.state().calibration.running {
        h.step();
        assert!(
            t0.elapsed() < Duration::from_mins(2),
            "the calibration did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run();
    let cal = &h.state().calibration;
    assert_eq!(cal.error, None);
    assert_eq!(cal.points.len(), CALIBRATION_RHOS.len());
    for (c, &rho) in cal.points.iter().zip(&CALIBRATION_RHOS) {
        let ideal = c.ideal.expect("nce-club has an ideal");
        assert!((ideal - 5.0 * rho * rho / (1.0 - rho * rho)).abs() < 1e-9);
    }
    let s = cal.staircase.as_ref().expect("a staircase");
    assert_eq!(s.levels.len(), STAIRCASE_NATS.len());
    assert_eq!(s.history.len(), STAIRCASE_NATS.len() * 20 / 10);
    assert!(s.history.windows(2).all(|w| w[0].truth <= w[1].truth));
    // The ideal is labelled on the plots and tabulated.
    assert!(
        h.get_all_by_label_contains("ideal of nce-club: d·ρ²/(1−ρ²)")
            .count()
            >= 1,
        "the ideal's legend entry"
    );
    assert_eq!(h.get_all_by_label("ideal (nats)").count(), 2, "both tables");
    h.get_by_label_contains("estimate, mean ± sd");
    // The session keeps the staircase.
    let ws = h.state().workspace();
    assert_eq!(ws.calibration_staircase.map(|s| s.levels.len()), Some(5));
}

#[test]
fn your_logs_pick_column_roles_in_the_table_and_train() {
    use crl_lab::data::logs::{ColumnRole, LogMapping, LogsFixtureConfig, write_logs_fixture};
    use crl_lab::ui::LogSourceKind;
    use egui::accesskit::Role;
    let dir = tempfile::tempdir().expect("tempdir");
    let files = write_logs_fixture(
        dir.path(),
        &LogsFixtureConfig {
            users: 80,
            items: 40,
            train_rows: 2_000,
            test_rows: 600,
            seed: 4,
        },
    )
    .expect("fixture");
    let mut h = app();
    {
        let st = &mut h.state_mut().state;
        short_real_logs_run(st, 300);
        st.kuairand.kind = LogSourceKind::Files;
        st.kuairand.train_file = files.train.display().to_string();
        st.kuairand.test_file = files.test.display().to_string();
        st.tab = Tab::KuaiRand;
    }
    h.run();
    h.get_by_label("Load columns").click();
    h.run();
    // The first rows are read on the preview thread.
    step_until(&mut h, 10, "the columns", |a| !a.kuairand.previewing);
    // The first guess: the click column is the outcome, user and item ids are recognised, the
    // slot (text) is a categorical input until the user says otherwise.
    let role = |h: &Harness<'_, CrlApp>, c: &str| {
        h.state()
            .state
            .kuairand
            .roles
            .iter()
            .find(|(n, _)| n == c)
            .map(|(_, r)| *r)
    };
    assert_eq!(role(&h, "click"), Some(ColumnRole::Outcome));
    assert_eq!(role(&h, "user_id"), Some(ColumnRole::User));
    assert_eq!(role(&h, "item_id"), Some(ColumnRole::Item));
    assert_eq!(role(&h, "slot"), Some(ColumnRole::Categorical));
    assert_eq!(role(&h, "ts"), Some(ColumnRole::Time));
    // Pick the slot's role from its drop-down: it is the confounder proxy.
    h.get_by_role_and_label(Role::ComboBox, "slot").click();
    h.run();
    h.get_by_label("confounder proxy").click();
    h.run();
    assert_eq!(role(&h, "slot"), Some(ColumnRole::Confounder));
    // And the badge is not an input.
    h.get_by_role_and_label(Role::ComboBox, "badge").click();
    h.run();
    h.get_by_label("ignore").click();
    h.run();
    let m = h.state().state.kuairand.current_mapping();
    assert_eq!(m.confounders, ["slot"]);
    assert!(!m.categorical.contains(&"badge".to_owned()));
    assert_eq!(m.popularity_of.as_deref(), Some("item_id"));
    // The table's mapping is written on the file thread beside the training log, and read back
    // over a changed role.
    h.get_by_label("Save mapping").click();
    h.step();
    step_until(&mut h, 10, "the mapping saved", |a| !a.files_busy());
    let saved = files.train.parent().expect("a folder").join("mapping.json");
    let written = LogMapping::load(&saved).expect("the mapping file");
    assert_eq!(written.confounders, ["slot"]);
    assert_eq!(
        h.state().state.kuairand.map_file,
        saved.display().to_string()
    );
    h.state_mut()
        .state
        .kuairand
        .roles
        .iter_mut()
        .for_each(|(n, r)| {
            if n == "slot" {
                *r = ColumnRole::Ignore;
            }
        });
    h.get_by_label("Load mapping").click();
    h.step();
    step_until(&mut h, 10, "the mapping read", |a| !a.files_busy());
    assert_eq!(role(&h, "slot"), Some(ColumnRole::Confounder));
    h.get_by_label("Train on your logs").click();
    h.step();
    wait_for_kuairand(&mut h);
    let app = h.state();
    assert_eq!(app.kuairand.error, None);
    assert_eq!(app.kuairand.summary.len(), 4);
    // Base rate and item rate, on both sets.
    assert_eq!(app.kuairand.references.len(), 4);
    let caption = app.kuairand.caption.clone().expect("row counts");
    assert!(caption.contains("600 test rows"), "{caption}");
    h.run();
    assert_eq!(h.query_all_by_label("test log (OOD)").count(), 4);
    assert_eq!(h.query_all_by_label("training item rate").count(), 2);
}

#[test]
fn your_logs_without_an_outcome_say_so_and_keep_the_table() {
    use crl_lab::data::logs::ColumnRole;
    use crl_lab::ui::LogSourceKind;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.csv");
    std::fs::write(&path, "a,b\n1,x\n2,y\n").expect("write");
    let mut h = app();
    {
        let st = &mut h.state_mut().state;
        st.kuairand.kind = LogSourceKind::Files;
        st.kuairand.train_file = path.display().to_string();
        st.kuairand.test_file = path.display().to_string();
        st.tab = Tab::KuaiRand;
    }
    h.run();
    h.get_by_label("Load columns").click();
    h.run();
    // The first rows are read on the preview thread.
    step_until(&mut h, 10, "the columns", |a| !a.kuairand.previewing);
    h.get_by_label("Give one column the role outcome.");
    h.get_by_label("Train on your logs").click();
    h.run();
    let app = h.state();
    assert!(!app.kuairand.running);
    let e = app.kuairand.error.clone().expect("an error");
    assert!(e.contains("names no outcome column"), "{e}");
    assert_eq!(
        app.state.kuairand.roles,
        vec![
            ("a".to_owned(), ColumnRole::Numeric),
            ("b".to_owned(), ColumnRole::Categorical)
        ]
    );
}

#[test]
fn yahoo_r3_and_coat_folders_train_in_the_app() {
    use crl_lab::data::logs::{RatingFixtureConfig, write_coat_fixture, write_yahoo_fixture};
    use crl_lab::ui::LogSourceKind;
    for (kind, button) in [
        (LogSourceKind::YahooR3, "Train on Yahoo! R3"),
        (LogSourceKind::Coat, "Train on Coat"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = RatingFixtureConfig {
            users: 120,
            items: 80,
            train_per_user: 15,
            test_per_user: 8,
            seed: 2,
        };
        match kind {
            LogSourceKind::YahooR3 => write_yahoo_fixture(dir.path(), &config),
            _ => write_coat_fixture(dir.path(), &config),
        }
        .expect("fixture");
        let mut h = app();
        {
            let st = &mut h.state_mut().state;
            short_real_logs_run(st, 200);
            st.kuairand.kind = kind;
            st.kuairand.ratings_dir = dir.path().display().to_string();
            st.tab = Tab::KuaiRand;
        }
        h.run();
        h.get_by_label(button).click();
        h.step();
        wait_for_kuairand(&mut h);
        let app = h.state();
        assert_eq!(app.kuairand.error, None, "{kind:?}");
        assert_eq!(app.kuairand.summary.len(), 4, "{kind:?}");
        let caption = app.kuairand.caption.clone().expect("row counts");
        assert!(
            caption.contains(&format!("{} test rows", 120 * 8)),
            "{caption}"
        );
        h.run();
        assert_eq!(h.query_all_by_label("random test ratings (OOD)").count(), 4);
    }
}

#[test]
fn dagitty_keys_edit_the_node_under_the_pointer() {
    use crl_lab::scm::Role;
    use egui::Key;
    let mut h = app();
    h.run();
    let role = |h: &Harness<'_, CrlApp>, name: &str| {
        let s = &h.state().state.scenario;
        s.nodes.iter().find(|n| n.name == name).map(|n| n.role)
    };
    let hover = |h: &mut Harness<'_, CrlApp>, name: &str| {
        let at = h.get_by_label(name).rect().center();
        h.hover_at(at);
        h.run();
    };
    let press = |h: &mut Harness<'_, CrlApp>, key: Key| {
        h.key_press(key);
        h.run();
    };
    hover(&mut h, "x_s");
    press(&mut h, Key::K);
    assert_eq!(role(&h, "x_s"), Some(Role::Confounder), "k: confounder");
    press(&mut h, Key::L);
    assert_eq!(role(&h, "x_s"), Some(Role::Latent), "l: latent");
    press(&mut h, Key::F);
    assert_eq!(role(&h, "x_s"), Some(Role::Feature), "f: feature");
    // n: a new node at the pointer; d deletes it again.
    let before = h.state().state.scenario.nodes.len();
    press(&mut h, Key::N);
    let nodes = &h.state().state.scenario.nodes;
    assert_eq!(nodes.len(), before + 1, "n: a new node");
    let added = nodes.last().map(|n| n.name.clone()).expect("a node");
    hover(&mut h, &added);
    press(&mut h, Key::D);
    assert_eq!(h.state().state.scenario.nodes.len(), before, "d: deleted");
    // c: from the selected node to the one under the pointer.
    h.get_by_label("x_c").click();
    h.run();
    hover(&mut h, "c");
    press(&mut h, Key::C);
    assert!(
        edges(&h).contains(&("x_c".to_owned(), "c".to_owned())),
        "{:?}",
        edges(&h)
    );
    // r: selects the node for renaming.
    hover(&mut h, "y");
    press(&mut h, Key::R);
    assert_eq!(h.state().selection, Selection::Node("y".into()));
}

#[test]
fn the_app_state_survives_eframes_storage() {
    // eframe stores the state as RON: what is written must read back, or a restart would lose
    // the user's work (the scenario, the settings, the real-logs source, the lesson).
    let mut state = crl_lab::ui::AppState::from_preset("anti-causal");
    state.kuairand.kind = crl_lab::ui::LogSourceKind::Files;
    state.kuairand.train_file = "/data/train.csv".into();
    state.kuairand.roles = vec![("click".into(), crl_lab::data::logs::ColumnRole::Outcome)];
    state.kuairand.mapping.outcome_threshold = Some(4.0);
    state.lesson.active = Some("shortcut".into());
    state.lesson.step = 2;
    state.tab = Tab::Representation;
    let text = ron::to_string(&state).expect("RON");
    let back: crl_lab::ui::AppState = ron::from_str(&text).unwrap_or_else(|e| {
        let at = 1700.min(text.len());
        panic!("{e}: …{}…", &text[at..(at + 200).min(text.len())])
    });
    assert_eq!(back.scenario.name, "anti-causal");
    assert_eq!(back.kuairand, state.kuairand);
    assert_eq!(back.lesson, state.lesson);
    assert_eq!(back.tab, Tab::Representation);
}

/// Trains with the state's settings and waits until the run is done.
fn train_to_the_end(h: &mut Harness<'_, CrlApp>) {
    h.get_by_label("Train").click();
    h.step();
    let t0 = Instant::now();
    loop {
        h.step();
        match h.state().run.as_ref().map(|r| r.state.clone()) {
            Some(RunState::Done) => break,
            Some(RunState::Failed(e)) => panic!("training failed: {e}"),
            _ => {}
        }
        assert!(
            t0.elapsed() < Duration::from_mins(5),
            "training did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run();
}

/// Issue 14: pin a finished run, change a setting, train again and pin again; the OOD view's
/// table lists every pinned run, the plots draw them, a workspace file keeps them.
#[test]
fn three_pinned_runs_are_named_listed_and_saved() {
    let mut h = app();
    {
        let st = &mut h.state_mut().state.train;
        st.device = DeviceChoice::Cpu;
        st.config.steps = 30;
        st.config.n_train = 1_000;
        st.config.n_val = 300;
        st.config.n_test = 400;
        st.config.beta_warmup_steps = 10;
        st.n_seeds = 1;
        st.shift_grid = "0, 1".into();
    }
    h.run();
    assert!(
        h.query_by_label("Pin this run").is_none(),
        "nothing to pin before a run"
    );
    train_to_the_end(&mut h);
    h.get_by_label("Pin this run").click();
    h.run();
    assert_eq!(h.state().pinned.len(), 1);
    assert!(
        h.state().pin_status().is_err(),
        "the same run is not pinned twice"
    );
    h.state_mut().handle_command(Command::SetBeta(3.0));
    train_to_the_end(&mut h);
    h.get_by_label("Pin this run").click();
    h.run();
    let mut settings = h.state().state.train.clone();
    settings.config.conditional = false;
    h.state_mut()
        .handle_command(Command::SetTrainSettings(Box::new(settings)));
    train_to_the_end(&mut h);
    h.get_by_label("Pin this run").click();
    h.run();
    let names: Vec<String> = h.state().pinned.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names[1..], ["β 3", "β 3, conditional off"], "{names:?}");
    assert!(names[0].contains("30 steps"), "{names:?}");
    // The training panel links to the table; the table has a row per run and model.
    h.get_by_label("3 pinned runs").click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Ood);
    h.get_by_label("Pinned runs");
    assert_eq!(h.query_all_by_label("Remove").count(), 3);
    // Two pinned runs with β 3 in the table, and the current run's legend entry.
    assert_eq!(h.query_all_by_label("CRL (β = 3)").count(), 3);
    // Hide one, rename one, remove one.
    h.state_mut().handle_command(Command::ShowPinned(0, false));
    h.state_mut()
        .handle_command(Command::RenamePinned(2, "β 3".into()));
    assert_eq!(h.state().pinned[2].name, "β 3 (2)", "names stay apart");
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pinned.json");
    h.state_mut()
        .handle_command(Command::SaveWorkspace(Some(path.clone())));
    step_until(&mut h, 30, "the save", |a| !a.files_busy());
    let saved = crl_lab::session::Workspace::load(&path).unwrap();
    assert_eq!(saved.pinned.len(), 3);
    assert!(!saved.pinned[0].shown);
    h.query_all_by_label("Remove").next().unwrap().click();
    h.run();
    assert_eq!(h.state().pinned.len(), 2);
    assert!(h.state().is_dirty(), "removing a pin is a change to save");
    // Opening the file brings all three back, and its current run counts as pinned.
    h.state_mut()
        .handle_command(Command::OpenWorkspace(Some(path.clone())));
    h.state_mut()
        .handle_command(Command::AnswerDiscard(DiscardAnswer::Discard));
    step_until(&mut h, 30, "the open", |a| !a.files_busy());
    h.run();
    assert_eq!(h.state().pinned.len(), 3);
    assert!(h.state().pin_status().is_err());
    for tab in [Tab::Overview, Tab::Loss, Tab::Mi, Tab::Ood] {
        h.state_mut().handle_command(Command::SetTab(tab));
        h.run();
    }
}

/// A device that fails during a run ends it with a message that names the device (and, once
/// it started, the step), and offers the CPU; taking the offer trains the same run on the CPU
/// to the end. On a machine with a wgpu adapter (CI: lavapipe) the run fails at step 5 as
/// the fault hook makes it; without one, choosing wgpu fails at the start, which is a failing
/// device too.
#[test]
fn a_failing_device_ends_the_run_and_offers_the_cpu() {
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|cc| {
            CrlApp::with_options(
                cc,
                &AppOptions {
                    device_fault_at_step: Some(5),
                    ..AppOptions::headless()
                },
            )
        });
    h.run();
    // As small as a run gets, so that a software Vulkan driver compiles little.
    let mut s = h.state().state.train.clone();
    s.device = DeviceChoice::Wgpu;
    small_run(&mut s, 12);
    s.config.hidden = vec![16];
    s.config.z_dim = 4;
    s.config.critic_hidden = 16;
    s.config.monitor = false;
    s.config.oracle = false;
    s.shift_grid = "0".into();
    h.state_mut()
        .handle_command(Command::SetTrainSettings(Box::new(s)));
    h.get_by_label("Train").click();
    step_until(&mut h, 300, "the failure", |a| {
        a.run
            .as_ref()
            .is_some_and(|r| matches!(r.state, RunState::Failed(_)))
    });
    let notice = h.state().notice.clone().expect("a notice");
    assert!(
        notice.error && notice.text.contains("device"),
        "{}",
        notice.text
    );
    let started = h.state().run.as_ref().is_some_and(|r| r.info.is_some());
    eprintln!("{}", notice.text);
    assert!(
        started || std::env::var_os("CRL_LAB_REQUIRE_WGPU").is_none(),
        "CI has a wgpu adapter, so the run starts and fails at the injected step"
    );
    if started {
        assert!(notice.text.contains("step 5"), "{}", notice.text);
    }
    h.get_by_label("Train on the CPU instead").click();
    h.step();
    assert_eq!(h.state().state.train.device, DeviceChoice::Cpu);
    step_until(&mut h, 300, "the run on the CPU", |a| {
        a.run.as_ref().is_some_and(|r| r.state == RunState::Done)
    });
    let info = h
        .state()
        .run
        .as_ref()
        .and_then(|r| r.info.clone())
        .expect("info");
    assert_eq!(info.backend, Some(crl_lab::train::Backend::Cpu));
    assert!(h.state_mut().shut_down());
}
