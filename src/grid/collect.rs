//! Collecting a grid: every finished cell's evaluation rows merged into one long table (a row
//! per cell, model and shift, every axis a column), and a summary over seeds (mean, sample
//! standard deviation and a 95% t interval of the mean) per setting, model and shift. The
//! numbers are the cells' own, read from their `result.json`, so they are the numbers
//! `crl-lab run` gives on the cell's workspace.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::cell::{CellStatus, cell_status};
use super::metric::Metric;
use super::plan::Plan;
use super::setting::value_label;
use crate::error::{Error, Result};
use crate::experiment::mean_std;
use crate::scm::OutcomeKind;
use crate::session::Workspace;
use crate::train::ModelKind;

/// One row of the long table: one model of one cell at one shift.
#[derive(Clone, Debug, PartialEq)]
pub struct CollectedRow {
    /// The cell's index.
    pub cell: usize,
    /// Its settings hash.
    pub hash: String,
    /// Its value on each axis.
    pub values: Vec<Value>,
    /// Its seed.
    pub seed: u64,
    /// The model.
    pub model: ModelKind,
    /// The model's penalty weight (0 for the baseline and the oracle).
    pub member_beta: f64,
    /// The test set's shift.
    pub shift: f64,
    /// The metrics in [`Metric::COLUMNS`] order (NaN where the outcome has none).
    pub metrics: [f64; 5],
}

/// Mean, standard deviation and 95% interval of one metric over seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 with one seed).
    pub std: f64,
    /// Lower end of the 95% t interval of the mean (NaN with one seed).
    pub lo: f64,
    /// Upper end (NaN with one seed).
    pub hi: f64,
}

/// One row of the summary: one setting (every axis but the seed), model and shift.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// The value on each axis.
    pub values: Vec<Value>,
    /// The model.
    pub model: ModelKind,
    /// Its penalty weight.
    pub member_beta: f64,
    /// The shift.
    pub shift: f64,
    /// How many seeds the row averages.
    pub n_seeds: usize,
    /// Per metric of [`Metric::COLUMNS`].
    pub metrics: [Spread; 5],
}

/// Everything a grid's folder holds, read.
#[derive(Clone, Debug)]
pub struct Collected {
    /// The plan.
    pub plan: Plan,
    /// The long table, in cell order.
    pub rows: Vec<CollectedRow>,
    /// The summary, in the order its settings first appear.
    pub summary: Vec<SummaryRow>,
    /// Finished cells.
    pub done: usize,
    /// Failed cells: `(index, error)`.
    pub failed: Vec<(usize, String)>,
    /// Cells not run (or interrupted).
    pub pending: Vec<usize>,
    /// The first finished cell's outcome (the headline metric's meaning).
    pub outcome: OutcomeKind,
    /// Finished cells run by another crl-lab version than this one.
    pub other_versions: usize,
}

/// The upper 2.5% point of Student's t with `df` degrees of freedom (the 95% two-sided
/// interval's multiplier); NaN for 0.
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            // Cornish-Fisher expansion around the normal quantile: within 1e-3 beyond 30.
            let z = 1.959_963_984_540_054_f64;
            let n = df as f64;
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// Mean, standard deviation and 95% t interval of `values`.
pub fn spread(values: &[f64]) -> Spread {
    let (mean, std) = mean_std(values);
    let n = values.len();
    let half = t975(n.saturating_sub(1)) * std / (n as f64).sqrt();
    Spread {
        mean,
        std,
        lo: mean - half,
        hi: mean + half,
    }
}

/// Reads the grid planned in `dir`: the plan, each cell's status and every finished cell's
/// evaluation rows, and summarises them over seeds.
pub fn gather(dir: &Path) -> Result<Collected> {
    let plan = Plan::load(dir)?;
    let mut rows = Vec::new();
    let (mut done, mut failed, mut pending) = (0, Vec::new(), Vec::new());
    let mut outcome = None;
    let mut other_versions = 0;
    for cell in &plan.cells {
        let cell_dir = Plan::cell_dir(dir, &cell.hash);
        match cell_status(&cell_dir) {
            CellStatus::Pending => pending.push(cell.index),
            CellStatus::Failed(e) => failed.push((cell.index, e)),
            CellStatus::Done(marker) => {
                done += 1;
                if marker.crl_lab != env!("CARGO_PKG_VERSION") {
                    other_versions += 1;
                }
                let ws = Workspace::load(&cell_dir.join("result.json"))?;
                let run = ws.results.as_ref().ok_or_else(|| Error::BadFile {
                    path: cell_dir.join("result.json").display().to_string(),
                    detail: "marked done but holds no results; delete its done.json to rerun it"
                        .into(),
                })?;
                outcome.get_or_insert(run.outcome_kind());
                for r in &run.eval {
                    rows.push(CollectedRow {
                        cell: cell.index,
                        hash: cell.hash.clone(),
                        values: cell.values.clone(),
                        seed: r.seed,
                        model: r.model,
                        member_beta: r.beta,
                        shift: r.shift,
                        metrics: Metric::COLUMNS.map(|m| m.of(&r.metrics)),
                    });
                }
            }
        }
    }
    let summary = summarize(&rows);
    Ok(Collected {
        plan,
        rows,
        summary,
        done,
        failed,
        pending,
        outcome: outcome.unwrap_or_default(),
        other_versions,
    })
}

/// The summary of `rows` over seeds, per setting, model, penalty weight and shift, in the
/// order each first appears.
pub fn summarize(rows: &[CollectedRow]) -> Vec<SummaryRow> {
    let mut index: BTreeMap<(String, ModelKind, u64, u64), usize> = BTreeMap::new();
    let mut groups: Vec<(&CollectedRow, Vec<&CollectedRow>)> = Vec::new();
    for r in rows {
        let key = (
            Value::Array(r.values.clone()).to_string(),
            r.model,
            r.member_beta.to_bits(),
            r.shift.to_bits(),
        );
        let i = *index.entry(key).or_insert_with(|| {
            groups.push((r, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    groups
        .into_iter()
        .map(|(first, rs)| SummaryRow {
            values: first.values.clone(),
            model: first.model,
            member_beta: first.member_beta,
            shift: first.shift,
            n_seeds: rs.len(),
            metrics: std::array::from_fn(|k| {
                spread(&rs.iter().map(|r| r.metrics[k]).collect::<Vec<_>>())
            }),
        })
        .collect()
}

/// A number as the tables write it: the shortest text that reads back exactly; empty for NaN.
pub fn table_number(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        format!("{v}")
    }
}

fn csv_text(header: &[String], records: Vec<Vec<String>>) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::invalid(format!("cannot write a CSV row: {e}"));
    w.write_record(header).map_err(err)?;
    for r in records {
        w.write_record(&r).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::invalid(format!("cannot write the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::invalid(format!("CSV text: {e}")))
}

/// The long table as CSV: `cell,hash,AXIS…,seed,model,member_beta,shift,accuracy,auc,logloss,
/// mse,r2`.
pub fn results_csv(c: &Collected) -> Result<String> {
    let mut header: Vec<String> = vec!["cell".into(), "hash".into()];
    header.extend(c.plan.axes.iter().cloned());
    header.extend(["seed", "model", "member_beta", "shift"].map(String::from));
    header.extend(Metric::COLUMNS.map(|m| m.name().to_owned()));
    let records = c
        .rows
        .iter()
        .map(|r| {
            let mut rec = vec![r.cell.to_string(), r.hash.clone()];
            rec.extend(r.values.iter().map(value_label));
            rec.extend([
                r.seed.to_string(),
                r.model.to_string(),
                table_number(r.member_beta),
                table_number(r.shift),
            ]);
            rec.extend(r.metrics.iter().map(|&v| table_number(v)));
            rec
        })
        .collect();
    csv_text(&header, records)
}

/// The summary as CSV: `AXIS…,model,member_beta,shift,n_seeds`, then per metric `_mean`,
/// `_std`, `_ci95_lo`, `_ci95_hi`.
pub fn summary_csv(c: &Collected) -> Result<String> {
    let mut header: Vec<String> = c.plan.axes.clone();
    header.extend(["model", "member_beta", "shift", "n_seeds"].map(String::from));
    for m in Metric::COLUMNS {
        for part in ["mean", "std", "ci95_lo", "ci95_hi"] {
            header.push(format!("{}_{part}", m.name()));
        }
    }
    let records = c
        .summary
        .iter()
        .map(|r| {
            let mut rec: Vec<String> = r.values.iter().map(value_label).collect();
            rec.extend([
                r.model.to_string(),
                table_number(r.member_beta),
                table_number(r.shift),
                r.n_seeds.to_string(),
            ]);
            for s in &r.metrics {
                rec.extend([s.mean, s.std, s.lo, s.hi].map(table_number));
            }
            rec
        })
        .collect();
    csv_text(&header, records)
}

/// The failed cells as CSV: `cell,hash,SETTINGS,error`.
pub fn failed_csv(c: &Collected) -> Result<String> {
    let header = ["cell", "hash", "settings", "error"]
        .map(String::from)
        .to_vec();
    let records = c
        .failed
        .iter()
        .filter_map(|(i, e)| {
            let cell = c.plan.cells.get(*i)?;
            Some(vec![
                i.to_string(),
                cell.hash.clone(),
                c.plan.label(cell),
                e.clone(),
            ])
        })
        .collect();
    csv_text(&header, records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_uses_students_t() {
        assert!(t975(0).is_nan());
        assert_eq!(t975(2), 4.303);
        assert!((t975(60) - 2.000).abs() < 1e-3, "{}", t975(60));
        assert!((t975(1000) - 1.962).abs() < 1e-3);
        let s = spread(&[0.8, 0.9, 1.0]);
        assert!((s.mean - 0.9).abs() < 1e-12);
        assert!((s.std - 0.1).abs() < 1e-12);
        let half = 4.303 * 0.1 / 3f64.sqrt();
        assert!((s.lo - (0.9 - half)).abs() < 1e-12 && (s.hi - (0.9 + half)).abs() < 1e-12);
        let one = spread(&[0.7]);
        assert_eq!((one.mean, one.std), (0.7, 0.0));
        assert!(one.lo.is_nan() && one.hi.is_nan());
    }
}
