//! Exports: one plot as a figure or as CSV, the generated dataset, or everything at once. The
//! path comes with the command (the File menu asked for it); the file thread renders, samples
//! and writes, and what it did comes back here to be said.

use std::path::{Path, PathBuf};

use crate::export::{FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind};
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::worker::{FileTask, PlotSnapshot};

impl CrlApp {
    /// What the plots show, as the core's figure and CSV writers take it.
    pub(crate) fn plot_data(&self) -> PlotData<'_> {
        PlotData {
            run: self.run.as_ref(),
            calibration: &self.calibration.points,
            calibration_estimator: self
                .calibration
                .estimator
                .unwrap_or(self.state.calibration.estimator),
            staircase: self
                .calibration
                .staircase
                .as_ref()
                .filter(|s| !s.history.is_empty()),
            pinned: &self.pinned,
            representation: self.state.representation,
        }
    }

    /// Says what a figure, CSV or dataset export did.
    pub(crate) fn report_write(&mut self, result: crate::Result<()>, path: &Path, what: &str) {
        match result {
            Ok(()) => self.say(Notice::info(format!("Wrote {what} {}", path.display()))),
            Err(e) => self.say(Notice::error(format!("Could not write the {what}: {e}"))),
        }
    }

    /// Hands `task` to the file thread; a full queue is said.
    pub(crate) fn queue_file(&mut self, task: FileTask) {
        if let Err(e) = self.jobs.queue_file(task) {
            self.say(Notice::error(e));
        }
    }

    pub(crate) fn export_figure(
        &mut self,
        kind: PlotKind,
        format: FigureFormat,
        width: FigureWidth,
        path: Option<PathBuf>,
    ) {
        let Some(path) = path else {
            return self.say(Notice::info(
                "Not exported: no file picked (type a folder in File, then Export all)",
            ));
        };
        let spec = FigureSpec {
            kind,
            format,
            width,
            hash: None,
        };
        let plots = Box::new(PlotSnapshot::of(&self.plot_data()));
        self.queue_file(FileTask::ExportFigure {
            path,
            spec,
            plots,
            workspace: Box::new(self.workspace()),
        });
    }

    pub(crate) fn export_csv(&mut self, kind: PlotKind, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info("Not exported: no file picked"));
        };
        let plots = Box::new(PlotSnapshot::of(&self.plot_data()));
        self.queue_file(FileTask::ExportCsv { path, kind, plots });
    }

    pub(crate) fn export_dataset(&mut self, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info("Not exported: no file picked"));
        };
        self.queue_file(FileTask::ExportDataset {
            path,
            scenario: Box::new(self.state.scenario.clone()),
            shift: self.state.data.shift,
            n_rows: self.state.train.config.n_train,
            seed: self.state.train.config.seed,
        });
    }

    /// Writes the same bundle as `crl-lab run`: the workspace, every figure that has something
    /// to draw (SVG, and PNG at both widths) with its CSV, the result tables and the dataset.
    pub(crate) fn export_all_to(&mut self, dir: &Path) {
        let mut ws = self.workspace();
        // What the plots show, a run still going included, with the estimator its calibration
        // points belong to.
        ws.results.clone_from(&self.run);
        ws.plots.calibration.estimator = self.plot_data().calibration_estimator;
        self.queue_file(FileTask::ExportAll {
            dir: dir.to_owned(),
            workspace: Box::new(ws),
        });
    }

    /// Says what Export all did.
    pub(crate) fn exported_all(&mut self, dir: &Path, result: crate::Result<usize>) {
        match result {
            Ok(n) => self.say(Notice::info(format!(
                "Exported {n} files to {}",
                dir.display()
            ))),
            Err(e) => self.say(Notice::error(format!("Export failed: {e}"))),
        }
    }
}
