//! The data view: a scatter of any two columns coloured by the outcome, at the training
//! distribution and at shift s side by side, and the exact MI where the scenario is
//! linear-Gaussian. The samples are drawn on the sampling thread; until they arrive the view
//! says "sampling…" (keeping the plots of the last shift drawn, when there are some).

use crate::ui::highlight::mark;
use egui::{ComboBox, RichText, Slider, Ui};
use egui_plot::{Legend, Plot, PlotPoints, Points};

use crate::data::Dataset;
use crate::scm::{GaussianTruth, Role, Scenario};

use crate::session::DataSettings;
use crate::ui::command::Command;
use crate::ui::data_samples::ShownSamples;
use crate::ui::theme;

use super::widgets::labelled_ui;

fn column_picker(ui: &mut Ui, id: &str, label: &str, data: &Dataset, chosen: &mut String) -> bool {
    let mut changed = false;
    let l = ui.label(label);
    let role = data
        .columns
        .iter()
        .find(|c| &c.name == chosen)
        .map(|c| c.role);
    let text = RichText::new(chosen.as_str())
        .color(role.map_or(ui.visuals().text_color(), theme::role_colour));
    ComboBox::from_id_salt(id)
        .selected_text(text)
        .show_ui(ui, |ui| {
            for c in &data.columns {
                let t = RichText::new(format!("{} ({})", c.name, c.role.name()))
                    .color(theme::role_colour(c.role));
                changed |= ui.selectable_value(chosen, c.name.clone(), t).changed();
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text("Column to plot; colours are node roles");
    changed
}

/// The first feature against the last feature node (in the presets, the causal feature against
/// the spurious one, whose link to the outcome is what the shift breaks); else the confounder.
fn default_columns(data: &Dataset) -> (String, String) {
    let features: Vec<&crate::data::Column> = data
        .columns
        .iter()
        .filter(|c| c.role == Role::Feature)
        .collect();
    let x = features
        .first()
        .or(data.columns.first().as_ref())
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let x_node = features.first().map_or("", |c| c.node.as_str());
    let y = features
        .iter()
        .rev()
        .find(|c| c.node != x_node)
        .map(|c| c.name.clone())
        .or_else(|| {
            data.columns
                .iter()
                .find(|c| c.role == Role::Confounder)
                .map(|c| c.name.clone())
        })
        .or_else(|| data.columns.get(1).map(|c| c.name.clone()))
        .unwrap_or_default();
    (x, y)
}

/// What both scatters show: two columns, coloured by the outcome, at one size.
struct ScatterAxes<'a> {
    x: &'a str,
    y: &'a str,
    outcome: Option<&'a str>,
    width: f32,
    height: f32,
}

fn scatter(ui: &mut Ui, id: &str, title: &str, data: &Dataset, axes: &ScatterAxes<'_>) {
    let ScatterAxes {
        x,
        y,
        outcome,
        width,
        height,
    } = *axes;
    let (Ok(xc), Ok(yc)) = (data.column(x), data.column(y)) else {
        ui.weak("pick two columns");
        return;
    };
    let labels = outcome.and_then(|o| data.column(o).ok());
    // Colour by the outcome: its two classes, or quantile bins of a continuous outcome.
    let binary = labels.is_some_and(|l| l.values.iter().all(|v| *v == 0.0 || *v == 1.0));
    let n_bins = if binary { 2 } else { 5 };
    let mut bins: Vec<Vec<[f64; 2]>> = vec![Vec::new(); n_bins];
    let thresholds: Vec<f32> = match labels {
        Some(l) if !binary => {
            let mut v = l.values.clone();
            v.sort_by(f32::total_cmp);
            (1..n_bins).map(|k| v[k * v.len() / n_bins]).collect()
        }
        _ => Vec::new(),
    };
    for i in 0..data.n_rows {
        let b = match labels {
            Some(l) if binary => l.values[i] as usize,
            Some(l) => thresholds.iter().filter(|t| l.values[i] > **t).count(),
            None => 0,
        };
        bins[b.min(n_bins - 1)].push([f64::from(xc.values[i]), f64::from(yc.values[i])]);
    }
    ui.vertical(|ui| {
        ui.label(RichText::new(title).strong());
        Plot::new(id.to_owned())
            .width(width)
            .height(height)
            .legend(Legend::default())
            .x_axis_label(x)
            .y_axis_label(y)
            .allow_scroll(false)
            .link_axis(egui::Id::unique("data-view"), [true, true])
            .show(ui, |p| {
                for (k, pts) in bins.into_iter().enumerate() {
                    let t = if n_bins == 1 {
                        1.0
                    } else {
                        k as f32 / (n_bins - 1) as f32
                    };
                    let name = match (outcome, binary) {
                        (Some(o), true) => format!("{o} = {k}"),
                        (Some(o), false) => format!("{o} quintile {}", k + 1),
                        (None, _) => "rows".into(),
                    };
                    p.points(
                        Points::new(name, PlotPoints::from(pts))
                            .color(theme::outcome_colour(t))
                            .radius(1.6),
                    );
                }
            });
    });
}

/// Shows the view; `shown` are the samples for `scenario` at the settings' shift and size once
/// drawn (meanwhile those of an earlier shift, said as such).
pub fn data_ui(
    ui: &mut Ui,
    scenario: &Scenario,
    settings: &DataSettings,
    shown: Option<ShownSamples<'_>>,
    commands: &mut Vec<Command>,
) {
    let mut s = settings.clone();
    let mut changed = false;
    ui.horizontal(|ui| {
        let r = labelled_ui(
            ui,
            "shift s",
            "0 is the training distribution, 1 the test environment; every shifting parameter is \
             interpolated",
            Slider::new(&mut s.shift, 0.0..=1.0).step_by(0.05),
        );
        mark(&r, "shift");
        changed |= r.changed();
        if shown.is_some_and(|v| !v.current) {
            // The plots below stay at the earlier shift until the new samples arrive.
            ui.weak(format!("sampling s = {:.2}…", s.shift));
        }
    });
    let test_shift = shown.map_or(s.shift, |v| v.shift);
    let samples = match shown.map(|v| v.samples) {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            ui.colored_label(theme::ERROR, format!("Cannot sample this scenario: {e}"));
            if changed {
                commands.push(Command::SetDataSettings(s));
            }
            return;
        }
        None => {
            // A label, not a spinner: the sampling thread wakes the UI when it is done.
            ui.weak("sampling…");
            if changed {
                commands.push(Command::SetDataSettings(s));
            }
            return;
        }
    };
    let (train, test) = samples;
    if s.x_column.is_empty()
        || train.column(&s.x_column).is_err()
        || train.column(&s.y_column).is_err()
    {
        let (x, y) = default_columns(train);
        s.x_column = x;
        s.y_column = y;
        changed = true;
    }
    ui.horizontal(|ui| {
        changed |= column_picker(ui, "x-col", "x", train, &mut s.x_column);
        changed |= column_picker(ui, "y-col", "y", train, &mut s.y_column);
    });
    let outcome = scenario
        .outcome()
        .ok()
        .map(|id| format!("{}.0", scenario.node(id).name));
    let avail = ui.available_size();
    let w = (avail.x - 16.0) / 2.0;
    let h = (avail.y - 110.0).max(160.0);
    let axes = ScatterAxes {
        x: &s.x_column,
        y: &s.y_column,
        outcome: outcome.as_deref(),
        width: w,
        height: h,
    };
    ui.horizontal(|ui| {
        scatter(
            ui,
            "scatter-train",
            "training distribution (s = 0)",
            train,
            &axes,
        );
        let title = format!("test environment (s = {test_shift:.2})");
        scatter(ui, "scatter-test", &title, test, &axes);
    });
    truth_ui(ui, scenario, &s);
    if changed {
        commands.push(Command::SetDataSettings(s));
    }
}

fn node_of(column: &str) -> &str {
    column.rsplit_once('.').map_or(column, |(n, _)| n)
}

fn names_with_role(scenario: &Scenario, role: Role) -> Vec<&str> {
    scenario
        .nodes
        .iter()
        .filter(|n| n.role == role)
        .map(|n| n.name.as_str())
        .collect()
}

fn truth_ui(ui: &mut Ui, scenario: &Scenario, s: &DataSettings) {
    let (a, b) = (node_of(&s.x_column), node_of(&s.y_column));
    let at = |shift: f64| -> crate::Result<(f64, Option<f64>)> {
        let t = GaussianTruth::new(scenario, shift)?;
        let ab = if a == b {
            f64::INFINITY
        } else {
            t.mutual_information(&[a], &[b])?
        };
        let feats = names_with_role(scenario, Role::Feature);
        let confs = names_with_role(scenario, Role::Confounder);
        let fc = if feats.is_empty() || confs.is_empty() {
            None
        } else {
            Some(t.mutual_information(&feats, &confs)?)
        };
        Ok((ab, fc))
    };
    match (at(0.0), at(s.shift)) {
        (Ok((ab0, fc0)), Ok((ab1, fc1))) => {
            let fmt = |v: f64| {
                if v.is_finite() {
                    format!("{v:.3} nats")
                } else {
                    "∞".into()
                }
            };
            ui.label(format!(
                "Exact (linear-Gaussian): I({a}; {b}) = {} at s = 0, {} at s = {:.2}",
                fmt(ab0),
                fmt(ab1),
                s.shift
            ));
            if let (Some(f0), Some(f1)) = (fc0, fc1) {
                ui.label(format!(
                    "I(features; confounders) = {} at s = 0, {} at s = {:.2}",
                    fmt(f0),
                    fmt(f1),
                    s.shift
                ));
            }
        }
        (Err(e), _) | (_, Err(e)) => {
            ui.weak(format!(
                "Exact MI is shown for linear-Gaussian scenarios only ({e})."
            ));
        }
    }
}
