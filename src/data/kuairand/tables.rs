//! The parsed KuaiRand data: log rows column by column, and the user and video side tables
//! they join with.

use std::fmt::Write as _;

use super::files::{USER_ONEHOT, Variant, concat};

/// A categorical cell with no value (an empty field, or an id with no side-table row).
pub const MISSING: u32 = u32::MAX;

/// The user columns the loader keeps as numbers.
pub const USER_NUMERIC: [&str; 7] = [
    "follow_user_num",
    "fans_user_num",
    "friend_user_num",
    "register_days",
    "is_lowactive_period",
    "is_live_streamer",
    "is_video_author",
];

/// The user columns the loader keeps as categories.
pub const USER_CATEGORICAL: [&str; 19] = concat(["user_active_degree"], USER_ONEHOT);

/// The video columns the loader keeps as numbers (all from `video_features_statistic`: daily
/// averages over the month).
pub const VIDEO_NUMERIC: [&str; 12] = [
    "show_cnt",
    "play_cnt",
    "complete_play_cnt",
    "valid_play_cnt",
    "long_time_play_cnt",
    "short_time_play_cnt",
    "play_progress",
    "like_cnt",
    "comment_cnt",
    "follow_cnt",
    "share_cnt",
    "collect_cnt",
];

/// The video columns the loader keeps as categories (all from `video_features_basic`; of
/// `tag`, a list such as `"12,65"`, the first entry).
pub const VIDEO_CATEGORICAL: [&str; 5] = [
    "author_id",
    "video_type",
    "upload_type",
    "music_type",
    "tag",
];

/// Side features of users or of videos: one row per entity, numbers and category codes in
/// row-major matrices.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EntityTable {
    /// The entity ids (`user_id` or `video_id`), in row order.
    pub ids: Vec<u64>,
    /// Names of the numeric columns.
    pub numeric_names: Vec<String>,
    /// `[rows, numeric_names.len()]`; NaN where the value is missing.
    pub numeric: Vec<f32>,
    /// Names of the categorical columns.
    pub categorical_names: Vec<String>,
    /// `[rows, categorical_names.len()]`: an index into that column's `vocab`, or [`MISSING`].
    pub categorical: Vec<u32>,
    /// Per categorical column, its distinct texts in order of first appearance.
    pub vocab: Vec<Vec<String>>,
}

impl EntityTable {
    /// An empty table with these columns.
    pub fn with_columns(numeric: &[&str], categorical: &[&str]) -> Self {
        EntityTable {
            numeric_names: numeric.iter().map(|s| (*s).to_owned()).collect(),
            categorical_names: categorical.iter().map(|s| (*s).to_owned()).collect(),
            vocab: vec![Vec::new(); categorical.len()],
            ..EntityTable::default()
        }
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Appends an entity whose every feature is missing; returns its row.
    pub fn push_missing(&mut self, id: u64) -> u32 {
        self.ids.push(id);
        self.numeric
            .extend(std::iter::repeat_n(f32::NAN, self.numeric_names.len()));
        self.categorical
            .extend(std::iter::repeat_n(MISSING, self.categorical_names.len()));
        (self.ids.len() - 1) as u32
    }

    /// Numeric column `col` of row `row` (NaN when missing).
    pub fn number(&self, row: u32, col: usize) -> f32 {
        self.numeric[row as usize * self.numeric_names.len() + col]
    }

    /// The text of categorical column `col` of row `row`, if any.
    pub fn category(&self, row: u32, col: usize) -> Option<&str> {
        let code = self.categorical[row as usize * self.categorical_names.len() + col];
        self.vocab[col].get(code as usize).map(String::as_str)
    }
}

/// The rows of one or more log files, column by column.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LogTable {
    /// Row of the user in [`KuaiRandData::users`].
    pub user: Vec<u32>,
    /// Row of the video in [`KuaiRandData::videos`].
    pub video: Vec<u32>,
    /// `date` as written, e.g. 20220421.
    pub date: Vec<u32>,
    /// Hour of day, 0..24 (from `hourmin`, HHMM).
    pub hour: Vec<u8>,
    /// `tab`: the app scenario of the impression (0..=14 in KuaiRand).
    pub tab: Vec<u8>,
    /// `is_click` (0 or 1).
    pub is_click: Vec<u8>,
    /// `long_view` (0 or 1).
    pub long_view: Vec<u8>,
    /// `duration_ms`, the video's length (NaN when missing).
    pub duration_ms: Vec<f32>,
}

impl LogTable {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.user.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }
}

/// Which log a row index refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// The standard (policy-confounded) logs, both periods.
    Standard,
    /// The random-exposure log.
    Random,
}

/// A whole KuaiRand folder, parsed: logs joined to user and video rows by index.
#[derive(Clone, Debug, PartialEq)]
pub struct KuaiRandData {
    /// The release the files came from.
    pub variant: Variant,
    /// Every user of `user_features`, then users that appear only in the logs (features
    /// missing).
    pub users: EntityTable,
    /// Every video that appears in a log, in order of first appearance; features missing where
    /// the video files have no row.
    pub videos: EntityTable,
    /// Both standard logs, the earlier period first.
    pub standard: LogTable,
    /// The random-exposure log.
    pub random: LogTable,
    /// Log users with no `user_features` row.
    pub users_without_features: usize,
    /// Log videos with no `video_features_basic` row.
    pub videos_without_basic: usize,
    /// Log videos with no `video_features_statistic` row.
    pub videos_without_statistic: usize,
}

impl KuaiRandData {
    /// The release's rows, users and videos in one line (with the ids that have no features).
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}: {} standard rows, {} random-exposure rows, {} users, {} videos",
            self.variant,
            self.standard.len(),
            self.random.len(),
            self.users.len(),
            self.videos.len()
        );
        for (n, what) in [
            (
                self.users_without_features,
                "log users without user features",
            ),
            (self.videos_without_basic, "videos without basic features"),
            (self.videos_without_statistic, "videos without statistics"),
        ] {
            if n > 0 {
                let _ = write!(s, "; {n} {what}");
            }
        }
        s
    }

    /// The log of `kind`.
    pub fn log(&self, kind: LogKind) -> &LogTable {
        match kind {
            LogKind::Standard => &self.standard,
            LogKind::Random => &self.random,
        }
    }
}
