//! The representation view: the baseline's and the CRL model's z on held-out rows, projected
//! to two dimensions (PCA fitted on each model's shift-0 rows, the same axes at both shifts),
//! at shift 0 and at a chosen shift, points coloured by the confounder or by the outcome. The
//! baseline's z splits by c; the CRL model's does not. Updated at each report while training.

use egui::{RichText, Slider, Ui};
use egui_plot::{Legend, Plot, PlotPoints, Points};

use crate::experiment::{Representation, RunResults};
use crate::train::ModelKind;
use crate::ui::command::Command;
use crate::ui::state::{ColourBy, RepresentationView};
use crate::ui::theme;

/// Splits rows into at most four colour groups by `values`: one per value when there are at
/// most four distinct values (0/1 labels, one-hot classes, a standardised binary confounder),
/// else below and above the median.
fn groups(values: &[f32]) -> (Vec<usize>, Vec<String>) {
    let mut distinct: Vec<f32> = values.to_vec();
    distinct.sort_by(f32::total_cmp);
    distinct.dedup();
    if distinct.len() <= 4 {
        let small_ints = distinct
            .iter()
            .all(|x| x.fract() == 0.0 && (0.0..4.0).contains(x));
        let names = distinct
            .iter()
            .enumerate()
            .map(|(i, v)| match (small_ints, distinct.len()) {
                (true, _) => format!("= {v}"),
                (false, 2) => (if i == 0 { "low" } else { "high" }).to_owned(),
                (false, _) => format!("= {v:.2}"),
            })
            .collect();
        let group = values
            .iter()
            .map(|x| distinct.partition_point(|d| d < x))
            .collect();
        return (group, names);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    (
        values.iter().map(|&x| usize::from(x > median)).collect(),
        vec!["below the median".into(), "above the median".into()],
    )
}

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
    let mut v = view.clone();
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
        commands.push(Command::SetRepresentationView(v.clone()));
    }
    let nearest = |s: f64| {
        rep.shifts
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - s).abs().total_cmp(&(b.1 - s).abs()))
            .map_or(0, |(i, _)| i)
    };
    let zero = nearest(0.0);
    let chosen = nearest(v.shift);
    let models: Vec<(usize, String)> = [ModelKind::Baseline, ModelKind::Crl]
        .into_iter()
        .filter_map(|k| first_of(run, k))
        .collect();
    let h = ((ui.available_height() - 60.0) / models.len().max(1) as f32).max(140.0);
    let w = (full_width / 2.0 - 12.0).max(140.0);
    for (member, name) in &models {
        let Some(p) = rep.members.get(*member) else {
            continue;
        };
        ui.label(RichText::new(format!(
            "{name}: axes explain {:.0}% and {:.0}% of z's variance",
            100.0 * p.explained[0],
            100.0 * p.explained[1]
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
    let Some(points) = rep.members[member].points.get(shift_index) else {
        return;
    };
    let (values, what) = match view.colour {
        ColourBy::Confounder => (&rep.confounder[shift_index], "c"),
        ColourBy::Outcome => (&rep.outcome[shift_index], "y"),
    };
    let (group, names) = groups(values);
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
                    let t = if names.len() == 1 {
                        1.0
                    } else {
                        g as f32 / (names.len() - 1) as f32
                    };
                    let name = format!("{what} {label}");
                    p.points(
                        Points::new(name, PlotPoints::from(pts))
                            .color(theme::outcome_colour(t))
                            .radius(2.0),
                    );
                }
            });
    });
}
