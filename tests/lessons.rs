//! Every built-in lesson performed end to end through `egui_kittest`, as a student would: start it
//! from the Lessons menu, do each step with the real widgets, and check the lesson completes; and
//! a teacher's lesson file, good and bad.
#![cfg(feature = "gui")]
// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use std::time::{Duration, Instant};

use common::step_until;
use crl_lab::experiment::StaircaseSettings;
use crl_lab::train::DeviceChoice;
use crl_lab::ui::{AppOptions, CrlApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn app() -> Harness<'static, CrlApp> {
    Harness::builder()
        .with_size([1600.0, 950.0])
        .build_eframe(|cc| CrlApp::with_options(cc, &AppOptions::headless()))
}

/// Opens the Lessons menu and clicks the lesson titled `title`.
fn start(h: &mut Harness<'_, CrlApp>, title: &str) {
    h.get_by_label("Lessons").click();
    h.run();
    h.get_by_label(title).click();
    h.run();
    assert!(h.state().state.lesson.active.is_some(), "{title} started");
}

/// The current step, 1-based (0 once the lesson is over).
fn step(h: &Harness<'_, CrlApp>) -> usize {
    let p = &h.state().state.lesson;
    p.active.as_ref().map_or(0, |_| p.step + 1)
}

fn load_preset(h: &mut Harness<'_, CrlApp>, label_starts: &str) {
    h.get_by_label("Presets").click();
    h.run();
    h.get_by_label_contains(label_starts).click();
    h.run();
    // Short runs for the test (the preset set its own β and penalty).
    let t = &mut h.state_mut().state.train;
    t.device = DeviceChoice::Cpu;
    t.config.steps = 40;
    t.config.n_train = 2_000;
    t.config.n_val = 400;
    t.config.n_test = 400;
    t.config.beta_warmup_steps = 10;
    t.n_seeds = 1;
    t.shift_grid = "0, 1".into();
}

/// Clicks Train and waits until the run is over.
fn train(h: &mut Harness<'_, CrlApp>) {
    h.get_by_label("Train").click();
    h.step();
    let t0 = Instant::now();
    while h.state().run.as_ref().is_some_and(|r| r.state.is_active()) {
        h.step();
        assert!(
            t0.elapsed() < Duration::from_mins(5),
            "the run did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run();
}

fn tab(h: &mut Harness<'_, CrlApp>, label: &str) {
    // The tab row of the central panel (the View menu lists the same labels once opened).
    h.get_all_by_label(label).next().expect("tab").click();
    h.run();
}

fn assert_completed(h: &Harness<'_, CrlApp>, id: &str) {
    let p = &h.state().state.lesson;
    assert_eq!(p.active, None, "the lesson is over");
    assert!(
        p.completed.iter().any(|c| c == id),
        "{id} in {:?}",
        p.completed
    );
}

#[test]
fn lesson_1_the_shortcut() {
    let mut h = app();
    h.run();
    // The app opens on the Shortcut preset: its first step is already done and waits for Next
    // (the student still reads it).
    start(&mut h, "1. The shortcut");
    h.get_by_label("step 1 of 4");
    h.get_by_label("This is already done: press Next.");
    load_preset(&mut h, "shortcut —");
    assert_eq!(step(&h), 1);
    h.get_by_label("Next").click();
    h.run();
    assert_eq!(step(&h), 2);
    h.get_by_label("Moves on when a training run finishes.");
    train(&mut h);
    assert_eq!(step(&h), 3);
    // The view named as its tab reads, not as the workspace file stores it ("Ood").
    h.get_by_label("Moves on when the OOD vs shift view is open.");
    tab(&mut h, "OOD vs shift");
    assert_eq!(step(&h), 4);
    h.get_by_label("Back").click();
    h.run();
    assert_eq!(step(&h), 3, "Back goes one step back");
    // The OOD view is still open: that step is done already and waits for Next.
    h.get_by_label("Next").click();
    h.run();
    assert_eq!(step(&h), 4);
    h.get_by_label("Next").click();
    h.run();
    assert_completed(&h, "shortcut");
}

#[test]
fn lesson_2_the_conditional_penalty() {
    let mut h = app();
    h.run();
    start(&mut h, "2. Why the penalty is conditional");
    h.get_by_label("Moves on when the preset `anti-causal` is loaded.");
    load_preset(&mut h, "anti-causal —");
    assert_eq!(step(&h), 2);
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "conditional")
        .click();
    h.run();
    assert!(!h.state().state.train.config.conditional);
    assert_eq!(step(&h), 3);
    train(&mut h);
    assert_eq!(step(&h), 4);
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "conditional")
        .click();
    h.run();
    assert_eq!(step(&h), 5);
    train(&mut h);
    assert_completed(&h, "conditional");
}

#[test]
fn lesson_3_exposure_bias() {
    let mut h = app();
    h.run();
    start(&mut h, "3. Exposure bias and random exposure");
    load_preset(&mut h, "exposure-bias —");
    assert_eq!(step(&h), 2);
    tab(&mut h, "Data");
    assert_eq!(step(&h), 3);
    train(&mut h);
    assert_eq!(step(&h), 4);
    tab(&mut h, "Real logs");
    assert_completed(&h, "exposure");
}

#[test]
fn lesson_4_estimators_and_bounds() {
    let mut h = app();
    h.run();
    {
        let st = &mut h.state_mut().state;
        st.train.device = DeviceChoice::Cpu;
        st.calibration.steps = 40;
        st.calibration.staircase = StaircaseSettings {
            dim: 5,
            steps_per_level: 15,
        };
    }
    start(&mut h, "4. Estimators and bounds");
    tab(&mut h, "Calibration");
    assert_eq!(step(&h), 2);
    h.get_by_label("Run calibration").click();
    h.step();
    let t0 = Instant::now();
    while h.state().calibration.running {
        h.step();
        assert!(
            t0.elapsed() < Duration::from_mins(5),
            "calibration did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run();
    assert_eq!(step(&h), 3);
    h.get_by_label("Next").click();
    h.run();
    assert_completed(&h, "estimators");
}

#[test]
fn lesson_5_the_beta_dial() {
    let mut h = app();
    h.run();
    start(&mut h, "5. The β dial");
    load_preset(&mut h, "shortcut —");
    h.get_by_label("Next").click();
    h.run();
    assert_eq!(step(&h), 2);
    h.state_mut().state.train.sweep_betas = "0, 10".into();
    h.get_by_label("β sweep").click();
    h.run();
    assert_eq!(step(&h), 3);
    train(&mut h);
    assert_eq!(step(&h), 4);
    tab(&mut h, "β trade-off");
    assert_eq!(step(&h), 5);
    h.get_by_label("Next").click();
    h.run();
    assert_completed(&h, "beta");
}

#[test]
fn lesson_6_build_a_shortcut() {
    use crl_lab::scm::Role;
    let mut h = app();
    h.run();
    start(&mut h, "6. Build a shortcut yourself");
    load_preset(&mut h, "linear-gaussian —");
    assert_eq!(step(&h), 2);
    // Add a confounder and a feature from the + Node menu.
    for role in ["confounder", "feature"] {
        h.get_by_label("+ Node").click();
        h.run();
        // The menu's entry (drawn last, above the panels).
        h.get_all_by_label(role).last().expect("menu entry").click();
        h.run();
    }
    let roles: Vec<Role> = h
        .state()
        .state
        .scenario
        .nodes
        .iter()
        .map(|n| n.role)
        .collect();
    assert_eq!(roles.iter().filter(|r| **r == Role::Confounder).count(), 2);
    assert_eq!(step(&h), 4);
    train(&mut h);
    // Whether the baseline fails depends on the graph the student built: the last step waits
    // for it, and says so; the harness checks the measured drop decides it.
    let drop = h.state().baseline_drop();
    assert!(drop.is_some());
    if step(&h) == 5 {
        assert!(
            drop.unwrap() < 0.05,
            "drop {drop:?}, lesson {:?}",
            h.state().state.lesson
        );
        h.get_by_label(
            "Moves on when the baseline loses 5 points of its score under the largest shift.",
        );
        h.get_by_label("Skip").click();
        h.run();
    }
    assert_completed(&h, "build");
}

#[test]
fn a_teachers_lesson_file_is_read_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("mine.json");
    std::fs::write(
        &good,
        r#"{"format":"crl-lab-lesson","version":1,"id":"mine","title":"My lesson",
            "summary":"s","steps":[{"text":"Open the loss view.","highlight":"tab:Loss",
            "done_when":{"kind":"tab","tab":"Loss"}}]}"#,
    )
    .expect("write");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"format":"crl-lab-lesson","version":1,"id":"bad","title":"Bad","summary":"s",
            "steps":[{"text":"a","done_when":{"kind":"read"}},
                     {"text":"b","done_when":{"kind":"levitate"}}]}"#,
    )
    .expect("write");
    let mut h = app();
    h.run();
    h.state_mut()
        .handle_command(crl_lab::ui::Command::OpenLesson(Some(bad.clone())));
    step_until(&mut h, 30, "the lesson file", |a| !a.files_busy());
    h.run();
    let notice = h
        .state()
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        notice.contains("step 2: unknown step kind `levitate`"),
        "{notice}"
    );
    assert_eq!(
        h.state().state.lesson.active,
        None,
        "the app keeps running, no lesson"
    );
    h.state_mut()
        .handle_command(crl_lab::ui::Command::OpenLesson(Some(good.clone())));
    step_until(&mut h, 30, "the lesson file", |a| !a.files_busy());
    h.run();
    let notice = h.state().notice.as_ref().map(|n| n.text.clone());
    assert_eq!(
        h.state().state.lesson.active.as_deref(),
        Some("mine"),
        "{notice:?}"
    );
    assert!(
        h.state()
            .state
            .lesson
            .files
            .iter()
            .any(|f| f.ends_with("mine.json"))
    );
    tab(&mut h, "Loss");
    assert_completed(&h, "mine");
}
