//! The role of one column in the app's column table, and the conversion between a mapping and
//! the table's (column, role) pairs.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::mapping::{LogMapping, SplitColumn};

/// The role of one column in the app's column table (a column has one role there; a mapping
/// file may also name a column both as the user and as a categorical input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// Not used.
    #[default]
    Ignore,
    /// The label.
    Outcome,
    /// A numeric input.
    Numeric,
    /// A categorical input.
    Categorical,
    /// The user: grouped by in GAUC and NDCG, and a categorical input.
    User,
    /// A confounder proxy (seen by the penalty only).
    Confounder,
    /// An item whose popularity in the training rows is the confounder proxy; also a
    /// categorical input.
    Item,
    /// The time column.
    Time,
    /// The column marking test rows (one file).
    Split,
}

impl ColumnRole {
    /// Every role, in the order the app's drop-down lists them.
    pub const ALL: [ColumnRole; 9] = [
        ColumnRole::Ignore,
        ColumnRole::Outcome,
        ColumnRole::Numeric,
        ColumnRole::Categorical,
        ColumnRole::User,
        ColumnRole::Item,
        ColumnRole::Confounder,
        ColumnRole::Time,
        ColumnRole::Split,
    ];

    /// The role's name in the drop-down.
    pub fn label(self) -> &'static str {
        match self {
            ColumnRole::Ignore => "ignore",
            ColumnRole::Outcome => "outcome",
            ColumnRole::Numeric => "numeric input",
            ColumnRole::Categorical => "categorical input",
            ColumnRole::User => "user",
            ColumnRole::Item => "item (popularity proxy)",
            ColumnRole::Confounder => "confounder proxy",
            ColumnRole::Time => "time",
            ColumnRole::Split => "split (test marker)",
        }
    }
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl LogMapping {
    /// The role of `column` in the app's table (the first that applies).
    pub fn role_of(&self, column: &str) -> ColumnRole {
        let is = |c: &Option<String>| c.as_deref() == Some(column);
        if self.outcome == column {
            ColumnRole::Outcome
        } else if is(&self.user) {
            ColumnRole::User
        } else if is(&self.popularity_of) {
            ColumnRole::Item
        } else if self.numeric.iter().any(|c| c == column) {
            ColumnRole::Numeric
        } else if self.categorical.iter().any(|c| c == column) {
            ColumnRole::Categorical
        } else if self.confounders.iter().any(|c| c == column) {
            ColumnRole::Confounder
        } else if is(&self.time) {
            ColumnRole::Time
        } else if self.split.as_ref().is_some_and(|s| s.column == column) {
            ColumnRole::Split
        } else {
            ColumnRole::Ignore
        }
    }

    /// This mapping with its column roles replaced by `roles` (column, role), as the app's
    /// table sets them; the other settings (threshold, buckets, the split's test value) stay.
    /// A user or item column is also a categorical input.
    #[must_use]
    pub fn with_roles(&self, roles: &[(String, ColumnRole)]) -> LogMapping {
        // Everything but the roles (the delimiter, threshold and buckets) is kept.
        let mut m = LogMapping {
            format: self.format.clone(),
            delimiter: self.delimiter,
            outcome_threshold: self.outcome_threshold,
            buckets: self.buckets,
            column_buckets: self.column_buckets.clone(),
            popularity_buckets: self.popularity_buckets,
            ..LogMapping::default()
        };
        let test_value = self
            .split
            .as_ref()
            .map_or_else(|| "test".to_owned(), |s| s.test_value.clone());
        for (c, role) in roles {
            let c = c.clone();
            match role {
                ColumnRole::Ignore => {}
                ColumnRole::Outcome => m.outcome = c,
                ColumnRole::Numeric => m.numeric.push(c),
                ColumnRole::Categorical => m.categorical.push(c),
                ColumnRole::User => {
                    m.categorical.push(c.clone());
                    m.user = Some(c);
                }
                ColumnRole::Item => {
                    m.categorical.push(c.clone());
                    m.popularity_of = Some(c);
                }
                ColumnRole::Confounder => m.confounders.push(c),
                ColumnRole::Time => m.time = Some(c),
                ColumnRole::Split => {
                    m.split = Some(SplitColumn {
                        column: c,
                        test_value: test_value.clone(),
                    });
                }
            }
        }
        m
    }
}
