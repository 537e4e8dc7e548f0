//! The pinned runs' table below the OOD plot: a row per run and model with the metric in
//! distribution, at the largest shift and the gap between them, the run's name (editable), its
//! marker, whether it is drawn, and a button to remove it; above it, the button that pins the
//! current run.

use egui::{Button, Color32, RichText, Sense, Ui, pos2, vec2};

use crate::export::palette::{PinMarker, pin_marker};
use crate::session::PinnedRun;
use crate::ui::command::Command;
use crate::ui::highlight::mark;
use crate::ui::theme;

/// Height of a table row, in points.
const ROW_H: f32 = 22.0;

/// The height the table takes below the plot.
pub fn pinned_table_height(pinned: &[PinnedRun]) -> f32 {
    let rows: usize = pinned.iter().map(|p| p.results.groups.len().max(1)).sum();
    (64.0 + rows as f32 * ROW_H).min(250.0)
}

/// The "Pin this run" button: enabled when the current run can be pinned, else it says why.
pub fn pin_button_ui(ui: &mut Ui, pin: &Result<(), String>, commands: &mut Vec<Command>) {
    let r = ui.add_enabled(pin.is_ok(), Button::new("Pin this run"));
    let r = match pin {
        Ok(()) => r.on_hover_text(
            "Keep this run on the plots (lighter, with its own marker) to compare it with the \
             next runs; it is named by what differs and saved in the workspace",
        ),
        Err(why) => r.on_disabled_hover_text(why.as_str()),
    };
    mark(&r, "pin_button");
    if r.clicked() {
        commands.push(Command::PinRun);
    }
}

/// Shows the table.
pub fn pinned_table_ui(
    ui: &mut Ui,
    pinned: &[PinnedRun],
    pin: &Result<(), String>,
    commands: &mut Vec<Command>,
) {
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong("Pinned runs");
        pin_button_ui(ui, pin, commands);
    });
    if pinned.is_empty() {
        ui.weak(
            "Pin a finished run, change a setting and train again: the pinned run stays on the \
             loss, MI and OOD plots, lighter, and this table compares them.",
        );
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("pinned-table")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("pinned-grid")
                .num_columns(8)
                .striped(true)
                .spacing([10.0, 2.0])
                .min_row_height(ROW_H - 2.0)
                .show(ui, |ui| rows_ui(ui, pinned, commands));
        });
}

fn rows_ui(ui: &mut Ui, pinned: &[PinnedRun], commands: &mut Vec<Command>) {
    let metric = pinned
        .first()
        .map_or("accuracy", |p| p.results.outcome_kind().metric_name());
    for h in ["shown", "run", "", "model"] {
        ui.weak(h);
    }
    let first = pinned.first().and_then(|p| p.summary().into_iter().next());
    let (id_s, ood_s) = first.map_or((0.0, 1.0), |r| (r.id_shift, r.ood_shift));
    ui.weak(format!("{metric} at s = {id_s}"))
        .on_hover_text("In distribution: the mean over seeds at the smallest shift evaluated");
    ui.weak(format!("at s = {ood_s}"))
        .on_hover_text("Out of distribution: the mean over seeds at the largest shift");
    ui.weak("gap")
        .on_hover_text("What the shift costs: in distribution minus out of distribution");
    ui.weak("");
    ui.end_row();
    for (i, p) in pinned.iter().enumerate() {
        let rows = p.summary();
        for (j, r) in rows.iter().enumerate() {
            if j == 0 {
                let mut shown = p.shown;
                if ui
                    .checkbox(&mut shown, "")
                    .on_hover_text("Draw this run on the plots")
                    .changed()
                {
                    commands.push(Command::ShowPinned(i, shown));
                }
                let mut name = p.name.clone();
                if ui
                    .add_sized(
                        vec2(170.0, ROW_H - 4.0),
                        egui::TextEdit::singleline(&mut name),
                    )
                    .on_hover_text("The run's name in the legends, the table and the CSVs")
                    .changed()
                {
                    commands.push(Command::RenamePinned(i, name));
                }
                marker_ui(ui, pin_marker(i));
            } else {
                ui.label("");
                ui.label("");
                ui.label("");
            }
            ui.label(RichText::new(&r.model).color(theme::model_colour(r.kind)));
            ui.label(format!("{:.3}", r.id));
            ui.label(format!("{:.3}", r.ood));
            ui.label(format!("{:.3}", r.gap)).on_hover_text(format!(
                "{:.3} − {:.3}: the model loses {:.1} points under the shift",
                r.id,
                r.ood,
                100.0 * r.gap
            ));
            if j == 0 {
                if ui
                    .small_button("Remove")
                    .on_hover_text("Unpin this run")
                    .clicked()
                {
                    commands.push(Command::Unpin(i));
                }
            } else {
                ui.label("");
            }
            ui.end_row();
        }
    }
}

/// The run's marker, drawn as the plots draw it.
fn marker_ui(ui: &mut Ui, marker: PinMarker) {
    let (rect, _) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
    let c = rect.center();
    let fill = Color32::from_gray(110);
    let h = 5.0;
    let shape = match marker {
        PinMarker::Square => egui::Shape::rect_filled(
            egui::Rect::from_center_size(c, vec2(2.0 * h * 0.8, 2.0 * h * 0.8)),
            0.0,
            fill,
        ),
        PinMarker::Diamond => egui::Shape::convex_polygon(
            vec![
                pos2(c.x, c.y - h),
                pos2(c.x + h, c.y),
                pos2(c.x, c.y + h),
                pos2(c.x - h, c.y),
            ],
            fill,
            egui::Stroke::NONE,
        ),
        PinMarker::Triangle => egui::Shape::convex_polygon(
            vec![
                pos2(c.x, c.y - h),
                pos2(c.x + h, c.y + h * 0.75),
                pos2(c.x - h, c.y + h * 0.75),
            ],
            fill,
            egui::Stroke::NONE,
        ),
        PinMarker::TriangleDown => egui::Shape::convex_polygon(
            vec![
                pos2(c.x, c.y + h),
                pos2(c.x - h, c.y - h * 0.75),
                pos2(c.x + h, c.y - h * 0.75),
            ],
            fill,
            egui::Stroke::NONE,
        ),
    };
    ui.painter().add(shape);
}
