//! Builds [`LogsData`] row by row for every logs reader (the user's files, Yahoo! R3, Coat):
//! where each mapped column sits in a file, every cell checked, and the memory the columns take
//! kept within the limit.

use std::collections::HashMap;

use super::hash::category_key;
use super::mapping::LogMapping;
use super::table::{LogColumns, LogsData, MISSING_KEY, NO_CLASS};
use crate::error::{Error, Result};

/// Distinct values a confounder column's dictionary keeps (a column with more is cut into
/// quantile classes if numeric, and refused otherwise).
pub const MAX_CONFOUNDER_VALUES: usize = 256;

/// How much memory a source may take once parsed (the process's memory budget).
pub type ReadLimits = crate::limits::MemoryBudget;

/// Which set the rows being pushed belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The training log.
    Train,
    /// The test log.
    Test,
    /// Decided per row by the mapping's split column.
    BySplit,
}

/// Where each mapped column sits in one file's records.
#[derive(Clone, Debug)]
pub struct ColumnIndex {
    file: String,
    outcome: usize,
    numeric: Vec<usize>,
    categorical: Vec<usize>,
    confounders: Vec<usize>,
    popularity: Option<usize>,
    user: Option<usize>,
    time: Option<usize>,
    split: Option<usize>,
}

/// Builds [`LogsData`] row by row, checking every cell and the memory it takes.
pub struct LogsBuilder {
    pub(super) mapping: LogMapping,
    train: LogColumns,
    test: LogColumns,
    dicts: Vec<HashMap<String, u32>>,
    values: Vec<Vec<String>>,
    overflow: Vec<bool>,
    users: HashMap<String, u32>,
    limits: ReadLimits,
    row_bytes: u64,
}

/// The cell at `i` of `record` (empty past its end), trimmed.
fn cell<'a>(record: &'a [&'a str], i: usize) -> &'a str {
    record.get(i).map_or("", |s| s.trim())
}

/// An empty cell or one of the usual spellings of "no value".
fn is_missing(s: &str) -> bool {
    s.is_empty() || matches!(s, "NA" | "NaN" | "nan" | "null" | "NULL" | "None")
}

impl LogsBuilder {
    /// A builder for `mapping` (validated), keeping at most `limits.max_bytes` of columns.
    pub fn new(mapping: &LogMapping, limits: ReadLimits) -> Result<Self> {
        mapping.validate()?;
        let m = mapping;
        let row_bytes = 4
            + 4 * m.numeric.len()
            + 8 * m.categorical.len()
            + 8 * m.confounders.len()
            + if m.popularity_of.is_some() { 8 } else { 0 }
            + 4
            + if m.time.is_some() { 8 } else { 0 };
        Ok(LogsBuilder {
            mapping: m.clone(),
            train: LogColumns::for_mapping(m),
            test: LogColumns::for_mapping(m),
            dicts: vec![HashMap::new(); m.confounders.len()],
            values: vec![Vec::new(); m.confounders.len()],
            overflow: vec![false; m.confounders.len()],
            users: HashMap::new(),
            limits,
            row_bytes: row_bytes as u64,
        })
    }

    /// Where the mapped columns sit in a file whose header is `header`; fails naming the first
    /// mapped column the file lacks, and the columns it has.
    pub fn index(&self, header: &[String], file: &str) -> Result<ColumnIndex> {
        let m = &self.mapping;
        let find = |name: &str, role: &str| -> Result<usize> {
            header.iter().position(|h| h.trim() == name).ok_or_else(|| {
                Error::invalid(format!(
                    "{file} has no column `{name}` (mapped as {role}); its columns are {}",
                    header
                        .iter()
                        .map(|h| format!("`{}`", h.trim()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
        };
        let all = |names: &[String], role: &str| -> Result<Vec<usize>> {
            names.iter().map(|n| find(n, role)).collect()
        };
        let opt = |name: &Option<String>, role: &str| -> Result<Option<usize>> {
            name.as_deref().map(|n| find(n, role)).transpose()
        };
        Ok(ColumnIndex {
            file: file.to_owned(),
            outcome: find(&m.outcome, "the outcome")?,
            numeric: all(&m.numeric, "a numeric input")?,
            categorical: all(&m.categorical, "a categorical input")?,
            confounders: all(&m.confounders, "a confounder proxy")?,
            popularity: opt(&m.popularity_of, "the popularity column")?,
            user: opt(&m.user, "the user")?,
            time: opt(&m.time, "the time")?,
            split: m
                .split
                .as_ref()
                .map(|s| find(&s.column, "the split column"))
                .transpose()?,
        })
    }

    /// Rows pushed so far, training and test.
    pub fn rows(&self) -> usize {
        self.train.n + self.test.n
    }

    /// Refuses one more row when the rows so far and it would take more than the limit.
    fn check_memory(&self, file: &str, line: u64) -> Result<()> {
        if (self.rows() as u64 + 1) * self.row_bytes > self.limits.max_bytes {
            return Err(Error::invalid(format!(
                "stopped reading {file} at line {line}: the {} rows so far take {:.1} MB once \
                 parsed, the limit is {:.1} MB (by default half the memory available; \
                 --max-memory-mb or Training ▸ Limits ▸ memory limit in the app sets it): map \
                 fewer columns, or read a sample of the file",
                self.rows(),
                (self.rows() as u64 * self.row_bytes) as f64 / 1e6,
                self.limits.max_bytes as f64 / 1e6
            )));
        }
        Ok(())
    }

    /// Adds one record of the file `ix` describes (`line` 1-based, for messages) to `part`.
    pub fn push(&mut self, ix: &ColumnIndex, part: Part, record: &[&str], line: u64) -> Result<()> {
        let m = &self.mapping;
        let at = |col: usize, what: &str| {
            format!(
                "{}, line {line}, column `{}`: {what}",
                ix.file,
                record_name(m, ix, col)
            )
        };
        let to_test = match part {
            Part::Train => false,
            Part::Test => true,
            Part::BySplit => match (&m.split, ix.split) {
                (Some(s), Some(i)) => cell(record, i) == s.test_value,
                _ => false,
            },
        };
        self.check_memory(&ix.file, line)?;
        // Every cell is checked before the row is stored, so a failed row leaves no trace.
        let y = outcome(m.outcome_threshold, cell(record, ix.outcome), &|what| {
            at(ix.outcome, what)
        })?;
        let numbers = numbers(ix, record, &at)?;
        let time = match ix.time {
            Some(i) => Some(time(cell(record, i), &|what| at(i, what))?),
            None => None,
        };
        let n_users = self.users.len() as u32;
        let user = ix.user.map_or(0, |i| {
            *self
                .users
                .entry(cell(record, i).to_owned())
                .or_insert(n_users)
        });
        let out = if to_test {
            &mut self.test
        } else {
            &mut self.train
        };
        out.n += 1;
        out.outcome.push(y);
        for (col, v) in out.numeric.iter_mut().zip(numbers) {
            col.push(v);
        }
        for (col, &i) in out.categorical.iter_mut().zip(&ix.categorical) {
            let s = cell(record, i);
            col.push(if is_missing(s) {
                MISSING_KEY
            } else {
                category_key(s)
            });
        }
        for (j, &i) in ix.confounders.iter().enumerate() {
            let s = cell(record, i);
            let class = confounder_class(
                s,
                &mut self.dicts[j],
                &mut self.values[j],
                &mut self.overflow[j],
            );
            out.confounder_class[j].push(class);
            out.confounder_number[j].push(s.parse::<f32>().unwrap_or(f32::NAN));
        }
        if let Some(i) = ix.popularity {
            let s = cell(record, i);
            out.popularity.push(if is_missing(s) {
                MISSING_KEY
            } else {
                category_key(s)
            });
        }
        out.user.push(user);
        if let Some(t) = time {
            out.time.push(t);
        }
        Ok(())
    }

    /// The data, once every row is in: fails on an empty training or test set, or an outcome
    /// with one class in either.
    pub fn finish(self, source: impl Into<String>) -> Result<LogsData> {
        for (name, set) in [("training", &self.train), ("test", &self.test)] {
            if set.n == 0 {
                let hint = match &self.mapping.split {
                    Some(s) if name == "test" => {
                        format!(" (no row's `{}` is `{}`)", s.column, s.test_value)
                    }
                    _ => String::new(),
                };
                return Err(Error::invalid(format!("the {name} set is empty{hint}")));
            }
            let pos = set.positives();
            if pos == 0 || pos == set.n {
                return Err(Error::invalid(format!(
                    "the outcome `{}` has one class in the {name} set: all {} rows are {}{}",
                    self.mapping.outcome,
                    set.n,
                    u8::from(pos > 0),
                    if self.mapping.outcome_threshold.is_some() {
                        " after the threshold (change it)"
                    } else {
                        ""
                    }
                )));
            }
        }
        Ok(LogsData {
            mapping: self.mapping,
            train: self.train,
            test: self.test,
            confounder_values: self.values,
            confounder_overflow: self.overflow,
            n_users: self.users.len().max(1),
            source: source.into(),
        })
    }
}

/// The name of column `col` of the file `ix` indexes, from the mapping.
fn record_name(m: &LogMapping, ix: &ColumnIndex, col: usize) -> String {
    let pairs = std::iter::once((&ix.outcome, &m.outcome))
        .chain(ix.numeric.iter().zip(&m.numeric))
        .chain(ix.categorical.iter().zip(&m.categorical))
        .chain(ix.confounders.iter().zip(&m.confounders))
        .map(|(&i, n)| (i, n.as_str()))
        .chain(ix.time.zip(m.time.as_deref()));
    pairs
        .into_iter()
        .find(|(i, _)| *i == col)
        .map_or_else(|| format!("#{}", col + 1), |(_, n)| n.to_owned())
}

/// The outcome of a row from its cell `raw`: 0/1, or 1 at or above `threshold`. `at` words an
/// error for the cell.
fn outcome(threshold: Option<f64>, raw: &str, at: &dyn Fn(&str) -> String) -> Result<f32> {
    if is_missing(raw) {
        return Err(Error::invalid(at("the outcome is empty")));
    }
    let v: f64 = raw
        .parse()
        .map_err(|_| Error::invalid(at(&format!("the outcome `{raw}` is not a number"))))?;
    match threshold {
        Some(t) => Ok(f32::from(u8::from(v >= t))),
        None if v == 0.0 || v == 1.0 => Ok(v as f32),
        None => Err(Error::invalid(at(&format!(
            "the outcome is {raw}, but a binary outcome is 0 or 1 (give an outcome \
             threshold to turn a rating or a time into one)"
        )))),
    }
}

/// The numeric inputs of a record (NaN where missing). `at` words an error for a column.
fn numbers(
    ix: &ColumnIndex,
    record: &[&str],
    at: &dyn Fn(usize, &str) -> String,
) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(ix.numeric.len());
    for &i in &ix.numeric {
        let s = cell(record, i);
        out.push(if is_missing(s) {
            f32::NAN
        } else {
            match s.parse::<f32>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    return Err(Error::invalid(at(i, &format!("`{s}` is not a number"))));
                }
            }
        });
    }
    Ok(out)
}

/// A row's time from its cell `s`. `at` words an error for the cell.
fn time(s: &str, at: &dyn Fn(&str) -> String) -> Result<f64> {
    s.parse::<f64>()
        .ok()
        .filter(|t| t.is_finite())
        .ok_or_else(|| {
            Error::invalid(at(&format!(
                "the time `{s}` is not a number (use Unix seconds or 20220422)"
            )))
        })
}

/// The class of a confounder cell `s` in its column's dictionary (`dict`, `values`), adding a
/// new value while there is room; past [`MAX_CONFOUNDER_VALUES`] values the column is marked
/// `overflow` and the cell gets no class.
fn confounder_class(
    s: &str,
    dict: &mut HashMap<String, u32>,
    values: &mut Vec<String>,
    overflow: &mut bool,
) -> u32 {
    if is_missing(s) {
        NO_CLASS
    } else if let Some(&c) = dict.get(s) {
        c
    } else if values.len() < MAX_CONFOUNDER_VALUES {
        let c = values.len() as u32;
        dict.insert(s.to_owned(), c);
        values.push(s.to_owned());
        c
    } else {
        *overflow = true;
        NO_CLASS
    }
}
