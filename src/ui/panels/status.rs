//! The status bar: the device, the run's state and speed, what the file thread is doing, the
//! frame time, and the last message.

use egui::{RichText, Ui};

use crate::experiment::RunState;
use crate::ui::app_view::AppView;
use crate::ui::command::Command;
use crate::ui::frame_times::FrameTimes;
use crate::ui::notice::NoticeAction;
use crate::ui::theme;

/// Shows the bar.
pub fn status_ui(ui: &mut Ui, app: &AppView<'_>, frames: &FrameTimes, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(app.device_line);
        ui.separator();
        let run_text = match app.run {
            None => "idle".to_owned(),
            Some(r) => {
                let sps = r.last().map_or(0.0, |x| x.steps_per_sec);
                match &r.state {
                    RunState::Starting => "starting".into(),
                    RunState::Training => match r.eta_secs() {
                        Some(eta) => format!(
                            "training · {sps:.0} steps/s · ETA {}",
                            super::training::format_secs(eta)
                        ),
                        None => format!("training · {sps:.0} steps/s"),
                    },
                    RunState::Paused => "paused".into(),
                    RunState::Evaluating => "evaluating".into(),
                    RunState::Done => format!("done · {sps:.0} steps/s"),
                    RunState::Stopped => "stopped".into(),
                    RunState::Failed(_) => "failed".into(),
                }
            }
        };
        ui.label(run_text);
        ui.separator();
        if let Some(task) = app.file_task {
            // Text, not a spinner: the file thread wakes the UI when it is done, so the window
            // need not repaint meanwhile.
            ui.label(task);
            ui.separator();
        }
        if let Some((med, p95)) = frames.stats_ms() {
            ui.label(format!("frame {med:.1} ms"))
                .on_hover_text(format!(
                    "median {med:.1} ms, 95th percentile {p95:.1} ms over the last {} frames",
                    frames.n_frames()
                ));
            ui.separator();
        }
        if let Some(n) = app.notice {
            // Right to left, so the dismiss and action buttons stay on screen and a long message
            // is cut with "…" (the whole of it on hover) instead of running off the window.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("dismiss")
                    .on_hover_text("Dismiss")
                    .clicked()
                {
                    commands.push(Command::DismissNotice);
                }
                if let Some(action) = n.action
                    && ui.button(action.label()).clicked()
                {
                    commands.push(match action {
                        NoticeAction::TrainOnCpu => Command::TrainOnCpu,
                    });
                }
                let colour = if n.error {
                    theme::ERROR
                } else {
                    ui.visuals().text_color()
                };
                // A cut label shows its whole text on hover by itself.
                ui.add(egui::Label::new(RichText::new(&n.text).color(colour)).truncate());
            });
        }
    });
}
