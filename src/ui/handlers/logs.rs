//! Your own logs, Yahoo! R3 and Coat in the real-logs view: the paths picked in dialogs, the
//! training log's first rows and the column table, the mapping file, and starting a run.

use std::path::{Path, PathBuf};

use crate::data::logs::{LogMapping, RatingOptions, ReadLimits, guess_roles, preview};
use crate::experiment::{LogsJob, LogsSettings, LogsSource};
use crate::ui::app::CrlApp;
use crate::ui::command::LogPath;
use crate::ui::notice::Notice;
use crate::ui::state::LogSourceKind;

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

    /// Reads the first rows of the training log; columns the table does not know yet get a
    /// guessed role, known ones keep theirs.
    pub(crate) fn load_log_columns(&mut self) {
        let src = &self.state.kuairand;
        let path = PathBuf::from(src.train_file.trim());
        match preview(&path, &src.mapping, PREVIEW_ROWS) {
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
                self.kuairand.error = Some(e.to_string());
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

    /// Reads the mapping file into the column table (its threshold and buckets with it).
    pub(crate) fn load_log_mapping(&mut self) {
        let path = self.mapping_path();
        match LogMapping::load(&path) {
            Ok(m) => {
                let src = &mut self.state.kuairand;
                let columns: Vec<String> = match &self.kuairand.preview {
                    Some(p) => p.columns.clone(),
                    None => m.columns().iter().map(|c| (*c).to_owned()).collect(),
                };
                src.roles = columns.iter().map(|c| (c.clone(), m.role_of(c))).collect();
                src.mapping = m;
                src.map_file = path.display().to_string();
                self.say(Notice::info(format!("Read the mapping {}", path.display())));
            }
            Err(e) => self.say(Notice::error(format!("Cannot use the mapping: {e}"))),
        }
    }

    /// Writes the column table's mapping to the mapping file.
    pub(crate) fn save_log_mapping(&mut self) {
        let path = self.mapping_path();
        let m = self.state.kuairand.current_mapping();
        match m.validate().and_then(|()| m.save(&path)) {
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

    /// The source the view describes, or why it cannot be read.
    fn logs_source(&self) -> Result<LogsSource, String> {
        let src = &self.state.kuairand;
        let options = RatingOptions {
            threshold: src.rating_threshold,
            ..RatingOptions::default()
        };
        let dir = PathBuf::from(src.ratings_dir.trim());
        Ok(match src.kind {
            LogSourceKind::Files => {
                let mapping = src.current_mapping();
                mapping.validate().map_err(|e| e.to_string())?;
                let test = src.test_file.trim();
                if test.is_empty() && mapping.split.is_none() {
                    return Err(
                        "give a test log, or mark one column as the split (test marker)".into(),
                    );
                }
                LogsSource::Files {
                    train: PathBuf::from(src.train_file.trim()),
                    test: (!test.is_empty()).then(|| PathBuf::from(test)),
                    mapping: Box::new(mapping),
                }
            }
            LogSourceKind::YahooR3 => LogsSource::YahooR3 { dir, options },
            LogSourceKind::Coat => LogsSource::Coat { dir, options },
            LogSourceKind::KuaiRand => return Err("KuaiRand trains through its own button".into()),
        })
    }

    /// Starts a run on the view's source (your logs, Yahoo! R3 or Coat).
    pub(crate) fn start_logs(&mut self) {
        let source = match self.logs_source() {
            Ok(s) => s,
            Err(e) => {
                self.kuairand.error = Some(e.clone());
                return self.say(Notice::error(format!("Cannot train on these logs: {e}")));
            }
        };
        let Some((config, n_seeds)) = self.real_logs_config() else {
            return;
        };
        let job = LogsJob {
            source,
            settings: LogsSettings::default(),
            config: config.clone(),
            n_seeds,
            device: self.state.train.device,
            limits: ReadLimits::process(),
        };
        match self.jobs.start_logs(job) {
            Ok(()) => self.real_logs_started(&config, n_seeds, "opening the logs…"),
            Err(e) => self.say(Notice::error(format!("Cannot start the logs thread: {e}"))),
        }
    }
}
