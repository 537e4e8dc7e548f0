//! The calibration view: a chosen estimator trained on correlated Gaussians, whose true MI is
//! known in closed form. On the left its final estimate at each correlation against the truth
//! (the diagonal) and against its ideal, what it reads with its best critic; on the right the
//! staircase: one critic trained on while the true MI steps up, so bias and variance show over
//! training steps.

use crate::ui::highlight::mark;
use egui::{Color32, DragValue, RichText, Ui};
use egui_plot::{Corner, HLine, Legend, Line, LineStyle, Plot, PlotPoints, PlotUi, Points};

use crate::experiment::{CALIBRATION_RHOS, CalibrationSettings, STAIRCASE_NATS};
use crate::mi::{EstimatorKind, Staircase, ideal_label};
use crate::ui::command::Command;
use crate::ui::results::CalibrationResults;
use crate::ui::theme;

use super::widgets::{estimator_choice_ui, labelled_ui};

/// The line pattern of the ideal, as in the exported figure.
fn ideal_style() -> LineStyle {
    LineStyle::dashed_loose()
}

/// Shows the view.
pub fn calibration_ui(
    ui: &mut Ui,
    settings: &CalibrationSettings,
    results: &CalibrationResults,
    commands: &mut Vec<Command>,
) {
    settings_ui(ui, settings, results, commands);
    if let Some(e) = &results.error {
        ui.colored_label(theme::ERROR, e);
    }
    let staircase = results.staircase.as_ref().filter(|s| !s.history.is_empty());
    if results.points.is_empty() && staircase.is_none() {
        ui.centered_and_justified(|ui| {
            ui.weak("Press “Run calibration” to see how the estimator tracks the true MI.");
        });
        return;
    }
    let est = results.estimator.unwrap_or(settings.estimator);
    if est.is_upper_bound() {
        ui.weak(
            "Dashed: the estimator's ideal, what it reads with its best critic. An upper bound \
             reads the truth plus KL(p(x)p(y) || p(x,y)), so one far above the diagonal but on \
             its ideal is doing what it should.",
        );
    } else {
        ui.weak(
            "Dashed: the estimator's ideal, min(I, log N). InfoNCE is a lower bound and cannot \
             read more than log N.",
        );
    }
    let ideal_colour = ui.visuals().strong_text_color();
    // Room for the tables below the plots: four rows, and three more for the staircase's.
    let row = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y + 4.0;
    let rows = if staircase.is_some() { 7.5 } else { 4.5 };
    let height = (ui.available_height() - rows * row).max(180.0);
    ui.columns(2, |cols| {
        grid_plot_ui(&mut cols[0], results, est, ideal_colour, height);
        if let Some(s) = staircase {
            staircase_plot_ui(&mut cols[1], s, est, ideal_colour, height);
        } else {
            let size = egui::vec2(cols[1].available_width(), height);
            cols[1].allocate_ui(size, |ui| {
                ui.centered_and_justified(|ui| {
                    ui.weak("The staircase runs after the correlations.");
                });
            });
        }
    });
    // Full width: the tables are wider than half the view.
    grid_table_ui(ui, results, est);
    if let Some(s) = staircase {
        ui.add_space(4.0);
        staircase_table_ui(ui, s);
    }
}

/// The settings row: estimator, both dimensions and step counts, Run or Stop with progress.
fn settings_ui(
    ui: &mut Ui,
    settings: &CalibrationSettings,
    results: &CalibrationResults,
    commands: &mut Vec<Command>,
) {
    let mut s = settings.clone();
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        let l = ui
            .label("estimator")
            .on_hover_text("The MI estimator to check against the closed-form truth");
        changed |= estimator_choice_ui(ui, "cal-estimator", l.id, &mut s.estimator);
        changed |= labelled_ui(
            ui,
            "dimension",
            "Each of X and Y is a d-dimensional Gaussian; true MI = -d/2 · ln(1 - ρ²)",
            DragValue::new(&mut s.dim).range(1..=32),
        )
        .changed();
        changed |= labelled_ui(
            ui,
            "steps",
            "Critic training steps per correlation (500–3000)",
            DragValue::new(&mut s.steps).range(50..=20_000).speed(10.0),
        )
        .changed();
        ui.separator();
        changed |= labelled_ui(
            ui,
            "staircase dimension",
            "Dimension of the staircase's Gaussians. 20 (as in the CLUB authors' notebook) keeps \
             the CLUB family's ideal readable at 10 true nats (34 nats; at d = 5 it would be 268)",
            DragValue::new(&mut s.staircase.dim).range(1..=64),
        )
        .changed();
        changed |= labelled_ui(
            ui,
            "steps per level",
            "Critic training steps at each true MI of the staircase (one critic throughout)",
            DragValue::new(&mut s.staircase.steps_per_level)
                .range(10..=20_000)
                .speed(10.0),
        )
        .changed();
    });
    ui.horizontal(|ui| {
        if results.running {
            if ui
                .button("Stop")
                .on_hover_text("Stop after the current correlation or staircase reading")
                .clicked()
            {
                commands.push(Command::StopCalibration);
            }
            ui.spinner();
            ui.weak(progress_text(results));
        } else {
            let r = ui
                .button(RichText::new("Run calibration").strong())
                .on_hover_text(format!(
                    "Train the estimator at ρ = {CALIBRATION_RHOS:?} and compare with the truth \
                     and its ideal, then train one critic up a staircase of true MI \
                     {STAIRCASE_NATS:?} nats"
                ));
            mark(&r, "calibrate_button");
            if r.clicked() {
                commands.push(Command::StartCalibration);
            }
        }
    });
    if changed {
        commands.push(Command::SetCalibrationSettings(s));
    }
}

/// "correlation 3 / 6", then "staircase level 2 / 5".
fn progress_text(results: &CalibrationResults) -> String {
    let done = results.points.len();
    if done < CALIBRATION_RHOS.len() {
        return format!("correlation {} / {}", done + 1, CALIBRATION_RHOS.len());
    }
    let level = results.staircase.as_ref().map_or(0, |s| s.levels.len());
    format!(
        "staircase level {} / {}",
        level.max(1),
        STAIRCASE_NATS.len()
    )
}

/// The legend label of the estimator's estimates, "(upper bound)" for an upper bound.
fn estimate_label(est: EstimatorKind) -> String {
    if est.is_upper_bound() {
        format!("{} (upper bound)", est.name())
    } else {
        est.name().to_owned()
    }
}

/// The final estimate at each correlation against the truth: the diagonal, the ideal through
/// the correlations done, and the estimates as points.
fn grid_plot_ui(
    ui: &mut Ui,
    results: &CalibrationResults,
    est: EstimatorKind,
    ideal_colour: Color32,
    height: f32,
) {
    let points = &results.points;
    if points.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.weak("No correlation done yet.");
        });
        return;
    }
    let log_n = points[0].log_n;
    let max_truth = points.iter().map(|c| c.truth).fold(0.0_f64, f64::max);
    let ideal: Vec<[f64; 2]> = points
        .iter()
        .filter_map(|c| c.ideal.map(|i| [c.truth, i]))
        .collect();
    // No equal units: an upper bound's ideal would squeeze the truth into a sliver on the left.
    Plot::new("calibration")
        .legend(Legend::default().position(Corner::LeftTop))
        .height(height)
        .x_axis_label("true I(X; Y) (nats)")
        .y_axis_label("estimate (nats)")
        .include_x(0.0)
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |p| {
            // The diagonal spans the truths (and log N for InfoNCE, whose ceiling is drawn).
            let right = if est == EstimatorKind::Infonce {
                max_truth.max(log_n)
            } else {
                max_truth
            } * 1.05;
            p.line(
                Line::new(
                    "true MI",
                    PlotPoints::from(vec![[0.0, 0.0], [right, right]]),
                )
                .color(theme::TRUTH)
                .width(1.0),
            );
            if let Some(label) = ideal_label(est)
                && !ideal.is_empty()
            {
                p.line(
                    Line::new(label, PlotPoints::from(ideal))
                        .color(ideal_colour)
                        .style(ideal_style())
                        .width(1.5),
                );
            }
            if est == EstimatorKind::Infonce {
                ceiling_ui(p, log_n);
            }
            let pts: Vec<[f64; 2]> = points.iter().map(|c| [c.truth, c.estimate]).collect();
            p.points(
                Points::new(estimate_label(est), PlotPoints::from(pts))
                    .color(theme::CRL)
                    .radius(4.0),
            );
        });
}

/// InfoNCE's ceiling log N, dense-dashed.
fn ceiling_ui(p: &mut PlotUi<'_>, log_n: f64) {
    p.hline(
        HLine::new(format!("InfoNCE ceiling log N = {log_n:.2}"), log_n)
            .color(theme::TRUTH)
            .style(LineStyle::dashed_dense()),
    );
}

/// The staircase over training steps: truth and ideal as staircases, the estimate on one
/// held-out batch as a line.
fn staircase_plot_ui(
    ui: &mut Ui,
    s: &Staircase,
    est: EstimatorKind,
    ideal_colour: Color32,
    height: f32,
) {
    let xy = |v: Vec<(f64, f64)>| {
        PlotPoints::from(v.into_iter().map(|(x, y)| [x, y]).collect::<Vec<_>>())
    };
    Plot::new("calibration-staircase")
        .legend(Legend::default().position(Corner::LeftTop))
        .height(height)
        .x_axis_label(format!("training step (true MI steps up; d = {})", s.dim))
        .y_axis_label("estimate (nats)")
        .include_x(0.0)
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |p| {
            // No bands: egui_plot would merge a step's two points into a filled band.
            p.line(
                Line::new("true MI", xy(s.truth_steps()))
                    .color(theme::TRUTH)
                    .width(1.0)
                    .allow_band(false),
            );
            if let Some(label) = ideal_label(est) {
                let ideal = s.ideal_steps();
                if !ideal.is_empty() {
                    p.line(
                        Line::new(label, xy(ideal))
                            .color(ideal_colour)
                            .style(ideal_style())
                            .width(1.5),
                    );
                }
            }
            if est == EstimatorKind::Infonce {
                ceiling_ui(p, s.log_n);
            }
            let line: Vec<(f64, f64)> = s
                .history
                .iter()
                .map(|r| (r.step as f64, r.estimate))
                .collect();
            p.line(
                Line::new(estimate_label(est), xy(line))
                    .color(theme::CRL)
                    .width(1.2),
            );
        });
}

/// The numbers behind the left plot.
fn grid_table_ui(ui: &mut Ui, results: &CalibrationResults, est: EstimatorKind) {
    let bound = if est.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    };
    egui::Grid::new("cal-table").striped(true).show(ui, |ui| {
        ui.strong("ρ");
        for rho in CALIBRATION_RHOS.iter().take(results.points.len()) {
            ui.label(format!("{rho}"));
        }
        ui.end_row();
        ui.strong("true (nats)");
        for c in &results.points {
            ui.label(format!("{:.3}", c.truth));
        }
        ui.end_row();
        ui.strong("ideal (nats)")
            .on_hover_text("What the estimator reads with its best critic");
        for c in &results.points {
            ui.label(cell(c.ideal));
        }
        ui.end_row();
        ui.strong(format!("estimate{bound}"));
        for c in &results.points {
            ui.label(format!("{:.3}", c.estimate));
        }
        ui.end_row();
    });
}

/// A value with three decimals, or a dash where there is none.
fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}

/// The staircase's levels: truth, ideal, and the mean ± sd of the later half of the readings.
fn staircase_table_ui(ui: &mut Ui, s: &Staircase) {
    egui::Grid::new("cal-staircase-table")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("staircase: true (nats)");
            for l in &s.levels {
                ui.label(format!("{:.1}", l.truth));
            }
            ui.end_row();
            ui.strong("ideal (nats)");
            for l in &s.levels {
                ui.label(cell(l.ideal));
            }
            ui.end_row();
            ui.strong("estimate, mean ± sd")
                .on_hover_text("Over the later half of each level's readings, on single batches");
            for l in &s.levels {
                ui.label(format!("{:.2} ± {:.2}", l.mean, l.sd));
            }
            ui.end_row();
        });
}
