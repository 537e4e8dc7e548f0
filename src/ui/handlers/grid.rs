//! Grids: the Export grid form written as a grid file from the current session, and a collected
//! grid's figures read for the Grid results window. The path comes with the command; the core
//! checks the grid, and the file thread writes it and reads the figure index and images.

use std::path::{Path, PathBuf};

use crate::ui::app::CrlApp;
use crate::ui::grid_forms::{AxisDraft, GridDraft, GridShown, current_text};
use crate::ui::notice::Notice;
use crate::ui::worker::FileTask;

impl CrlApp {
    /// Opens or closes the Export grid window; opening it the first time fills the form from
    /// the session (β around its value, its seeds).
    pub(crate) fn show_grid_export(&mut self, open: bool) {
        if open && self.grid.export.axes.is_empty() {
            let folder = self
                .files
                .path
                .as_ref()
                .and_then(|p| p.parent().map(PathBuf::from));
            self.grid.export = GridDraft::for_session(&self.workspace(), folder);
        }
        self.grid.export.open = open;
    }

    /// Sets axis `index` of the form to vary `setting`, its values the session's value (the
    /// user then types the others); an index past the last adds an axis.
    pub(crate) fn set_grid_axis(&mut self, index: usize, setting: String) {
        let values = current_text(&self.workspace(), &setting);
        let axes = &mut self.grid.export.axes;
        let axis = AxisDraft { setting, values };
        match axes.get_mut(index) {
            Some(a) => *a = axis,
            None => axes.push(axis),
        }
    }

    /// Writes the form as a grid file at `path`.
    pub(crate) fn export_grid(&mut self, path: Option<PathBuf>) {
        let Some(path) = path.filter(|p| !p.as_os_str().is_empty()) else {
            return self.say(Notice::info(
                "Grid not written: no file picked (type a path in the Export grid window)",
            ));
        };
        let checked = self
            .grid
            .export
            .to_grid(&self.workspace())
            .and_then(|g| Ok((g.cell_count(), g.to_json()?)));
        match checked {
            Ok((n_cells, text)) => self.queue_file(FileTask::WriteGrid {
                path,
                text,
                n_cells,
            }),
            Err(e) => self.say(Notice::error(format!("Could not write the grid: {e}"))),
        }
    }

    /// Says what writing the grid file did.
    pub(crate) fn grid_written(&mut self, path: &Path, result: crate::Result<usize>) {
        match result {
            Ok(n) => {
                self.grid.export.path = path.display().to_string();
                self.say(Notice::info(format!(
                    "Wrote the grid {} ({n} cells): run `crl-lab grid plan {} --out DIR`",
                    path.display(),
                    path.display()
                )));
            }
            Err(e) => self.say(Notice::error(format!("Could not write the grid: {e}"))),
        }
    }

    /// Opens or closes the Grid results window.
    pub(crate) fn show_grid_results(&mut self, open: bool) {
        self.grid.results.open = open;
    }

    /// Reads the collected grid in `path` (the grid's folder or its `collected/`) and shows its
    /// figures.
    pub(crate) fn open_grid_results(&mut self, path: Option<PathBuf>) {
        let Some(path) = path.filter(|p| !p.as_os_str().is_empty()) else {
            return self.say(Notice::info(
                "No grid opened: no folder picked (type it in the Grid results window)",
            ));
        };
        self.queue_file(FileTask::OpenGridResults(path));
    }

    /// Shows the collected grid the file thread read, or says why it cannot be.
    pub(crate) fn grid_results_read(&mut self, path: &Path, result: crate::Result<Box<GridShown>>) {
        match result {
            Ok(shown) => {
                let index = &shown.index;
                self.say(Notice::info(format!(
                    "Grid `{}`: {} figures from {} of {} cells",
                    index.name,
                    index.figures.len(),
                    index.cells_done,
                    index.cells
                )));
                self.grid.results.path = path.display().to_string();
                self.grid.results.shown = Some(*shown);
                self.grid.results.open = true;
            }
            Err(e) => self.say(Notice::error(format!("Cannot show the grid: {e}"))),
        }
    }
}
