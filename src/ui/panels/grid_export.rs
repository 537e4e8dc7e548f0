//! The Export grid window (File ▸ Export grid…): the axes to vary, picked from the session's
//! settings and node parameters, their values typed; the seeds; where to write. Non-modal, so
//! the session stays in view while the axes are chosen. The form's text is this window's own
//! state; picking a setting and writing the file are commands.

use std::path::PathBuf;

use egui::RichText;

use crate::ui::command::Command;
use crate::ui::dialogs::pick_save;
use crate::ui::grid_forms::GridDraft;

/// Shows the window while `draft.open`; `choices` are the settings an axis can vary.
pub fn grid_export_ui(
    ctx: &egui::Context,
    draft: &mut GridDraft,
    choices: &[String],
    commands: &mut Vec<Command>,
) {
    let mut open = draft.open;
    egui::Window::new("Export grid")
        .open(&mut open)
        .collapsible(true)
        .resizable(true)
        .default_width(460.0)
        .show(ctx, |ui| {
            ui.label(
                "A grid file runs every combination of the values below, once per seed, each \
                 from this session's scenario and settings (`crl-lab grid plan`).",
            );
            ui.separator();
            let l = ui.label("grid name");
            ui.text_edit_singleline(&mut draft.name).labelled_by(l.id);
            ui.add_space(4.0);
            let mut remove = None;
            egui::Grid::new("grid_axes")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    let setting_label = ui.strong("setting");
                    let values_label = ui.strong("values (comma-separated)");
                    ui.end_row();
                    for (i, axis) in draft.axes.iter_mut().enumerate() {
                        egui::ComboBox::from_id_salt(("grid_axis", i))
                            .selected_text(axis.setting.as_str())
                            .width(170.0)
                            .show_ui(ui, |ui| {
                                for c in choices {
                                    if ui
                                        .selectable_label(*c == axis.setting, c.as_str())
                                        .clicked()
                                    {
                                        commands.push(Command::SetGridAxis {
                                            index: i,
                                            setting: c.clone(),
                                        });
                                    }
                                }
                            })
                            .response
                            .labelled_by(setting_label.id);
                        ui.add(
                            egui::TextEdit::singleline(&mut axis.values)
                                .desired_width(200.0)
                                .hint_text("1, 5, 20"),
                        )
                        .labelled_by(values_label.id)
                        .on_hover_text(
                            "Numbers, true/false, names (nce-club), or {\"train\": …, \
                             \"test\": …} for a shifting parameter",
                        );
                        if ui.small_button("Remove").clicked() {
                            remove = Some(i);
                        }
                        ui.end_row();
                    }
                });
            if let Some(i) = remove {
                draft.axes.remove(i);
            }
            if ui.button("Add axis").clicked() {
                let next = choices
                    .iter()
                    .find(|c| !draft.axes.iter().any(|a| &a.setting == *c))
                    .cloned()
                    .unwrap_or_default();
                commands.push(Command::SetGridAxis {
                    index: draft.axes.len(),
                    setting: next,
                });
            }
            ui.add_space(4.0);
            let l = ui.label("seeds");
            ui.text_edit_singleline(&mut draft.seeds).labelled_by(l.id);
            ui.separator();
            ui.label(RichText::new("Where to write it (a path, or choose a file)").weak());
            ui.horizontal(|ui| {
                let l = ui.label("grid file path");
                ui.add(egui::TextEdit::singleline(&mut draft.path).desired_width(300.0))
                    .labelled_by(l.id);
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        !draft.path.trim().is_empty(),
                        egui::Button::new("Write grid file"),
                    )
                    .clicked()
                {
                    commands.push(Command::ExportGrid(Some(PathBuf::from(draft.path.trim()))));
                }
                if ui.button("Choose file…").clicked() {
                    let name = format!("{}.json", draft.name.trim());
                    commands.push(Command::ExportGrid(pick_save("Export grid", &name, "json")));
                }
            });
        });
    if !open {
        commands.push(Command::ShowGridExport(false));
    }
}
