//! The mapping from a file's columns to what the models see: which column is the outcome, which
//! are numeric or categorical inputs, which are the confounder proxy (seen only by the penalty),
//! which names the user (for per-user metrics) and which dates the rows. It is written by CLI
//! flags, by a short JSON file kept beside the data, or by the app's column table.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::delimiter::Delimiter;
use crate::error::{Error, Result};

/// What the `format` field of a mapping file says.
pub const MAPPING_FORMAT: &str = "crl-lab-log-mapping";
/// Buckets of a categorical column unless the mapping says otherwise.
pub const DEFAULT_BUCKETS: usize = 64;
/// Most buckets a categorical column may have (its one-hot block is that wide).
pub const MAX_BUCKETS: usize = 4096;
/// Most input columns after encoding (numbers plus every categorical column's buckets).
pub const MAX_FEATURES: usize = 16_384;

/// Rows of a single file that form the test set: those whose `column` holds `test_value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitColumn {
    /// The column.
    pub column: String,
    /// The value that marks a test row (every other value is a training row).
    pub test_value: String,
}

/// How a file's columns become model inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogMapping {
    /// [`MAPPING_FORMAT`] in a file (optional; checked when present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The field separator.
    pub delimiter: Delimiter,
    /// The outcome column.
    pub outcome: String,
    /// A continuous outcome (a rating, a watch time) becomes 1 at or above this value and 0
    /// below; without it the outcome must be 0 or 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome_threshold: Option<f64>,
    /// Numeric inputs, standardised on the training rows (an empty cell is the training mean).
    pub numeric: Vec<String>,
    /// Categorical inputs, each hashed into a one-hot block of buckets.
    pub categorical: Vec<String>,
    /// Confounder-proxy columns: few classes (or numbers, cut into quantile classes). The
    /// penalty sees them, the models never do.
    pub confounders: Vec<String>,
    /// A confounder proxy computed from the data: the popularity of this column's value (the
    /// item, usually) among the training rows, in quantile classes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub popularity_of: Option<String>,
    /// The user column: per-user AUC (GAUC) and NDCG@10 group by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A numeric time column (Unix seconds, or dates as 20220422): the held-out rows are then
    /// the training log's latest, not a random share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// One file holding both sets: the test rows are marked by this column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitColumn>,
    /// Buckets of a categorical column.
    pub buckets: usize,
    /// Buckets of particular categorical columns.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub column_buckets: BTreeMap<String, usize>,
    /// Quantile classes of a numeric confounder and of the popularity proxy.
    pub popularity_buckets: usize,
}

impl Default for LogMapping {
    fn default() -> Self {
        LogMapping {
            format: None,
            delimiter: Delimiter::Auto,
            outcome: String::new(),
            outcome_threshold: None,
            numeric: Vec::new(),
            categorical: Vec::new(),
            confounders: Vec::new(),
            popularity_of: None,
            user: None,
            time: None,
            split: None,
            buckets: DEFAULT_BUCKETS,
            column_buckets: BTreeMap::new(),
            popularity_buckets: 8,
        }
    }
}

impl LogMapping {
    /// Reads a mapping file (JSON), naming the file in any error.
    pub fn load(path: &Path) -> Result<Self> {
        let text = crate::fs::read_string(path)?;
        LogMapping::from_json(&text, &path.display().to_string())
    }

    /// Parses and validates a mapping file's text; `label` (usually the path) names it in
    /// errors.
    pub fn from_json(text: &str, label: &str) -> Result<Self> {
        let m: LogMapping = serde_json::from_str(text)
            .map_err(|e| Error::invalid(format!("the mapping file {label} is not valid: {e}")))?;
        if let Some(f) = &m.format
            && f != MAPPING_FORMAT
        {
            return Err(Error::invalid(format!(
                "the mapping file {label} says format `{f}`, not `{MAPPING_FORMAT}`"
            )));
        }
        m.validate()?;
        Ok(LogMapping { format: None, ..m })
    }

    /// The mapping as a file's JSON (with its `format`).
    pub fn to_json(&self) -> Result<String> {
        let mut m = self.clone();
        m.format = Some(MAPPING_FORMAT.to_owned());
        serde_json::to_string_pretty(&m)
            .map_err(|e| Error::invalid(format!("cannot encode the mapping: {e}")))
    }

    /// Writes the mapping to `path` as JSON.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::fs::write_string(path, &self.to_json()?)
    }

    /// The buckets of categorical column `name`.
    pub fn buckets_of(&self, name: &str) -> usize {
        self.column_buckets
            .get(name)
            .copied()
            .unwrap_or(self.buckets)
    }

    /// Every column the mapping reads, each once, in the order outcome, numeric, categorical,
    /// confounders, popularity, user, time, split.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = std::iter::once(self.outcome.as_str())
            .chain(self.numeric.iter().map(String::as_str))
            .chain(self.categorical.iter().map(String::as_str))
            .chain(self.confounders.iter().map(String::as_str))
            .chain(self.popularity_of.as_deref())
            .chain(self.user.as_deref())
            .chain(self.time.as_deref())
            .chain(self.split.as_ref().map(|s| s.column.as_str()));
        for c in all {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Rejects a mapping without an outcome or any input, with a column in two exclusive roles,
    /// with an input that is also a confounder (the models would see the proxy the penalty is
    /// to remove), or with bucket counts out of range.
    pub fn validate(&self) -> Result<()> {
        if self.outcome.trim().is_empty() {
            return Err(Error::invalid(
                "the mapping names no outcome column (the label the models predict)",
            ));
        }
        if self.numeric.is_empty() && self.categorical.is_empty() {
            return Err(Error::invalid(
                "the mapping names no input column: give at least one numeric or categorical column",
            ));
        }
        if self.confounders.is_empty() && self.popularity_of.is_none() {
            return Err(Error::invalid(
                "the mapping names no confounder proxy: give a confounder column or \
                 `popularity_of` (an item column whose training popularity is the proxy)",
            ));
        }
        if let Some(t) = self.outcome_threshold
            && !t.is_finite()
        {
            return Err(Error::invalid(format!(
                "the outcome threshold must be a finite number, not {t}"
            )));
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let exclusive = std::iter::once(("outcome", self.outcome.as_str()))
            .chain(self.numeric.iter().map(|c| ("numeric", c.as_str())))
            .chain(self.categorical.iter().map(|c| ("categorical", c.as_str())))
            .chain(self.confounders.iter().map(|c| ("confounder", c.as_str())))
            .chain(self.time.as_deref().map(|c| ("time", c)))
            .chain(self.split.as_ref().map(|s| ("split", s.column.as_str())));
        for (role, c) in exclusive {
            if c.trim().is_empty() {
                return Err(Error::invalid(format!(
                    "the mapping has an empty {role} column name"
                )));
            }
            if let Some(prev) = seen.insert(c, role) {
                return Err(Error::invalid(format!(
                    "column `{c}` is mapped both as {prev} and as {role}; give it one role"
                )));
            }
        }
        for (what, c) in [("user", &self.user), ("popularity_of", &self.popularity_of)] {
            if let Some(c) = c
                && let Some(role) = seen.get(c.as_str())
                && !matches!(*role, "categorical")
            {
                return Err(Error::invalid(format!(
                    "column `{c}` is the {what} column and also mapped as {role}"
                )));
            }
        }
        for (name, &b) in std::iter::once(("buckets", &self.buckets))
            .chain(self.column_buckets.iter().map(|(k, v)| (k.as_str(), v)))
        {
            if !(1..=MAX_BUCKETS).contains(&b) {
                return Err(Error::invalid(format!(
                    "the buckets of `{name}` must lie in 1..={MAX_BUCKETS}, not {b}"
                )));
            }
        }
        if !(2..=32).contains(&self.popularity_buckets) {
            return Err(Error::invalid(format!(
                "`popularity_buckets` must lie in 2..=32, not {}",
                self.popularity_buckets
            )));
        }
        let width = self.numeric.len()
            + self
                .categorical
                .iter()
                .map(|c| self.buckets_of(c))
                .sum::<usize>();
        if width > MAX_FEATURES {
            return Err(Error::invalid(format!(
                "the mapping makes {width} input columns, more than {MAX_FEATURES}: lower the \
                 buckets of its categorical columns"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::logs::ColumnRole;

    fn mapping() -> LogMapping {
        LogMapping {
            outcome: "click".into(),
            numeric: vec!["age".into()],
            categorical: vec!["user".into(), "item".into()],
            popularity_of: Some("item".into()),
            user: Some("user".into()),
            ..LogMapping::default()
        }
    }

    #[test]
    fn a_mapping_round_trips_through_json_and_roles() {
        let m = mapping();
        m.validate().unwrap();
        let back: LogMapping = serde_json::from_str(&m.to_json().unwrap()).unwrap();
        assert_eq!(back.format.as_deref(), Some(MAPPING_FORMAT));
        assert_eq!(
            LogMapping {
                format: None,
                ..back
            },
            m
        );
        let roles: Vec<(String, ColumnRole)> = ["click", "age", "user", "item", "other"]
            .iter()
            .map(|c| (c.to_string(), m.role_of(c)))
            .collect();
        assert_eq!(roles[2].1, ColumnRole::User);
        assert_eq!(roles[3].1, ColumnRole::Item);
        assert_eq!(roles[4].1, ColumnRole::Ignore);
        assert_eq!(m.with_roles(&roles), m);
    }

    #[test]
    fn bad_mappings_say_what_is_wrong() {
        let cases: [(LogMapping, &str); 5] = [
            (
                LogMapping {
                    outcome: String::new(),
                    ..mapping()
                },
                "no outcome column",
            ),
            (
                LogMapping {
                    numeric: vec![],
                    categorical: vec![],
                    ..mapping()
                },
                "no input column",
            ),
            (
                LogMapping {
                    confounders: vec!["age".into()],
                    ..mapping()
                },
                "column `age` is mapped both as numeric and as confounder",
            ),
            (
                LogMapping {
                    popularity_of: None,
                    ..mapping()
                },
                "no confounder proxy",
            ),
            (
                LogMapping {
                    buckets: 0,
                    ..mapping()
                },
                "the buckets of `buckets` must lie in",
            ),
        ];
        for (m, want) in cases {
            let e = m.validate().unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
        let e = serde_json::from_str::<LogMapping>(r#"{"outcome": "y", "numerc": ["a"]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `numerc`"), "{e}");
    }
}
