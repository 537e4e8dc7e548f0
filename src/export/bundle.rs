//! "Export all": one folder holding a workspace's file, every figure it can draw (SVG and PNG)
//! with the CSV behind each, the result tables and the dataset. `crl-lab run` and the app's
//! File ▸ Export all write the same bundle.

use std::path::Path;

use super::figure::{FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind, write_figure};
use super::pinned_csv::pinned_csv;
use super::plot_csv::{plot_csv, write_dataset};
use super::results_csv::{metrics_csv, summary_csv, sweep_csv};
use crate::error::{Error, Result};
use crate::experiment::{RunMode, RunResults};
use crate::fs::write_string;
use crate::session::Workspace;

/// What a workspace's figures draw from.
pub fn plot_data(ws: &Workspace) -> PlotData<'_> {
    PlotData {
        run: ws.results.as_ref(),
        calibration: &ws.calibration_points,
        calibration_estimator: ws.plots.calibration.estimator,
        staircase: ws.calibration_staircase.as_ref(),
        pinned: &ws.pinned,
        representation: ws.plots.representation,
    }
}

/// The plot kinds that have something to draw, in [`PlotKind::ALL`] order.
pub fn available_kinds(data: &PlotData<'_>) -> Vec<PlotKind> {
    PlotKind::ALL
        .into_iter()
        .filter(|k| match k {
            PlotKind::Calibration => !data.calibration.is_empty(),
            PlotKind::TradeOff => data
                .run
                .is_some_and(|r| r.mode == RunMode::BetaSweep && !r.eval.is_empty()),
            PlotKind::Ood => data.run.is_some_and(|r| !r.eval.is_empty()),
            PlotKind::Loss | PlotKind::Mi => data.run.is_some_and(|r| !r.reports.is_empty()),
            PlotKind::Representation => data
                .run
                .is_some_and(|r| !r.reports.is_empty() && r.representation.is_some()),
        })
        .collect()
}

/// Writes a run's tables into `dir`: `metrics.csv` (every member's reports), `sweep.csv`
/// (every member at every shift) and `summary.csv` (mean and std per model and shift); returns
/// their names.
pub fn write_run_tables(run: &RunResults, dir: &Path) -> Result<[&'static str; 3]> {
    let binary = run.outcome_kind().is_binary();
    write_string(
        &dir.join("metrics.csv"),
        &metrics_csv(&run.reports, &run.members, run.conditional()),
    )?;
    write_string(&dir.join("sweep.csv"), &sweep_csv(&run.eval, binary))?;
    write_string(
        &dir.join("summary.csv"),
        &summary_csv(&run.summary(), binary),
    )?;
    Ok(["metrics.csv", "sweep.csv", "summary.csv"])
}

/// Writes the bundle of `ws` into the folder `dir` (created if missing) and returns the names of
/// the files written, in order:
/// - `workspace.json`;
/// - for each plot with something to draw: `KIND.svg` and `KIND.png` at `widths[0]`, a PNG
///   `KIND-WIDTH.png` at each further width (e.g. `ood-double.png`), and `KIND.csv`;
/// - with a training run: `metrics.csv`, `sweep.csv` and `summary.csv`;
/// - with pinned runs: `pinned.csv`, the table comparing them;
/// - `data.csv`: training rows of the first seed at the data view's shift.
///
/// Every file is written atomically; the figures carry the workspace's hash.
pub fn export_bundle(ws: &Workspace, dir: &Path, widths: &[FigureWidth]) -> Result<Vec<String>> {
    let Some((&first, more)) = widths.split_first() else {
        return Err(Error::invalid("give at least one figure width"));
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    ws.save(&dir.join("workspace.json"))?;
    let hash = ws.hash()?;
    let data = plot_data(ws);
    let mut written = vec!["workspace.json".to_owned()];
    for kind in available_kinds(&data) {
        let mut figures = vec![
            (FigureFormat::Svg, first, String::new()),
            (FigureFormat::Png, first, String::new()),
        ];
        figures.extend(
            more.iter()
                .map(|&w| (FigureFormat::Png, w, format!("-{}", w.name()))),
        );
        for (format, width, suffix) in figures {
            let name = format!("{kind}{suffix}.{}", format.extension());
            let spec = FigureSpec {
                kind,
                format,
                width,
                hash: Some(hash.clone()),
            };
            write_figure(&dir.join(&name), &spec, &data)?;
            written.push(name);
        }
        let name = format!("{kind}.csv");
        write_string(&dir.join(&name), &plot_csv(kind, &data)?)?;
        written.push(name);
    }
    if let Some(run) = &ws.results {
        written.extend(write_run_tables(run, dir)?.map(String::from));
    }
    if !ws.pinned.is_empty() {
        write_string(&dir.join("pinned.csv"), &pinned_csv(&ws.pinned))?;
        written.push("pinned.csv".into());
    }
    let c = &ws.train.config;
    write_dataset(
        &ws.scenario,
        ws.plots.data.shift,
        c.n_train,
        c.seed,
        &dir.join("data.csv"),
    )?;
    written.push("data.csv".into());
    Ok(written)
}
