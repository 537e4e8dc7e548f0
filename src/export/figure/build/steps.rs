//! The figures over training steps: loss curves and the MI view.

use super::common::{group_colour, group_legend, pairs, pinned_curve, push_ceiling};
use crate::experiment::RunResults;
use crate::export::figure::model::{Dash, Figure, LegendEntry, Mark, Panel};
use crate::export::palette::{self, PIN_MARK_EVERY};
use crate::session::{PinnedRun, pinned_curves};
use crate::train::{MemberReport, ModelKind};

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
        let label = format!("{}: {} {what}", c.pin.name, c.group.name);
        pinned_curve(p, legend, c, Dash::Solid, PIN_MARK_EVERY, label);
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
