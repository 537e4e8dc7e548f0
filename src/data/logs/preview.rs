//! The first rows of a logs file, for the app's preview and column table.

use std::path::Path;

use super::mapping::LogMapping;
use super::read::{csv_error, csv_reader, file_name};
use crate::error::{Error, Result};

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
