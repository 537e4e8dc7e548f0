//! The menu bar: File, Edit, Presets, View and Help.

use egui::Ui;

use crate::scm::{preset, preset_names};
use crate::ui::app_view::AppView;
use crate::ui::command::{Command, Selection};
use crate::ui::files::Files;

use super::file_menu::file_menu_ui;
use super::lesson::lessons_menu_ui;
use super::widgets::{ShortcutHint, add_node_menu_ui, tab_choice_ui, undo_redo_ui};
use crate::ui::highlight::mark;

/// Shows the bar. `files` holds the path typed in the File menu; Help → About sets
/// `show_about`.
pub fn menu_ui(
    ui: &mut Ui,
    app: &AppView<'_>,
    files: &mut Files,
    show_about: &mut bool,
    commands: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            file_menu_ui(ui, files, &app.state.recent, app.exportable, commands);
        });
        ui.menu_button("Edit", |ui| {
            undo_redo_ui(ui, app.history, ShortcutHint::BesideLabel, commands);
            ui.separator();
            add_node_menu_ui(ui, "Add node", &app.state.layout, commands);
            if ui
                .add_enabled(
                    *app.selection != Selection::None,
                    egui::Button::new("Delete selection").shortcut_text("Del"),
                )
                .clicked()
            {
                commands.push(Command::DeleteSelection);
            }
            if ui.button("Auto layout").clicked() {
                commands.push(Command::AutoLayout);
            }
        });
        let presets = ui.menu_button("Presets", |ui| {
            for name in preset_names() {
                let title = preset(name).map(|p| p.title).unwrap_or_default();
                if ui.button(format!("{name} — {title}")).clicked() {
                    commands.push(Command::LoadPreset(name.to_owned()));
                }
            }
        });
        mark(&presets.response, "presets");
        ui.menu_button("Lessons", |ui| {
            lessons_menu_ui(ui, app.lessons, &app.state.lesson, commands);
        });
        ui.menu_button("View", |ui| {
            tab_choice_ui(ui, app.state.tab, commands);
            ui.separator();
            egui::widgets::global_theme_preference_buttons(ui);
        });
        ui.menu_button("Help", |ui| {
            if ui.button("About and shortcuts").clicked() {
                *show_about = true;
            }
        });
    });
}
