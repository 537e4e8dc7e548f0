//! The offer of a session an unclean exit left (a crash, a kill, a power cut): restore it,
//! discard it, or decide at the next start. Never applied without the user's answer.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::ui::autosave::RecoveryOffer;
use crate::ui::command::{Command, RecoveryAnswer};

/// The question, while a session waits for its answer.
pub fn recovery_ui(
    ctx: &egui::Context,
    offer: Option<&RecoveryOffer>,
    commands: &mut Vec<Command>,
) {
    let Some(offer) = offer else { return };
    egui::Window::new("Restore your last session?")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            ui.set_max_width(440.0);
            match &offer.recovery {
                Ok(r) => {
                    ui.label(format!(
                        "crl-lab did not close cleanly last time. Its session was saved {}:",
                        ago(r.saved_unix_secs)
                    ));
                    let ws = &r.workspace;
                    let mut parts = vec![format!(
                        "the scenario “{}” ({} nodes)",
                        ws.scenario.name,
                        ws.scenario.nodes.len()
                    )];
                    if ws.results.is_some() {
                        parts.push("a finished run's results".into());
                    }
                    if !ws.pinned.is_empty() {
                        parts.push(format!("{} pinned run(s)", ws.pinned.len()));
                    }
                    if !ws.calibration_points.is_empty() {
                        parts.push("the calibration view".into());
                    }
                    ui.label(format!("• {}", parts.join(", ")));
                    if let Some(f) = &r.file {
                        ui.label(format!("• last opened or saved as {}", f.display()));
                    }
                    ui.weak(format!("from {}", offer.path.display()));
                }
                Err(e) => {
                    ui.label("crl-lab did not close cleanly last time, and the session it left cannot be read:");
                    ui.colored_label(crate::ui::theme::ERROR, e);
                }
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if offer.recovery.is_ok()
                    && ui
                        .button("Restore session")
                        .on_hover_text("Make it the current session (unsaved until you save it)")
                        .clicked()
                {
                    commands.push(Command::AnswerRecovery(RecoveryAnswer::Restore));
                }
                if ui
                    .button("Discard it")
                    .on_hover_text("Delete the saved session")
                    .clicked()
                {
                    commands.push(Command::AnswerRecovery(RecoveryAnswer::Discard));
                }
                if ui
                    .button("Decide later")
                    .on_hover_text("Keep it; it is offered again at the next start")
                    .clicked()
                {
                    commands.push(Command::AnswerRecovery(RecoveryAnswer::Later));
                }
            });
        });
}

/// "3 minutes ago", from seconds since the Unix epoch.
fn ago(unix_secs: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = now.saturating_sub(unix_secs);
    match secs {
        0..=59 => "less than a minute ago".into(),
        60..=3599 => format!("{} minute(s) ago", secs / 60),
        3600..=86_399 => format!("{} hour(s) ago", secs / 3600),
        _ => format!("{} day(s) ago", secs / 86_400),
    }
}
