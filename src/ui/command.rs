//! Everything a widget can ask for, as data. Widgets push commands; `CrlApp::handle_command`
//! applies them. Edits of the scenario go through [`History`], which is all undo and redo need.

use crate::scm::{Node, Role, Scenario};

use super::kuairand::KuaiRandSource;
use super::state::{Layout, Tab};
use crate::experiment::{CalibrationSettings, TrainSettings};
use crate::export::DataSettings;
use crate::export::{FigureFormat, FigureWidth, PlotKind};

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
    /// Pause or resume the run.
    SetPaused(bool),
    /// Stop the run, keeping what it has.
    StopTraining,
    /// New training settings (the panel's edits).
    SetTrainSettings(Box<TrainSettings>),
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
    /// Set the KuaiRand source (folder, beta, rows).
    SetKuaiRandSource(KuaiRandSource),
    /// Pick the KuaiRand folder in a dialog.
    BrowseKuaiRand,
    /// Load KuaiRand and train on it.
    StartKuaiRand,
    /// Open a workspace file (`None`: ask with a dialog).
    OpenWorkspace(Option<std::path::PathBuf>),
    /// Save the workspace (to its file, or ask where when `as_new` or when it has none).
    SaveWorkspace {
        /// Ask for a new file.
        as_new: bool,
    },
    /// Save the workspace to this path.
    SaveWorkspaceTo(std::path::PathBuf),
    /// Export one plot as a figure (asks where).
    ExportFigure {
        /// Which plot.
        kind: PlotKind,
        /// SVG or PNG.
        format: FigureFormat,
        /// Single or double column.
        width: FigureWidth,
    },
    /// Export the CSV behind one plot (asks where).
    ExportCsv(PlotKind),
    /// Export the generated dataset at the data view's shift (asks where).
    ExportDataset,
    /// Export every figure and CSV into a folder.
    ExportAll(std::path::PathBuf),
    /// The answer to "discard unsaved work?".
    AnswerDiscard {
        /// Save first.
        save: bool,
        /// Go on with what was asked (false: cancel it).
        go_on: bool,
    },
    /// Show a plot tab.
    SetTab(Tab),
    /// Forget the message in the status bar.
    DismissNotice,
}

/// A scenario and its layout: the unit of undo.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The graph.
    pub scenario: Scenario,
    /// Where its nodes sit.
    pub layout: Layout,
}

/// Undo and redo stacks of snapshots. Consecutive edits with the same coalescing key (dragging
/// one node, dragging one slider) form one undo step until [`History::seal`] is called (the app
/// seals whenever no pointer button is held).
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    open_key: Option<String>,
}

/// How many edits can be undone.
const MAX_UNDO: usize = 200;

impl History {
    /// Records `before` (the state before an edit). `key` groups a run of edits into one step.
    pub fn record(&mut self, before: Snapshot, key: Option<&str>) {
        let coalesce = key.is_some() && self.open_key.as_deref() == key;
        if !coalesce {
            self.undo.push(before);
            if self.undo.len() > MAX_UNDO {
                self.undo.remove(0);
            }
        }
        self.open_key = key.map(str::to_owned);
        self.redo.clear();
    }

    /// Ends the current run of coalesced edits.
    pub fn seal(&mut self) {
        self.open_key = None;
    }

    /// The state to go back to, given the current one.
    pub fn undo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let prev = self.undo.pop()?;
        self.redo.push(current);
        self.open_key = None;
        Some(prev)
    }

    /// The state to go forward to, given the current one.
    pub fn redo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.open_key = None;
        Some(next)
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
