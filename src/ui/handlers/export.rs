//! Exports: one plot as a figure or as CSV, the generated dataset, or everything at once. The
//! path comes with the command (the File menu asked for it); the writing is the core's.

use std::path::{Path, PathBuf};

use crate::export::{FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind, export_bundle};
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;

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

    fn report_write(&mut self, result: crate::Result<()>, path: &Path, what: &str) {
        match result {
            Ok(()) => self.say(Notice::info(format!("Wrote {what} {}", path.display()))),
            Err(e) => self.say(Notice::error(format!("Could not write the {what}: {e}"))),
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
        let hash = self.workspace().hash().ok();
        let spec = FigureSpec {
            kind,
            format,
            width,
            hash,
        };
        let result = crate::export::write_figure(&path, &spec, &self.plot_data());
        self.report_write(result, &path, "figure");
    }

    pub(crate) fn export_csv(&mut self, kind: PlotKind, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info("Not exported: no file picked"));
        };
        let result = crate::export::plot_csv(kind, &self.plot_data())
            .and_then(|text| crate::fs::write_string(&path, &text));
        self.report_write(result, &path, "CSV");
    }

    pub(crate) fn export_dataset(&mut self, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info("Not exported: no file picked"));
        };
        let result = crate::export::write_dataset(
            &self.state.scenario,
            self.state.data.shift,
            self.state.train.config.n_train,
            self.state.train.config.seed,
            &path,
        );
        self.report_write(result, &path, "dataset");
    }

    /// Writes the same bundle as `crl-lab run`: the workspace, every figure that has something
    /// to draw (SVG, and PNG at both widths) with its CSV, the result tables and the dataset.
    pub(crate) fn export_all_to(&mut self, dir: &Path) {
        let mut ws = self.workspace();
        // What the plots show, a run still going included, with the estimator its calibration
        // points belong to.
        ws.results = self.run.clone();
        ws.plots.calibration.estimator = self.plot_data().calibration_estimator;
        match export_bundle(&ws, dir, &[FigureWidth::Single, FigureWidth::Double]) {
            Ok(files) => self.say(Notice::info(format!(
                "Exported {} files to {}",
                files.len(),
                dir.display()
            ))),
            Err(e) => self.say(Notice::error(format!("Export failed: {e}"))),
        }
    }
}
