//! The figure builders: from a run's results (or the calibration points and staircase) to the
//! figure model, one builder per plot: loss, MI, OOD, calibration and β trade-off.

use super::model::{Dash, Figure, LegendEntry, Mark, Marker, Panel};
use super::spec::{PlotData, PlotKind};
use crate::error::{Error, Result};
use crate::experiment::{Group, Representation, RunMode, RunResults, colour_groups, percent, trim};
use crate::export::palette::{self, PIN_MARK_EVERY, Rgb, pin_marker, pinned_colour};
use crate::mi::{Calibration, EstimatorKind, Staircase, ideal_label};
use crate::session::{ColourBy, PinnedRun, RepresentationView, pinned_curves};
use crate::train::{MemberReport, ModelKind};

/// The figure of `kind` drawn from `data`, or why `data` cannot give it.
pub(super) fn build(kind: PlotKind, data: &PlotData<'_>) -> Result<Figure> {
    match kind {
        PlotKind::Loss => Ok(loss_figure(need_run(data, kind)?, data.pinned)),
        PlotKind::Mi => Ok(mi_figure(need_run(data, kind)?, data.pinned)),
        PlotKind::Ood => {
            let run = need_run(data, kind)?;
            if run.eval.is_empty() {
                return Err(Error::invalid(
                    "the ood plot needs evaluations at each shift; the run has none",
                ));
            }
            Ok(ood_figure(run, data.pinned))
        }
        PlotKind::Representation => {
            let run = need_run(data, kind)?;
            let rep = run.representation.as_ref().ok_or_else(|| {
                Error::invalid(
                    "the representation plot needs the projected representations of a run \
                     trained by this version of crl-lab; the run has none",
                )
            })?;
            representation_figure(run, rep, data.representation)
        }
        PlotKind::Calibration => {
            if data.calibration.is_empty() {
                return Err(Error::invalid(
                    "the calibration plot needs calibration points; there are none",
                ));
            }
            Ok(calibration_figure(
                data.calibration,
                data.calibration_estimator,
                data.staircase,
            ))
        }
        PlotKind::TradeOff => {
            let run = need_run(data, kind)?;
            if run.mode != RunMode::BetaSweep || run.eval.is_empty() {
                return Err(Error::invalid(
                    "the tradeoff plot needs a finished β-sweep run (set the run mode to β sweep)",
                ));
            }
            Ok(trade_off_figure(run))
        }
    }
}

fn need_run<'a>(data: &PlotData<'a>, kind: PlotKind) -> Result<&'a RunResults> {
    data.run.filter(|r| !r.reports.is_empty()).ok_or_else(|| {
        Error::invalid(format!(
            "the {kind} plot needs a training run; none is there"
        ))
    })
}

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
fn bound_suffix(est: EstimatorKind) -> &'static str {
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
fn push_ceiling(p: &mut Panel, legend: &mut Vec<LegendEntry>, log_n: f64) {
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

fn loss_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
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
fn mi_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
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

fn ood_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
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

/// The representation figure: a row per model (the first baseline and the first CRL model of
/// the run), each at shift 0 and at the view's shift (the nearest in the run's grid), on the
/// model's own principal axes, points coloured by c or y.
fn representation_figure(
    run: &RunResults,
    rep: &Representation,
    view: RepresentationView,
) -> Result<Figure> {
    let (values, what, high) = match view.colour {
        ColourBy::Confounder => (&rep.confounder, "c", palette::CONFOUNDER),
        ColourBy::Outcome => (&rep.outcome, "y", palette::OUTCOME),
    };
    let shifts = [rep.nearest_shift(0.0), rep.nearest_shift(view.shift)];
    let mut panels = Vec::new();
    let mut names = Vec::new();
    for kind in [ModelKind::Baseline, ModelKind::Crl] {
        let Some(g) = run.groups.iter().find(|g| g.kind == kind) else {
            continue;
        };
        let Some(Some(proj)) = g.members.first().and_then(|&m| rep.members.get(m)) else {
            continue;
        };
        for &si in &shifts {
            let (Some(points), Some(vals)) = (proj.points.get(si), values.get(si)) else {
                continue;
            };
            let (group, group_names) = colour_groups(vals);
            let mut p = Panel::new(
                &format!("PC 1 ({})", percent(proj.explained[0])),
                &format!("PC 2 ({})", percent(proj.explained[1])),
            );
            p.title = Some(format!("{}, s = {}", g.name, trim(rep.shifts[si])));
            for (k, _) in group_names.iter().enumerate() {
                p.marks.push(Mark::Points {
                    pts: points
                        .iter()
                        .zip(&group)
                        .filter(|(_, gi)| **gi == k)
                        .map(|(q, _)| (f64::from(q[0]), f64::from(q[1])))
                        .collect(),
                    colour: palette::scatter_shade(high, k, group_names.len()),
                    radius_pt: 0.9,
                    shape: Marker::Circle,
                });
            }
            panels.push(p);
            if names.is_empty() {
                names = group_names;
            }
        }
    }
    if panels.is_empty() {
        return Err(Error::invalid(
            "the representation plot needs a baseline or a CRL model; the run has neither",
        ));
    }
    let n = names.len();
    let mut legend: Vec<LegendEntry> = names
        .into_iter()
        .enumerate()
        .map(|(k, name)| {
            let mut e = LegendEntry::marked(
                format!("{what} {name}"),
                palette::scatter_shade(high, k, n),
                false,
            );
            e.width_pt = 0.0;
            e
        })
        .collect();
    legend.push(LegendEntry::line(
        format!(
            "model at step {}, {} held-out rows per shift",
            rep.step,
            rep.confounder.first().map_or(0, Vec::len)
        ),
        palette::TRUTH,
        Dash::Solid,
        0.0,
    ));
    Ok(Figure {
        panels,
        columns: 2,
        legend,
    })
}

/// The ideal's line pattern (in ink), the same in the app.
const IDEAL_DASH: Dash = Dash::Dashed;

/// The calibration figure: the final estimate at each correlation against the truth (the
/// diagonal) and against the estimator's ideal; beside it, when there is one, the staircase:
/// the estimate over training steps while the true MI steps up, with the truth and the ideal as
/// staircases. One legend serves both panels: grey is the truth, dashed ink the ideal, blue the
/// estimator.
fn calibration_figure(
    points: &[Calibration],
    est: EstimatorKind,
    staircase: Option<&Staircase>,
) -> Figure {
    let bound = bound_suffix(est);
    let log_n = points[0].log_n;
    let max_truth = points.iter().map(|c| c.truth).fold(0.0_f64, f64::max);
    let ideal_pts: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|c| c.ideal.map(|i| (c.truth, i)))
        .collect();
    let max_y = points
        .iter()
        .map(|c| c.estimate)
        .chain(ideal_pts.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(max_truth, f64::max);
    let mut p = Panel::new("true I(X; Y) (nats)", "estimate (nats)");
    // Equal units keep the diagonal at 45°, unless an upper bound's ideal would squeeze the
    // truth into a sliver on the left.
    p.equal_aspect = max_y <= 1.25 * max_truth.max(log_n);
    p.include_x.push(0.0);
    p.include_y.push(0.0);
    if p.equal_aspect {
        p.include_x.push(max_truth.max(log_n) * 1.1);
    }
    p.marks.push(Mark::Diagonal {
        colour: palette::TRUTH,
        width_pt: 0.8,
    });
    let mut legend = vec![LegendEntry::line(
        "true MI",
        palette::TRUTH,
        Dash::Solid,
        0.8,
    )];
    if let Some(label) = ideal_label(est)
        && !ideal_pts.is_empty()
    {
        p.marks.push(Mark::Line {
            pts: ideal_pts,
            colour: palette::INK,
            width_pt: 0.9,
            dash: IDEAL_DASH,
        });
        legend.push(LegendEntry::line(label, palette::INK, IDEAL_DASH, 0.9));
    }
    if est == EstimatorKind::Infonce {
        push_ceiling(&mut p, &mut legend, log_n);
    }
    p.marks.push(Mark::Points {
        pts: points.iter().map(|c| (c.truth, c.estimate)).collect(),
        colour: palette::CRL,
        radius_pt: 2.0,
        shape: Marker::Circle,
    });
    legend.push(LegendEntry::marked(
        format!("{}{bound}", est.name()),
        palette::CRL,
        false,
    ));
    let mut panels = vec![p];
    if let Some(s) = staircase.filter(|s| !s.history.is_empty()) {
        panels.push(staircase_panel(s, est, log_n));
    }
    Figure {
        panels,
        columns: 0,
        legend,
    }
}

/// The staircase panel: truth and ideal as staircases over training steps, the estimate on one
/// held-out batch as a thin line (its wiggle is the estimator's variance). Steps are counted in
/// thousands once there are 2,000 or more, so the ticks stay short at single-column width.
fn staircase_panel(s: &Staircase, est: EstimatorKind, log_n: f64) -> Panel {
    let last = s.levels.last().map_or(0, |l| l.last_step);
    let (per, unit) = if last >= 2000 {
        (1000.0, "step ×1000")
    } else {
        (1.0, "step")
    };
    let scaled = |v: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        v.into_iter().map(|(x, y)| (x / per, y)).collect()
    };
    let mut p = Panel::new(&format!("{unit}, d = {}", s.dim), "estimate (nats)");
    p.include_x.push(0.0);
    p.include_y.push(0.0);
    p.marks.push(Mark::Line {
        pts: scaled(s.truth_steps()),
        colour: palette::TRUTH,
        width_pt: 0.8,
        dash: Dash::Solid,
    });
    let ideal = s.ideal_steps();
    if !ideal.is_empty() {
        p.marks.push(Mark::Line {
            pts: scaled(ideal),
            colour: palette::INK,
            width_pt: 0.9,
            dash: IDEAL_DASH,
        });
    }
    if est == EstimatorKind::Infonce {
        p.marks.push(Mark::HLine {
            y: log_n,
            colour: palette::TRUTH,
            dash: Dash::DenseDashed,
        });
    }
    p.marks.push(Mark::Line {
        pts: s
            .history
            .iter()
            .map(|r| (r.step as f64 / per, r.estimate))
            .collect(),
        colour: palette::CRL,
        width_pt: 0.7,
        dash: Dash::Solid,
    });
    p
}

fn trade_off_figure(run: &RunResults) -> Figure {
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
