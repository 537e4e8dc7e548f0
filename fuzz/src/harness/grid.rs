//! Grid files (`crl-lab grid plan`, the app's Export grid): parse and check, save and reload,
//! and plan into cells, in memory and into a folder.

use std::path::{Component, Path};
use std::sync::OnceLock;

use crl_lab::grid::{GridFile, MAX_CELLS, Plan, expand, plan_grid_text};
use crl_lab::session::Workspace;
use serde_json::Value;

use super::with_files;

/// A workspace file beside the grid in the scratch folder (`"base": {"workspace": "…"}`).
pub const GRID_WORKSPACE_FILE: &str = "base.json";
/// A scenario file beside the grid in the scratch folder (a `scenario` axis's value).
pub const GRID_SCENARIO_FILE: &str = "scenario.json";
/// The preset both files are written from.
pub const GRID_FILES_PRESET: &str = "anti-causal";

/// Grids with at most this many cells are planned in memory (every cell's workspace built,
/// validated and hashed). Larger grids up to [`MAX_CELLS`] are legitimate and only counted:
/// planning 100,000 cells takes seconds, and the fuzzer would spend its time there.
const EXPAND_CELLS: usize = 32;
/// Grids with at most this many cells are also planned into the scratch folder, and what was
/// written is read back.
const WRITE_CELLS: usize = 4;

/// A grid file: parse and check; one that loads saves to a text that reloads to the same grid.
/// A grid over [`MAX_CELLS`] must be refused by the planner before it builds anything; a small
/// one is planned (its base resolved against a scratch folder holding a workspace and a
/// scenario file), each cell checked, and the smallest are planned into the folder, the plan
/// and every cell's workspace read back. A grid naming a file outside the scratch folder is
/// parsed but not planned: the fuzzer must not read the machine's files. True when it loads.
pub fn grid(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(grid) = GridFile::from_json(text, "fuzz.json") else {
        return false;
    };
    let saved = grid
        .to_json()
        .unwrap_or_else(|e| panic!("a loaded grid cannot be saved: {e}"));
    let again = GridFile::from_json(&saved, "saved")
        .unwrap_or_else(|e| panic!("a loaded grid saves to a file that does not load: {e}"));
    assert_eq!(again, grid, "saving and reloading changed the grid");
    assert_eq!(
        again.to_json().ok().as_deref(),
        Some(saved.as_str()),
        "a reloaded grid saves to other text"
    );
    let count = grid.cell_count();
    if count > MAX_CELLS {
        // Refused before the base is even read: nothing to resolve.
        let e = expand(&grid, Path::new("/nonexistent"))
            .err()
            .unwrap_or_else(|| panic!("a grid of {count} cells was planned"));
        assert!(
            e.to_string().contains("split it into several grids"),
            "a grid of {count} cells refused with another error: {e}"
        );
        return true;
    }
    if count > EXPAND_CELLS || reads_outside(&grid) {
        return true;
    }
    let files = files();
    let files = [
        (GRID_WORKSPACE_FILE, files.0.as_bytes()),
        (GRID_SCENARIO_FILE, files.1.as_bytes()),
    ];
    with_files(&files, |dir| {
        // A cell the scenario refuses (an unknown node, a bad value) is an error, not a crash.
        let Ok(cells) = expand(&grid, dir) else {
            return true;
        };
        assert_eq!(
            cells.len(),
            count,
            "the grid planned another count of cells"
        );
        for (i, (cell, _)) in cells.iter().enumerate() {
            assert_eq!(cell.index, i);
            assert!(
                cells[..i].iter().all(|(c, _)| c.hash != cell.hash),
                "two cells share the hash {}",
                cell.hash
            );
        }
        if count <= WRITE_CELLS {
            let out = dir.join("planned");
            let summary = plan_grid_text(&grid, text, dir, &out)
                .unwrap_or_else(|e| panic!("a grid that expands cannot be planned: {e}"));
            assert_eq!(summary.reused, 0);
            let plan = Plan::load(&out).unwrap_or_else(|e| panic!("plan.json does not load: {e}"));
            assert_eq!(plan, summary.plan, "plan.json read back to another plan");
            for (cell, ws) in &cells {
                let path = Plan::cell_dir(&out, &cell.hash).join("workspace.json");
                let written = Workspace::load(&path)
                    .unwrap_or_else(|e| panic!("a planned cell's workspace does not load: {e}"));
                assert_eq!(
                    written.to_json().ok(),
                    ws.to_json().ok(),
                    "cell {} was written as another workspace",
                    cell.index
                );
            }
        }
        true
    })
}

/// The scratch folder's workspace and scenario files (made once).
fn files() -> &'static (String, String) {
    static FILES: OnceLock<(String, String)> = OnceLock::new();
    FILES.get_or_init(|| {
        let ws = Workspace::from_preset(GRID_FILES_PRESET).expect("a preset's workspace");
        let scenario = ws.scenario.to_json();
        (ws.to_json().expect("a preset's workspace saves"), scenario)
    })
}

/// Whether planning `grid` would read a file other than one directly in its folder: the
/// base's workspace path, or a scenario file given in `set` or on an axis.
fn reads_outside(grid: &GridFile) -> bool {
    let outside = |v: &Value| match v {
        Value::String(p) => {
            let mut parts = Path::new(p).components();
            !matches!(
                (parts.next(), parts.next()),
                (Some(Component::Normal(_)), None)
            )
        }
        _ => false,
    };
    let scenario_files = grid
        .axes
        .iter()
        .filter(|a| a.setting == "scenario")
        .flat_map(|a| a.values.iter())
        .chain(grid.set.get("scenario"))
        .filter(|v| {
            v.as_str().is_some_and(|s| {
                Path::new(s)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            })
        });
    grid.base
        .workspace
        .iter()
        .chain(scenario_files)
        .any(outside)
}
