//! Logged interactions in memory: the mapped columns of the training and the test rows, compact
//! (a number per numeric cell, a key per categorical cell), and what identifies them.

use super::mapping::LogMapping;

/// A categorical cell with no value.
pub const MISSING_KEY: u64 = u64::MAX;
/// A confounder cell with no value, or one past the dictionary's cap.
pub const NO_CLASS: u32 = u32::MAX;

/// The mapped columns of one set of rows (training or test), row `r` of each vector belonging to
/// row `r` of the set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogColumns {
    /// Rows.
    pub n: usize,
    /// The outcome, 0 or 1 (a continuous outcome already cut at its threshold).
    pub outcome: Vec<f32>,
    /// Per numeric column (mapping order): the values, NaN where empty.
    pub numeric: Vec<Vec<f32>>,
    /// Per categorical column: the cells' keys ([`category_key`](super::category_key)), or
    /// [`MISSING_KEY`].
    pub categorical: Vec<Vec<u64>>,
    /// Per confounder column: the cell's entry in [`LogsData::confounder_values`], or
    /// [`NO_CLASS`].
    pub confounder_class: Vec<Vec<u32>>,
    /// Per confounder column: the cell as a number (NaN where it is not one).
    pub confounder_number: Vec<Vec<f32>>,
    /// The key of the popularity column's cell (empty without `popularity_of`).
    pub popularity: Vec<u64>,
    /// The user of each row, numbered from 0 in order of appearance (all 0 without a user
    /// column).
    pub user: Vec<u32>,
    /// The time of each row (empty without a time column).
    pub time: Vec<f64>,
}

impl LogColumns {
    /// Empty columns shaped for `mapping`.
    pub fn for_mapping(mapping: &LogMapping) -> Self {
        LogColumns {
            n: 0,
            outcome: Vec::new(),
            numeric: vec![Vec::new(); mapping.numeric.len()],
            categorical: vec![Vec::new(); mapping.categorical.len()],
            confounder_class: vec![Vec::new(); mapping.confounders.len()],
            confounder_number: vec![Vec::new(); mapping.confounders.len()],
            popularity: Vec::new(),
            user: Vec::new(),
            time: Vec::new(),
        }
    }

    /// The rows that are positive.
    pub fn positives(&self) -> usize {
        self.outcome.iter().filter(|&&y| y > 0.5).count()
    }
}

/// Logged interactions read from a source: a self-selected (policy-confounded) training log and
/// a test log, randomly exposed where the source has one.
#[derive(Clone, Debug, PartialEq)]
pub struct LogsData {
    /// What the columns mean.
    pub mapping: LogMapping,
    /// The training rows (split later into training and held-out rows).
    pub train: LogColumns,
    /// The test rows (the out-of-distribution set).
    pub test: LogColumns,
    /// Per confounder column, its distinct values in order of appearance (at most
    /// [`MAX_CONFOUNDER_VALUES`](super::MAX_CONFOUNDER_VALUES); `confounder_overflow` says
    /// whether there were more).
    pub confounder_values: Vec<Vec<String>>,
    /// Per confounder column: it held more distinct values than the dictionary keeps.
    pub confounder_overflow: Vec<bool>,
    /// Distinct users.
    pub n_users: usize,
    /// The source in words: `train.csv + test.csv`, `Yahoo! R3 in DIR`.
    pub source: String,
}

impl LogsData {
    /// A one-line description: rows, positives, users.
    pub fn describe(&self) -> String {
        let rate = |c: &LogColumns| 100.0 * c.positives() as f64 / c.n.max(1) as f64;
        format!(
            "{}: {} training rows ({:.1}% positive), {} test rows ({:.1}% positive), {} users",
            self.source,
            self.train.n,
            rate(&self.train),
            self.test.n,
            rate(&self.test),
            self.n_users
        )
    }
}
