//! Reading the user's own logs: a streaming CSV/TSV reader that feeds the row builder (see
//! [`LogsBuilder`]) it shares with the Yahoo! R3 and Coat adapters. Rows are parsed one at a
//! time into compact columns; only the mapped columns are kept, and a source that would take
//! more memory than the limit is refused with a message (file and line) before it does.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::builder::{LogsBuilder, Part, ReadLimits};
use super::mapping::LogMapping;
use super::progress::{LoadEvent, LoadObserver};
use super::table::LogsData;
use crate::error::{Error, Result};

/// Rows between two progress events.
const PROGRESS_ROWS: usize = 65_536;

/// The training and test files of a source: two files, or one with a split column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFiles {
    /// The training log (or the only file).
    pub train: PathBuf,
    /// The test log; `None` when the mapping's split column marks the test rows of `train`.
    pub test: Option<PathBuf>,
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
pub(super) fn csv_reader(path: &Path, mapping: &LogMapping) -> Result<(csv::Reader<File>, u8)> {
    let delim = mapping.delimiter.resolve(path, &first_line(path)?);
    let f = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(true)
        .flexible(false)
        .from_reader(f);
    Ok((r, delim))
}

pub(super) fn file_name(path: &Path) -> String {
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
        let line = record.position().map_or(0, csv::Position::line);
        let cells: Vec<&str> = record.iter().collect();
        builder.push(&ix, part, &cells, line)?;
        rows += 1;
        if rows.is_multiple_of(PROGRESS_ROWS) {
            observer.on_event(&event(reader.position().byte()));
            if observer.stop_requested() {
                return Err(Error::Cancelled);
            }
        }
    }
    observer.on_event(&event(total));
    Ok(())
}

/// A CSV error as a line naming the file and the line.
pub(super) fn csv_error(name: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
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
    let source = if let Some(test) = &files.test {
        if mapping.split.is_some() {
            return Err(Error::invalid(
                "the mapping has a split column, so it reads one file: leave out the test \
                 file, or drop the split column",
            ));
        }
        read_file(&files.train, Part::Train, &mut b, observer)?;
        read_file(test, Part::Test, &mut b, observer)?;
        format!("{} + {}", file_name(&files.train), file_name(test))
    } else {
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
    };
    b.finish(source)
}
