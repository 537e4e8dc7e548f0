//! Faults in the middle of work (issue 15): a killed process whose session comes back, a save
//! that fails on a full disk, the window closed while jobs run, and a hundred start/stop
//! cycles. The app is driven through `egui_kittest`. (A device failing during a run is in
//! tests/app.rs.)
//!
//! The tests here look at the whole process (its threads, its memory), so each takes `LOCK`,
//! and every job runs on the CPU backend: a wgpu adapter's driver starts threads of its own
//! that keep the name of the thread that opened it.
//!
//! Over 400 lines: each fault needs its own set-up (a child process, a tmpfs, a stream of
//! start/stop cycles), and they share one lock and a census of the process's threads.
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

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crl_lab::experiment::RunState;
use crl_lab::scm::Role;
use crl_lab::session::{Workspace, recovery_path};
use crl_lab::train::DeviceChoice;
use crl_lab::ui::{AppOptions, Command as AppCommand, CrlApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The environment variable that makes `recovery_child` the child of the kill test.
const CHILD_DIR: &str = "CRL_LAB_TEST_RECOVERY_CHILD";

fn app_with(options: AppOptions) -> Harness<'static, CrlApp> {
    Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(move |cc| CrlApp::with_options(cc, &options))
}

/// Small, quick training settings.
fn quick(h: &mut Harness<'_, CrlApp>, steps: usize) {
    let mut s = h.state().state.train.clone();
    small_run(&mut s, steps);
    s.config.threads = 1;
    s.shift_grid = "0, 1".into();
    s.device = DeviceChoice::Cpu;
    h.state_mut()
        .handle_command(AppCommand::SetTrainSettings(Box::new(s)));
}

/// The names of this process's threads that crl-lab started (`crl-…`).
fn crl_threads() -> Vec<String> {
    let mut out = Vec::new();
    for t in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let comm = t.expect("task").path().join("comm");
        if let Ok(name) = std::fs::read_to_string(comm) {
            let name = name.trim().to_owned();
            if name.starts_with("crl-") {
                out.push(name);
            }
        }
    }
    out.sort();
    out
}

/// This process's resident memory, in bytes.
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS");
    kb * 1024
}

/// The session the child makes: a new confounder named `proxy`, β 7.5, 1,234 steps.
fn edit_session(h: &mut Harness<'_, CrlApp>) {
    let app = h.state_mut();
    app.handle_command(AppCommand::AddNode {
        role: Role::Confounder,
        pos: [0.8, 0.2],
    });
    let added = app
        .state
        .scenario
        .nodes
        .last()
        .map(|n| n.name.clone())
        .expect("a node was added");
    app.handle_command(AppCommand::RenameNode {
        old: added,
        new: "proxy".into(),
    });
    app.handle_command(AppCommand::SetBeta(7.5));
    let mut s = app.state.train.clone();
    s.config.steps = 1_234;
    app.handle_command(AppCommand::SetTrainSettings(Box::new(s)));
}

/// A process killed with SIGKILL after edits: the next start finds its session, offers it
/// (never restoring it silently), and restores exactly the edits.
#[test]
fn a_killed_session_is_offered_back_and_restored() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "recovery_child",
            "--exact",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the child");
    let stdout = child.stdout.take().expect("child stdout");
    let mut ready = false;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("child output");
        if line.contains("READY") {
            ready = true;
            break;
        }
    }
    assert!(ready, "the child never autosaved");
    let pid = child.id();
    child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    child.wait().expect("reap the child");
    let left = recovery_path(dir.path(), pid);
    assert!(left.exists(), "the killed session's file is there");

    let mut h = app_with(AppOptions {
        recovery_dir: Some(dir.path().to_owned()),
        ..AppOptions::headless()
    });
    h.run();
    // Offered, not applied.
    assert!(
        !h.state()
            .state
            .scenario
            .nodes
            .iter()
            .any(|n| n.name == "proxy")
    );
    h.get_by_label("Restore session").click();
    h.step();
    step_until(&mut h, 30, "the restored file to go", |a| !a.files_busy());
    h.run();
    let app = h.state();
    let proxy = app.state.scenario.nodes.iter().find(|n| n.name == "proxy");
    assert_eq!(proxy.map(|n| n.role), Some(Role::Confounder));
    assert_eq!(app.state.train.config.beta, 7.5);
    assert_eq!(app.state.train.config.steps, 1_234);
    assert!(app.is_dirty(), "a restored session is in no file yet");
    assert!(!left.exists(), "the restored file is removed");
    assert!(h.query_by_label("Restore session").is_none());
}

/// The child process of `a_killed_session_is_offered_back_and_restored`: edits a session,
/// waits for the autosave to hold the edits, says READY, and runs until it is killed.
#[test]
#[ignore = "the child process of a_killed_session_is_offered_back_and_restored"]
fn recovery_child() {
    // Run by hand (`--include-ignored`) without the parent, there is nothing to do.
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let mut h = app_with(AppOptions {
        recovery_dir: Some(dir.clone()),
        autosave_every: Duration::from_millis(200),
        ..AppOptions::headless()
    });
    h.run();
    edit_session(&mut h);
    let own = recovery_path(&dir, std::process::id());
    let saved = |p: &Path| {
        std::fs::read_to_string(p).is_ok_and(|t| t.contains("\"proxy\"") && t.contains("1234"))
    };
    let start = Instant::now();
    while !saved(&own) {
        assert!(start.elapsed() < Duration::from_mins(1), "no autosave");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    println!("READY");
    loop {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A session saved to a workspace file, and a clean exit, leave nothing to recover; a session
/// file that cannot be read is offered to be discarded, and discarding removes it.
#[test]
fn a_clean_exit_leaves_nothing_and_a_damaged_session_can_be_discarded() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    {
        let mut h = app_with(AppOptions {
            recovery_dir: Some(dir.path().to_owned()),
            autosave_every: Duration::from_millis(50),
            ..AppOptions::headless()
        });
        h.run();
        edit_session(&mut h);
        let own = recovery_path(dir.path(), std::process::id());
        step_until(&mut h, 30, "the autosave", |_| own.exists());
        // Saved to a workspace file, the session has nothing left to recover.
        h.state_mut().save_workspace(&dir.path().join("saved.json"));
        step_until(&mut h, 30, "the save", |a| !a.files_busy());
        assert!(!h.state().is_dirty(), "saved: {:?}", h.state().notice);
        step_until(&mut h, 30, "the recovery file to go", |_| !own.exists());
        // Changed again, it is kept again.
        h.state_mut().handle_command(AppCommand::SetBeta(3.25));
        step_until(&mut h, 30, "the autosave of the change", |_| own.exists());
        eframe::App::on_exit(h.state_mut());
        assert!(!own.exists(), "a clean exit removes its session");
    }
    // A dead process's damaged file (pid 1 is never ours and never gone, so use a pid that no
    // process has: above the kernel's limit).
    let damaged = recovery_path(dir.path(), 4_194_305);
    std::fs::write(&damaged, "{\"format\": \"crl-lab-recovery\", \"vers").unwrap();
    let mut h = app_with(AppOptions {
        recovery_dir: Some(dir.path().to_owned()),
        ..AppOptions::headless()
    });
    h.run();
    assert!(h.query_by_label("Restore session").is_none());
    h.get_by_label("Discard it").click();
    h.step();
    step_until(&mut h, 30, "the removal", |a| !a.files_busy());
    h.run();
    assert!(!damaged.exists());
}

/// Mounts a tmpfs of `kb` KB at `dir`, or says why not.
fn mount_tmpfs(dir: &Path, kb: u64) -> Result<(), String> {
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A save onto a full disk (a 64 KB tmpfs, filled) fails, says why, keeps the old file as it
/// was, and keeps the work open. Needs root for the mount; CI runs as root and sets
/// `CRL_LAB_REQUIRE_ROOT=1`, under which a failed mount fails the test.
#[test]
fn a_save_onto_a_full_disk_keeps_the_old_file_and_says_why() {
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    if let Err(why) = mount_tmpfs(dir.path(), 64) {
        assert!(
            std::env::var_os("CRL_LAB_REQUIRE_ROOT").is_none(),
            "cannot mount a tmpfs under CRL_LAB_REQUIRE_ROOT: {why}"
        );
        eprintln!("skipped: cannot mount a tmpfs (needs root): {why}");
        return;
    }
    let _unmount = Unmount(dir.path());
    let path = dir.path().join("session.json");
    let mut h = app_with(AppOptions::headless());
    h.run();
    h.state_mut().save_workspace(&path);
    step_until(&mut h, 30, "the save", |a| !a.files_busy());
    assert!(!h.state().is_dirty(), "saved: {:?}", h.state().notice);
    let before = std::fs::read(&path).unwrap();
    // Fill the disk, then make the session larger than what is left.
    let filler = dir.path().join("filler");
    let mut n = 0;
    while std::fs::write(dir.path().join(format!("filler{n}")), vec![0u8; 4096]).is_ok() {
        n += 1;
    }
    let _ = std::fs::remove_file(&filler);
    edit_session(&mut h);
    let mut s = h.state().state.train.clone();
    s.sweep_betas = "1, ".repeat(2_000);
    h.state_mut()
        .handle_command(AppCommand::SetTrainSettings(Box::new(s)));
    h.state_mut().save_workspace(&path);
    step_until(&mut h, 30, "the save", |a| !a.files_busy());
    assert!(h.state().is_dirty(), "not saved");
    h.run();
    let notice = h.state().notice.clone().expect("a notice");
    assert!(notice.error, "{}", notice.text);
    assert!(
        notice.text.contains("Not saved") && notice.text.contains("No space left on device"),
        "{}",
        notice.text
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old file is intact"
    );
    assert!(Workspace::load(&path).is_ok(), "the old file still opens");
    assert!(h.state().is_dirty(), "the work is still open and unsaved");
    assert!(
        h.state()
            .state
            .scenario
            .nodes
            .iter()
            .any(|n| n.name == "proxy")
    );
}

/// Waits (at most half a second) for threads that have returned to leave the process's list.
fn crl_threads_settled() -> Vec<String> {
    let start = Instant::now();
    loop {
        let left = crl_threads();
        if left.is_empty() || start.elapsed() > Duration::from_millis(500) {
            return left;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn no_threads_left_by_an_earlier_test() {
    assert_eq!(
        crl_threads_settled(),
        Vec::<String>::new(),
        "left by an earlier test"
    );
}

/// Closing the window during a run: the unsaved-work question comes first; once the user
/// discards, every thread ends within a second.
#[test]
fn closing_during_a_run_asks_first_then_ends_its_threads_within_a_second() {
    let _g = lock();
    no_threads_left_by_an_earlier_test();
    let mut h = app_with(AppOptions::headless());
    h.run();
    quick(&mut h, 1_000_000);
    h.get_by_label("Train").click();
    step_until(&mut h, 120, "the first report", |a| {
        a.run.as_ref().is_some_and(|r| !r.reports.is_empty())
    });
    assert!(crl_threads().iter().any(|t| t.starts_with("crl-train")));
    // The window's close button.
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
    h.step();
    h.get_by_label("Close crl-lab and discard the unsaved work?");
    assert!(
        h.state().run.as_ref().is_some_and(|r| r.state.is_active()),
        "the question comes before anything stops"
    );
    h.get_by_label("Discard").click();
    h.step();
    assert!(h.state().files.allow_close);
    assert!(h.state_mut().shut_down(), "every job ended within a second");
    assert_eq!(crl_threads_settled(), Vec::<String>::new());
}

/// Closing during a calibration and during a `KuaiRand` load (a folder of 400,000 log rows,
/// stopped at its next block of rows) ends their threads within a second.
#[test]
fn closing_during_a_calibration_or_a_kuairand_load_ends_their_threads() {
    let _g = lock();
    no_threads_left_by_an_earlier_test();
    let mut h = app_with(AppOptions::headless());
    h.run();
    quick(&mut h, 10);
    h.state_mut().handle_command(AppCommand::StartCalibration);
    step_until(&mut h, 60, "the calibration thread", |_| {
        crl_threads().iter().any(|t| t.starts_with("crl-calibrate"))
    });
    assert!(
        h.state_mut().shut_down(),
        "the calibration ended within a second"
    );
    assert_eq!(crl_threads_settled(), Vec::<String>::new());

    let dir = tempfile::tempdir().unwrap();
    crl_lab::data::kuairand::write_fixture(
        dir.path(),
        &crl_lab::data::kuairand::FixtureConfig {
            standard_rows: 400_000,
            random_rows: 20_000,
            ..Default::default()
        },
    )
    .unwrap();
    let mut h = app_with(AppOptions::headless());
    h.run();
    h.state_mut()
        .handle_command(AppCommand::SetKuaiRandFolder(Some(dir.path().to_owned())));
    h.state_mut().handle_command(AppCommand::StartLogs);
    step_until(&mut h, 60, "the load", |a| {
        a.kuairand.status.starts_with("reading")
    });
    assert!(h.state_mut().shut_down(), "the load ended within a second");
    assert_eq!(crl_threads_settled(), Vec::<String>::new());
    // It stopped reading: nothing was trained.
    h.step();
    assert!(h.state().kuairand.summary.is_empty());
}

/// A hundred runs started and stopped leave no thread behind and the process's memory within
/// a bound: after ten warm-up cycles (allocator arenas, the backend's first kernels), the next
/// hundred may add at most 16 MB (about 1 MB measured on a 2-core Linux machine).
#[test]
fn a_hundred_start_stop_cycles_leave_no_thread_and_bounded_memory() {
    let _g = lock();
    no_threads_left_by_an_earlier_test();
    let mut h = app_with(AppOptions::headless());
    h.run();
    quick(&mut h, 1_000_000);
    let cycle = |h: &mut Harness<'_, CrlApp>| {
        h.state_mut().handle_command(AppCommand::StartTraining);
        step_until(h, 60, "the run to start", |a| {
            a.run
                .as_ref()
                .is_some_and(|r| r.state == RunState::Training)
        });
        h.state_mut().handle_command(AppCommand::StopTraining);
        step_until(h, 60, "the run to stop", |a| {
            a.run.as_ref().is_some_and(|r| !r.state.is_active())
        });
    };
    for _ in 0..10 {
        cycle(&mut h);
    }
    let before = rss_bytes();
    for _ in 0..100 {
        cycle(&mut h);
    }
    let after = rss_bytes();
    assert_eq!(crl_threads_settled(), Vec::<String>::new());
    let grown = after.saturating_sub(before);
    eprintln!(
        "100 start/stop cycles: resident memory {:.1} MB -> {:.1} MB (+{:.1} MB)",
        before as f64 / 1e6,
        after as f64 / 1e6,
        grown as f64 / 1e6
    );
    assert!(grown < 16_000_000, "memory grew by {grown} bytes");
    assert_eq!(
        h.state().run.as_ref().map(|r| &r.state),
        Some(&RunState::Stopped)
    );
}
