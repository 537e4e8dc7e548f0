//! The app: persisted state, runtime state (threads, results), one command handler, and the
//! layout of menus, panels and the status bar.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::Instant;

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use crate::experiment::{RunMode, RunResults, RunState, TrainJob};
use crate::scm::{Scenario, preset, preset_names};
use crate::train::{DeviceChoice, RunControl, select_device};

use super::calibration::{CalibrationResults, calibration_ui};
use super::command::{Command, History, Selection, Snapshot};
use super::data_view::{DataCache, data_ui};
use super::files::{
    Files, Pending, available_kinds, discard_ui, export_all, file_menu_ui, json_of, pick_open,
    pick_save, plot_settings, remember,
};
use super::graph::{GraphEditor, auto_layout, free_spot};
use super::inspector::Inspector;
use super::kuairand::{KuaiRandMsg, KuaiRandView, kuairand_ui, spawn_kuairand};
use super::plots::{loss_ui, mi_ui, ood_ui, trade_off_ui};
use super::state::{AppState, Tab};
use super::theme;
use super::training::training_ui;
use super::worker::{CalibrationMsg, Job, TrainMsg, Waker, spawn_calibration, spawn_training};

/// How the app starts (tests switch the device probe off).
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// Look for a GPU at start-up, in the background, to show the device in the status bar.
    pub probe_device: bool,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions { probe_device: true }
    }
}

/// A message for the user: in the status bar, and over the canvas when it is about the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// What to say.
    pub text: String,
    /// An error (red) or information.
    pub error: bool,
    /// About the graph: also shown over the canvas.
    pub graph: bool,
}

/// Frames whose times the status bar summarises.
const FRAME_WINDOW: usize = 600;

/// The crl-lab desktop app.
pub struct CrlApp {
    /// What is persisted.
    pub state: AppState,
    /// What the graph editor has selected.
    pub selection: Selection,
    /// The current or last training run.
    pub run: Option<RunResults>,
    /// The calibration view's results.
    pub calibration: CalibrationResults,
    /// The message in the status bar.
    pub notice: Option<Notice>,
    history: History,
    graph: GraphEditor,
    inspector: Inspector,
    data_cache: DataCache,
    generation: u64,
    validation: Result<Vec<String>, String>,
    train_job: Option<Job<TrainMsg>>,
    control: Option<Arc<RunControl>>,
    cal_job: Option<Job<CalibrationMsg>>,
    /// The KuaiRand view's results.
    pub kuairand: KuaiRandView,
    kr_job: Option<Job<KuaiRandMsg>>,
    /// Workspace file state.
    pub files: Files,
    cal_cancel: Arc<AtomicBool>,
    device_line: String,
    probe: Option<Receiver<String>>,
    frame_secs: VecDeque<f32>,
    wake: Waker,
    show_about: bool,
    /// Close the window at the next frame (after "discard unsaved work?").
    wake_close: bool,
    /// `CRL_LAB_FRAME_STATS` is set: print frame-time statistics every 120 frames.
    log_frames: bool,
    frames: u64,
}

fn validation_of(scenario: &Scenario) -> Result<Vec<String>, String> {
    scenario
        .validate()
        .map(|(_, w)| w.iter().map(ToString::to_string).collect())
        .map_err(|e| e.to_string())
}

impl CrlApp {
    /// The app as eframe creates it: state from storage, or the default preset.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        Self::with_options(cc, AppOptions::default())
    }

    /// The app with explicit start-up options.
    pub fn with_options(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let state: AppState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let wake: Waker = Arc::new(move || ctx.request_repaint());
        let probe = options.probe_device.then(|| {
            let (tx, rx) = sync_channel(1);
            let wake = Arc::clone(&wake);
            let spawned = std::thread::Builder::new()
                .name("crl-device-probe".into())
                .spawn(move || {
                    let line = match select_device(DeviceChoice::Auto) {
                        Ok(d) => d.description,
                        Err(e) => format!("no device: {e}"),
                    };
                    let _ = tx.send(line);
                    wake();
                });
            spawned.ok().map(|_| rx)
        });
        let validation = validation_of(&state.scenario);
        CrlApp {
            state,
            selection: Selection::None,
            run: None,
            calibration: CalibrationResults::default(),
            notice: None,
            history: History::default(),
            graph: GraphEditor::default(),
            inspector: Inspector::default(),
            data_cache: DataCache::default(),
            generation: 0,
            validation,
            train_job: None,
            control: None,
            cal_job: None,
            kuairand: KuaiRandView::default(),
            kr_job: None,
            files: Files::default(),
            cal_cancel: Arc::new(AtomicBool::new(false)),
            device_line: if options.probe_device {
                "device: looking for a GPU…".into()
            } else {
                "device: chosen when training starts".into()
            },
            probe: probe.flatten(),
            frame_secs: VecDeque::with_capacity(FRAME_WINDOW),
            wake,
            show_about: false,
            wake_close: false,
            log_frames: std::env::var_os("CRL_LAB_FRAME_STATS").is_some(),
            frames: 0,
        }
    }

    /// Whether undo has something to undo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// The scenario's validation: warnings, or the error that stops training.
    pub fn validation(&self) -> &Result<Vec<String>, String> {
        &self.validation
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            scenario: self.state.scenario.clone(),
            layout: self.state.layout.clone(),
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.state.scenario = s.scenario;
        self.state.layout = s.layout;
        self.scenario_changed();
        if let Selection::Node(n) = &self.selection
            && self.state.scenario.id(n).is_err()
        {
            self.selection = Selection::None;
        }
    }

    fn scenario_changed(&mut self) {
        self.generation += 1;
        self.validation = validation_of(&self.state.scenario);
    }

    fn say(&mut self, text: impl Into<String>, error: bool, graph: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            error,
            graph,
        });
    }

    /// Applies an edit of the scenario (and layout) as one undoable step; an error leaves both
    /// as they were and is shown on the canvas.
    fn edit(
        &mut self,
        key: Option<&str>,
        f: impl FnOnce(&mut Scenario, &mut super::state::Layout) -> crate::Result<()>,
    ) -> bool {
        let before = self.snapshot();
        let mut scenario = before.scenario.clone();
        let mut layout = before.layout.clone();
        match f(&mut scenario, &mut layout) {
            Ok(()) => {
                if scenario != before.scenario || layout != before.layout {
                    self.history.record(before, key);
                    self.state.scenario = scenario;
                    self.state.layout = layout;
                    self.scenario_changed();
                }
                if self.notice.as_ref().is_some_and(|n| n.graph) {
                    self.notice = None;
                }
                true
            }
            Err(e) => {
                self.say(format!("Refused: {e}"), true, true);
                false
            }
        }
    }

    /// Applies one command. Every change the user makes goes through here.
    pub fn handle_command(&mut self, command: Command) {
        match command {
            Command::LoadPreset(name) => match preset(&name) {
                Ok(p) => {
                    let layout = auto_layout(&p);
                    let hints = p.hints.clone();
                    let title = p.title.clone();
                    self.edit(None, |s, l| {
                        *s = p;
                        *l = layout;
                        Ok(())
                    });
                    self.state.train.config.beta = hints.beta;
                    self.state.train.config.conditional = hints.conditional_penalty;
                    self.selection = Selection::None;
                    self.say(
                        format!("Loaded preset “{title}” (Ctrl+Z to go back)"),
                        false,
                        false,
                    );
                }
                Err(e) => self.say(e.to_string(), true, false),
            },
            Command::AddNode { role, pos } => {
                let name = self.state.scenario.unique_name(match role {
                    crate::scm::Role::Feature => "x",
                    crate::scm::Role::Confounder => "c",
                    crate::scm::Role::Outcome => "y",
                    crate::scm::Role::Latent => "u",
                    crate::scm::Role::Exposure => "o",
                });
                let added = self.edit(None, |s, l| {
                    s.add_node(Scenario::default_node(&name, role))?;
                    l.insert(name.clone(), pos);
                    Ok(())
                });
                if added {
                    self.selection = Selection::Node(name);
                }
            }
            Command::DeleteNode(name) => {
                if self.edit(None, |s, l| {
                    s.remove_node(&name)?;
                    l.remove(&name);
                    Ok(())
                }) {
                    self.selection = Selection::None;
                }
            }
            Command::RenameNode { old, new } => {
                let new = new.trim().to_owned();
                if self.edit(None, |s, l| {
                    s.rename_node(&old, &new)?;
                    if let Some(p) = l.remove(&old) {
                        l.insert(new.clone(), p);
                    }
                    Ok(())
                }) {
                    self.selection = Selection::Node(new);
                }
            }
            Command::AddEdge { from, to } => {
                if self.edit(None, |s, _| s.add_edge(&from, &to)) {
                    self.selection = Selection::Edge { from, to };
                }
            }
            Command::RemoveEdge { from, to } => {
                if self.edit(None, |s, _| s.remove_edge(&from, &to)) {
                    self.selection = Selection::None;
                }
            }
            Command::SetNode { name, node } => {
                let key = format!("node:{name}");
                self.edit(Some(&key), |s, _| s.set_node(&name, *node));
            }
            Command::MoveNode { name, pos } => {
                let key = format!("move:{name}");
                self.edit(Some(&key), |_, l| {
                    l.insert(name.clone(), pos);
                    Ok(())
                });
            }
            Command::AutoLayout => {
                let layout = auto_layout(&self.state.scenario);
                self.edit(None, |_, l| {
                    *l = layout;
                    Ok(())
                });
            }
            Command::DeleteSelection => match self.selection.clone() {
                Selection::Node(n) => self.handle_command(Command::DeleteNode(n)),
                Selection::Edge { from, to } => {
                    self.handle_command(Command::RemoveEdge { from, to })
                }
                Selection::None => {}
            },
            Command::Select(s) => self.selection = s,
            Command::Undo => {
                let current = self.snapshot();
                match self.history.undo(current) {
                    Some(s) => {
                        self.restore(s);
                        self.say("Undone", false, false);
                    }
                    None => self.say("Nothing to undo", false, false),
                }
            }
            Command::Redo => {
                let current = self.snapshot();
                match self.history.redo(current) {
                    Some(s) => {
                        self.restore(s);
                        self.say("Redone", false, false);
                    }
                    None => self.say("Nothing to redo", false, false),
                }
            }
            Command::StartTraining => self.start_training(),
            Command::SetPaused(p) => {
                if let (Some(c), Some(run)) = (&self.control, &mut self.run) {
                    c.set_paused(p);
                    if matches!(run.state, RunState::Training | RunState::Paused) {
                        run.state = if p {
                            RunState::Paused
                        } else {
                            RunState::Training
                        };
                    }
                }
            }
            Command::StopTraining => {
                if let Some(c) = &self.control {
                    c.cancel();
                    c.set_paused(false);
                }
            }
            Command::SetBeta(beta) => {
                self.state.train.config.beta = beta;
                if let (Some(c), Some(run)) = (&self.control, &mut self.run)
                    && run.state.is_active()
                    && run.mode == RunMode::Compare
                {
                    let betas = run
                        .members
                        .iter()
                        .map(|m| if m.kind.is_baseline() { 0.0 } else { beta })
                        .collect();
                    c.set_betas(betas);
                    run.set_crl_beta(beta);
                }
            }
            Command::SetTrainSettings(s) => self.state.train = *s,
            Command::SetDataSettings(s) => self.state.data = s,
            Command::SetCalibrationSettings(s) => self.state.calibration = s,
            Command::StartCalibration => self.start_calibration(),
            Command::StopCalibration => self.cal_cancel.store(true, Ordering::SeqCst),
            Command::OpenWorkspace(path) => {
                let Some(path) = path.or_else(pick_open) else {
                    return self.say(
                        "No file picked (no file dialog? type a path in File)",
                        false,
                        false,
                    );
                };
                if self.is_dirty() {
                    self.files.pending = Some(Pending::Open(path));
                } else {
                    self.open_workspace(&path);
                }
            }
            Command::SaveWorkspace { as_new } => {
                let target = match (&self.files.path, as_new) {
                    (Some(p), false) => Some(p.clone()),
                    _ => pick_save("Save workspace", "workspace.json", "json"),
                };
                match target {
                    Some(p) => {
                        self.save_workspace(&p);
                    }
                    None => self.say(
                        "Not saved: no file picked (no file dialog? type a path in File)",
                        false,
                        false,
                    ),
                }
            }
            Command::SaveWorkspaceTo(p) => {
                self.save_workspace(&p);
            }
            Command::ExportFigure {
                kind,
                format,
                width,
            } => {
                let name = format!("{}.{}", kind.name(), format.extension());
                if let Some(path) = pick_save("Export figure", &name, format.extension()) {
                    let hash = self.workspace().hash().ok();
                    let spec = crate::export::FigureSpec {
                        kind,
                        format,
                        width,
                        hash,
                    };
                    let result = crate::export::write_figure(&path, &spec, &self.plot_data());
                    self.report_write(result, &path, "figure");
                } else {
                    self.say(
                        "Not exported: no file picked (type a folder in File, then Export all)",
                        false,
                        false,
                    );
                }
            }
            Command::ExportCsv(kind) => {
                if let Some(path) =
                    pick_save("Export plot data", &format!("{}.csv", kind.name()), "csv")
                {
                    let result = crate::export::plot_csv(kind, &self.plot_data())
                        .and_then(|text| crate::fs::write_string(&path, &text));
                    self.report_write(result, &path, "CSV");
                } else {
                    self.say("Not exported: no file picked", false, false);
                }
            }
            Command::ExportDataset => {
                if let Some(path) = pick_save("Export dataset", "dataset.csv", "csv") {
                    let result = crate::export::write_dataset(
                        &self.state.scenario,
                        self.state.data.shift,
                        self.state.train.config.n_train,
                        self.state.train.config.seed,
                        &path,
                    );
                    self.report_write(result, &path, "dataset");
                } else {
                    self.say("Not exported: no file picked", false, false);
                }
            }
            Command::ExportAll(dir) => {
                let hash = self.workspace().hash().ok();
                match export_all(&dir, &self.plot_data(), hash) {
                    Ok(n) => self.say(
                        format!("Exported {n} files to {}", dir.display()),
                        false,
                        false,
                    ),
                    Err(e) => self.say(format!("Export failed: {e}"), true, false),
                }
            }
            Command::AnswerDiscard { save, go_on } => {
                let pending = self.files.pending.take();
                if !go_on {
                    return;
                }
                if save {
                    let saved = match self
                        .files
                        .path
                        .clone()
                        .or_else(|| pick_save("Save workspace", "workspace.json", "json"))
                    {
                        Some(p) => self.save_workspace(&p),
                        None => false,
                    };
                    if !saved {
                        return self.say("Not saved, so nothing was discarded", true, false);
                    }
                }
                match pending {
                    Some(Pending::Open(p)) => self.open_workspace(&p),
                    Some(Pending::Close) => {
                        self.files.allow_close = true;
                        self.wake_close = true;
                    }
                    None => {}
                }
            }
            Command::SetKuaiRandSource(s) => self.state.kuairand = s,
            Command::BrowseKuaiRand => {
                // Without a desktop portal (Xvfb, CI) the dialog returns None at once: the
                // typed path stays the way in.
                if let Some(dir) = rfd::FileDialog::new()
                    .set_title("KuaiRand folder")
                    .pick_folder()
                {
                    self.state.kuairand.dir = dir.display().to_string();
                } else {
                    self.say("No folder picked (type the path instead)", false, false);
                }
            }
            Command::StartKuaiRand => self.start_kuairand(),
            Command::SetTab(t) => self.state.tab = t,
            Command::DismissNotice => self.notice = None,
        }
    }

    fn start_training(&mut self) {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) {
            return;
        }
        if let Err(e) = &self.validation {
            let text = format!("Cannot train: {e}");
            self.say(text, true, false);
            return;
        }
        let job = match TrainJob::from_settings(&self.state.scenario, &self.state.train) {
            Ok(j) => j,
            Err(e) => return self.say(format!("Cannot train: {e}"), true, false),
        };
        let run = job.empty_results(&self.state.train);
        let control = Arc::new(RunControl::default());
        match spawn_training(job, Arc::clone(&control), Arc::clone(&self.wake)) {
            Ok(j) => {
                self.train_job = Some(j);
                self.control = Some(control);
                self.run = Some(run);
                self.notice = None;
                // The status bar's frame time then describes frames during this run.
                self.frame_secs.clear();
            }
            Err(e) => self.say(
                format!("Cannot start the training thread: {e}"),
                true,
                false,
            ),
        }
    }

    /// The session as a workspace: scenario, layout, settings, view and finished results.
    pub fn workspace(&self) -> crate::export::Workspace {
        let mut ws = crate::export::Workspace::new(
            self.state.scenario.clone(),
            self.state.layout.clone(),
            self.state.train.clone(),
        );
        ws.plots = plot_settings(&self.state);
        ws.results = self.run.clone().filter(|r| !r.state.is_active());
        ws.calibration_points = self.calibration.points.clone();
        ws
    }

    /// Whether closing or opening would lose work that is not in a file.
    pub fn is_dirty(&self) -> bool {
        match &self.files.saved_json {
            Some(saved) => json_of(&self.workspace()).as_ref() != Some(saved),
            None => {
                self.history.can_undo() || self.run.is_some() || !self.calibration.points.is_empty()
            }
        }
    }

    fn plot_data(&self) -> crate::export::PlotData<'_> {
        crate::export::PlotData {
            run: self.run.as_ref(),
            calibration: &self.calibration.points,
            calibration_estimator: self
                .calibration
                .estimator
                .unwrap_or(self.state.calibration.estimator),
        }
    }

    fn report_write(&mut self, result: crate::Result<()>, path: &std::path::Path, what: &str) {
        match result {
            Ok(()) => self.say(format!("Wrote {what} {}", path.display()), false, false),
            Err(e) => self.say(format!("Could not write the {what}: {e}"), true, false),
        }
    }

    /// Saves the workspace to `path`; says what happened. Returns whether it was written.
    pub fn save_workspace(&mut self, path: &std::path::Path) -> bool {
        let ws = self.workspace();
        match ws.save(path) {
            Ok(()) => {
                self.files.saved_json = json_of(&ws);
                self.files.path = Some(path.to_owned());
                remember(&mut self.state.recent, path);
                self.say(format!("Saved {}", path.display()), false, false);
                true
            }
            Err(e) => {
                self.say(format!("Not saved: {e}"), true, false);
                false
            }
        }
    }

    /// Opens the workspace at `path`. A damaged or unknown file leaves the current work open and
    /// says why.
    pub fn open_workspace(&mut self, path: &std::path::Path) {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) {
            return self.say(
                "A run is going: stop it before opening a workspace",
                true,
                false,
            );
        }
        let ws = match crate::export::Workspace::load(path) {
            Ok(ws) => ws,
            Err(e) => return self.say(format!("Could not open the workspace: {e}"), true, false),
        };
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
        self.run = ws.results.clone();
        self.calibration = CalibrationResults {
            estimator: Some(ws.plots.calibration.estimator),
            points: ws.calibration_points.clone(),
            running: false,
            error: None,
        };
        self.history = History::default();
        self.selection = Selection::None;
        self.scenario_changed();
        self.files.saved_json = json_of(&self.workspace());
        self.files.path = Some(path.to_owned());
        remember(&mut self.state.recent, path);
        self.say(format!("Opened {}", path.display()), false, false);
    }

    fn start_kuairand(&mut self) {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) || self.kuairand.running {
            return self.say("A run is going: stop it first", true, false);
        }
        let src = &self.state.kuairand;
        let mut config = self.state.train.config.clone();
        config.beta = src.beta;
        config.n_train = src.n_train;
        config.report_every = crate::experiment::report_every(config.steps);
        if let Err(e) = config.validate() {
            return self.say(format!("Cannot train on KuaiRand: {e}"), true, false);
        }
        let n_seeds = self.state.train.n_seeds.max(1);
        let members = crate::experiment::compare_members(config.seed, n_seeds, config.beta);
        let control = Arc::new(RunControl::default());
        match spawn_kuairand(
            std::path::PathBuf::from(src.dir.trim()),
            config.clone(),
            n_seeds,
            self.state.train.device,
            Arc::clone(&control),
            Arc::clone(&self.wake),
        ) {
            Ok(j) => {
                self.kr_job = Some(j);
                self.control = Some(control);
                self.run = Some(RunResults::new(
                    crate::scm::OutcomeKind::Binary,
                    RunMode::Compare,
                    members,
                    config.estimator,
                    config.penalty_batch,
                    config.steps,
                    Vec::new(),
                ));
                self.kuairand = KuaiRandView {
                    running: true,
                    status: "opening the folder…".into(),
                    ..KuaiRandView::default()
                };
            }
            Err(e) => self.say(
                format!("Cannot start the KuaiRand thread: {e}"),
                true,
                false,
            ),
        }
    }

    fn apply_kuairand_msg(&mut self, m: KuaiRandMsg) {
        match m {
            KuaiRandMsg::Loading(file, frac) => {
                self.kuairand.status = format!("reading {file}: {:.0}%", frac * 100.0);
            }
            KuaiRandMsg::Started(info) => {
                self.kuairand.status = "training…".into();
                self.apply_train_msg(TrainMsg::Started(info));
            }
            KuaiRandMsg::Report(r) => self.apply_train_msg(TrainMsg::Report(r)),
            KuaiRandMsg::Done(summary, counts) => {
                self.kuairand.running = false;
                self.kuairand.summary = summary;
                self.kuairand.counts = Some(counts);
                if let Some(run) = &mut self.run {
                    run.state = RunState::Done;
                }
            }
            KuaiRandMsg::Failed(e) => {
                self.kuairand.running = false;
                self.kuairand.error = Some(e.clone());
                if let Some(run) = &mut self.run {
                    run.state = RunState::Failed(e);
                }
            }
        }
    }

    fn start_calibration(&mut self) {
        if self.calibration.running {
            return;
        }
        self.cal_cancel.store(false, Ordering::SeqCst);
        let configs = self.state.calibration.configs();
        if let Some(e) = configs.iter().find_map(|c| c.validate().err()) {
            return self.say(format!("Cannot calibrate: {e}"), true, false);
        }
        match spawn_calibration(
            configs,
            self.state.train.device,
            Arc::clone(&self.cal_cancel),
            Arc::clone(&self.wake),
        ) {
            Ok(j) => {
                self.cal_job = Some(j);
                self.calibration = CalibrationResults {
                    estimator: Some(self.state.calibration.estimator),
                    points: Vec::new(),
                    running: true,
                    error: None,
                };
            }
            Err(e) => self.say(
                format!("Cannot start the calibration thread: {e}"),
                true,
                false,
            ),
        }
    }

    /// Takes in what the worker threads have sent.
    fn drain_workers(&mut self) {
        if let Some(job) = &mut self.train_job {
            match job.drain() {
                Some(msgs) => {
                    for m in msgs {
                        self.apply_train_msg(m);
                    }
                }
                None => {
                    self.train_job = None;
                    if let Some(run) = &mut self.run
                        && run.state.is_active()
                    {
                        run.state =
                            RunState::Failed("the training thread ended unexpectedly".into());
                    }
                }
            }
        }
        if let Some(job) = &mut self.cal_job {
            match job.drain() {
                Some(msgs) => {
                    for m in msgs {
                        match m {
                            CalibrationMsg::Point(p) => self.calibration.points.push(p),
                            CalibrationMsg::Finished => self.calibration.running = false,
                            CalibrationMsg::Failed(e) => {
                                self.calibration.running = false;
                                self.calibration.error = Some(e);
                            }
                        }
                    }
                }
                None => {
                    self.cal_job = None;
                    self.calibration.running = false;
                }
            }
        }
        if let Some(job) = &mut self.kr_job {
            match job.drain() {
                Some(msgs) => {
                    for m in msgs {
                        self.apply_kuairand_msg(m);
                    }
                }
                None => {
                    self.kr_job = None;
                    if self.kuairand.running {
                        self.kuairand.running = false;
                        self.kuairand.error = Some("the KuaiRand thread ended unexpectedly".into());
                    }
                }
            }
        }
        if let Some(rx) = &self.probe
            && let Ok(line) = rx.try_recv()
        {
            self.device_line = format!("device: {line}");
            self.probe = None;
        }
    }

    fn apply_train_msg(&mut self, m: TrainMsg) {
        let Some(run) = &mut self.run else { return };
        match m {
            TrainMsg::Started(info) => {
                self.device_line = format!("device: {}", info.device);
                run.info = Some(info);
                if run.state == RunState::Starting {
                    run.state = RunState::Training;
                }
            }
            TrainMsg::Report(r) => run.reports.push(r),
            TrainMsg::Trained { cancelled, .. } => {
                run.state = if cancelled {
                    RunState::Stopped
                } else {
                    RunState::Evaluating
                };
            }
            TrainMsg::Evaluated(rows) => run.eval.extend(rows),
            TrainMsg::Finished => {
                if run.state.is_active() {
                    run.state = if self.control.as_ref().is_some_and(|c| c.is_cancelled()) {
                        RunState::Stopped
                    } else {
                        RunState::Done
                    };
                }
            }
            TrainMsg::Failed(e) => {
                run.state = RunState::Failed(e.clone());
                self.notice = Some(Notice {
                    text: format!("Training failed: {e}"),
                    error: true,
                    graph: false,
                });
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out = Vec::new();
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        let save_as = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
        let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        ctx.input_mut(|i| {
            if i.consume_shortcut(&open) {
                out.push(Command::OpenWorkspace(None));
            }
            if i.consume_shortcut(&save_as) {
                out.push(Command::SaveWorkspace { as_new: true });
            } else if i.consume_shortcut(&save) {
                out.push(Command::SaveWorkspace { as_new: false });
            }
        });
        let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        let redo_y = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
        let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input_mut(|i| {
            if typing {
                return;
            }
            if i.consume_shortcut(&redo) || i.consume_shortcut(&redo_y) {
                out.push(Command::Redo);
            } else if i.consume_shortcut(&undo) {
                out.push(Command::Undo);
            }
            if i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace) {
                out.push(Command::DeleteSelection);
            }
        });
        out
    }

    /// Frame-time statistics over the last frames: (median, 95th percentile), in milliseconds.
    pub fn frame_stats_ms(&self) -> Option<(f32, f32)> {
        if self.frame_secs.is_empty() {
            return None;
        }
        let mut v: Vec<f32> = self.frame_secs.iter().copied().collect();
        v.sort_by(f32::total_cmp);
        let at = |q: f32| v[((v.len() - 1) as f32 * q).round() as usize] * 1000.0;
        Some((at(0.5), at(0.95)))
    }

    fn menu_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            let kinds = available_kinds(&self.plot_data());
            let recent = self.state.recent.clone();
            ui.menu_button("File", |ui| {
                file_menu_ui(ui, &mut self.files, &recent, &kinds, commands);
            });
            ui.menu_button("Edit", |ui| {
                if ui
                    .add_enabled(
                        self.history.can_undo(),
                        egui::Button::new("Undo").shortcut_text("Ctrl+Z"),
                    )
                    .clicked()
                {
                    commands.push(Command::Undo);
                }
                if ui
                    .add_enabled(
                        self.history.can_redo(),
                        egui::Button::new("Redo").shortcut_text("Ctrl+Shift+Z"),
                    )
                    .clicked()
                {
                    commands.push(Command::Redo);
                }
                ui.separator();
                ui.menu_button("Add node", |ui| {
                    for role in crate::scm::Role::ALL {
                        if ui.button(role.name()).clicked() {
                            commands.push(Command::AddNode {
                                role,
                                pos: free_spot(&self.state.layout),
                            });
                        }
                    }
                });
                if ui
                    .add_enabled(
                        self.selection != Selection::None,
                        egui::Button::new("Delete selection").shortcut_text("Del"),
                    )
                    .clicked()
                {
                    commands.push(Command::DeleteSelection);
                }
                if ui.button("Auto layout").clicked() {
                    commands.push(Command::AutoLayout);
                }
            });
            ui.menu_button("Presets", |ui| {
                for name in preset_names() {
                    let title = preset(name).map(|p| p.title).unwrap_or_default();
                    if ui.button(format!("{name} — {title}")).clicked() {
                        commands.push(Command::LoadPreset(name.to_owned()));
                    }
                }
            });
            ui.menu_button("View", |ui| {
                for t in Tab::ALL {
                    if ui
                        .selectable_label(self.state.tab == t, t.label())
                        .clicked()
                    {
                        commands.push(Command::SetTab(t));
                    }
                }
                ui.separator();
                egui::widgets::global_theme_preference_buttons(ui);
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About and shortcuts").clicked() {
                    self.show_about = true;
                }
            });
        });
    }

    fn status_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.label(&self.device_line);
            ui.separator();
            let run_text = match &self.run {
                None => "idle".to_owned(),
                Some(r) => {
                    let sps = r.last().map_or(0.0, |x| x.steps_per_sec);
                    match &r.state {
                        RunState::Starting => "starting".into(),
                        RunState::Training => format!("training · {sps:.0} steps/s"),
                        RunState::Paused => "paused".into(),
                        RunState::Evaluating => "evaluating".into(),
                        RunState::Done => format!("done · {sps:.0} steps/s"),
                        RunState::Stopped => "stopped".into(),
                        RunState::Failed(_) => "failed".into(),
                    }
                }
            };
            ui.label(run_text);
            ui.separator();
            if let Some((med, p95)) = self.frame_stats_ms() {
                ui.label(format!("frame {med:.1} ms"))
                    .on_hover_text(format!(
                        "median {med:.1} ms, 95th percentile {p95:.1} ms over the last {} frames",
                        self.frame_secs.len()
                    ));
                ui.separator();
            }
            if let Some(n) = &self.notice {
                let colour = if n.error {
                    theme::ERROR
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(&n.text).color(colour));
                if ui
                    .small_button("dismiss")
                    .on_hover_text("Dismiss")
                    .clicked()
                {
                    commands.push(Command::DismissNotice);
                }
            }
        });
    }

    fn scenario_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.heading("Scenario");
            ui.weak(&self.state.scenario.title);
        });
        ui.horizontal(|ui| {
            ui.menu_button("+ Node", |ui| {
                for role in crate::scm::Role::ALL {
                    if ui.button(role.name()).clicked() {
                        commands.push(Command::AddNode {
                            role,
                            pos: free_spot(&self.state.layout),
                        });
                    }
                }
            })
            .response
            .on_hover_text("Add a node (or right-click the canvas)");
            if ui
                .button("Layout")
                .on_hover_text("Arrange the nodes by depth")
                .clicked()
            {
                commands.push(Command::AutoLayout);
            }
            if ui
                .add_enabled(self.history.can_undo(), egui::Button::new("Undo"))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                commands.push(Command::Undo);
            }
            if ui
                .add_enabled(self.history.can_redo(), egui::Button::new("Redo"))
                .on_hover_text("Ctrl+Shift+Z")
                .clicked()
            {
                commands.push(Command::Redo);
            }
        });
        let banner = self
            .notice
            .as_ref()
            .filter(|n| n.graph)
            .map(|n| n.text.clone());
        self.graph.ui(
            ui,
            &self.state.scenario,
            &self.state.layout,
            &self.selection,
            banner.as_deref(),
            300.0,
            commands,
        );
        match &self.validation {
            Err(e) => {
                ui.colored_label(theme::ERROR, e.as_str());
            }
            Ok(w) => {
                for w in w {
                    ui.colored_label(theme::WARNING, w.as_str());
                }
            }
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::CollapsingHeader::new("Inspector")
                    .default_open(true)
                    .show(ui, |ui| {
                        self.inspector
                            .ui(ui, &self.state.scenario, &self.selection, commands);
                    });
                egui::CollapsingHeader::new("About this scenario")
                    .default_open(true)
                    .show(ui, |ui| {
                        ui.label(RichText::new(&self.state.scenario.title).strong());
                        ui.label(&self.state.scenario.description);
                    });
            });
    }

    fn central_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            for t in Tab::ALL {
                if ui
                    .selectable_label(self.state.tab == t, t.label())
                    .clicked()
                {
                    commands.push(Command::SetTab(t));
                }
            }
        });
        ui.separator();
        let run = self.run.as_ref();
        let h = ui.available_height();
        match self.state.tab {
            Tab::Overview => {
                let top = (h * 0.5 - 8.0).max(120.0);
                ui.columns(2, |cols| {
                    cols[0].strong("Loss");
                    loss_ui(&mut cols[0], run, top - 20.0);
                    cols[1].strong("Mutual information");
                    mi_ui(&mut cols[1], run, top - 20.0);
                });
                ui.strong("Out of distribution");
                ood_ui(ui, run, ui.available_height() - 4.0);
            }
            Tab::Loss => loss_ui(ui, run, h),
            Tab::Mi => mi_ui(ui, run, h),
            Tab::Ood => ood_ui(ui, run, h),
            Tab::TradeOff => trade_off_ui(ui, run, h),
            Tab::Data => data_ui(
                ui,
                &self.state.scenario,
                self.generation,
                &self.state.data,
                &mut self.data_cache,
                commands,
            ),
            Tab::Calibration => {
                calibration_ui(ui, &self.state.calibration, &self.calibration, commands)
            }
            Tab::KuaiRand => kuairand_ui(ui, &self.state.kuairand, &self.kuairand, commands),
        }
    }

    fn about_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.show_about;
        egui::Window::new("About crl-lab").open(&mut open).collapsible(false).show(ctx, |ui| {
            ui.label("crl-lab: see causal representation learning work.");
            ui.label("Draw a causal graph, train a baseline and a CRL model side by side, and watch them part as the distribution shifts.");
            ui.separator();
            egui::Grid::new("shortcuts").show(ui, |ui| {
                for (k, v) in [
                    ("Ctrl+Z", "undo"),
                    ("Ctrl+Shift+Z / Ctrl+Y", "redo"),
                    ("Delete", "delete the selected node or edge"),
                    ("drag a node", "move it"),
                    ("drag from a node's dot, or Shift-drag", "add an edge"),
                    ("right-click the canvas", "add a node"),
                ] {
                    ui.strong(k);
                    ui.label(v);
                    ui.end_row();
                }
            });
        });
        self.show_about = open;
    }
}

impl eframe::App for CrlApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_workers();
        for c in self.shortcuts(ctx) {
            self.handle_command(c);
        }
        if !ctx.input(|i| i.pointer.any_down()) {
            self.history.seal();
        }
        // Closing with unsaved work asks first.
        if ctx.input(|i| i.viewport().close_requested())
            && !self.files.allow_close
            && self.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.files.pending = Some(Pending::Close);
        }
        if self.wake_close {
            self.wake_close = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let busy = self.run.as_ref().is_some_and(|r| r.state.is_active())
            || self.calibration.running
            || self.kuairand.running;
        if busy {
            // ETA and spinners move even between reports; otherwise repaint only on input or
            // when a worker sends.
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
    }

    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        let started = Instant::now();
        let mut commands = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui, &mut commands));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui, &mut commands));
        egui::Panel::left("scenario")
            .resizable(true)
            .default_size(370.0)
            .min_size(300.0)
            .show(ui, |ui| self.scenario_ui(ui, &mut commands));
        egui::Panel::right("training")
            .resizable(true)
            .default_size(300.0)
            .min_size(260.0)
            .show(ui, |ui| {
                ui.heading("Training");
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        training_ui(ui, &self.state.train, self.run.as_ref(), &mut commands);
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui, &mut commands));
        let ctx = ui.ctx().clone();
        self.about_ui(&ctx);
        discard_ui(&ctx, &self.files, &mut commands);
        for c in commands {
            self.handle_command(c);
        }
        let secs = frame
            .info()
            .cpu_usage
            .unwrap_or_else(|| started.elapsed().as_secs_f32());
        if self.frame_secs.len() == FRAME_WINDOW {
            self.frame_secs.pop_front();
        }
        self.frame_secs.push_back(secs);
        self.frames += 1;
        if self.log_frames
            && self.frames.is_multiple_of(120)
            && let Some((med, p95)) = self.frame_stats_ms()
        {
            let state = self
                .run
                .as_ref()
                .map_or("idle".into(), |r| format!("{:?}", r.state));
            eprintln!(
                "frames {}: median {med:.2} ms, p95 {p95:.2} ms over the last {} ({state})",
                self.frames,
                self.frame_secs.len()
            );
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }

    fn on_exit(&mut self) {
        if let Some(c) = &self.control {
            c.cancel();
        }
        self.cal_cancel.store(true, Ordering::SeqCst);
        if self.log_frames
            && let Some((med, p95)) = self.frame_stats_ms()
        {
            eprintln!(
                "frame time over the last {} frames: median {med:.2} ms, 95th percentile {p95:.2} ms",
                self.frame_secs.len()
            );
        }
    }
}
