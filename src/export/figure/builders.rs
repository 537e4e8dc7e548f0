//! The run's figure builders, from its results to the figure model: loss, MI, OOD and the β
//! trade-off, with the series helpers the other builders (`representation_figure`,
//! `calibration_figure`) share.

use super::model::{Dash, Figure, LegendEntry, Mark, Marker, Panel};
use crate::experiment::{Group, RunMode, RunResults, trim};
use crate::export::palette::{self, PIN_MARK_EVERY, Rgb, pin_marker, pinned_colour};
use crate::mi::EstimatorKind;
use crate::session::{PinnedRun, pinned_curves};
use crate::train::{MemberReport, ModelKind};

fn group_colour(run: &RunResults, i: usize, g: &Group) -> Rgb {
    match run.mode {
        _ if g.kind == ModelKind::Oracle => palette::ORACLE,
        RunMode::Compare => palette::model_colour(g.kind),
        RunMode::BetaSweep => palette::sweep_colour(i, run.groups.len()),
    }
}

/// The oracle's curves are dashed, every other group's solid.
fn group_dash(g: &Group) -> Dash {
    if g.kind == ModelKind::Oracle {
        Dash::Dashed
    } else {
        Dash::Solid
    }
}

fn pairs(v: Vec<[f64; 2]>) -> Vec<(f64, f64)> {
    v.into_iter().map(|[x, y]| (x, y)).collect()
}

/// `" (upper bound)"` for an upper-bound estimator, else nothing.
pub(super) fn bound_suffix(est: EstimatorKind) -> &'static str {
    if est.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    }
}

fn group_legend(run: &RunResults) -> Vec<LegendEntry> {
    run.groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendEntry::line(g.name.clone(), group_colour(run, i, g), Dash::Solid, 1.3))
        .collect()
}

/// One quantity of a plot over training steps: a line per group in the group's colour, and a
/// legend entry in ink for its line style.
struct StepSeries {
    label: String,
    field: fn(&MemberReport) -> f64,
    width_pt: f64,
    dash: Dash,
    /// Drawn for the oracle's group too (else for baseline and CRL only, to keep it readable).
    oracle: bool,
}

impl StepSeries {
    fn new(
        label: impl Into<String>,
        field: fn(&MemberReport) -> f64,
        width_pt: f64,
        dash: Dash,
    ) -> Self {
        StepSeries {
            label: label.into(),
            field,
            width_pt,
            dash,
            oracle: true,
        }
    }

    /// Not drawn for the oracle.
    fn models_only(mut self) -> Self {
        self.oracle = false;
        self
    }
}

/// A panel over training steps with every series for each group (group by group), and its
/// legend: the groups' colours, then the series' line styles.
fn step_panel(run: &RunResults, y_label: &str, series: &[StepSeries]) -> (Panel, Vec<LegendEntry>) {
    let mut p = Panel::new("step", y_label);
    for (i, g) in run.groups.iter().enumerate() {
        let c = group_colour(run, i, g);
        let is_oracle = g.kind == ModelKind::Oracle;
        for s in series.iter().filter(|s| s.oracle || !is_oracle) {
            p.marks.push(Mark::Line {
                pts: pairs(run.series(g, s.field)),
                colour: c,
                width_pt: s.width_pt,
                dash: s.dash,
            });
        }
    }
    let mut legend = group_legend(run);
    legend.extend(
        series
            .iter()
            .map(|s| LegendEntry::line(s.label.clone(), palette::INK, s.dash, s.width_pt)),
    );
    (p, legend)
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
fn push_marked_dashed(
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

/// A mean line with circle markers over a ± 1 sd band; `(x, mean, sd)` per point.
fn band_curve(p: &mut Panel, v: &[(f64, f64, f64)], colour: Rgb) {
    band_curve_dashed(p, v, colour, Dash::Solid);
}

/// [`band_curve`] with a line of style `dash`.
fn band_curve_dashed(p: &mut Panel, v: &[(f64, f64, f64)], colour: Rgb, dash: Dash) {
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

pub(super) fn loss_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
    let unit = run.outcome_kind().loss_axis();
    let (mut p, mut legend) = step_panel(
        run,
        unit,
        &[
            StepSeries::new("train", |m| m.supervised_loss, 1.0, Dash::Solid),
            StepSeries::new("validation", |m| m.val_loss, 1.0, Dash::Dashed),
        ],
    );
    pinned_steps(&mut p, &mut legend, run, pinned, "train", |_| {
        |m: &MemberReport| m.supervised_loss
    });
    Figure::single(p, legend)
}

/// Each shown pinned run's models (the oracle left out) over steps: the quantity `field` picks
/// for the run, a thin line in the model's lighter colour with the run's marker on every
/// [`PIN_MARK_EVERY`]-th report, and a legend entry per run and model (a curve the same as one
/// drawn already is left out).
fn pinned_steps(
    p: &mut Panel,
    legend: &mut Vec<LegendEntry>,
    current: &RunResults,
    pinned: &[PinnedRun],
    what: &str,
    field: impl Fn(&RunResults) -> fn(&MemberReport) -> f64,
) {
    let curves = pinned_curves(pinned, Some(current), |run, g| {
        (g.kind != ModelKind::Oracle).then(|| run.series(g, field(run)))
    });
    for c in curves {
        let colour = pinned_colour(group_colour(&c.pin.results, c.group_index, c.group));
        let marker = pin_marker(c.index);
        let pts = pairs(c.points);
        let marks: Vec<(f64, f64)> = pts.iter().copied().step_by(PIN_MARK_EVERY).collect();
        p.marks.push(Mark::Line {
            pts,
            colour,
            width_pt: 0.9,
            dash: Dash::Solid,
        });
        p.marks.push(Mark::Points {
            pts: marks,
            colour,
            radius_pt: 1.8,
            shape: Marker::Pin(marker),
        });
        legend.push(LegendEntry::pinned(
            format!("{}: {} {what}", c.pin.name, c.group.name),
            colour,
            Dash::Solid,
            marker,
        ));
    }
}

/// The MI view: the monitored quantity the penalty targets leads (thick), the other form of
/// I(z; c) and I(z; y) follow, and the penalty critic's own estimate is drawn thin and named
/// as the training signal it is, not a measurement.
pub(super) fn mi_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
    let ceiling = run.probe_ceiling();
    let (target, other) = mi_series(run.conditional());
    let (mut p, mut legend) = step_panel(
        run,
        "MI (nats)",
        &[
            target,
            other.models_only(),
            StepSeries::new("I(z; y) monitor", |m| m.mi_zy, 0.9, Dash::Dotted).models_only(),
            StepSeries::new(
                format!(
                    "penalty critic ({}{}): training signal",
                    run.estimator.name(),
                    if run.estimator.is_upper_bound() {
                        ", upper bound"
                    } else {
                        ""
                    }
                ),
                |m| m.penalty_mi,
                0.6,
                Dash::DenseDashed,
            )
            .models_only(),
        ],
    );
    // The probes cannot exceed log N: draw that ceiling once a curve comes near it (drawn
    // always, it would squash the curves to the floor), as the app does.
    pinned_steps(
        &mut p,
        &mut legend,
        run,
        pinned,
        "(penalised monitor)",
        |r| mi_series(r.conditional()).0.field,
    );
    if run.probe_peak() > 0.5 * ceiling {
        push_ceiling(&mut p, &mut legend, ceiling);
    }
    Figure::single(p, legend)
}

/// The penalised quantity's monitor (first) and the other form of I(z; c) (second).
fn mi_series(conditional: bool) -> (StepSeries, StepSeries) {
    let given_y = |w, d| StepSeries::new("I(z; c | y) monitor", |m| m.mi_zc_given_y, w, d);
    let plain = |w, d| StepSeries::new("I(z; c) monitor", |m| m.mi_zc, w, d);
    if conditional {
        let mut t = given_y(1.6, Dash::Solid);
        t.label.push_str(" (penalised)");
        (t, plain(0.9, Dash::Dashed))
    } else {
        let mut t = plain(1.6, Dash::Solid);
        t.label.push_str(" (penalised)");
        (t, given_y(0.9, Dash::Dashed))
    }
}

/// `label`, with the step the evaluation reflects when it is not the last step's (a stopped
/// run, or one saved while training).
fn at_step(run: &RunResults, label: &str) -> String {
    match run.eval_at {
        Some(at) if !run.eval_is_final() => format!(
            "{label} (models at step {} of {})",
            at.step, run.total_steps
        ),
        _ => label.to_owned(),
    }
}

pub(super) fn ood_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
    let metric = run.outcome_kind().metric_name();
    let mut p = Panel::new(&at_step(run, "shift s (0 = training distribution)"), metric);
    p.include_x = vec![0.0, 1.0];
    let mut legend = Vec::new();
    for (i, g) in run.groups.iter().enumerate() {
        let rows = run.group_summary(g);
        if rows.is_empty() {
            continue;
        }
        let c = group_colour(run, i, g);
        let v: Vec<(f64, f64, f64)> = rows
            .iter()
            .map(|r| (r.shift, r.mean.headline(), r.std.headline()))
            .collect();
        band_curve_dashed(&mut p, &v, c, group_dash(g));
        let mut entry = LegendEntry::marked(g.name.clone(), c, true);
        entry.dash = group_dash(g);
        legend.push(entry);
    }
    // Pinned runs: each model's mean, lighter and thinner, no band, the run's marker.
    let curves = pinned_curves(pinned, Some(run), |r, g| {
        Some(
            r.group_summary(g)
                .iter()
                .map(|s| [s.shift, s.mean.headline()])
                .collect(),
        )
    });
    for c in curves {
        let colour = pinned_colour(group_colour(&c.pin.results, c.group_index, c.group));
        let marker = pin_marker(c.index);
        let pts = pairs(c.points);
        p.marks.push(Mark::Line {
            pts: pts.clone(),
            colour,
            width_pt: 0.9,
            dash: group_dash(c.group),
        });
        p.marks.push(Mark::Points {
            pts,
            colour,
            radius_pt: 1.8,
            shape: Marker::Pin(marker),
        });
        legend.push(LegendEntry::pinned(
            format!("{}: {}", c.pin.name, c.group.name),
            colour,
            group_dash(c.group),
            marker,
        ));
    }
    legend.push(LegendEntry::band(format!(
        "mean ± 1 sd over {} seeds",
        run.groups.first().map_or(0, |g| g.members.len())
    )));
    Figure::single(p, legend)
}

pub(super) fn trade_off_figure(run: &RunResults) -> Figure {
    let max_shift = run.shifts.iter().copied().fold(0.0_f64, f64::max);
    let min_shift = run.shifts.iter().copied().fold(f64::INFINITY, f64::min);
    let metric = run.outcome_kind().metric_name();
    let mut left = Panel::new(&at_step(run, "β"), metric);
    band_curve(&mut left, &run.metric_vs_beta(max_shift), palette::CRL);
    band_curve(&mut left, &run.metric_vs_beta(min_shift), palette::BASELINE);
    let mut right = Panel::new(
        &at_step(run, "β"),
        &format!("final {} (nats)", run.monitored_target_name()),
    );
    band_curve(&mut right, &run.final_mi_vs_beta(), palette::ERROR);
    Figure {
        panels: vec![left, right],
        columns: 0,
        legend: vec![
            LegendEntry::marked(
                format!("{metric} at shift {}", trim(max_shift)),
                palette::CRL,
                true,
            ),
            LegendEntry::marked(
                format!("{metric} at shift {}", trim(min_shift)),
                palette::BASELINE,
                true,
            ),
            LegendEntry::marked(
                format!("{} monitor", run.monitored_target_name()),
                palette::ERROR,
                true,
            ),
        ],
    }
}
