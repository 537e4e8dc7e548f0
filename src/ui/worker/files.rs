//! The file thread: reads and writes what the user asked for (workspace files, figures, CSVs, the
//! dataset, the export bundle, grid files and results, lesson files, logs mapping files, a
//! recovery file to remove),
//! one task per thread named `crl-files`, and sends back what happened. The app runs one task at
//! a time, in the order asked, so a save followed by an open of the same file reads what was
//! written.

use std::path::{Path, PathBuf};

use crate::data::logs::LogMapping;
use crate::experiment::RunResults;
use crate::export::{
    FigureSpec, FigureWidth, PlotData, PlotKind, export_bundle, plot_csv, write_dataset,
    write_figure,
};
use crate::fs::{read_string, write_string};
use crate::grid::FigureIndex;
use crate::mi::{Calibration, EstimatorKind, Staircase};
use crate::scm::Scenario;
use crate::session::{Lesson, PinnedRun, RepresentationView, Workspace};
use crate::ui::grid_forms::{GridShown, decode_png};

use super::channel::Worker;

/// What the plots show, owned, so a figure or its CSV can be made off the UI thread.
#[derive(Clone, Debug)]
pub struct PlotSnapshot {
    /// The training run.
    pub run: Option<RunResults>,
    /// The calibration points.
    pub calibration: Vec<Calibration>,
    /// The estimator the calibration points belong to.
    pub calibration_estimator: EstimatorKind,
    /// The staircase run, if any.
    pub staircase: Option<Staircase>,
    /// The pinned runs.
    pub pinned: Vec<PinnedRun>,
    /// The representation figure's colouring and shift.
    pub representation: RepresentationView,
}

impl PlotSnapshot {
    /// A copy of what `data` borrows.
    pub fn of(data: &PlotData<'_>) -> Self {
        PlotSnapshot {
            run: data.run.cloned(),
            calibration: data.calibration.to_vec(),
            calibration_estimator: data.calibration_estimator,
            staircase: data.staircase.cloned(),
            pinned: data.pinned.to_vec(),
            representation: data.representation,
        }
    }

    fn data(&self) -> PlotData<'_> {
        PlotData {
            run: self.run.as_ref(),
            calibration: &self.calibration,
            calibration_estimator: self.calibration_estimator,
            staircase: self.staircase.as_ref(),
            pinned: &self.pinned,
            representation: self.representation,
        }
    }
}

/// Something to read or write.
#[derive(Debug)]
pub enum FileTask {
    /// Write the workspace (its canonical text) to the file.
    SaveWorkspace {
        /// Where.
        path: PathBuf,
        /// The workspace's canonical text.
        json: String,
    },
    /// Read a workspace file.
    OpenWorkspace(PathBuf),
    /// Render one plot and write it.
    ExportFigure {
        /// Where.
        path: PathBuf,
        /// Which plot, in which format and width (its workspace hash is filled in here).
        spec: FigureSpec,
        /// What the plots show.
        plots: Box<PlotSnapshot>,
        /// The session the figure comes from: its hash is written into the figure.
        workspace: Box<Workspace>,
    },
    /// Write the CSV behind one plot.
    ExportCsv {
        /// Where.
        path: PathBuf,
        /// Which plot.
        kind: PlotKind,
        /// What the plots show.
        plots: Box<PlotSnapshot>,
    },
    /// Sample the scenario and write the dataset.
    ExportDataset {
        /// Where.
        path: PathBuf,
        /// The scenario.
        scenario: Box<Scenario>,
        /// The test shift.
        shift: f64,
        /// Rows.
        n_rows: usize,
        /// The seed.
        seed: u64,
    },
    /// Write the export bundle into a folder.
    ExportAll {
        /// The folder.
        dir: PathBuf,
        /// The session, with what the plots show.
        workspace: Box<Workspace>,
    },
    /// Write a grid file.
    WriteGrid {
        /// Where.
        path: PathBuf,
        /// The grid file's text.
        text: String,
        /// Its cells.
        n_cells: usize,
    },
    /// Read a collected grid's figure index and its images.
    OpenGridResults(PathBuf),
    /// Read a lesson file; start it once read when `start`.
    ReadLesson {
        /// Where.
        path: PathBuf,
        /// Start the lesson (opened from the menu) or only know it (read again at start).
        start: bool,
    },
    /// Read a logs mapping file.
    ReadMapping(PathBuf),
    /// Check a logs mapping and write it.
    SaveMapping {
        /// Where.
        path: PathBuf,
        /// The mapping.
        mapping: Box<LogMapping>,
    },
    /// Remove a recovery file; `report` says whether a failure is shown.
    RemoveRecovery {
        /// The file.
        path: PathBuf,
        /// Show a failure to remove it.
        report: bool,
    },
}

impl FileTask {
    /// Whether the task writes the session's workspace (closing waits for it).
    pub fn is_save(&self) -> bool {
        matches!(self, FileTask::SaveWorkspace { .. })
    }

    /// What the status bar says while it runs.
    pub fn caption(&self) -> String {
        let name = |p: &Path| {
            p.file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        };
        match self {
            FileTask::SaveWorkspace { path, .. } => format!("saving {}…", name(path)),
            FileTask::OpenWorkspace(path) => format!("opening {}…", name(path)),
            FileTask::ExportFigure { path, .. }
            | FileTask::ExportCsv { path, .. }
            | FileTask::ExportDataset { path, .. }
            | FileTask::WriteGrid { path, .. }
            | FileTask::SaveMapping { path, .. } => format!("writing {}…", name(path)),
            FileTask::ExportAll { dir, .. } => format!("exporting to {}…", name(dir)),
            FileTask::OpenGridResults(path) => format!("reading {}…", name(path)),
            FileTask::ReadLesson { path, .. } | FileTask::ReadMapping(path) => {
                format!("reading {}…", name(path))
            }
            FileTask::RemoveRecovery { .. } => "removing a recovery file…".into(),
        }
    }
}

/// What a file task did.
#[derive(Debug)]
pub enum FileDone {
    /// The workspace was saved (its canonical text, to tell unsaved work), or not.
    Saved {
        /// Where.
        path: PathBuf,
        /// What was written.
        json: String,
        /// Whether it was.
        result: crate::Result<()>,
    },
    /// A workspace file was read, or why not.
    Opened {
        /// Where.
        path: PathBuf,
        /// What it holds.
        result: crate::Result<Box<Workspace>>,
    },
    /// A figure, CSV or dataset was written, or not.
    Wrote {
        /// Where.
        path: PathBuf,
        /// "figure", "CSV" or "dataset".
        what: &'static str,
        /// Whether it was.
        result: crate::Result<()>,
    },
    /// The export bundle was written (how many files), or not.
    ExportedAll {
        /// The folder.
        dir: PathBuf,
        /// The files written.
        result: crate::Result<usize>,
    },
    /// A grid file was written (its cells), or not.
    GridWritten {
        /// Where.
        path: PathBuf,
        /// Its cells.
        result: crate::Result<usize>,
    },
    /// A collected grid was read, or not.
    GridResults {
        /// The folder asked for.
        path: PathBuf,
        /// Its figures.
        result: crate::Result<Box<GridShown>>,
    },
    /// A lesson file was read, or not.
    LessonRead {
        /// Where.
        path: PathBuf,
        /// Start it.
        start: bool,
        /// The lesson.
        result: crate::Result<Box<Lesson>>,
    },
    /// A logs mapping file was read, or not.
    MappingRead {
        /// Where.
        path: PathBuf,
        /// The mapping.
        result: crate::Result<Box<LogMapping>>,
    },
    /// A logs mapping was checked and written, or not.
    MappingSaved {
        /// Where.
        path: PathBuf,
        /// Whether it was.
        result: crate::Result<()>,
    },
    /// A recovery file was removed, or not.
    Removed {
        /// Show a failure.
        report: bool,
        /// Whether it went.
        result: Result<(), String>,
    },
}

/// `task`, for a thread named `crl-files`; it sends one [`FileDone`]. A task not begun when its
/// control is cancelled (the window is closing) is skipped unless it saves the workspace.
pub fn file_worker(task: FileTask) -> Worker<FileDone> {
    Worker::new("crl-files", move |out| {
        if out.control.is_cancelled() && !task.is_save() {
            return;
        }
        out.send(run(task));
    })
}

/// Does `task`.
fn run(task: FileTask) -> FileDone {
    match task {
        FileTask::SaveWorkspace { path, json } => {
            let result = write_string(&path, &json);
            FileDone::Saved { path, json, result }
        }
        FileTask::OpenWorkspace(path) => {
            let result = Workspace::load(&path).map(Box::new);
            FileDone::Opened { path, result }
        }
        FileTask::ExportFigure {
            path,
            mut spec,
            plots,
            workspace,
        } => {
            spec.hash = workspace.hash().ok();
            let result = write_figure(&path, &spec, &plots.data());
            FileDone::Wrote {
                path,
                what: "figure",
                result,
            }
        }
        FileTask::ExportCsv { path, kind, plots } => {
            let result = plot_csv(kind, &plots.data()).and_then(|text| write_string(&path, &text));
            FileDone::Wrote {
                path,
                what: "CSV",
                result,
            }
        }
        FileTask::ExportDataset {
            path,
            scenario,
            shift,
            n_rows,
            seed,
        } => {
            let result = write_dataset(&scenario, shift, n_rows, seed, &path);
            FileDone::Wrote {
                path,
                what: "dataset",
                result,
            }
        }
        FileTask::ExportAll { dir, workspace } => {
            let result = export_bundle(
                &workspace,
                &dir,
                &[FigureWidth::Single, FigureWidth::Double],
            )
            .map(|files| files.len());
            FileDone::ExportedAll { dir, result }
        }
        FileTask::WriteGrid {
            path,
            text,
            n_cells,
        } => {
            let result = write_string(&path, &text).map(|()| n_cells);
            FileDone::GridWritten { path, result }
        }
        FileTask::OpenGridResults(path) => {
            let result = read_grid_results(&path).map(Box::new);
            FileDone::GridResults { path, result }
        }
        FileTask::ReadLesson { path, start } => {
            let result = read_string(&path)
                .and_then(|text| Lesson::from_json(&text, &path.display().to_string()))
                .map(Box::new);
            FileDone::LessonRead {
                path,
                start,
                result,
            }
        }
        FileTask::ReadMapping(path) => {
            let result = LogMapping::load(&path).map(Box::new);
            FileDone::MappingRead { path, result }
        }
        FileTask::SaveMapping { path, mapping } => {
            let result = mapping.validate().and_then(|()| mapping.save(&path));
            FileDone::MappingSaved { path, result }
        }
        FileTask::RemoveRecovery { path, report } => {
            let result = std::fs::remove_file(&path)
                .map_err(|e| format!("Cannot remove {}: {e}", path.display()));
            FileDone::Removed { report, result }
        }
    }
}

/// The collected grid in `path` (the grid's folder or its `collected/`): its figure index and
/// each figure's image, or why an image cannot be shown.
fn read_grid_results(path: &Path) -> crate::Result<GridShown> {
    let (index, folder) = FigureIndex::load(path)?;
    let images = index
        .figures
        .iter()
        .map(|f| {
            let p = folder.join(&f.png);
            std::fs::read(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))
                .and_then(|bytes| decode_png(&bytes))
        })
        .collect();
    Ok(GridShown {
        folder,
        index,
        images,
    })
}
