//! Exports: one plot as a figure or as CSV, the generated dataset, or everything at once. The
//! path comes with the command (the File menu asked for it); the writing is the core's.

use std::path::{Path, PathBuf};

use crate::export::{FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind};
use crate::ui::app::CrlApp;
use crate::ui::export_all::export_all;
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
            .and_then(|text| crate::export::write_string(&path, &text));
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

    pub(crate) fn export_all_to(&mut self, dir: &Path) {
        let hash = self.workspace().hash().ok();
        match export_all(dir, &self.plot_data(), hash) {
            Ok(n) => self.say(Notice::info(format!(
                "Exported {n} files to {}",
                dir.display()
            ))),
            Err(e) => self.say(Notice::error(format!("Export failed: {e}"))),
        }
    }
}
