//! Reading logged interactions: a streaming CSV/TSV reader for the user's own files, and the
//! row builder it shares with the Yahoo! R3 and Coat adapters. Rows are parsed one at a time
//! into compact columns; only the mapped columns are kept, and a source that would take more
//! memory than the limit is refused with a message (file and line) before it does.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::hash::category_key;
use super::mapping::LogMapping;
use super::progress::{LoadEvent, LoadObserver};
use super::table::{LogColumns, LogsData, MISSING_KEY, NO_CLASS};
use crate::error::{Error, Result};

/// Distinct values a confounder column's dictionary keeps (a column with more is cut into
/// quantile classes if numeric, and refused otherwise).
pub const MAX_CONFOUNDER_VALUES: usize = 256;
/// Rows between two progress events.
const PROGRESS_ROWS: usize = 65_536;

/// How much memory a source may take once parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes the parsed columns may take.
    pub max_bytes: u64,
}

impl ReadLimits {
    /// Half the memory available now (`MemAvailable` in /proc/meminfo), or 4 GiB where that
    /// cannot be read.
    pub fn from_memory() -> Self {
        let available = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("MemAvailable:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
            .map(|kb| kb * 1024);
        ReadLimits {
            max_bytes: available.map_or(4 << 30, |b| b / 2),
        }
    }
}

/// The training and test files of a source: two files, or one with a split column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFiles {
    /// The training log (or the only file).
    pub train: PathBuf,
    /// The test log; `None` when the mapping's split column marks the test rows of `train`.
    pub test: Option<PathBuf>,
}

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
    mapping: LogMapping,
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
        if (self.rows() as u64 + 1) * self.row_bytes > self.limits.max_bytes {
            return Err(Error::invalid(format!(
                "stopped reading {} at line {line}: the {} rows so far take {:.1} MB once \
                 parsed, the limit is {:.1} MB (by default half the memory available; \
                 --max-memory-mb sets it): map fewer columns, or read a sample of the file",
                ix.file,
                self.rows(),
                (self.rows() as u64 * self.row_bytes) as f64 / 1e6,
                self.limits.max_bytes as f64 / 1e6
            )));
        }
        // The outcome.
        let raw = cell(record, ix.outcome);
        if is_missing(raw) {
            return Err(Error::invalid(at(ix.outcome, "the outcome is empty")));
        }
        let v: f64 = raw.parse().map_err(|_| {
            Error::invalid(at(
                ix.outcome,
                &format!("the outcome `{raw}` is not a number"),
            ))
        })?;
        let y = match m.outcome_threshold {
            Some(t) => f32::from(u8::from(v >= t)),
            None if v == 0.0 || v == 1.0 => v as f32,
            None => {
                return Err(Error::invalid(at(
                    ix.outcome,
                    &format!(
                        "the outcome is {raw}, but a binary outcome is 0 or 1 (give an outcome \
                         threshold to turn a rating or a time into one)"
                    ),
                )));
            }
        };
        // Every cell is checked before the row is stored, so a failed row leaves no trace.
        let mut numbers = Vec::with_capacity(ix.numeric.len());
        for &i in &ix.numeric {
            let s = cell(record, i);
            numbers.push(if is_missing(s) {
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
        let time =
            match ix.time {
                Some(i) => {
                    let s = cell(record, i);
                    Some(s.parse::<f64>().ok().filter(|t| t.is_finite()).ok_or_else(|| {
                    Error::invalid(at(
                        i,
                        &format!("the time `{s}` is not a number (use Unix seconds or 20220422)"),
                    ))
                })?)
                }
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
            let class = if is_missing(s) {
                NO_CLASS
            } else if let Some(&c) = self.dicts[j].get(s) {
                c
            } else if self.values[j].len() < MAX_CONFOUNDER_VALUES {
                let c = self.values[j].len() as u32;
                self.dicts[j].insert(s.to_owned(), c);
                self.values[j].push(s.to_owned());
                c
            } else {
                self.overflow[j] = true;
                NO_CLASS
            };
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

/// The first line of `path`, for the delimiter.
fn first_line(path: &Path) -> Result<String> {
    let f = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let mut line = String::new();
    BufReader::new(f)
        .read_line(&mut line)
        .map_err(|e| Error::io("cannot read", path, e))?;
    Ok(line)
}

/// A CSV reader of `path` with the mapping's delimiter (resolved on its first line).
fn csv_reader(path: &Path, mapping: &LogMapping) -> Result<(csv::Reader<File>, u8)> {
    let delim = mapping.delimiter.resolve(path, &first_line(path)?);
    let f = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(true)
        .flexible(false)
        .from_reader(f);
    Ok((r, delim))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Streams the records of `path` into `builder` as `part`, reporting progress.
fn read_file(
    path: &Path,
    part: Part,
    builder: &mut LogsBuilder,
    observer: &mut dyn LoadObserver,
) -> Result<()> {
    let name = file_name(path);
    let total = std::fs::metadata(path)
        .map_err(|e| Error::io("cannot read", path, e))?
        .len();
    let (mut reader, _) = csv_reader(path, &builder.mapping)?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("{name}: cannot read the header line: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let ix = builder.index(&header, &name)?;
    let event = |done| LoadEvent::Reading {
        file: name.clone(),
        bytes_done: done,
        bytes_total: total,
    };
    observer.on_event(&event(0));
    let mut record = csv::StringRecord::new();
    let mut rows = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&name, &e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<&str> = record.iter().collect();
        builder.push(&ix, part, &cells, line)?;
        rows += 1;
        if rows.is_multiple_of(PROGRESS_ROWS) {
            observer.on_event(&event(reader.position().byte()));
        }
    }
    observer.on_event(&event(total));
    Ok(())
}

/// A CSV error as a line naming the file and the line.
fn csv_error(name: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::invalid(format!(
            "{name}, line {line}: {len} fields, but the header has {expected_len}"
        )),
        csv::ErrorKind::Utf8 { .. } => {
            Error::invalid(format!("{name}, line {line}: the text is not UTF-8"))
        }
        csv::ErrorKind::Io(io) => Error::invalid(format!("{name}: cannot read: {io}")),
        _ => Error::invalid(format!("{name}, line {line}: {e}")),
    }
}

/// Reads `files` with `mapping`, keeping only the mapped columns, within `limits`.
pub fn read_logs(
    files: &LogFiles,
    mapping: &LogMapping,
    limits: ReadLimits,
    observer: &mut dyn LoadObserver,
) -> Result<LogsData> {
    let mut b = LogsBuilder::new(mapping, limits)?;
    let source = match &files.test {
        Some(test) => {
            if mapping.split.is_some() {
                return Err(Error::invalid(
                    "the mapping has a split column, so it reads one file: leave out the test \
                     file, or drop the split column",
                ));
            }
            read_file(&files.train, Part::Train, &mut b, observer)?;
            read_file(test, Part::Test, &mut b, observer)?;
            format!("{} + {}", file_name(&files.train), file_name(test))
        }
        None => {
            let Some(s) = &mapping.split else {
                return Err(Error::invalid(
                    "no test file: give one, or a split column that marks the test rows",
                ));
            };
            read_file(&files.train, Part::BySplit, &mut b, observer)?;
            format!(
                "{} (test rows: `{}` = `{}`)",
                file_name(&files.train),
                s.column,
                s.test_value
            )
        }
    };
    b.finish(source)
}

/// The first rows of a file, for the app's preview and column table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The header's column names.
    pub columns: Vec<String>,
    /// Up to the asked-for number of rows, as text.
    pub rows: Vec<Vec<String>>,
    /// The delimiter found.
    pub delimiter: u8,
}

/// Reads the header and the first `n` rows of `path` (fields past the header's are kept; a
/// short row is padded with empty cells).
pub fn preview(path: &Path, mapping: &LogMapping, n: usize) -> Result<Preview> {
    let name = file_name(path);
    let (reader, delimiter) = csv_reader(path, mapping)?;
    let mut reader = reader;
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("{name}: cannot read the header line: {e}")))?
        .iter()
        .map(|s| s.trim().to_owned())
        .collect();
    if columns.iter().all(String::is_empty) {
        return Err(Error::invalid(format!("{name} has no header line")));
    }
    let mut rows = Vec::new();
    for r in reader.records().take(n) {
        let r = r.map_err(|e| csv_error(&name, &e))?;
        let mut row: Vec<String> = r.iter().map(str::to_owned).collect();
        row.resize(columns.len(), String::new());
        rows.push(row);
    }
    Ok(Preview {
        columns,
        rows,
        delimiter,
    })
}
