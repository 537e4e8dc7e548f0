//! Streaming one CSV file record by record, with errors that name the file, the row and the
//! column.

use std::fs::File;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use crate::data::logs::{LoadEvent, LoadObserver};
use crate::error::{Error, Result};

/// Rows between two progress events.
const PROGRESS_EVERY: u64 = 1 << 16;

/// One CSV file being read; the current record is reused, so memory stays bounded whatever the
/// file's size.
pub(super) struct CsvSource {
    path: PathBuf,
    name: String,
    reader: csv::Reader<File>,
    header: Vec<String>,
    record: ByteRecord,
    bytes_total: u64,
    /// Data rows read so far (1 after the first).
    row: u64,
}

impl CsvSource {
    /// Opens `path` and reads its header.
    pub(super) fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
        let bytes_total = file.metadata().map_or(0, |m| m.len());
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(file);
        let header = reader
            .byte_headers()
            .map_err(|e| Error::BadFile {
                path: path.display().to_string(),
                detail: format!("cannot read the header: {e}"),
            })?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let text = String::from_utf8_lossy(h);
                let text: &str = &text;
                // A byte-order mark before the first name is not part of it.
                let text = if i == 0 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    text
                };
                text.trim().to_owned()
            })
            .collect();
        Ok(CsvSource {
            path: path.to_path_buf(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            reader,
            header,
            record: ByteRecord::new(),
            bytes_total,
            row: 0,
        })
    }

    /// The position of each of `names` in the header; an error lists every missing one.
    pub(super) fn columns(&self, names: &[&str]) -> Result<Vec<usize>> {
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !self.header.iter().any(|h| h == *n))
            .map(|n| format!("`{n}`"))
            .collect();
        if !missing.is_empty() {
            let plural = if missing.len() == 1 { "" } else { "s" };
            return Err(Error::BadFile {
                path: self.path.display().to_string(),
                detail: format!(
                    "missing column{plural} {} (the header has {}); is this a KuaiRand file?",
                    missing.join(", "),
                    self.header.join(", ")
                ),
            });
        }
        Ok(names
            .iter()
            .filter_map(|n| self.header.iter().position(|h| h == n))
            .collect())
    }

    /// Announces the file to `observer`.
    pub(super) fn start(&self, observer: &mut dyn LoadObserver) {
        self.progress(observer, 0);
    }

    fn progress(&self, observer: &mut dyn LoadObserver, bytes_done: u64) {
        observer.on_event(&LoadEvent::Reading {
            file: self.name.clone(),
            bytes_done,
            bytes_total: self.bytes_total,
        });
    }

    /// Reads the next record; `false` at the end of the file (after a last progress event).
    pub(super) fn next(&mut self, observer: &mut dyn LoadObserver) -> Result<bool> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| Error::BadFile {
                path: self.path.display().to_string(),
                detail: format!("data row {}: {e}", self.row + 1),
            })?;
        if !more {
            self.progress(observer, self.bytes_total);
            return Ok(false);
        }
        self.row += 1;
        if self.row.is_multiple_of(PROGRESS_EVERY) {
            self.progress(observer, self.reader.position().byte());
            if observer.stop_requested() {
                return Err(Error::Cancelled);
            }
        }
        Ok(true)
    }

    /// The raw bytes of column `col` of the current record.
    pub(super) fn raw(&self, col: usize) -> &[u8] {
        self.record.get(col).unwrap_or(b"")
    }

    /// The text of column `col` (surrounding spaces trimmed); an error if it is not UTF-8.
    pub(super) fn text(&self, col: usize) -> Result<&str> {
        std::str::from_utf8(self.raw(col))
            .map(str::trim)
            .map_err(|_| self.bad(col, "UTF-8 text"))
    }

    /// The path being read.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Data rows read so far.
    pub(super) fn row(&self) -> u64 {
        self.row
    }

    /// An error naming the file, the data row, the line, the column and the value.
    pub(super) fn bad(&self, col: usize, expected: &str) -> Error {
        let value = String::from_utf8_lossy(self.raw(col));
        let line = self
            .record
            .position()
            .map_or(String::new(), |p| format!(" (line {})", p.line()));
        Error::BadFile {
            path: self.path.display().to_string(),
            detail: format!(
                "data row {}{line}, column `{}`: `{value}` is not {expected}",
                self.row,
                self.header.get(col).map_or("?", String::as_str)
            ),
        }
    }

    /// Column `col` as an integer in `lo..=hi` (an integral decimal such as `4.0` is accepted).
    pub(super) fn int_in(&self, col: usize, lo: i64, hi: i64, expected: &str) -> Result<i64> {
        match parse_int(self.raw(col)) {
            Some(v) if (lo..=hi).contains(&v) => Ok(v),
            _ => Err(self.bad(col, expected)),
        }
    }

    /// Column `col` as a non-negative id.
    pub(super) fn id(&self, col: usize) -> Result<u64> {
        match parse_int(self.raw(col)) {
            Some(v) if v >= 0 => Ok(v as u64),
            _ => Err(self.bad(col, "an id (a non-negative integer)")),
        }
    }

    /// Column `col` as a number; NaN when the field is empty (or `NaN`, as pandas writes it).
    pub(super) fn number(&self, col: usize) -> Result<f32> {
        let text = self.text(col)?;
        if text.is_empty() || text.eq_ignore_ascii_case("nan") {
            return Ok(f32::NAN);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v as f32),
            _ => Err(self.bad(col, "a number")),
        }
    }
}

/// Parses a decimal integer; an integral decimal number (`4.0`) is accepted too.
fn parse_int(bytes: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(bytes).ok()?.trim();
    if let Ok(v) = s.parse::<i64>() {
        return Some(v);
    }
    let f = s.parse::<f64>().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}
