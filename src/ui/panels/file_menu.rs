//! The File menu: open and save workspaces (file dialogs, or a typed path where no dialog is
//! available), recent files, and figures, CSVs and the dataset as exports. Dialogs run here, on
//! click; the commands carry the chosen path.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::export::{FigureFormat, FigureWidth, PlotKind};
use crate::ui::command::Command;
use crate::ui::dialogs::{pick_open, pick_save, pick_workspace_save, save_target};
use crate::ui::files::Files;

use super::widgets::button_ui;

/// The File menu's items; `kinds` are the plots that have something to export.
pub fn file_menu_ui(
    ui: &mut Ui,
    files: &mut Files,
    recent: &[String],
    kinds: &[PlotKind],
    commands: &mut Vec<Command>,
) {
    if ui
        .add(egui::Button::new("Open workspace…").shortcut_text("Ctrl+O"))
        .clicked()
    {
        ui.close();
        commands.push(Command::OpenWorkspace(pick_open()));
    }
    ui.add_enabled_ui(!recent.is_empty(), |ui| {
        ui.menu_button("Open recent", |ui| {
            for r in recent {
                if ui.button(r).clicked() {
                    commands.push(Command::OpenWorkspace(Some(PathBuf::from(r))));
                    ui.close();
                }
            }
        });
    });
    if ui
        .add(egui::Button::new("Save workspace").shortcut_text("Ctrl+S"))
        .clicked()
    {
        ui.close();
        commands.push(Command::SaveWorkspace(save_target(files.path.as_deref())));
    }
    if ui
        .add(egui::Button::new("Save workspace as…").shortcut_text("Ctrl+Shift+S"))
        .clicked()
    {
        ui.close();
        commands.push(Command::SaveWorkspace(pick_workspace_save()));
    }
    ui.separator();
    ui.add_enabled_ui(!kinds.is_empty(), |ui| {
        ui.menu_button("Export figure", |ui| {
            for &kind in kinds {
                ui.menu_button(kind.name(), |ui| {
                    for (label, format, width) in [
                        (
                            "SVG, single column (3.5 in)",
                            FigureFormat::Svg,
                            FigureWidth::Single,
                        ),
                        (
                            "SVG, double column (7 in)",
                            FigureFormat::Svg,
                            FigureWidth::Double,
                        ),
                        (
                            "PNG 300 dpi, single column",
                            FigureFormat::Png,
                            FigureWidth::Single,
                        ),
                        (
                            "PNG 300 dpi, double column",
                            FigureFormat::Png,
                            FigureWidth::Double,
                        ),
                    ] {
                        if ui.button(label).clicked() {
                            ui.close();
                            let name = format!("{}.{}", kind.name(), format.extension());
                            let ext = format.extension();
                            commands.push(Command::ExportFigure {
                                kind,
                                format,
                                width,
                                path: pick_save("Export figure", &name, ext),
                            });
                        }
                    }
                    if ui.button("CSV of this plot").clicked() {
                        ui.close();
                        let name = format!("{}.csv", kind.name());
                        commands.push(Command::ExportCsv {
                            kind,
                            path: pick_save("Export plot data", &name, "csv"),
                        });
                    }
                });
            }
        });
    });
    if button_ui(
        ui,
        true,
        "Export dataset (CSV)…",
        "Rows at the data view's shift, with env_shift per row",
    ) {
        ui.close();
        commands.push(Command::ExportDataset(pick_save(
            "Export dataset",
            "dataset.csv",
            "csv",
        )));
    }
    ui.separator();
    if button_ui(
        ui,
        true,
        "Export grid…",
        "A grid file over the settings you pick, from this session",
    ) {
        ui.close();
        commands.push(Command::ShowGridExport(true));
    }
    if button_ui(
        ui,
        true,
        "Open grid results…",
        "The figures `crl-lab grid collect` wrote",
    ) {
        ui.close();
        commands.push(Command::ShowGridResults(true));
    }
    ui.separator();
    ui.label(RichText::new("Without a file dialog (no desktop portal): type a path").weak());
    let l = ui.label("path");
    ui.add(
        egui::TextEdit::singleline(&mut files.typed)
            .hint_text("/path/to/workspace.json or a folder")
            .desired_width(280.0),
    )
    .labelled_by(l.id);
    ui.horizontal(|ui| {
        let typed = PathBuf::from(files.typed.trim());
        let has = !files.typed.trim().is_empty();
        if ui
            .add_enabled(has, egui::Button::new("Open path"))
            .clicked()
        {
            commands.push(Command::OpenWorkspace(Some(typed.clone())));
            ui.close();
        }
        if ui
            .add_enabled(has, egui::Button::new("Save to path"))
            .clicked()
        {
            commands.push(Command::SaveWorkspace(Some(typed.clone())));
            ui.close();
        }
        if button_ui(
            ui,
            has && !kinds.is_empty(),
            "Export all to folder",
            "Every figure (SVG, PNG at both widths) and its CSV into this folder",
        ) {
            commands.push(Command::ExportAll(typed.clone()));
            ui.close();
        }
    });
    ui.separator();
    if ui.button("Quit").clicked() {
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    }
}
