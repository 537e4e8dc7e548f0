//! What the app remembers between runs (eframe storage): the scenario being edited, where its
//! nodes sit, the training settings, the view and the real-logs form. Results and threads are
//! runtime-only.

use serde::{Deserialize, Serialize};

use std::path::PathBuf;

use crate::data::kuairand::{CachePolicy, EncodeOptions};
use crate::data::logs::{ColumnRole, LogMapping, RatingOptions};
use crate::experiment::{CalibrationSettings, LogSource, TrainSettings};
use crate::scm::{DEFAULT_PRESET, Scenario, TrainingHints, preset};
use crate::session::DataSettings;
pub use crate::session::{ColourBy, RepresentationView, Tab};
use crate::ui::layout::{Layout, auto_layout};

/// The persisted state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    /// The scenario being edited.
    pub scenario: Scenario,
    /// Node positions.
    pub layout: Layout,
    /// Training settings.
    pub train: TrainSettings,
    /// The selected plot tab.
    pub tab: Tab,
    /// Data view settings.
    pub data: DataSettings,
    /// Calibration view settings.
    pub calibration: CalibrationSettings,
    /// The real-logs view's source and settings (the field keeps its first name, `kuairand`,
    /// so that saved states still load).
    pub kuairand: LogsForm,
    /// Recently opened or saved workspace files, newest first.
    pub recent: Vec<String>,
    /// Where the student is in the lessons.
    pub lesson: LessonProgress,
    /// The representation view's colouring and shift.
    pub representation: RepresentationView,
    /// The memory one request may take, in MB (`None`: half the memory available); see
    /// [`crate::limits`].
    pub memory_limit_mb: Option<u64>,
}

/// The lesson going on, the lessons done, and the lesson files opened (read again at start).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// The id of the lesson going on.
    pub active: Option<String>,
    /// Its current step (0-based).
    pub step: usize,
    /// Ids of the lessons finished.
    pub completed: Vec<String>,
    /// The lesson panel is folded to its title.
    pub collapsed: bool,
    /// Lesson files the student opened, by path.
    pub files: Vec<String>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState::from_preset(DEFAULT_PRESET)
    }
}

impl AppState {
    /// The state a first start shows: a preset, laid out, with its recommended settings.
    pub fn from_preset(name: &str) -> Self {
        let scenario = preset(name).unwrap_or_else(|_| Scenario {
            name: "empty".into(),
            title: "Empty scenario".into(),
            description: String::new(),
            nodes: Vec::new(),
            interventions: Vec::new(),
            hints: TrainingHints::default(),
        });
        let train = TrainSettings::for_scenario(&scenario);
        AppState {
            layout: auto_layout(&scenario),
            scenario,
            train,
            tab: Tab::Overview,
            data: DataSettings::default(),
            calibration: CalibrationSettings::default(),
            kuairand: LogsForm::default(),
            recent: Vec::new(),
            lesson: LessonProgress::default(),
            representation: RepresentationView::default(),
            memory_limit_mb: None,
        }
    }
}

/// Which real logs the view trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LogSourceKind {
    /// A KuaiRand-Pure or KuaiRand-1K folder.
    #[default]
    KuaiRand,
    /// The user's own CSV/TSV files, mapped in the column table.
    Files,
    /// A Yahoo! R3 folder.
    YahooR3,
    /// A Coat folder.
    Coat,
}

impl LogSourceKind {
    /// Every kind, in the view's order.
    pub const ALL: [LogSourceKind; 4] = [
        LogSourceKind::KuaiRand,
        LogSourceKind::Files,
        LogSourceKind::YahooR3,
        LogSourceKind::Coat,
    ];

    /// The kind's name in the view.
    pub fn label(self) -> &'static str {
        match self {
            LogSourceKind::KuaiRand => "KuaiRand",
            LogSourceKind::Files => "Your logs",
            LogSourceKind::YahooR3 => "Yahoo! R3",
            LogSourceKind::Coat => "Coat",
        }
    }
}

/// What the real-logs view remembers between sessions: the source picked and each source's
/// fields, flat as the view's text boxes hold them (the shape saved states have);
/// [`LogsForm::source`] turns them into the typed [`LogSource`] a run reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogsForm {
    /// The source the view shows.
    pub kind: LogSourceKind,
    /// The KuaiRand folder typed or picked.
    pub dir: String,
    /// Penalty weight of the CRL model (3 is steadier on these logs than the presets' values).
    pub beta: f64,
    /// Training rows the models see (the evaluation uses every held-out and test row).
    pub n_train: usize,
    /// KuaiRand: also feed the models `video_features_statistic`, which leaks the test period.
    pub use_statistics_file: bool,
    /// Your logs: the training log (or the only file, with a split column).
    pub train_file: String,
    /// Your logs: the test log (empty with a split column).
    pub test_file: String,
    /// Your logs: where the mapping is saved and loaded.
    pub map_file: String,
    /// Your logs: the threshold, buckets and split value (the roles come from `roles`).
    pub mapping: LogMapping,
    /// Your logs: each column of the training log and its role.
    pub roles: Vec<(String, ColumnRole)>,
    /// The Yahoo! R3 or Coat folder.
    pub ratings_dir: String,
    /// A rating at or above this is a positive outcome (Yahoo! R3, Coat).
    pub rating_threshold: f64,
}

impl Default for LogsForm {
    fn default() -> Self {
        LogsForm {
            kind: LogSourceKind::KuaiRand,
            dir: String::new(),
            beta: 3.0,
            n_train: 200_000,
            use_statistics_file: false,
            train_file: String::new(),
            test_file: String::new(),
            map_file: String::new(),
            mapping: LogMapping::default(),
            roles: Vec::new(),
            ratings_dir: String::new(),
            rating_threshold: 4.0,
        }
    }
}

impl LogsForm {
    /// The mapping the column table says.
    pub fn current_mapping(&self) -> LogMapping {
        self.mapping.with_roles(&self.roles)
    }

    /// The source the form describes, or why it cannot be read.
    pub fn source(&self) -> Result<LogSource, String> {
        let ratings = RatingOptions {
            threshold: self.rating_threshold,
            ..RatingOptions::default()
        };
        let ratings_dir = PathBuf::from(self.ratings_dir.trim());
        Ok(match self.kind {
            LogSourceKind::KuaiRand => LogSource::KuaiRand {
                dir: PathBuf::from(self.dir.trim()),
                cache: CachePolicy::Use,
                encode: EncodeOptions {
                    use_statistics_file: self.use_statistics_file,
                    ..EncodeOptions::default()
                },
            },
            LogSourceKind::Files => {
                let mapping = self.current_mapping();
                mapping.validate().map_err(|e| e.to_string())?;
                let test = self.test_file.trim();
                if test.is_empty() && mapping.split.is_none() {
                    return Err(
                        "give a test log, or mark one column as the split (test marker)".into(),
                    );
                }
                LogSource::Files {
                    train: PathBuf::from(self.train_file.trim()),
                    test: (!test.is_empty()).then(|| PathBuf::from(test)),
                    mapping: Box::new(mapping),
                }
            }
            LogSourceKind::YahooR3 => LogSource::YahooR3 {
                dir: ratings_dir,
                options: ratings,
            },
            LogSourceKind::Coat => LogSource::Coat {
                dir: ratings_dir,
                options: ratings,
            },
        })
    }
}
