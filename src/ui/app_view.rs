//! What the panels read of the app, borrowed for one frame. Panels change nothing through it:
//! they push commands, and keep only their own widget state (the edge being drawn, the name
//! being typed) as `&mut`.

use crate::experiment::RunResults;
use crate::export::PlotKind;
use crate::session::PinnedRun;
use crate::ui::command::Selection;
use crate::ui::data_samples::ShownSamples;
use crate::ui::history::History;
use crate::ui::lessons::Lessons;
use crate::ui::notice::Notice;
use crate::ui::results::{CalibrationResults, LogsView};
use crate::ui::state::AppState;

/// The app as the panels see it in one frame.
pub struct AppView<'a> {
    /// The persisted state: scenario, layout, settings, tab.
    pub state: &'a AppState,
    /// What the graph editor has selected.
    pub selection: &'a Selection,
    /// Whether there is something to undo or redo.
    pub history: &'a History,
    /// The message in the status bar.
    pub notice: Option<&'a Notice>,
    /// The scenario's validation: warnings, or the error that stops training.
    pub validation: &'a Result<Vec<String>, String>,
    /// The current or last run (training or logs).
    pub run: Option<&'a RunResults>,
    /// The runs pinned for comparison.
    pub pinned: &'a [PinnedRun],
    /// Whether the current run can be pinned, or why not.
    pub pin: Result<(), String>,
    /// The calibration view's results.
    pub calibration: &'a CalibrationResults,
    /// The lessons.
    pub lessons: &'a Lessons,
    /// The real-logs view's results.
    pub kuairand: &'a LogsView,
    /// The plots that have something to export.
    pub exportable: &'a [PlotKind],
    /// The device line of the status bar.
    pub device_line: &'a str,
    /// What the file thread is doing, while it works.
    pub file_task: Option<&'a str>,
    /// The data view's samples for what it shows, once drawn (`None`: sampling).
    pub data_samples: Option<ShownSamples<'a>>,
}
