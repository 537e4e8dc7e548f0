//! Everything a widget can ask for, as data. Widgets push commands; `CrlApp::handle_command`
//! applies them. Edits of the scenario go through `History`, which is all undo and redo
//! need.
//!
//! A command that reads or writes a file carries its path: the view asks in a file dialog (on the
//! UI thread, rfd) and the handler hands the I/O to the file thread, so every command can be
//! applied headless.
//! Such a path is an `Option`: `None` is a dialog that was cancelled or could not open (no desktop
//! portal), which the handler answers by pointing at the typed-path fallback in the File menu.

use std::path::PathBuf;

use crate::experiment::{CalibrationSettings, TrainSettings};
use crate::export::{FigureFormat, FigureWidth, PlotKind};
use crate::scm::{Node, Role};
use crate::session::DataSettings;
use crate::ui::state::{LogsForm, RepresentationView, Tab};

/// What the graph editor has selected.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A node, by name.
    Node(String),
    /// An edge `from -> to`.
    Edge {
        /// Parent.
        from: String,
        /// Child.
        to: String,
    },
}

/// The answer to "restore the session an unclean exit left?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryAnswer {
    /// Make it the session.
    Restore,
    /// Delete it.
    Discard,
    /// Keep it for the next start.
    Later,
}

/// A request from a widget.
#[derive(Clone, Debug)]
pub enum Command {
    /// Replace the scenario by a preset (undoable).
    LoadPreset(String),
    /// Add a node of `role` at `pos` (canvas coordinates in `[0, 1]²`).
    AddNode {
        /// Its role.
        role: Role,
        /// Where on the canvas.
        pos: [f32; 2],
    },
    /// Delete a node and its edges.
    DeleteNode(String),
    /// Rename a node everywhere.
    RenameNode {
        /// Current name.
        old: String,
        /// New name.
        new: String,
    },
    /// Add an edge (refused if it closes a cycle).
    AddEdge {
        /// Parent.
        from: String,
        /// Child.
        to: String,
    },
    /// Remove an edge.
    RemoveEdge {
        /// Parent.
        from: String,
        /// Child.
        to: String,
    },
    /// Replace a node's definition (the inspector's edits).
    SetNode {
        /// The node.
        name: String,
        /// Its new definition.
        node: Box<Node>,
    },
    /// Move a node on the canvas.
    MoveNode {
        /// The node.
        name: String,
        /// New position in `[0, 1]²`.
        pos: [f32; 2],
    },
    /// Lay the graph out again by depth.
    AutoLayout,
    /// Delete what is selected (a node or an edge).
    DeleteSelection,
    /// Change the selection.
    Select(Selection),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Train with the current settings.
    StartTraining,
    /// Pin the finished run for comparison.
    PinRun,
    /// Remove the pinned run at this index.
    Unpin(usize),
    /// Rename the pinned run at this index.
    RenamePinned(usize, String),
    /// Show (true) or hide the pinned run at this index on the plots.
    ShowPinned(usize, bool),
    /// Pause or resume the run.
    SetPaused(bool),
    /// Stop the run, keeping what it has.
    StopTraining,
    /// Train the same run again on the CPU (after the GPU failed).
    TrainOnCpu,
    /// Answer the offer of a session an unclean exit left.
    AnswerRecovery(RecoveryAnswer),
    /// New training settings (the panel's edits).
    SetTrainSettings(Box<TrainSettings>),
    /// The memory one request may take, in MB (`None`: half the memory available).
    SetMemoryLimit(Option<u64>),
    /// New data view settings.
    SetDataSettings(DataSettings),
    /// New calibration settings.
    SetCalibrationSettings(CalibrationSettings),
    /// New beta for the CRL model, applied from the next step of a running run.
    SetBeta(f64),
    /// Run the estimator calibration.
    StartCalibration,
    /// Stop the calibration.
    StopCalibration,
    /// Set the real-logs view's form (source, its fields, beta, rows).
    SetLogsForm(Box<LogsForm>),
    /// Use the folder picked in the KuaiRand source's dialog (`None`: nothing picked).
    SetKuaiRandFolder(Option<PathBuf>),
    /// Use a path picked in the real-logs view's dialog for `0` (`None`: nothing picked).
    SetLogPath(LogPath, Option<PathBuf>),
    /// Read the first rows of the training log into the column table (a first guess at each
    /// column's role when the columns are new), on the preview thread.
    LoadLogColumns,
    /// Read the mapping file into the column table.
    LoadLogMapping,
    /// Write the column table's mapping to the mapping file.
    SaveLogMapping,
    /// Read the view's logs source (KuaiRand, your logs, Yahoo! R3 or Coat) and train on it.
    StartLogs,
    /// Start the lesson of this id at its first step.
    StartLesson(String),
    /// The lesson's next step (Next on a reading step, Skip on the others).
    LessonNext,
    /// The lesson's previous step.
    LessonBack,
    /// The lesson from its first step.
    LessonRestart,
    /// End the lesson.
    LessonClose,
    /// Fold or unfold the lesson panel.
    SetLessonCollapsed(bool),
    /// Read a lesson file and start it (`None`: nothing picked).
    OpenLesson(Option<PathBuf>),
    /// The path typed in the Lessons menu.
    SetLessonPath(String),
    /// Open a workspace file (`None`: nothing picked). Unsaved work is asked about first.
    OpenWorkspace(Option<PathBuf>),
    /// Save the workspace to this file (`None`: nothing picked). The File menu's "Save" passes
    /// the workspace's own file when it has one, "Save as" and a first save what the dialog chose.
    SaveWorkspace(Option<PathBuf>),
    /// Export one plot as a figure.
    ExportFigure {
        /// Which plot.
        kind: PlotKind,
        /// SVG or PNG.
        format: FigureFormat,
        /// Single or double column.
        width: FigureWidth,
        /// Where (`None`: nothing picked).
        path: Option<PathBuf>,
    },
    /// Export the CSV behind one plot.
    ExportCsv {
        /// Which plot.
        kind: PlotKind,
        /// Where (`None`: nothing picked).
        path: Option<PathBuf>,
    },
    /// Export the generated dataset at the data view's shift (`None`: nothing picked).
    ExportDataset(Option<PathBuf>),
    /// Export every figure and CSV into a folder.
    ExportAll(PathBuf),
    /// Open (true) or close the Export grid window.
    ShowGridExport(bool),
    /// Vary this setting on the Export grid form's axis `index` (a new axis when `index` is
    /// past the last), its values filled from the session.
    SetGridAxis {
        /// Which axis.
        index: usize,
        /// The setting's name.
        setting: String,
    },
    /// Write the Export grid form as a grid file here (`None`: nothing picked or typed).
    ExportGrid(Option<PathBuf>),
    /// Open (true) or close the Grid results window.
    ShowGridResults(bool),
    /// Show the figures of the collected grid in this folder (`None`: nothing picked).
    OpenGridResults(Option<PathBuf>),
    /// The answer to "discard unsaved work?".
    AnswerDiscard(DiscardAnswer),
    /// The representation view's colouring and shift.
    SetRepresentationView(RepresentationView),
    /// Show a plot tab.
    SetTab(Tab),
    /// Forget the message in the status bar.
    DismissNotice,
}

impl Command {
    /// Replace the node `name` with `node`.
    pub fn set_node(name: &str, node: Node) -> Self {
        Command::SetNode {
            name: name.to_owned(),
            node: Box::new(node),
        }
    }
}

/// Which path of the real-logs view a dialog picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogPath {
    /// The training log.
    Train,
    /// The test log.
    Test,
    /// The mapping file.
    Mapping,
    /// The Yahoo! R3 or Coat folder.
    RatingsDir,
}

/// The answers to "discard unsaved work?".
#[derive(Clone, Debug, PartialEq)]
pub enum DiscardAnswer {
    /// Save to this file first, then go on (`None`: nothing picked, so nothing is discarded).
    SaveFirst(Option<PathBuf>),
    /// Go on and lose the unsaved work.
    Discard,
    /// Do not go on.
    Cancel,
}
