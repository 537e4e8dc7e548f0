//! Planning a grid: every combination of the axes' values times the seeds becomes a cell, a
//! complete workspace file in a folder named by a hash of the settings that decide its numbers
//! (the scenario and the training settings). Planning the same grid again, or a grid that
//! shares cells with it, finds the finished cells under the same names and keeps them.
//!
//! The plan folder holds `grid.json` (the grid file as given), `plan.json` (the cells in index
//! order with their values) and `cells/HASH/workspace.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cell::{CellStatus, cell_status, remove_markers};
use super::file::{GridCollect, GridFile, grid_hash, place};
use super::hash::settings_hash;
use super::setting::{Setting, value_label};
use crate::error::{Error, Result};
use crate::fs::{read_string, write_string};
use crate::session::Workspace;

/// The `format` field of a plan file.
pub const PLAN_FORMAT: &str = "crl-lab-grid-plan";
/// The plan format's version.
pub const PLAN_VERSION: u32 = 1;

/// The most cells a grid may plan (a typo in a list of values should not fill a disk).
pub const MAX_CELLS: usize = 100_000;

/// One cell of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedCell {
    /// Its place in the plan, from 0 (what `grid run-cell --index` takes).
    pub index: usize,
    /// The hash of its settings: its folder's name under `cells/`.
    pub hash: String,
    /// Its seed.
    pub seed: u64,
    /// Its value on each axis, in the plan's axis order.
    pub values: Vec<Value>,
}

/// A planned grid, as `plan.json` holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`PLAN_FORMAT`].
    pub format: String,
    /// Always [`PLAN_VERSION`].
    pub version: u32,
    /// The grid's name.
    pub name: String,
    /// The grid file's hash (FNV-1a 64 of its bytes).
    pub grid_hash: String,
    /// The axes' settings, slowest first.
    pub axes: Vec<String>,
    /// What `grid collect` draws.
    pub collect: GridCollect,
    /// The cells, in index order.
    pub cells: Vec<PlannedCell>,
}

/// What [`plan_grid`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSummary {
    /// The plan written.
    pub plan: Plan,
    /// Cells already finished (reused).
    pub reused: usize,
}

impl PlanSummary {
    /// Cells still to run.
    pub fn pending(&self) -> usize {
        self.plan.cells.len() - self.reused
    }
}

impl Plan {
    /// The cells of this plan (in `dir`) not marked done: failed or never run.
    pub fn unfinished<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a PlannedCell> {
        self.cells.iter().filter(move |c| {
            !matches!(
                cell_status(&Plan::cell_dir(dir, &c.hash)),
                CellStatus::Done(_)
            )
        })
    }

    /// Reads `DIR/plan.json`.
    pub fn load(dir: &Path) -> Result<Plan> {
        let path = dir.join("plan.json");
        if !path.is_file() {
            return Err(Error::invalid(format!(
                "{} is not a planned grid (no plan.json; run `crl-lab grid plan GRID.json --out {}` first)",
                dir.display(),
                dir.display()
            )));
        }
        let text = read_string(&path)?;
        let label = path.display().to_string();
        let plan: Plan = serde_json::from_str(&text).map_err(|e| Error::BadFile {
            path: label.clone(),
            detail: format!("damaged plan: {e}"),
        })?;
        if plan.format != PLAN_FORMAT || plan.version != PLAN_VERSION {
            return Err(Error::BadFile {
                path: label,
                detail: format!(
                    "format `{}` version {} is not a plan this crl-lab reads ({PLAN_FORMAT} {PLAN_VERSION})",
                    plan.format, plan.version
                ),
            });
        }
        Ok(plan)
    }

    /// The folder of the cell with this hash.
    pub fn cell_dir(dir: &Path, hash: &str) -> PathBuf {
        dir.join("cells").join(hash)
    }

    /// The cell at `index`, or an error saying how many there are.
    pub fn cell(&self, index: usize) -> Result<&PlannedCell> {
        self.cells.get(index).ok_or_else(|| {
            Error::invalid(format!(
                "there is no cell {index}: the grid has {} (0 to {})",
                self.cells.len(),
                self.cells.len().saturating_sub(1)
            ))
        })
    }

    /// `beta=5, estimator=club, seed 0`: what sets the cell apart.
    pub fn label(&self, cell: &PlannedCell) -> String {
        let mut parts: Vec<String> = self
            .axes
            .iter()
            .zip(&cell.values)
            .map(|(a, v)| format!("{a}={}", value_label(v)))
            .collect();
        parts.push(format!("seed {}", cell.seed));
        parts.join(", ")
    }
}

/// The workspace every cell starts from: the grid's base, without results, one seed.
pub fn base_workspace(grid: &GridFile, grid_dir: &Path) -> Result<Workspace> {
    let mut ws = match (&grid.base.preset, &grid.base.workspace) {
        (Some(name), _) => Workspace::from_preset(name)?,
        (None, Some(Value::String(path))) => Workspace::load(&grid_dir.join(path))?,
        (None, Some(obj @ Value::Object(_))) => {
            Workspace::from_json(&obj.to_string(), "the grid's base.workspace")?
        }
        _ => return Err(Error::invalid("the grid has no usable `base`")),
    };
    ws.results = None;
    ws.pinned.clear();
    ws.calibration_points.clear();
    ws.calibration_staircase = None;
    ws.train.n_seeds = 1;
    Ok(ws)
}

/// Every cell of `grid` with its workspace, in index order: the axes' values combined (the
/// first axis slowest), the seeds innermost. `grid_dir` resolves relative paths. Each cell is
/// checked (scenario and settings) and an error names the cell.
pub fn expand(grid: &GridFile, grid_dir: &Path) -> Result<Vec<(PlannedCell, Workspace)>> {
    let count = grid.cell_count();
    if count > MAX_CELLS {
        // A count that does not fit a usize saturates (over 1.8 × 10^19).
        let count = if count == usize::MAX {
            "over 10^19".to_owned()
        } else {
            count.to_string()
        };
        return Err(Error::invalid(format!(
            "the grid has {count} cells, more than the {MAX_CELLS} crl-lab plans at once; \
             split it into several grids"
        )));
    }
    let mut base = base_workspace(grid, grid_dir)?;
    // The scenario first: node parameters then refer to the scenario the cell uses.
    let mut fixed: Vec<(Setting, &String, &Value)> = Vec::new();
    for (name, v) in &grid.set {
        fixed.push((Setting::parse(name)?, name, v));
    }
    fixed.sort_by_key(|(s, _, _)| *s != Setting::Scenario);
    for (setting, name, v) in &fixed {
        setting
            .apply(&mut base, v, grid_dir)
            .map_err(|e| place(&format!("set.{name}"), e))?;
    }
    let axes: Vec<Setting> = grid
        .axes
        .iter()
        .map(|a| Setting::parse(&a.setting))
        .collect::<Result<_>>()?;
    let mut order: Vec<usize> = (0..axes.len()).collect();
    order.sort_by_key(|&i| axes[i] != Setting::Scenario);
    let seeds = if grid.seeds.is_empty() {
        vec![base.train.config.seed]
    } else {
        grid.seeds.clone()
    };
    let mut out: Vec<(PlannedCell, Workspace)> = Vec::with_capacity(count);
    let mut choice = vec![0_usize; axes.len()];
    'combinations: loop {
        let values: Vec<Value> = choice
            .iter()
            .zip(&grid.axes)
            .map(|(&j, a)| a.values[j].clone())
            .collect();
        let mut ws = base.clone();
        for &i in &order {
            let (a, v) = (&grid.axes[i], &values[i]);
            axes[i].apply(&mut ws, v, grid_dir).map_err(|e| {
                place(
                    &format!("axes[{i}] (`{}`) value {}", a.setting, value_label(v)),
                    e,
                )
            })?;
        }
        for &seed in &seeds {
            let mut ws = ws.clone();
            ws.train.config.seed = seed;
            let index = out.len();
            let cell_label = || {
                let mut parts: Vec<String> = grid
                    .axes
                    .iter()
                    .zip(&values)
                    .map(|(a, v)| format!("{}={}", a.setting, value_label(v)))
                    .collect();
                parts.push(format!("seed {seed}"));
                format!("cell {index} ({})", parts.join(", "))
            };
            ws.scenario
                .validate()
                .and_then(|_| ws.train.plan())
                .map_err(|e| place(&cell_label(), e))?;
            let hash = settings_hash(&ws)?;
            if let Some((other, _)) = out.iter().find(|(c, _)| c.hash == hash) {
                return Err(Error::invalid(format!(
                    "{} has the same settings as cell {} (two values on an axis that mean the \
                     same thing?)",
                    cell_label(),
                    other.index
                )));
            }
            out.push((
                PlannedCell {
                    index,
                    hash,
                    seed,
                    values: values.clone(),
                },
                ws,
            ));
        }
        // The next combination: the last axis fastest.
        for k in (0..choice.len()).rev() {
            choice[k] += 1;
            if choice[k] < grid.axes[k].values.len() {
                continue 'combinations;
            }
            choice[k] = 0;
        }
        break;
    }
    Ok(out)
}

/// Plans the grid file at `grid_path` into the folder `out` (created if missing): writes
/// `grid.json`, every unfinished cell's `workspace.json` and `plan.json`. Finished cells are
/// kept as they are; a failed cell's record is cleared so that it runs again.
pub fn plan_grid(grid_path: &Path, out: &Path) -> Result<PlanSummary> {
    let text = read_string(grid_path)?;
    let grid = GridFile::from_json(&text, &grid_path.display().to_string())?;
    let grid_dir = grid_path.parent().unwrap_or(Path::new("."));
    plan_grid_text(&grid, &text, grid_dir, out)
}

/// [`plan_grid`] for a grid already read: `text` is the grid file's bytes (copied and hashed),
/// `grid_dir` resolves its relative paths.
pub fn plan_grid_text(
    grid: &GridFile,
    text: &str,
    grid_dir: &Path,
    out: &Path,
) -> Result<PlanSummary> {
    let cells = expand(grid, grid_dir)?;
    std::fs::create_dir_all(out.join("cells"))
        .map_err(|e| Error::io("cannot create", out.join("cells"), e))?;
    write_string(&out.join("grid.json"), text)?;
    let mut reused = 0;
    for (cell, ws) in &cells {
        let dir = Plan::cell_dir(out, &cell.hash);
        match cell_status(&dir) {
            CellStatus::Done(_) => reused += 1,
            CellStatus::Failed(_) | CellStatus::Pending => {
                std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
                remove_markers(&dir)?;
                ws.save(&dir.join("workspace.json"))?;
            }
        }
    }
    let plan = Plan {
        format: PLAN_FORMAT.into(),
        version: PLAN_VERSION,
        name: grid.name.clone(),
        grid_hash: grid_hash(text),
        axes: grid.axes.iter().map(|a| a.setting.clone()).collect(),
        collect: grid.collect.clone(),
        cells: cells.into_iter().map(|(c, _)| c).collect(),
    };
    let mut json = serde_json::to_string_pretty(&plan)
        .map_err(|e| Error::invalid(format!("cannot encode the plan: {e}")))?;
    json.push('\n');
    write_string(&out.join("plan.json"), &json)?;
    Ok(PlanSummary { plan, reused })
}
