//! The session's workspace file: the workspace the app holds, whether it has unsaved work,
//! opening and saving (the file thread reads and writes; what it did comes back here), the
//! recent files, and the question before unsaved work is discarded (on open and on close); the
//! session's autosave; and what closing the window ends (a save in flight first finishes).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::session::{PlotSettings, Recovery, Workspace};
use crate::ui::app::CrlApp;
use crate::ui::autosave::RecoveryOffer;
use crate::ui::command::{DiscardAnswer, RecoveryAnswer, Selection};
use crate::ui::files::Pending;
use crate::ui::history::History;
use crate::ui::layout::auto_layout;
use crate::ui::notice::Notice;
use crate::ui::results::CalibrationResults;
use crate::ui::state::AppState;
use crate::ui::worker::FileTask;

/// Recent files kept in the menu.
const MAX_RECENT: usize = 6;

impl CrlApp {
    /// The session as a workspace: scenario, layout, settings, view and finished results.
    pub fn workspace(&self) -> Workspace {
        let mut ws = Workspace::new(
            self.state.scenario.clone(),
            self.state.layout.clone(),
            self.state.train.clone(),
        );
        ws.plots = plot_settings(&self.state);
        ws.results = self.run.clone().filter(|r| !r.state.is_active());
        ws.pinned.clone_from(&self.pinned);
        ws.calibration_points.clone_from(&self.calibration.points);
        ws.calibration_staircase = self
            .calibration
            .staircase
            .clone()
            .filter(|s| !s.history.is_empty());
        ws
    }

    /// Whether closing or opening would lose work that is not in a file.
    pub fn is_dirty(&self) -> bool {
        match &self.files.saved_json {
            Some(saved) => json_of(&self.workspace()).as_ref() != Some(saved),
            None => {
                self.files.restored
                    || self.history.can_undo()
                    || self.run.is_some()
                    || !self.pinned.is_empty()
                    || !self.calibration.points.is_empty()
                    || self
                        .calibration
                        .staircase
                        .as_ref()
                        .is_some_and(|s| !s.history.is_empty())
            }
        }
    }

    /// Opens the workspace picked, asking first when that would discard unsaved work.
    pub(crate) fn request_open(&mut self, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info(
                "No file picked (no file dialog? type a path in File)",
            ));
        };
        if self.is_dirty() {
            self.files.pending = Some(Pending::Open(path));
        } else {
            self.open_workspace(&path);
        }
    }

    /// Saves to the file picked.
    pub(crate) fn request_save(&mut self, path: Option<PathBuf>) {
        match path {
            Some(p) => self.save_workspace(&p),
            None => self.say(Notice::info(
                "Not saved: no file picked (no file dialog? type a path in File)",
            )),
        }
    }

    /// Saves the workspace to `path` on the file thread; [`CrlApp::files_busy`] is true until
    /// it is done, and then the status bar says what happened.
    pub fn save_workspace(&mut self, path: &Path) {
        match self.workspace().to_json() {
            Ok(json) => self.queue_file(FileTask::SaveWorkspace {
                path: path.to_owned(),
                json,
            }),
            Err(e) => self.workspace_saved(path.to_owned(), None, Err(e)),
        }
    }

    /// Whether a file task (a save, an open, an export, ...) runs or waits.
    pub fn files_busy(&self) -> bool {
        self.jobs.files_busy()
    }

    /// Takes in a save's outcome: the file is the session's, or the failure is said; what
    /// waited for a save first goes on, or is dropped with a message.
    pub(crate) fn workspace_saved(
        &mut self,
        path: PathBuf,
        json: Option<String>,
        result: crate::Result<()>,
    ) {
        let after = match &self.files.after_save {
            Some((p, _)) if *p == path => self.files.after_save.take().map(|(_, a)| a),
            _ => None,
        };
        match result {
            Ok(()) => {
                self.files.saved_json = json;
                self.files.restored = false;
                remember(&mut self.state.recent, &path);
                self.say(Notice::info(format!("Saved {}", path.display())));
                self.files.path = Some(path);
                if let Some(pending) = after {
                    self.go_on(pending);
                }
            }
            Err(e) => {
                self.say(Notice::error(format!("Not saved: {e}")));
                if after.is_some() {
                    self.say(Notice::error("Not saved, so nothing was discarded"));
                }
            }
        }
    }

    /// Opens the workspace at `path` (read on the file thread). A damaged or unknown file
    /// leaves the current work open and says why.
    pub fn open_workspace(&mut self, path: &Path) {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) {
            return self.say(Notice::error(
                "A run is going: stop it before opening a workspace",
            ));
        }
        self.queue_file(FileTask::OpenWorkspace(path.to_owned()));
    }

    /// Takes in a workspace the file thread read, or says why it could not be.
    pub(crate) fn workspace_opened(&mut self, path: &Path, result: crate::Result<Box<Workspace>>) {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) {
            return self.say(Notice::error(
                "A run is going: stop it before opening a workspace",
            ));
        }
        let ws = match result {
            Ok(ws) => ws,
            Err(e) => {
                return self.say(Notice::error(format!("Could not open the workspace: {e}")));
            }
        };
        self.apply_workspace(&ws);
        self.files.saved_json = json_of(&self.workspace());
        self.files.path = Some(path.to_owned());
        self.files.restored = false;
        remember(&mut self.state.recent, path);
        self.say(Notice::info(format!("Opened {}", path.display())));
    }

    /// Makes `ws` the session: scenario, layout, settings, view, results, pinned runs and
    /// calibration; the edit history starts afresh.
    fn apply_workspace(&mut self, ws: &Workspace) {
        let complete = ws
            .scenario
            .nodes
            .iter()
            .all(|n| ws.layout.contains_key(&n.name));
        self.state.layout = if complete {
            ws.layout.clone()
        } else {
            auto_layout(&ws.scenario)
        };
        self.state.scenario = ws.scenario.clone();
        self.state.train = ws.train.clone();
        self.state.data = ws.plots.data.clone();
        self.state.calibration = ws.plots.calibration.clone();
        self.state.tab = ws.plots.view;
        self.state.representation = ws.plots.representation;
        self.run.clone_from(&ws.results);
        self.run_origin = ws
            .results
            .as_ref()
            .map(|_| (ws.scenario.clone(), ws.train.clone()));
        self.pinned.clone_from(&ws.pinned);
        // A file saved after pinning holds its run twice: pinned, and as the current run.
        // (Compared as JSON: a "not estimated" NaN is not equal to itself.)
        self.run_pinned = ws.results.as_ref().is_some_and(|r| {
            let mut r = r.clone();
            r.representation = None;
            let text = serde_json::to_string(&r).ok();
            ws.pinned
                .iter()
                .any(|p| serde_json::to_string(&p.results).ok() == text)
        });
        self.calibration = CalibrationResults {
            estimator: Some(ws.plots.calibration.estimator),
            points: ws.calibration_points.clone(),
            staircase: ws.calibration_staircase.clone(),
            running: false,
            error: None,
        };
        self.history = History::default();
        self.selection = Selection::None;
        self.scenario_changed();
    }

    /// Autosaves the session when it is due and changed, and says when a write failed.
    pub(crate) fn autosave_frame(&mut self, ctx: &egui::Context) {
        if let Some(e) = self.autosave.failure() {
            self.say(Notice::error(format!(
                "Autosave failed: {e}. Your work is still open: save it with File ▸ Save as"
            )));
        }
        let now = Instant::now();
        if self.autosave.is_due(now) {
            let ws = self.workspace();
            if let Ok(json) = ws.to_json() {
                if self.files.saved_json.as_deref() == Some(json.as_str()) {
                    self.autosave.in_file(now, &json);
                } else {
                    let recovery = Recovery::now(ws, self.files.path.clone());
                    self.autosave.offer(now, &json, &recovery);
                }
            }
        }
        if let Some(next) = self.autosave.next_in(now) {
            ctx.request_repaint_after(next);
        }
    }

    /// What closing the window does once the user agreed: every job is cancelled and waited
    /// for (each sees its flag within a step or a block of rows), then the autosave writer ends
    /// and the recovery file goes, since a clean exit leaves nothing to recover. Returns
    /// whether every job ended within a second, or ten while a save is being written (a thread
    /// still going is left to the process's end).
    pub fn shut_down(&mut self) -> bool {
        // A save being written gets longer than the other jobs: the work is in it.
        let saving = self.jobs.saving();
        let ended = self
            .jobs
            .shutdown(Duration::from_secs(if saving { 10 } else { 1 }));
        self.autosave.close();
        ended
    }

    /// Answers the offer of a session an unclean exit left: restore it (the session becomes
    /// it, unsaved, its file remembered), discard it, or leave it for the next start.
    pub(crate) fn answer_recovery(&mut self, answer: RecoveryAnswer) {
        if self.autosave.offers.is_empty() {
            return;
        }
        let offer = self.autosave.offers.remove(0);
        match answer {
            RecoveryAnswer::Later => {}
            RecoveryAnswer::Discard => self.queue_file(FileTask::RemoveRecovery {
                path: offer.path,
                report: true,
            }),
            RecoveryAnswer::Restore => {
                let recovery = match offer.recovery {
                    Ok(r) => r,
                    Err(e) => return self.say(Notice::error(format!("Cannot restore: {e}"))),
                };
                if self.run.as_ref().is_some_and(|r| r.state.is_active()) {
                    self.autosave.offers.insert(
                        0,
                        RecoveryOffer {
                            path: offer.path,
                            recovery: Ok(recovery),
                        },
                    );
                    return self.say(Notice::error("A run is going: stop it before restoring"));
                }
                self.apply_workspace(&recovery.workspace);
                // The restored session is in no file until saved: closing asks first.
                self.files.saved_json = None;
                self.files.restored = true;
                self.files.path.clone_from(&recovery.file);
                self.queue_file(FileTask::RemoveRecovery {
                    path: offer.path,
                    report: false,
                });
                self.autosave.soon();
                self.say(Notice::info(match &recovery.file {
                    Some(f) => format!(
                        "Restored the session (from {}); save it to keep it",
                        f.display()
                    ),
                    None => "Restored the session; save it to keep it".into(),
                }));
            }
        }
    }

    /// Goes on with what waited for the answer (opening, or closing), saving first if asked
    /// (then it goes on once the save is done).
    pub(crate) fn answer_discard(&mut self, answer: DiscardAnswer) {
        let pending = self.files.pending.take();
        match answer {
            DiscardAnswer::Cancel => {}
            DiscardAnswer::Discard => {
                if let Some(p) = pending {
                    self.go_on(p);
                }
            }
            DiscardAnswer::SaveFirst(Some(path)) => {
                self.files.after_save = pending.map(|p| (path.clone(), p));
                self.save_workspace(&path);
            }
            DiscardAnswer::SaveFirst(None) => {
                self.say(Notice::error("Not saved, so nothing was discarded"));
            }
        }
    }

    /// Does what waited for the answer to "discard unsaved work?".
    fn go_on(&mut self, pending: Pending) {
        match pending {
            Pending::Open(p) => self.open_workspace(&p),
            Pending::Close => {
                self.files.allow_close = true;
                self.files.close_now = true;
            }
        }
    }

    /// Closing with unsaved work asks first, and closing while a save runs waits for it; once
    /// the user agreed, the window closes.
    pub(crate) fn guard_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.files.allow_close {
            if self.jobs.saving() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.files.close_when_saved = true;
            } else if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.files.pending = Some(Pending::Close);
            }
        }
        if self.files.close_when_saved && !self.jobs.saving() {
            self.files.close_when_saved = false;
            if self.is_dirty() {
                self.files.pending = Some(Pending::Close);
            } else {
                self.files.allow_close = true;
                self.files.close_now = true;
            }
        }
        if self.files.close_now {
            self.files.close_now = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// The plot settings a workspace stores for the app's view.
fn plot_settings(state: &AppState) -> PlotSettings {
    PlotSettings {
        view: state.tab,
        data: state.data.clone(),
        calibration: state.calibration.clone(),
        representation: state.representation,
    }
}

/// Adds `path` to the front of `recent`.
fn remember(recent: &mut Vec<String>, path: &Path) {
    let p = path.display().to_string();
    recent.retain(|r| *r != p);
    recent.insert(0, p);
    recent.truncate(MAX_RECENT);
}

/// Builds a workspace's JSON for comparison (unsaved-work check).
fn json_of(ws: &Workspace) -> Option<String> {
    ws.to_json().ok()
}
