//! The figures of the headline metric: against shift (OOD) and against β (the trade-off).

use super::common::{
    at_step, band_curve, band_curve_dashed, group_colour, group_dash, pinned_curve,
};
use crate::experiment::{RunResults, trim};
use crate::export::figure::model::{Figure, LegendEntry, Panel};
use crate::export::palette;
use crate::session::{PinnedRun, pinned_curves};

pub(super) fn ood_figure(run: &RunResults, pinned: &[PinnedRun]) -> Figure {
    let metric = run.outcome_kind().metric_name();
    let mut p = Panel::new(&at_step(run, "shift s (0 = training distribution)"), metric);
    p.include_x = vec![0.0, 1.0];
    let mut legend = Vec::new();
    for (i, g) in run.groups.iter().enumerate() {
        let v = run.ood_band(g);
        if v.is_empty() {
            continue;
        }
        let c = group_colour(run, i, g);
        band_curve_dashed(&mut p, &v, c, group_dash(g));
        let mut entry = LegendEntry::marked(g.name.clone(), c, true);
        entry.dash = group_dash(g);
        legend.push(entry);
    }
    // Pinned runs: each model's mean, lighter and thinner, no band, the run's marker.
    let curves = pinned_curves(pinned, Some(run), RunResults::ood_means);
    for c in curves {
        let label = format!("{}: {}", c.pin.name, c.group.name);
        let dash = group_dash(c.group);
        pinned_curve(&mut p, &mut legend, c, dash, 1, label);
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
