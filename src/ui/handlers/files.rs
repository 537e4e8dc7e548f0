//! What a file task did, handed to the area that asked for it: the session (saves, opens,
//! recovery files), exports, grids, lessons and logs mappings. Each outcome is said once, in the status bar.

use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::worker::FileDone;

impl CrlApp {
    /// Applies what the file thread sent.
    pub(crate) fn apply_file_done(&mut self, done: FileDone) {
        match done {
            FileDone::Saved { path, json, result } => {
                self.workspace_saved(path, Some(json), result);
            }
            FileDone::Opened { path, result } => self.workspace_opened(&path, result),
            FileDone::Wrote { path, what, result } => self.report_write(result, &path, what),
            FileDone::ExportedAll { dir, result } => self.exported_all(&dir, result),
            FileDone::GridWritten { path, result } => self.grid_written(&path, result),
            FileDone::GridResults { path, result } => self.grid_results_read(&path, result),
            FileDone::LessonRead {
                path,
                start,
                result,
            } => self.lesson_read(&path, start, result),
            FileDone::MappingRead { path, result } => self.log_mapping_read(&path, result),
            FileDone::MappingSaved { path, result } => self.log_mapping_saved(&path, result),
            FileDone::Removed { report, result } => {
                if let (true, Err(e)) = (report, result) {
                    self.say(Notice::error(e));
                }
            }
        }
    }
}
