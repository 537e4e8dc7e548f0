//! The question before unsaved work is discarded (opening another workspace, or closing).

use crate::ui::command::{Command, DiscardAnswer};
use crate::ui::dialogs::save_target;
use crate::ui::files::{Files, Pending};

/// The question, while something waits for its answer. "Save first" saves to the workspace's
/// own file, or asks where when it has none.
pub fn discard_ui(ctx: &egui::Context, files: &Files, commands: &mut Vec<Command>) {
    let Some(p) = &files.pending else { return };
    let what = match p {
        Pending::Open(path) => format!("Open {} and discard the unsaved work?", path.display()),
        Pending::Close => "Close crl-lab and discard the unsaved work?".to_owned(),
    };
    egui::Window::new("Unsaved work")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            ui.label(what);
            ui.horizontal(|ui| {
                if ui.button("Save first").clicked() {
                    let path = save_target(files.path.as_deref());
                    commands.push(Command::AnswerDiscard(DiscardAnswer::SaveFirst(path)));
                }
                if ui.button("Discard").clicked() {
                    commands.push(Command::AnswerDiscard(DiscardAnswer::Discard));
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::AnswerDiscard(DiscardAnswer::Cancel));
                }
            });
        });
}
