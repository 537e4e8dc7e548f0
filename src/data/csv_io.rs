//! Writing a dataset as CSV with a JSON sidecar that says where it came from.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dataset::{ColumnInfo, Dataset};
use crate::error::{Error, Result};
use crate::fs::{write_atomically, write_string};
use crate::scm::Scenario;

/// The `format` field of a dataset sidecar.
pub const SIDECAR_FORMAT: &str = "crl-lab-dataset";
/// The version of the sidecar format.
pub const SIDECAR_VERSION: u32 = 1;

/// What a `FILE.csv.json` sidecar records about `FILE.csv`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sidecar {
    /// Always [`SIDECAR_FORMAT`].
    pub format: String,
    /// Always [`SIDECAR_VERSION`] when written by this build.
    pub version: u32,
    /// The crl-lab version that wrote it.
    pub crl_lab_version: String,
    /// Rows in the CSV.
    pub n_rows: usize,
    /// Shift the rows were drawn at.
    pub shift: f64,
    /// Seed they were drawn from.
    pub seed: u64,
    /// The columns (in file order, before `env_shift`).
    pub columns: Vec<ColumnInfo>,
    /// The whole scenario, so the file can be regenerated.
    pub scenario: Scenario,
}

/// Path of the sidecar of `csv_path`: the same path with `.json` appended.
pub fn sidecar_path(csv_path: &Path) -> PathBuf {
    let mut s = csv_path.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

/// Writes `data` to `path` as CSV (a header with one column per node dimension, then
/// `env_shift`) and the sidecar next to it. Both are written atomically.
pub fn write_csv(data: &Dataset, scenario: &Scenario, path: &Path) -> Result<()> {
    write_atomically(path, |w| {
        write_csv_to(data, w).map_err(|e| match e {
            Error::Io { source, .. } => Error::io("cannot write", path, source),
            other => other,
        })
    })?;
    let sidecar = Sidecar {
        format: SIDECAR_FORMAT.to_owned(),
        version: SIDECAR_VERSION,
        crl_lab_version: env!("CARGO_PKG_VERSION").to_owned(),
        n_rows: data.n_rows,
        shift: data.shift,
        seed: data.seed,
        columns: data.column_infos(),
        scenario: scenario.clone(),
    };
    let text = serde_json::to_string_pretty(&sidecar)
        .map_err(|e| Error::invalid(format!("cannot encode the sidecar: {e}")))?;
    // The table without its provenance would be a partial output: take it back.
    write_string(&sidecar_path(path), &text).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// Writes the CSV text of `data` to any writer.
pub fn write_csv_to(data: &Dataset, w: &mut dyn Write) -> Result<()> {
    use std::fmt::Write as _;
    let to_err =
        |e: csv::Error| Error::io("cannot write", "CSV", std::io::Error::other(e.to_string()));
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = data.columns.iter().map(|c| c.name.as_str()).collect();
    header.push("env_shift");
    out.write_record(&header).map_err(to_err)?;
    let shift = format!("{}", data.shift);
    let mut buf = String::new();
    for r in 0..data.n_rows {
        for c in &data.columns {
            buf.clear();
            let _ = write!(buf, "{}", c.values[r]);
            out.write_field(&buf).map_err(to_err)?;
        }
        out.write_field(&shift).map_err(to_err)?;
        out.write_record(None::<&[u8]>).map_err(to_err)?;
    }
    out.flush()
        .map_err(|e| Error::io("cannot write", "CSV", e))?;
    Ok(())
}
