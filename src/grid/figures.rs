//! The figures of a collected grid: a metric's mean over seeds with its 95% interval against one
//! axis (or the shift), one line per value of another axis (or per model), one figure per
//! combination of the axes left. They are drawn by the export layer's figure code, so they
//! look like every other crl-lab figure, and each file records the grid file's hash.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::collect::{Collected, Spread, SummaryRow, table_number};
use super::file::GridFigure;
use super::metric::{Metric, parse_model};
use super::setting::value_label;
use crate::error::{Error, Result};
use crate::export::palette::model_colour;
use crate::export::{Line, LineFigure, LinePoint};
use crate::train::ModelKind;

/// One figure to write: its file name stem, the figure and the CSV of its points.
#[derive(Clone, Debug)]
pub struct GridFigureOut {
    /// The file name without extension (letters, digits, `-`, `_`, `=`, `.`).
    pub name: String,
    /// What to draw.
    pub figure: LineFigure,
    /// `line,x,mean,ci95_lo,ci95_hi,n_seeds`, one row per point.
    pub csv: String,
}

/// The figures the grid's `collect` asks for, or (none asked) the headline metric at the
/// largest shift against every numeric axis, one line per model; against the shift when no
/// axis is numeric.
pub fn figure_specs(c: &Collected) -> Vec<GridFigure> {
    if !c.plan.collect.figures.is_empty() {
        return c.plan.collect.figures.clone();
    }
    let numeric: Vec<&String> = c
        .plan
        .axes
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            c.plan
                .cells
                .iter()
                .all(|cell| cell.values.get(*i).is_some_and(Value::is_number))
        })
        .map(|(_, a)| a)
        .collect();
    let spec = |x: &str| GridFigure {
        x: x.to_owned(),
        lines: "model".into(),
        metric: "headline".into(),
        shift: None,
        model: None,
    };
    if numeric.is_empty() {
        vec![spec("shift")]
    } else {
        numeric.into_iter().map(|a| spec(a.as_str())).collect()
    }
}

/// A file-name-safe version of `s`.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '=' | '.') {
                ch
            } else {
                '_'
            }
        })
        .collect()
}

/// How an axis is written on a figure.
fn axis_title(setting: &str) -> String {
    match setting {
        "beta" => "β".into(),
        "shift" => "shift s (0 = training distribution)".into(),
        other => other.replace('_', " "),
    }
}

/// Every figure of the collected grid `c`, each recording `c`'s grid hash.
pub fn grid_figures(c: &Collected) -> Result<Vec<GridFigureOut>> {
    let specs = figure_specs(c);
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let prefix = if specs.len() > 1 {
            format!("fig{}-", i + 1)
        } else {
            String::new()
        };
        let figs = one_spec(c, spec, &prefix)
            .map_err(|e| Error::invalid(format!("collect.figures[{i}]: {e}")))?;
        out.extend(figs);
    }
    Ok(out)
}

/// Which axis a figure's name refers to (`None`: the pseudo-axis `shift` or `model`).
fn axis_index(c: &Collected, name: &str) -> Result<Option<usize>> {
    if name == "shift" || name == "model" {
        return Ok(None);
    }
    c.plan
        .axes
        .iter()
        .position(|a| a == name)
        .map(Some)
        .ok_or_else(|| Error::invalid(format!("`{name}` is not an axis of the grid")))
}

/// The line a summary row belongs to: its model's name, or its value on the lines axis.
fn line_of(row: &SummaryRow, lines: Option<usize>) -> String {
    match lines {
        None => row.model.to_string(),
        Some(k) => value_label(&row.values[k]),
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A line's points by the bits of their x: `(x, spread over seeds, seeds)`.
type Points = BTreeMap<u64, (f64, Spread, usize)>;

/// The values of the axes a figure is one of, `(axis, value)`.
type Facet = Vec<(String, String)>;

fn one_spec(c: &Collected, spec: &GridFigure, prefix: &str) -> Result<Vec<GridFigureOut>> {
    let metric = Metric::parse(&spec.metric)?;
    let x = axis_index(c, &spec.x)?;
    let lines = axis_index(c, &spec.lines)?;
    let model_filter: Option<ModelKind> = match (&spec.model, lines) {
        (Some(m), _) => Some(parse_model(m)?),
        (None, None) => None,
        (None, Some(_)) => Some(ModelKind::Crl),
    };
    // The shift the metric is read at: the grid's nearest to the one asked (the largest by
    // default); all of them when the shift is the x axis.
    let shifts: Vec<f64> = {
        let mut s: Vec<f64> = c.summary.iter().map(|r| r.shift).collect();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s
    };
    let at_shift = if x.is_none() {
        None
    } else {
        let want = spec
            .shift
            .unwrap_or_else(|| shifts.last().copied().unwrap_or(1.0));
        shifts
            .iter()
            .copied()
            .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
    };
    // Axes that are neither x nor lines and take several values: one figure per combination.
    let facets: Vec<usize> = (0..c.plan.axes.len())
        .filter(|&k| Some(k) != x && Some(k) != lines)
        .filter(|&k| {
            let mut seen: Vec<&Value> = Vec::new();
            for cell in &c.plan.cells {
                if let Some(v) = cell.values.get(k)
                    && !seen.contains(&v)
                {
                    seen.push(v);
                }
            }
            seen.len() > 1
        })
        .collect();
    // Facet key → (its axis values, each line's key and points by x, in the order the lines
    // first appear: the axis's order of values, or baseline, CRL, oracle).
    let mut figures: BTreeMap<String, (Facet, Vec<(String, Points)>)> = BTreeMap::new();
    let mut facet_order: Vec<String> = Vec::new();
    let mut n_seeds = 0;
    for row in &c.summary {
        if model_filter.is_some_and(|m| m != row.model) {
            continue;
        }
        if at_shift.is_some_and(|s| s != row.shift) {
            continue;
        }
        let xv = match x {
            None => row.shift,
            Some(k) => row.values[k].as_f64().ok_or_else(|| {
                Error::invalid(format!(
                    "the x axis `{}` has a value that is not a number",
                    spec.x
                ))
            })?,
        };
        let facet: Facet = facets
            .iter()
            .map(|&k| (c.plan.axes[k].clone(), value_label(&row.values[k])))
            .collect();
        let facet_key = Value::from(
            facet
                .iter()
                .map(|(a, v)| format!("{a}={v}"))
                .collect::<Vec<_>>(),
        )
        .to_string();
        if !figures.contains_key(&facet_key) {
            facet_order.push(facet_key.clone());
        }
        let entry = figures
            .entry(facet_key)
            .or_insert_with(|| (facet.clone(), Vec::new()));
        let line_key = line_of(row, lines);
        let s = row.metrics[metric_column(metric, c)];
        n_seeds = n_seeds.max(row.n_seeds);
        let k = if let Some(k) = entry.1.iter().position(|(key, _)| *key == line_key) {
            k
        } else {
            entry.1.push((line_key, Points::new()));
            entry.1.len() - 1
        };
        let points = &mut entry.1[k].1;
        if points.insert(xv.to_bits(), (xv, s, row.n_seeds)).is_some() {
            return Err(Error::invalid(format!(
                "several results fall on one point ({} at {} = {xv}); pick one model with \
                 `model`, or vary the models' β on an axis rather than in a β sweep",
                row.model, spec.x
            )));
        }
    }
    if figures.is_empty() {
        return Err(Error::invalid(
            "no finished cell has results for this figure",
        ));
    }
    let metric_label = metric.label(c.outcome);
    let y_label = match at_shift {
        Some(s) => format!("{metric_label} at shift {}", table_number(s)),
        None => metric_label.to_owned(),
    };
    let band_label = if n_seeds > 1 {
        format!("mean and 95% interval over {n_seeds} seeds")
    } else {
        "one seed (no interval)".to_owned()
    };
    let (lowest, highest) = Metric::COLUMNS[metric_column(metric, c)].range();
    let mut out = Vec::new();
    for facet_key in facet_order {
        let Some((facet, line_list)) = figures.remove(&facet_key) else {
            continue;
        };
        let mut name = format!("{prefix}{}-vs-{}-by-{}", metric.name(), spec.x, spec.lines);
        for (a, v) in &facet {
            let _ = write!(name, "-{a}={v}");
        }
        let name = file_part(&name);
        let mut csv = String::from("line,x,mean,ci95_lo,ci95_hi,n_seeds\n");
        let mut fig_lines = Vec::new();
        for (key, points) in &line_list {
            let row_label = match lines {
                None => parse_model(key).map_or_else(|_| key.clone(), |m| m.legend().into()),
                Some(_) => format!("{} = {key}", axis_title(&spec.lines)),
            };
            let colour = match lines {
                None => parse_model(key).ok().map(model_colour),
                Some(_) => None,
            };
            let pts: Vec<LinePoint> = points
                .values()
                // The interval as drawn stays within the values the metric can take (an
                // accuracy's within [0, 1]); the CSV keeps it as computed.
                .map(|(xv, s, _)| LinePoint {
                    x: *xv,
                    mean: s.mean,
                    lo: s.lo.max(lowest),
                    hi: s.hi.min(highest),
                })
                .collect();
            for (xv, s, n) in points.values() {
                let _ = writeln!(
                    csv,
                    "{},{},{},{},{},{n}",
                    csv_field(&row_label),
                    table_number(*xv),
                    table_number(s.mean),
                    table_number(s.lo),
                    table_number(s.hi)
                );
            }
            fig_lines.push(Line {
                label: row_label,
                colour,
                points: pts,
            });
        }
        let mut title = format!("{y_label} against {}", axis_title(&spec.x));
        if !facet.is_empty() {
            let f: Vec<String> = facet.iter().map(|(a, v)| format!("{a}={v}")).collect();
            let _ = write!(title, " ({})", f.join(", "));
        }
        let figure = LineFigure {
            x_label: axis_title(&spec.x),
            y_label: y_label.clone(),
            lines: fig_lines,
            band_label: band_label.clone(),
            provenance: format!("grid fnv1a64:{} figure:{name}", c.plan.grid_hash),
            title,
        };
        out.push(GridFigureOut { name, figure, csv });
    }
    Ok(out)
}

/// The summary column of `metric` (the headline resolved for the grid's outcome).
fn metric_column(metric: Metric, c: &Collected) -> usize {
    let m = match metric {
        Metric::Headline if c.outcome.is_binary() => Metric::Accuracy,
        Metric::Headline => Metric::R2,
        m => m,
    };
    Metric::COLUMNS.iter().position(|&k| k == m).unwrap_or(0)
}
