//! Your own logs and the rating sets in the real-logs view: the paths picked in dialogs, the
//! training log's first rows (read on the preview thread) and the column table, and the mapping
//! file (read and written on the file thread).

use std::path::{Path, PathBuf};

use crate::data::logs::{LogMapping, guess_roles};
use crate::ui::app::CrlApp;
use crate::ui::command::LogPath;
use crate::ui::notice::Notice;
use crate::ui::worker::{FileTask, PreviewMsg};

/// Rows of the training log the view previews.
pub const PREVIEW_ROWS: usize = 8;

impl CrlApp {
    /// Takes a path picked in one of the view's dialogs.
    pub(crate) fn set_log_path(&mut self, which: LogPath, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info("Nothing picked (type the path instead)"));
        };
        let text = path.display().to_string();
        let src = &mut self.state.kuairand;
        match which {
            LogPath::Train => src.train_file = text,
            LogPath::Test => src.test_file = text,
            LogPath::Mapping => src.map_file = text,
            LogPath::RatingsDir => src.ratings_dir = text,
        }
        if which == LogPath::Train {
            self.load_log_columns();
        }
    }

    /// Starts reading the first rows of the training log on the preview thread (see
    /// [`CrlApp::apply_preview`] for what happens with them).
    pub(crate) fn load_log_columns(&mut self) {
        let src = &self.state.kuairand;
        let path = PathBuf::from(src.train_file.trim());
        let mapping = src.mapping.clone();
        match self.jobs.start_preview(path, mapping, PREVIEW_ROWS) {
            Ok(()) => self.kuairand.previewing = true,
            Err(e) => self.say(Notice::error(format!(
                "Cannot start the preview thread: {e}"
            ))),
        }
    }

    /// Takes the training log's first rows: columns the table does not know yet get a guessed
    /// role, known ones keep theirs. A preview of a file the view no longer names is dropped.
    pub(crate) fn apply_preview(&mut self, msg: PreviewMsg) {
        self.kuairand.previewing = false;
        if msg.path != Path::new(self.state.kuairand.train_file.trim()) {
            return;
        }
        match msg.result {
            Ok(p) => {
                let guessed = guess_roles(&p);
                let known = &self.state.kuairand.roles;
                let roles = p
                    .columns
                    .iter()
                    .zip(guessed)
                    .map(|(c, g)| {
                        let role = known.iter().find(|(k, _)| k == c).map_or(g, |(_, r)| *r);
                        (c.clone(), role)
                    })
                    .collect();
                self.state.kuairand.roles = roles;
                self.kuairand.preview = Some(p);
                self.kuairand.error = None;
            }
            Err(e) => {
                self.kuairand.preview = None;
                self.kuairand.error = Some(e);
            }
        }
    }

    /// The mapping file's path: the typed one, or `mapping.json` beside the training log.
    fn mapping_path(&self) -> PathBuf {
        let src = &self.state.kuairand;
        if !src.map_file.trim().is_empty() {
            return PathBuf::from(src.map_file.trim());
        }
        Path::new(src.train_file.trim())
            .parent()
            .unwrap_or(Path::new("."))
            .join("mapping.json")
    }

    /// Asks the file thread for the mapping file (see [`CrlApp::log_mapping_read`]).
    pub(crate) fn load_log_mapping(&mut self) {
        let path = self.mapping_path();
        self.queue_file(FileTask::ReadMapping(path));
    }

    /// Puts a read mapping into the column table (its threshold and buckets with it).
    pub(crate) fn log_mapping_read(&mut self, path: &Path, result: crate::Result<Box<LogMapping>>) {
        match result {
            Ok(m) => {
                let src = &mut self.state.kuairand;
                let columns: Vec<String> = match &self.kuairand.preview {
                    Some(p) => p.columns.clone(),
                    None => m.columns().iter().map(|c| (*c).to_owned()).collect(),
                };
                src.roles = columns.iter().map(|c| (c.clone(), m.role_of(c))).collect();
                src.mapping = *m;
                src.map_file = path.display().to_string();
                self.say(Notice::info(format!("Read the mapping {}", path.display())));
            }
            Err(e) => self.say(Notice::error(format!("Cannot use the mapping: {e}"))),
        }
    }

    /// Asks the file thread to check the column table's mapping and write it to the mapping
    /// file (see [`CrlApp::log_mapping_saved`]).
    pub(crate) fn save_log_mapping(&mut self) {
        let path = self.mapping_path();
        let mapping = Box::new(self.state.kuairand.current_mapping());
        self.queue_file(FileTask::SaveMapping { path, mapping });
    }

    /// Says whether the mapping was written.
    pub(crate) fn log_mapping_saved(&mut self, path: &Path, result: crate::Result<()>) {
        match result {
            Ok(()) => {
                self.state.kuairand.map_file = path.display().to_string();
                self.say(Notice::info(format!(
                    "Saved the mapping to {}",
                    path.display()
                )));
            }
            Err(e) => self.say(Notice::error(format!("Cannot save the mapping: {e}"))),
        }
    }
}
