//! The estimator calibration figure and its staircase panel.

use super::common::{bound_suffix, push_ceiling};
use crate::export::figure::model::{Dash, Figure, LegendEntry, Mark, Marker, Panel};
use crate::export::palette;
use crate::mi::{Calibration, EstimatorKind, Staircase, ideal_label};

/// The ideal's line pattern (in ink), the same in the app.
const IDEAL_DASH: Dash = Dash::Dashed;

/// The calibration figure: the final estimate at each correlation against the truth (the
/// diagonal) and against the estimator's ideal; beside it, when there is one, the staircase:
/// the estimate over training steps while the true MI steps up, with the truth and the ideal as
/// staircases. One legend serves both panels: grey is the truth, dashed ink the ideal, blue the
/// estimator.
pub(super) fn calibration_figure(
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
