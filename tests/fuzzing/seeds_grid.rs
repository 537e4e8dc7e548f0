//! The seeds and dictionary of the `grid` target: grid files on each kind of base (a preset, a
//! workspace file, a workspace inline), varying training settings, run settings, the scenario
//! and node parameters, with figures to collect, and one grid over the cell limit.

use crl_lab::grid::{
    GRID_FORMAT, GridAxis, GridBase, GridFigure, GridFile, MAX_CELLS, RUN_SETTINGS, TRAIN_SETTINGS,
    scenario_parameters,
};
use crl_lab::scm::{preset, preset_names};
use crl_lab::session::Workspace;
use serde_json::{Value, json};

use crate::harness::{GRID_FILES_PRESET, GRID_SCENARIO_FILE, GRID_WORKSPACE_FILE};
use crate::seeds::{json_tokens, write};

fn axis(setting: &str, values: Vec<Value>) -> GridAxis {
    GridAxis {
        setting: setting.into(),
        values,
    }
}

fn on_preset(name: &str, preset: &str) -> GridFile {
    GridFile::new(
        name,
        GridBase {
            preset: Some(preset.into()),
            workspace: None,
        },
    )
}

fn text(grid: &GridFile) -> Vec<u8> {
    grid.to_json().expect("a seed grid saves").into_bytes()
}

pub fn grids() {
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    // README's example (48 cells: parsed and counted, not planned by the harness).
    let readme = json!({
        "format": GRID_FORMAT,
        "version": 1,
        "name": "beta-by-estimator",
        "base": { "preset": "anti-causal" },
        "set": { "steps": 1000, "shift_grid": "0:1:5" },
        "axes": [
            { "setting": "beta", "values": [0, 5, 20, 80] },
            { "setting": "estimator", "values": ["nce-club", "club"] },
            { "setting": "c.noise.prob.test", "values": [0.5, 0.95] }
        ],
        "seeds": [0, 1, 2],
        "collect": { "figures": [
            { "x": "beta", "lines": "estimator", "metric": "accuracy", "shift": 1 }
        ] }
    });
    seeds.push((
        "readme.json".into(),
        serde_json::to_string_pretty(&readme).unwrap().into_bytes(),
    ));
    // β by seed on a preset, with run settings fixed and a figure: 4 cells, planned to disk.
    let mut g = on_preset("beta-seeds", "shortcut");
    g.set.insert("steps".into(), json!(50));
    g.set.insert("mode".into(), json!("BetaSweep"));
    g.set.insert("sweep_betas".into(), json!([0, 1, 10]));
    g.set.insert("shift_grid".into(), json!("0, 0.5, 1"));
    g.axes.push(axis("beta", vec![json!(0), json!(5)]));
    g.seeds = vec![0, 7];
    g.collect.figures.push(GridFigure {
        x: "beta".into(),
        lines: "model".into(),
        metric: "headline".into(),
        shift: Some(0.5),
        model: Some("crl".into()),
    });
    seeds.push(("beta-seeds.json".into(), text(&g)));
    // A workspace file as the base, the scenario varied between a preset and a file.
    let mut g = GridFile::new(
        "scenario-files",
        GridBase {
            preset: None,
            workspace: Some(json!(GRID_WORKSPACE_FILE)),
        },
    );
    g.axes.push(axis(
        "scenario",
        vec![json!("shortcut"), json!(GRID_SCENARIO_FILE)],
    ));
    g.axes
        .push(axis("estimator", vec![json!("club"), json!("nce-club")]));
    seeds.push(("scenario-files.json".into(), text(&g)));
    // A workspace inline, two node parameters varied (one whole, one end of a shift).
    let ws = Workspace::from_preset(GRID_FILES_PRESET).expect("a preset's workspace");
    let params = scenario_parameters(&ws.scenario);
    let mut g = GridFile::new(
        "parameters",
        GridBase {
            preset: None,
            workspace: Some(serde_json::from_str(&ws.to_json().unwrap()).unwrap()),
        },
    );
    g.axes.push(axis(&params[0], vec![json!(0.2), json!(0.4)]));
    g.axes.push(axis(
        &format!("{}.test", params[1]),
        vec![json!(0.5), json!(0.9)],
    ));
    seeds.push(("parameters.json".into(), text(&g)));
    // Over the limit: 400 β values by 300 seeds (compact, to stay a few KB).
    let mut g = on_preset("too-many-cells", "anti-causal");
    g.axes
        .push(axis("beta", (0..400).map(|b| json!(b)).collect()));
    g.seeds = (0..300).collect();
    assert!(g.cell_count() > MAX_CELLS);
    seeds.push((
        "too-many-cells.json".into(),
        serde_json::to_string(&g).unwrap().into_bytes(),
    ));
    // Every setting name, preset and node parameter, and the names a figure takes.
    let mut tokens = json_tokens(seeds.iter().map(|(_, b)| b.as_slice()));
    let mut quoted = |s: &str| tokens.insert(format!("\"{s}\"").into_bytes());
    TRAIN_SETTINGS
        .iter()
        .chain(&RUN_SETTINGS)
        .chain(&["scenario", "shift", "model", "baseline", "crl", "oracle"])
        .chain(&["headline", "accuracy", "auc", "logloss", "mse", "r2"])
        .for_each(|s| {
            quoted(s);
        });
    for name in preset_names() {
        quoted(name);
        for p in scenario_parameters(&preset(name).expect("a preset")) {
            quoted(&p);
            quoted(&format!("{p}.train"));
            quoted(&format!("{p}.test"));
        }
    }
    write("grid", &seeds, &tokens);
}
