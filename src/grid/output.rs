//! `grid collect`'s folder: `DIR/collected/` holds `results.csv` (the long table),
//! `summary.csv` (over seeds), `failed.csv` when cells failed, each figure as SVG, 300 dpi PNG
//! and the CSV of its points, and `figures.json`, the index the app's grid viewer reads.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::collect::{Collected, failed_csv, gather, results_csv, summary_csv};
use super::figures::grid_figures;
use crate::error::{Error, Result};
use crate::export::{FigureFormat, FigureWidth, write_line_figure};
use crate::fs::{read_string, write_string};

/// The `format` field of `figures.json`.
pub const FIGURES_FORMAT: &str = "crl-lab-grid-figures";

/// One figure in `figures.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FigureEntry {
    /// The file name stem.
    pub name: String,
    /// What it shows.
    pub title: String,
    /// The SVG's file name.
    pub svg: String,
    /// The PNG's file name.
    pub png: String,
    /// The CSV of its points.
    pub csv: String,
}

/// `figures.json`: what a collected folder holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FigureIndex {
    /// Always [`FIGURES_FORMAT`].
    pub format: String,
    /// The grid's name.
    pub name: String,
    /// The grid file's hash (each figure records it too).
    pub grid_hash: String,
    /// Finished cells collected.
    pub cells_done: usize,
    /// Cells in the plan.
    pub cells: usize,
    /// The figures.
    pub figures: Vec<FigureEntry>,
}

impl FigureIndex {
    /// Reads the index of a collected folder: `DIR/collected/figures.json`, or `DIR/figures.json`
    /// when `dir` is the collected folder itself. Returns the index and the folder its files
    /// are in.
    pub fn load(dir: &Path) -> Result<(FigureIndex, PathBuf)> {
        let folder = if dir.join("figures.json").is_file() {
            dir.to_path_buf()
        } else {
            dir.join("collected")
        };
        let path = folder.join("figures.json");
        if !path.is_file() {
            return Err(Error::invalid(format!(
                "{} holds no collected grid (no figures.json; run `crl-lab grid collect` on it)",
                dir.display()
            )));
        }
        let text = read_string(&path)?;
        let index: FigureIndex = serde_json::from_str(&text).map_err(|e| Error::BadFile {
            path: path.display().to_string(),
            detail: format!("damaged figure index: {e}"),
        })?;
        if index.format != FIGURES_FORMAT {
            return Err(Error::BadFile {
                path: path.display().to_string(),
                detail: format!("format is `{}`, expected `{FIGURES_FORMAT}`", index.format),
            });
        }
        Ok((index, folder))
    }
}

/// What [`collect_grid`] wrote.
#[derive(Clone, Debug)]
pub struct CollectReport {
    /// What was read.
    pub collected: Collected,
    /// The folder written.
    pub out: PathBuf,
    /// The files written, in order.
    pub files: Vec<String>,
}

/// Collects the grid planned in `dir` into `DIR/collected/`. Cells not finished are left out
/// (the report says how many); it fails only when no cell has finished or a file cannot be
/// read or written.
pub fn collect_grid(dir: &Path, width: FigureWidth) -> Result<CollectReport> {
    let collected = gather(dir)?;
    if collected.done == 0 {
        return Err(Error::invalid(format!(
            "no cell of {} has finished yet ({} pending, {} failed): run `crl-lab grid run {}` first",
            dir.display(),
            collected.pending.len(),
            collected.failed.len(),
            dir.display()
        )));
    }
    let out = dir.join("collected");
    std::fs::create_dir_all(&out).map_err(|e| Error::io("cannot create", &out, e))?;
    let mut files = Vec::new();
    write_string(&out.join("results.csv"), &results_csv(&collected)?)?;
    write_string(&out.join("summary.csv"), &summary_csv(&collected)?)?;
    files.extend(["results.csv", "summary.csv"].map(String::from));
    let failed_path = out.join("failed.csv");
    if collected.failed.is_empty() {
        if failed_path.exists() {
            std::fs::remove_file(&failed_path)
                .map_err(|e| Error::io("cannot remove", &failed_path, e))?;
        }
    } else {
        write_string(&failed_path, &failed_csv(&collected)?)?;
        files.push("failed.csv".into());
    }
    let mut entries = Vec::new();
    for f in grid_figures(&collected)? {
        let entry = FigureEntry {
            svg: format!("{}.svg", f.name),
            png: format!("{}.png", f.name),
            csv: format!("{}.csv", f.name),
            title: f.figure.title.clone(),
            name: f.name,
        };
        write_line_figure(&out.join(&entry.svg), &f.figure, FigureFormat::Svg, width)?;
        write_line_figure(&out.join(&entry.png), &f.figure, FigureFormat::Png, width)?;
        write_string(&out.join(&entry.csv), &f.csv)?;
        files.extend([entry.svg.clone(), entry.png.clone(), entry.csv.clone()]);
        entries.push(entry);
    }
    let index = FigureIndex {
        format: FIGURES_FORMAT.into(),
        name: collected.plan.name.clone(),
        grid_hash: collected.plan.grid_hash.clone(),
        cells_done: collected.done,
        cells: collected.plan.cells.len(),
        figures: entries,
    };
    let mut json = serde_json::to_string_pretty(&index)
        .map_err(|e| Error::invalid(format!("cannot encode the figure index: {e}")))?;
    json.push('\n');
    write_string(&out.join("figures.json"), &json)?;
    files.push("figures.json".into());
    Ok(CollectReport {
        collected,
        out,
        files,
    })
}
