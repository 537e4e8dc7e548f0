//! Reading the user's own logs: a streaming CSV/TSV reader over files on disk or bytes in
//! memory, feeding the shared row builder; and the preview of a file's first rows.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
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

/// A log file held in memory: what [`read_logs_bytes`] and [`preview_bytes`] read.
#[derive(Clone, Copy, Debug)]
pub struct LogBytes<'a> {
    /// The file's name, for messages and the delimiter (`.tsv`, `.tab` and `.txt` files are
    /// tab-separated when the mapping says `auto`).
    pub name: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// A log file on disk or in memory.
#[derive(Clone, Copy)]
enum Input<'a> {
    Path(&'a Path),
    Bytes(LogBytes<'a>),
}

impl<'a> Input<'a> {
    /// The file name messages give.
    fn name(&self) -> String {
        match self {
            Input::Path(path) => file_name(path),
            Input::Bytes(b) => b.name.to_owned(),
        }
    }

    /// The first line, for the delimiter.
    fn first_line(&self) -> Result<String> {
        let mut line = String::new();
        match self {
            Input::Path(path) => {
                let f = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
                BufReader::new(f)
                    .read_line(&mut line)
                    .map_err(|e| Error::io("cannot read", path, e))?;
            }
            Input::Bytes(b) => {
                let mut bytes = b.bytes;
                bytes
                    .read_line(&mut line)
                    .map_err(|e| Error::invalid(format!("{}: cannot read: {e}", b.name)))?;
            }
        }
        Ok(line)
    }

    /// A CSV reader with the mapping's delimiter (resolved on the first line), the delimiter
    /// and the file's size in bytes.
    fn csv_reader(
        &self,
        mapping: &LogMapping,
    ) -> Result<(csv::Reader<Box<dyn Read + 'a>>, u8, u64)> {
        let first = self.first_line()?;
        let (delim, source, total): (u8, Box<dyn Read + 'a>, u64) = match *self {
            Input::Path(path) => {
                let f = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
                let total = f
                    .metadata()
                    .map_err(|e| Error::io("cannot read", path, e))?
                    .len();
                (mapping.delimiter.resolve(path, &first), Box::new(f), total)
            }
            Input::Bytes(b) => (
                mapping.delimiter.resolve(Path::new(b.name), &first),
                Box::new(b.bytes),
                b.bytes.len() as u64,
            ),
        };
        let r = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(true)
            .flexible(false)
            .from_reader(source);
        Ok((r, delim, total))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Streams the records of `input` into `builder` as `part`, reporting progress.
fn read_file(
    input: Input,
    part: Part,
    builder: &mut LogsBuilder,
    observer: &mut dyn LoadObserver,
) -> Result<()> {
    let name = input.name();
    let (mut reader, _, total) = input.csv_reader(builder.mapping())?;
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
    read_inputs(
        Input::Path(&files.train),
        files.test.as_deref().map(Input::Path),
        mapping,
        limits,
        observer,
    )
}

/// Reads a training log and a test log (or, with `None`, one file with the mapping's split
/// column) held in memory, as [`read_logs`] reads files. For tests and fuzzing.
pub fn read_logs_bytes(
    train: LogBytes,
    test: Option<LogBytes>,
    mapping: &LogMapping,
    limits: ReadLimits,
    observer: &mut dyn LoadObserver,
) -> Result<LogsData> {
    read_inputs(
        Input::Bytes(train),
        test.map(Input::Bytes),
        mapping,
        limits,
        observer,
    )
}

fn read_inputs(
    train: Input,
    test: Option<Input>,
    mapping: &LogMapping,
    limits: ReadLimits,
    observer: &mut dyn LoadObserver,
) -> Result<LogsData> {
    let mut b = LogsBuilder::new(mapping, limits)?;
    let source = match test {
        Some(test) => {
            if mapping.split.is_some() {
                return Err(Error::invalid(
                    "the mapping has a split column, so it reads one file: leave out the test \
                     file, or drop the split column",
                ));
            }
            read_file(train, Part::Train, &mut b, observer)?;
            read_file(test, Part::Test, &mut b, observer)?;
            format!("{} + {}", train.name(), test.name())
        }
        None => {
            let Some(s) = &mapping.split else {
                return Err(Error::invalid(
                    "no test file: give one, or a split column that marks the test rows",
                ));
            };
            read_file(train, Part::BySplit, &mut b, observer)?;
            format!(
                "{} (test rows: `{}` = `{}`)",
                train.name(),
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
    preview_input(Input::Path(path), mapping, n)
}

/// [`preview`] of a file held in memory. For tests and fuzzing.
pub fn preview_bytes(file: LogBytes, mapping: &LogMapping, n: usize) -> Result<Preview> {
    preview_input(Input::Bytes(file), mapping, n)
}

fn preview_input(input: Input, mapping: &LogMapping, n: usize) -> Result<Preview> {
    let name = input.name();
    let (mut reader, delimiter, _) = input.csv_reader(mapping)?;
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
