//! Pieces every builder uses: a model group's colour, dash and legend; banded curves; the
//! "at step" caption of a stopped run.

use crate::error::{Error, Result};
use crate::experiment::{Group, RunMode, RunResults};
use crate::export::figure::model::{Dash, LegendEntry, Mark, Marker, Panel};
use crate::export::figure::spec::{PlotData, PlotKind};
use crate::export::palette::{self, Rgb, pin_marker, pinned_colour};
use crate::mi::EstimatorKind;
use crate::session::PinnedCurve;
use crate::train::ModelKind;

pub(super) fn need_run<'a>(data: &PlotData<'a>, kind: PlotKind) -> Result<&'a RunResults> {
    data.run.filter(|r| !r.reports.is_empty()).ok_or_else(|| {
        Error::invalid(format!(
            "the {kind} plot needs a training run; none is there"
        ))
    })
}

pub(super) fn group_colour(run: &RunResults, i: usize, g: &Group) -> Rgb {
    match run.mode {
        _ if g.kind == ModelKind::Oracle => palette::ORACLE,
        RunMode::Compare => palette::model_colour(g.kind),
        RunMode::BetaSweep => palette::sweep_colour(i, run.groups.len()),
    }
}

/// The oracle's curves are dashed, every other group's solid.
pub(super) fn group_dash(g: &Group) -> Dash {
    if g.kind == ModelKind::Oracle {
        Dash::Dashed
    } else {
        Dash::Solid
    }
}

pub(super) fn pairs(v: Vec<[f64; 2]>) -> Vec<(f64, f64)> {
    v.into_iter().map(|[x, y]| (x, y)).collect()
}

/// A pinned run's model `c`: a thin line of `dash` in the model's lighter colour, the run's
/// marker on every `mark_every`-th point, and the legend entry `label` for both.
pub(super) fn pinned_curve(
    p: &mut Panel,
    legend: &mut Vec<LegendEntry>,
    c: PinnedCurve<'_>,
    dash: Dash,
    mark_every: usize,
    label: String,
) {
    let colour = pinned_colour(group_colour(&c.pin.results, c.group_index, c.group));
    let marker = pin_marker(c.index);
    let pts = pairs(c.points);
    let marks: Vec<(f64, f64)> = pts.iter().copied().step_by(mark_every).collect();
    p.marks.push(Mark::Line {
        pts,
        colour,
        width_pt: 0.9,
        dash,
    });
    p.marks.push(Mark::Points {
        pts: marks,
        colour,
        radius_pt: 1.8,
        shape: Marker::Pin(marker),
    });
    legend.push(LegendEntry::pinned(label, colour, dash, marker));
}

/// `" (upper bound)"` for an upper-bound estimator, else nothing.
pub(super) fn bound_suffix(est: EstimatorKind) -> &'static str {
    if est.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    }
}

pub(super) fn group_legend(run: &RunResults) -> Vec<LegendEntry> {
    run.groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendEntry::line(g.name.clone(), group_colour(run, i, g), Dash::Solid, 1.3))
        .collect()
}

/// A mean line with circle markers over a ± 1 sd band; `(x, mean, sd)` per point.
pub(super) fn band_curve(p: &mut Panel, v: &[(f64, f64, f64)], colour: Rgb) {
    band_curve_dashed(p, v, colour, Dash::Solid);
}

/// [`band_curve`] with a line of style `dash`.
pub(super) fn band_curve_dashed(p: &mut Panel, v: &[(f64, f64, f64)], colour: Rgb, dash: Dash) {
    if v.len() > 1 {
        p.marks.push(Mark::Band {
            xs: v.iter().map(|t| t.0).collect(),
            lo: v.iter().map(|t| t.1 - t.2).collect(),
            hi: v.iter().map(|t| t.1 + t.2).collect(),
            colour,
        });
    }
    push_marked_dashed(p, v.iter().map(|t| (t.0, t.1)).collect(), colour, 1.8, dash);
}

/// `label`, with the step the evaluation reflects when it is not the last step's (a stopped
/// run, or one saved while training).
pub(super) fn at_step(run: &RunResults, label: &str) -> String {
    match run.eval_at {
        Some(at) if !run.eval_is_final() => format!(
            "{label} (models at step {} of {})",
            at.step, run.total_steps
        ),
        _ => label.to_owned(),
    }
}

/// The InfoNCE ceiling log N as a dense-dashed reference line, with its legend entry.
pub(super) fn push_ceiling(p: &mut Panel, legend: &mut Vec<LegendEntry>, log_n: f64) {
    p.marks.push(Mark::HLine {
        y: log_n,
        colour: palette::TRUTH,
        dash: Dash::DenseDashed,
    });
    legend.push(LegendEntry::line(
        format!("InfoNCE ceiling log N = {log_n:.2}"),
        palette::TRUTH,
        Dash::DenseDashed,
        0.8,
    ));
}

/// A line of style `dash` through `pts` with a circle marker at each.
pub(super) fn push_marked_dashed(
    p: &mut Panel,
    pts: Vec<(f64, f64)>,
    colour: Rgb,
    radius_pt: f64,
    dash: Dash,
) {
    p.marks.push(Mark::Line {
        pts: pts.clone(),
        colour,
        width_pt: 1.3,
        dash,
    });
    p.marks.push(Mark::Points {
        pts,
        colour,
        radius_pt,
        shape: Marker::Circle,
    });
}
