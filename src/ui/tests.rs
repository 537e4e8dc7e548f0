//! Headless checks of what the split made testable: commands that carry their path (no dialog
//! opens in `handle_command`), and each job steered by its own control.

use std::time::{Duration, Instant};

use egui_kittest::Harness;

use crate::train::DeviceChoice;
use crate::ui::{AppOptions, Command, CrlApp, DiscardAnswer};

fn app() -> Harness<'static, CrlApp> {
    Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|cc| {
            CrlApp::with_options(
                cc,
                AppOptions {
                    probe_device: false,
                },
            )
        })
}

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
    assert!(csv.exists(), "{:?}", app.notice);

    app.handle_command(Command::SaveWorkspace(None));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("Not saved"))
    );
    let ws = dir.path().join("work.json");
    app.handle_command(Command::SaveWorkspace(Some(ws.clone())));
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
    assert_eq!(app.state.scenario.name, "shortcut");
}

/// Steps the app until no job is running, so no thread outlives the test's checks.
fn settle(h: &mut Harness<'_, CrlApp>) {
    let t0 = Instant::now();
    while h.state().run.as_ref().is_some_and(|r| r.state.is_active()) || h.state().kuairand.running
    {
        h.step();
        assert!(t0.elapsed() < Duration::from_secs(120), "a job did not end");
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
    h.state_mut().handle_command(Command::StartKuaiRand);
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
