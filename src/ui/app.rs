//! The app: its state, the one command handler (dispatching to `handlers/`, one file per area),
//! and the frame: `logic` takes in what the jobs sent and the keys, `ui` lays out the panels and
//! applies the commands they pushed.
//!
//! Over 400 lines because the app's fields, its start-up, the command dispatch and the frame
//! belong to one struct; what the commands and the jobs' messages do is in `handlers/`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::Ui;

use crate::experiment::{RunResults, TrainSettings};
use crate::scm::Scenario;
use crate::session::PinnedRun;

use crate::export::available_kinds;
use crate::ui::app_view::AppView;
use crate::ui::autosave::Autosave;
use crate::ui::command::{Command, Selection};
use crate::ui::data_samples::DataSamples;
use crate::ui::files::Files;
use crate::ui::frame_times::FrameTimes;
use crate::ui::grid_forms::{GridUi, setting_choices};
use crate::ui::highlight::outline;
use crate::ui::history::History;
use crate::ui::jobs::Jobs;
use crate::ui::lessons::Lessons;
use crate::ui::notice::Notice;
use crate::ui::options::AppOptions;
use crate::ui::panels::{
    GridResultsPanel, ScenarioPanel, about_ui, central_ui, discard_ui, grid_export_ui,
    lesson_panel_ui, menu_ui, recovery_ui, status_ui, training_panel_ui,
};
use crate::ui::results::{CalibrationResults, LogsView};
use crate::ui::shortcuts::shortcut_commands;
use crate::ui::state::AppState;
use crate::ui::worker::Waker;

/// The crl-lab desktop app.
pub struct CrlApp {
    /// What is persisted.
    pub state: AppState,
    /// What the graph editor has selected.
    pub selection: Selection,
    /// The current or last run (training or logs).
    pub run: Option<RunResults>,
    /// Finished runs pinned for comparison, in pinning order.
    pub pinned: Vec<PinnedRun>,
    /// The scenario and settings the current run was trained with (`None` for a run on real
    /// logs), which pinning it keeps.
    pub(crate) run_origin: Option<(Scenario, TrainSettings)>,
    /// The current run is pinned already.
    pub(crate) run_pinned: bool,
    /// The calibration view's results.
    pub calibration: CalibrationResults,
    /// The real-logs view's results.
    pub kuairand: LogsView,
    /// The message in the status bar.
    pub notice: Option<Notice>,
    /// Workspace file state.
    pub files: Files,
    pub(crate) history: History,
    /// Bumped whenever the scenario changes (the data view resamples then).
    pub(crate) generation: u64,
    pub(crate) validation: Result<Vec<String>, String>,
    pub(crate) jobs: Jobs,
    pub(crate) device_line: String,
    pub(crate) frame_times: FrameTimes,
    /// How soon a worker's message is drawn (see [`redraw_delay`]).
    redraw: Duration,
    scenario_panel: ScenarioPanel,
    /// The data view's samples, drawn on the sampling thread.
    pub(crate) data_samples: DataSamples,
    show_about: bool,
    /// The lessons and the current step's bookkeeping.
    pub(crate) lessons: Lessons,
    /// The recovery file, and the sessions earlier processes left.
    pub(crate) autosave: Autosave,
    /// The Export grid form and the grid results shown (runtime only).
    pub grid: GridUi,
    grid_results_panel: GridResultsPanel,
}

/// The scenario's validation: its warnings, or the error that stops training.
pub(crate) fn validation_of(scenario: &Scenario) -> Result<Vec<String>, String> {
    scenario
        .validate()
        .map(|(_, w)| w.iter().map(ToString::to_string).collect())
        .map_err(|e| e.to_string())
}

/// How soon a worker's message is drawn: within 100 ms, or within a second when the window is
/// drawn in software (Mesa's llvmpipe, a remote desktop): there a frame of plots costs about a
/// tenth of a second of a core that training would otherwise use, so a live run redraws about
/// once a second (input still redraws at once).
fn redraw_delay(cc: &eframe::CreationContext<'_>) -> Duration {
    let software = cc.wgpu_render_state.as_ref().is_some_and(|r| {
        r.adapter.get_info().device_type == eframe::egui_wgpu::wgpu::DeviceType::Cpu
    });
    if software {
        Duration::from_secs(1)
    } else {
        Duration::from_millis(100)
    }
}

impl CrlApp {
    /// The app as eframe creates it: state from storage, or the default preset.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        Self::with_options(cc, &AppOptions::default())
    }

    /// The app with explicit start-up options.
    pub fn with_options(cc: &eframe::CreationContext<'_>, options: &AppOptions) -> Self {
        let state: AppState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let redraw = redraw_delay(cc);
        // A worker's message is drawn within `redraw`; messages that come closer together (a
        // report and its evaluation) share one frame, so a fast run does not repaint for each.
        let wake: Waker = Arc::new(move || ctx.request_repaint_after(redraw));
        let mut jobs = Jobs::new(wake);
        jobs.device_fault_at_step = options.device_fault_at_step;
        let (autosave, autosave_error) =
            Autosave::new(options.recovery_dir.as_deref(), options.autosave_every);
        if options.probe_device {
            jobs.start_probe();
        }
        let validation = validation_of(&state.scenario);
        // The memory limit the user set in an earlier session (else the process's: half the
        // memory available, or `--max-memory-mb`).
        if state.memory_limit_mb.is_some() {
            crate::limits::set_process_budget(state.memory_limit_mb);
        }
        let mut app = CrlApp {
            state,
            selection: Selection::None,
            run: None,
            pinned: Vec::new(),
            run_origin: None,
            run_pinned: false,
            calibration: CalibrationResults::default(),
            kuairand: LogsView::default(),
            notice: None,
            files: Files::default(),
            history: History::default(),
            generation: 0,
            validation,
            jobs,
            device_line: if options.probe_device {
                "device: looking for a GPU…".into()
            } else {
                "device: chosen when training starts".into()
            },
            frame_times: FrameTimes::from_env(),
            redraw,
            scenario_panel: ScenarioPanel::default(),
            data_samples: DataSamples::default(),
            show_about: false,
            lessons: Lessons::default(),
            autosave,
            grid: GridUi::default(),
            grid_results_panel: GridResultsPanel::default(),
        };
        if let Some(e) = autosave_error {
            app.say(Notice::error(e));
        }
        if let Ok(json) = app.workspace().to_json() {
            app.autosave.unchanged_from(&json);
        }
        // Your logs' first rows, for the column table the state restored (a file gone says so
        // in the view).
        if app.state.kuairand.kind == crate::ui::state::LogSourceKind::Files
            && !app.state.kuairand.train_file.trim().is_empty()
        {
            app.load_log_columns();
        }
        // The lesson files opened in earlier sessions (a file gone or changed says so).
        app.reread_lessons();
        app
    }

    /// Whether undo has something to undo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// The scenario's validation: warnings, or the error that stops training.
    pub fn validation(&self) -> &Result<Vec<String>, String> {
        &self.validation
    }

    /// Shows `notice` in the status bar (and over the canvas when it is about the graph).
    pub(crate) fn say(&mut self, notice: Notice) {
        self.notice = Some(notice);
    }

    /// Applies one command. Every change the user makes goes through here.
    pub fn handle_command(&mut self, command: Command) {
        match command {
            // The scenario and its layout (handlers/edit.rs).
            Command::LoadPreset(name) => self.load_preset(&name),
            Command::AddNode { role, pos } => self.add_node(role, pos),
            Command::DeleteNode(name) => self.delete_node(&name),
            Command::RenameNode { old, new } => self.rename_node(&old, &new),
            Command::AddEdge { from, to } => self.add_edge(from, to),
            Command::RemoveEdge { from, to } => self.remove_edge(&from, &to),
            Command::SetNode { name, node } => self.set_node(&name, *node),
            Command::MoveNode { name, pos } => self.move_node(&name, pos),
            Command::AutoLayout => self.relayout(),
            Command::DeleteSelection => self.delete_selection(),
            Command::Select(s) => self.selection = s,
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            // Training (handlers/training.rs).
            Command::StartTraining => self.start_training(),
            Command::PinRun => self.pin_run(),
            Command::Unpin(i) => self.unpin(i),
            Command::RenamePinned(i, name) => self.rename_pinned(i, &name),
            Command::ShowPinned(i, shown) => self.show_pinned(i, shown),
            Command::SetPaused(paused) => self.set_paused(paused),
            Command::StopTraining => self.stop_run(),
            Command::TrainOnCpu => self.train_on_cpu(),
            Command::AnswerRecovery(answer) => self.answer_recovery(answer),
            Command::SetBeta(beta) => self.set_beta(beta),
            Command::SetTrainSettings(s) => self.state.train = *s,
            Command::SetMemoryLimit(mb) => {
                self.state.memory_limit_mb = mb;
                crate::limits::set_process_budget(mb);
            }
            // Calibration (handlers/calibration.rs).
            Command::SetCalibrationSettings(s) => self.state.calibration = s,
            Command::StartCalibration => self.start_calibration(),
            Command::StopCalibration => self.jobs.stop_calibration(),
            // Logs, any source (handlers/logs.rs; your logs' columns: handlers/log_columns.rs).
            Command::SetLogsForm(s) => self.state.kuairand = *s,
            Command::SetKuaiRandFolder(dir) => self.set_kuairand_folder(dir),
            Command::StartLogs => self.start_logs(),
            Command::SetLogPath(which, path) => self.set_log_path(which, path),
            Command::LoadLogColumns => self.load_log_columns(),
            Command::LoadLogMapping => self.load_log_mapping(),
            Command::SaveLogMapping => self.save_log_mapping(),
            // Lessons (handlers/lesson.rs).
            Command::StartLesson(id) => self.start_lesson(&id),
            Command::LessonNext => self.lesson_next(),
            Command::LessonBack => self.lesson_back(),
            Command::LessonRestart => self.lesson_restart(),
            Command::LessonClose => self.lesson_close(),
            Command::SetLessonCollapsed(c) => self.state.lesson.collapsed = c,
            Command::OpenLesson(path) => self.open_lesson(path),
            Command::SetLessonPath(p) => self.lessons.path = p,
            Command::SetRepresentationView(v) => self.state.representation = v,
            // The workspace file (handlers/session.rs) and exports (handlers/export.rs).
            Command::OpenWorkspace(path) => self.request_open(path),
            Command::SaveWorkspace(path) => self.request_save(path),
            Command::AnswerDiscard(answer) => self.answer_discard(answer),
            Command::ExportFigure {
                kind,
                format,
                width,
                path,
            } => self.export_figure(kind, format, width, path),
            Command::ExportCsv { kind, path } => self.export_csv(kind, path),
            Command::ExportDataset(path) => self.export_dataset(path),
            Command::ExportAll(dir) => self.export_all_to(&dir),
            // Grids (handlers/grid.rs).
            Command::ShowGridExport(open) => self.show_grid_export(open),
            Command::SetGridAxis { index, setting } => self.set_grid_axis(index, setting),
            Command::ExportGrid(path) => self.export_grid(path),
            Command::ShowGridResults(open) => self.show_grid_results(open),
            Command::OpenGridResults(path) => self.open_grid_results(path),
            // The view.
            Command::SetDataSettings(s) => self.state.data = s,
            Command::SetTab(t) => self.state.tab = t,
            Command::DismissNotice => self.notice = None,
        }
    }
}

impl eframe::App for CrlApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        for event in self.jobs.drain() {
            self.apply_job_event(event);
        }
        for c in shortcut_commands(ctx, self.files.path.as_deref()) {
            self.handle_command(c);
        }
        if !ctx.input(|i| i.pointer.any_down()) {
            self.history.seal();
        }
        self.guard_close(ctx);
        self.lesson_frame();
        self.data_frame();
        self.autosave_frame(ctx);
        if self.busy() {
            // ETA and spinners move even between reports; otherwise repaint only on input or
            // when a worker sends.
            // Until the first results arrive they are looked for every 100 ms, so the first
            // curves show at once even where redrawing is slow.
            let waiting = self
                .run
                .as_ref()
                .is_some_and(|r| r.state.is_active() && r.eval.is_empty());
            let every = if waiting {
                Duration::from_millis(100)
            } else {
                self.redraw.max(Duration::from_millis(500))
            };
            ctx.request_repaint_after(every);
        }
    }

    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        let started = Instant::now();
        let mut commands = Vec::new();
        let exportable = available_kinds(&self.plot_data());
        let d = &self.state.data;
        let sample_key =
            self.data_samples
                .key_for(&self.state.scenario, self.generation, d.shift, d.n_points);
        let view = AppView {
            state: &self.state,
            selection: &self.selection,
            history: &self.history,
            notice: self.notice.as_ref(),
            validation: &self.validation,
            run: self.run.as_ref(),
            pinned: &self.pinned,
            pin: self.pin_status(),
            calibration: &self.calibration,
            kuairand: &self.kuairand,
            lessons: &self.lessons,
            exportable: &exportable,
            device_line: &self.device_line,
            file_task: self.jobs.file_caption(),
            data_samples: self.data_samples.shown(&sample_key),
        };
        egui::Panel::top("menu").show(ui, |ui| {
            menu_ui(
                ui,
                &view,
                &mut self.files,
                &mut self.show_about,
                &mut commands,
            );
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            status_ui(ui, &view, &self.frame_times, &mut commands);
        });
        egui::Panel::left("scenario")
            .resizable(true)
            .default_size(370.0)
            .min_size(300.0)
            .show(ui, |ui| self.scenario_panel.ui(ui, &view, &mut commands));
        if let Some((lesson, step)) = self.current_lesson() {
            egui::Panel::right("lesson")
                .resizable(true)
                .default_size(if self.state.lesson.collapsed {
                    150.0
                } else {
                    270.0
                })
                .min_size(140.0)
                .show(ui, |ui| {
                    lesson_panel_ui(
                        ui,
                        lesson,
                        step,
                        self.state.lesson.collapsed,
                        self.lessons.entry == Some(true),
                        &mut commands,
                    );
                });
        }
        egui::Panel::right("training")
            .resizable(true)
            .default_size(300.0)
            .min_size(260.0)
            .show(ui, |ui| training_panel_ui(ui, &view, &mut commands));
        egui::CentralPanel::default().show(ui, |ui| central_ui(ui, &view, &mut commands));
        let ctx = ui.ctx().clone();
        if let Some((lesson, step)) = self.current_lesson()
            && !self.state.lesson.collapsed
            && let Some(key) = &lesson.steps[step].highlight
        {
            outline(&ctx, key);
        }
        about_ui(&ctx, &mut self.show_about);
        discard_ui(&ctx, &self.files, &mut commands);
        recovery_ui(&ctx, self.autosave.offers.first(), &mut commands);
        if self.grid.export.open {
            let choices = setting_choices(&self.state.scenario);
            grid_export_ui(&ctx, &mut self.grid.export, &choices, &mut commands);
        }
        if self.grid.results.open {
            self.grid_results_panel
                .ui(&ctx, &mut self.grid.results, &mut commands);
        }
        for c in commands {
            self.handle_command(c);
        }
        let secs = frame
            .info()
            .cpu_usage
            .unwrap_or_else(|| started.elapsed().as_secs_f32());
        let run = self.run.as_ref();
        self.frame_times.record(secs, || {
            run.map_or("idle".into(), |r| format!("{:?}", r.state))
        });
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }

    // The window is gone: stderr is the only place left to say a job did not stop.
    #[allow(clippy::print_stderr)]
    fn on_exit(&mut self) {
        if !self.shut_down() {
            eprintln!("crl-lab: a background job did not stop within a second of closing");
        }
        self.frame_times.log_summary();
    }
}
