//! The calibration view: a chosen estimator trained on correlated Gaussians, whose true MI is
//! known in closed form, and its estimate drawn against the truth.

use egui::{DragValue, RichText, Ui};
use egui_plot::{HLine, Legend, Line, LineStyle, Plot, PlotPoints, Points};

use crate::experiment::{CALIBRATION_RHOS, CalibrationSettings};
use crate::mi::EstimatorKind;
use crate::ui::command::Command;
use crate::ui::results::CalibrationResults;
use crate::ui::theme;

use super::widgets::{estimator_choice_ui, labelled_ui};

/// Shows the view.
pub fn calibration_ui(
    ui: &mut Ui,
    settings: &CalibrationSettings,
    results: &CalibrationResults,
    commands: &mut Vec<Command>,
) {
    let mut s = settings.clone();
    let mut changed = false;
    ui.horizontal(|ui| {
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
        if results.running {
            if ui
                .button("Stop")
                .on_hover_text("Stop after the current correlation")
                .clicked()
            {
                commands.push(Command::StopCalibration);
            }
            ui.spinner();
            ui.weak(format!(
                "{} / {}",
                results.points.len(),
                CALIBRATION_RHOS.len()
            ));
        } else if ui
            .button(RichText::new("Run calibration").strong())
            .on_hover_text(format!(
                "Train the estimator at ρ = {CALIBRATION_RHOS:?} and compare with the truth"
            ))
            .clicked()
        {
            commands.push(Command::StartCalibration);
        }
    });
    if changed {
        commands.push(Command::SetCalibrationSettings(s));
    }
    if let Some(e) = &results.error {
        ui.colored_label(theme::ERROR, e);
    }
    if results.points.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.weak("Press “Run calibration” to see how the estimator tracks the true MI.");
        });
        return;
    }
    let est = results.estimator.unwrap_or(settings.estimator);
    let bound = if est.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    };
    let max_truth = results
        .points
        .iter()
        .map(|c| c.truth)
        .fold(0.0_f64, f64::max);
    let log_n = results.points[0].log_n;
    let pts: Vec<[f64; 2]> = results
        .points
        .iter()
        .map(|c| [c.truth, c.estimate])
        .collect();
    Plot::new("calibration")
        .legend(Legend::default())
        .height((ui.available_height() - 70.0).max(160.0))
        .x_axis_label("true I(X; Y) (nats)")
        .y_axis_label("estimate (nats)")
        .data_aspect(1.0)
        .allow_scroll(false)
        .show(ui, |p| {
            let max_estimate = results
                .points
                .iter()
                .map(|c| c.estimate)
                .filter(|v| v.is_finite())
                .fold(0.0_f64, f64::max);
            let top = max_truth.max(max_estimate).max(log_n) * 1.05;
            p.line(
                Line::new(
                    "truth (estimate = true MI)",
                    PlotPoints::from(vec![[0.0, 0.0], [top, top]]),
                )
                .color(theme::TRUTH)
                .width(1.0),
            );
            if est == EstimatorKind::Infonce {
                p.hline(
                    HLine::new(format!("InfoNCE ceiling log N = {log_n:.2}"), log_n)
                        .color(theme::TRUTH)
                        .style(LineStyle::dashed_dense()),
                );
            }
            p.line(
                Line::new(
                    format!("{}{bound}", est.name()),
                    PlotPoints::from(pts.clone()),
                )
                .color(theme::CRL)
                .width(2.0),
            );
            p.points(
                Points::new(format!("{}{bound}", est.name()), PlotPoints::from(pts))
                    .color(theme::CRL)
                    .radius(4.0),
            );
        });
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
        ui.strong(format!("estimate{bound}"));
        for c in &results.points {
            ui.label(format!("{:.3}", c.estimate));
        }
        ui.end_row();
    });
}
