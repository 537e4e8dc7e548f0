//! The representation figure: each model's z on its principal axes at shift 0 and at the
//! view's shift.

use crate::error::{Error, Result};
use crate::experiment::{Representation, RunResults, colour_groups, percent, trim};
use crate::export::figure::model::{Dash, Figure, LegendEntry, Mark, Marker, Panel};
use crate::export::palette;
use crate::session::{ColourBy, RepresentationView};
use crate::train::ModelKind;

/// The representation figure: a row per model (the first baseline and the first CRL model of
/// the run), each at shift 0 and at the view's shift (the nearest in the run's grid), on the
/// model's own principal axes, points coloured by c or y.
pub(super) fn representation_figure(
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
