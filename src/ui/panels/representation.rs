//! The representation view: the baseline's and the CRL model's z on held-out rows, projected
//! to two dimensions (PCA fitted on each model's shift-0 rows, the same axes at both shifts),
//! at shift 0 and at a chosen shift, points coloured by the confounder or by the outcome. The
//! baseline's z splits by c; the CRL model's does not. Updated at each report while training.

use egui::{RichText, Slider, Ui};
use egui_plot::{Legend, Plot, PlotPoints, Points};

use crate::experiment::{Representation, RunResults, colour_groups, percent};
use crate::export::palette;
use crate::train::ModelKind;
use crate::ui::command::Command;
use crate::ui::state::{ColourBy, RepresentationView};
use crate::ui::theme;

/// The first member of `kind` (seed order) and its name.
fn first_of(run: &RunResults, kind: ModelKind) -> Option<(usize, String)> {
    run.groups
        .iter()
        .find(|g| g.kind == kind)
        .and_then(|g| g.members.first().map(|&i| (i, g.name.clone())))
}

/// Shows the view.
pub fn representation_ui(
    ui: &mut Ui,
    run: Option<&RunResults>,
    view: &RepresentationView,
    commands: &mut Vec<Command>,
) {
    let Some((run, rep)) = run.and_then(|r| r.representation.as_ref().map(|p| (r, p))) else {
        ui.label(
            "Train to see the models' representations: each model's z on held-out rows, \
             projected to its first two principal axes, coloured by the confounder or the \
             outcome.",
        );
        return;
    };
    let full_width = ui.available_width();
    let mut v = *view;
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label("colour by");
        changed |= ui
            .selectable_value(&mut v.colour, ColourBy::Confounder, "confounder c")
            .changed();
        changed |= ui
            .selectable_value(&mut v.colour, ColourBy::Outcome, "outcome y")
            .changed();
        let max = rep.shifts.iter().copied().fold(0.0, f64::max);
        let l = ui.label("shift");
        changed |= ui
            .add(Slider::new(&mut v.shift, 0.0..=max.max(0.0)).step_by(0.05))
            .labelled_by(l.id)
            .changed();
    });
    ui.weak(format!(
        "at step {} · {} held-out rows per shift · axes: PCA of each model's z at s = 0",
        rep.step,
        rep.confounder.first().map_or(0, Vec::len)
    ));
    if changed {
        commands.push(Command::SetRepresentationView(v));
    }
    let zero = rep.nearest_shift(0.0);
    let chosen = rep.nearest_shift(v.shift);
    let models: Vec<(usize, String)> = [ModelKind::Baseline, ModelKind::Crl]
        .into_iter()
        .filter_map(|k| first_of(run, k))
        .collect();
    let h = ((ui.available_height() - 60.0) / models.len().max(1) as f32).max(140.0);
    let w = (full_width / 2.0 - 12.0).max(140.0);
    for (member, name) in &models {
        let Some(Some(p)) = rep.members.get(*member) else {
            continue;
        };
        ui.label(RichText::new(format!(
            "{name}: axes explain {} and {} of z's variance",
            percent(p.explained[0]),
            percent(p.explained[1])
        )));
        ui.horizontal(|ui| {
            for (k, shift_index) in [zero, chosen].into_iter().enumerate() {
                scatter(
                    ui,
                    rep,
                    *member,
                    shift_index,
                    &v,
                    (w, h),
                    &format!("{name}-{k}"),
                );
            }
        });
    }
}

/// One panel: a member's projected z at one shift.
fn scatter(
    ui: &mut Ui,
    rep: &Representation,
    member: usize,
    shift_index: usize,
    view: &RepresentationView,
    (w, h): (f32, f32),
    id: &str,
) {
    let Some(Some(points)) = rep
        .members
        .get(member)
        .map(|p| p.as_ref().and_then(|p| p.points.get(shift_index)))
    else {
        return;
    };
    let (values, what, high) = match view.colour {
        ColourBy::Confounder => (rep.confounder.get(shift_index), "c", palette::CONFOUNDER),
        ColourBy::Outcome => (rep.outcome.get(shift_index), "y", palette::OUTCOME),
    };
    let Some(values) = values else {
        return;
    };
    let (group, names) = colour_groups(values);
    ui.vertical(|ui| {
        ui.weak(format!("s = {}", rep.shifts[shift_index]));
        Plot::new(format!("repr-{id}"))
            .width(w)
            .height(h)
            .legend(Legend::default())
            .x_axis_label("PC 1")
            .y_axis_label("PC 2")
            .allow_scroll(false)
            .show(ui, |p| {
                for (g, label) in names.iter().enumerate() {
                    let pts: Vec<[f64; 2]> = points
                        .iter()
                        .zip(&group)
                        .filter(|(_, gi)| **gi == g)
                        .map(|(q, _)| [f64::from(q[0]), f64::from(q[1])])
                        .collect();
                    let name = format!("{what} {label}");
                    p.points(
                        Points::new(name, PlotPoints::from(pts))
                            .color(theme::scatter_shade(high, g, names.len()))
                            .radius(2.0),
                    );
                }
            });
    });
}
