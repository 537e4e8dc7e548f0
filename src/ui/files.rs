//! Workspace files and exports from the app: open and save (file dialogs, or a typed path where
//! no dialog is available), recent files, a question before unsaved work is discarded, and
//! figures and CSVs of the plots. The reading and writing is the core's (`export`).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use crate::export::{
    FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind, PlotSettings, Workspace, plot_csv,
    write_figure,
};
use crate::fs::write_string;

use super::command::Command;

/// Recent files kept in the menu.
pub const MAX_RECENT: usize = 6;

/// What waits for the answer to "discard unsaved work?".
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Open this workspace.
    Open(PathBuf),
    /// Close the window.
    Close,
}

/// The app's file state for the session.
#[derive(Debug, Default)]
pub struct Files {
    /// The workspace file being edited, once opened or saved.
    pub path: Option<PathBuf>,
    /// The workspace JSON as last opened or saved (to tell unsaved work).
    pub saved_json: Option<String>,
    /// A path typed in the File menu (the way in when no file dialog is available).
    pub typed: String,
    /// An action waiting for the user's answer.
    pub pending: Option<Pending>,
    /// The user agreed to close with unsaved work.
    pub allow_close: bool,
}

/// Asks for a file to open; `None` when cancelled or when no dialog is available.
pub fn pick_open() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Open workspace")
        .add_filter("crl-lab workspace", &["json"])
        .pick_file()
}

/// Asks where to save `default_name`; `None` when cancelled or no dialog is available.
pub fn pick_save(title: &str, default_name: &str, ext: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(default_name)
        .add_filter(ext, &[ext])
        .save_file()
}

/// Writes every figure (SVG and PNG at both widths) and the CSV behind each plot that has data
/// into `dir`; returns how many files were written.
pub fn export_all(dir: &Path, data: &PlotData<'_>, hash: Option<String>) -> crate::Result<usize> {
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io("cannot create", dir, e))?;
    let mut n = 0;
    for kind in available_kinds(data) {
        for (format, width, suffix) in [
            (FigureFormat::Svg, FigureWidth::Single, ""),
            (FigureFormat::Png, FigureWidth::Single, ""),
            (FigureFormat::Png, FigureWidth::Double, "-double"),
        ] {
            let spec = FigureSpec {
                kind,
                format,
                width,
                hash: hash.clone(),
            };
            let path = dir.join(format!("{}{suffix}.{}", kind.name(), format.extension()));
            write_figure(&path, &spec, data)?;
            n += 1;
        }
        write_string(
            &dir.join(format!("{}.csv", kind.name())),
            &plot_csv(kind, data)?,
        )?;
        n += 1;
    }
    Ok(n)
}

/// The plot kinds that have something to draw.
pub fn available_kinds(data: &PlotData<'_>) -> Vec<PlotKind> {
    PlotKind::ALL
        .into_iter()
        .filter(|k| match k {
            PlotKind::Calibration => !data.calibration.is_empty(),
            PlotKind::TradeOff => data.run.is_some_and(|r| {
                r.mode == crate::experiment::RunMode::BetaSweep && !r.eval.is_empty()
            }),
            PlotKind::Ood => data.run.is_some_and(|r| !r.eval.is_empty()),
            PlotKind::Loss | PlotKind::Mi => data.run.is_some_and(|r| !r.reports.is_empty()),
        })
        .collect()
}

/// The plot settings a workspace stores for the app's view.
pub fn plot_settings(state: &super::state::AppState) -> PlotSettings {
    PlotSettings {
        view: state.tab,
        data: state.data.clone(),
        calibration: state.calibration.clone(),
    }
}

/// The File menu.
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
        commands.push(Command::OpenWorkspace(None));
        ui.close();
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
        commands.push(Command::SaveWorkspace { as_new: false });
        ui.close();
    }
    if ui
        .add(egui::Button::new("Save workspace as…").shortcut_text("Ctrl+Shift+S"))
        .clicked()
    {
        commands.push(Command::SaveWorkspace { as_new: true });
        ui.close();
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
                            commands.push(Command::ExportFigure {
                                kind,
                                format,
                                width,
                            });
                            ui.close();
                        }
                    }
                    if ui.button("CSV of this plot").clicked() {
                        commands.push(Command::ExportCsv(kind));
                        ui.close();
                    }
                });
            }
        });
    });
    if ui
        .button("Export dataset (CSV)…")
        .on_hover_text("Rows at the data view's shift, with env_shift per row")
        .clicked()
    {
        commands.push(Command::ExportDataset);
        ui.close();
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
        let has = !files.typed.trim().is_empty();
        if ui
            .add_enabled(has, egui::Button::new("Open path"))
            .clicked()
        {
            commands.push(Command::OpenWorkspace(Some(PathBuf::from(
                files.typed.trim(),
            ))));
            ui.close();
        }
        if ui
            .add_enabled(has, egui::Button::new("Save to path"))
            .clicked()
        {
            commands.push(Command::SaveWorkspaceTo(PathBuf::from(files.typed.trim())));
            ui.close();
        }
        if ui
            .add_enabled(
                has && !kinds.is_empty(),
                egui::Button::new("Export all to folder"),
            )
            .on_hover_text("Every figure (SVG, PNG at both widths) and its CSV into this folder")
            .clicked()
        {
            commands.push(Command::ExportAll(PathBuf::from(files.typed.trim())));
            ui.close();
        }
    });
    ui.separator();
    if ui.button("Quit").clicked() {
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

/// The question before unsaved work is discarded.
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
                    commands.push(Command::AnswerDiscard {
                        save: true,
                        go_on: true,
                    });
                }
                if ui.button("Discard").clicked() {
                    commands.push(Command::AnswerDiscard {
                        save: false,
                        go_on: true,
                    });
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::AnswerDiscard {
                        save: false,
                        go_on: false,
                    });
                }
            });
        });
}

/// Adds `path` to the front of `recent`.
pub fn remember(recent: &mut Vec<String>, path: &Path) {
    let p = path.display().to_string();
    recent.retain(|r| *r != p);
    recent.insert(0, p);
    recent.truncate(MAX_RECENT);
}

/// Builds a workspace's JSON for comparison (unsaved-work check).
pub fn json_of(ws: &Workspace) -> Option<String> {
    ws.to_json().ok()
}
