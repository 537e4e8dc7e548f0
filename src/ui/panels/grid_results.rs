//! The Grid results window (File ▸ Open grid results…): the figures `crl-lab grid collect`
//! wrote into a grid's folder, each the PNG it wrote, with its title; the grid's hash and how
//! many cells the figures cover. A folder is typed or picked; opening it is a command, and the
//! window keeps only the textures of the images it shows.

use std::path::PathBuf;

use egui::RichText;

use crate::ui::command::Command;
use crate::ui::dialogs::pick_folder;
use crate::ui::grid_forms::GridResultsView;

/// The window's textures, made from the decoded images the first time they are drawn.
#[derive(Default)]
pub struct GridResultsPanel {
    /// The folder the textures belong to, and one texture per figure.
    textures: Option<(PathBuf, Vec<Option<egui::TextureHandle>>)>,
}

impl GridResultsPanel {
    /// Shows the window while `view.open`.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        view: &mut GridResultsView,
        commands: &mut Vec<Command>,
    ) {
        let mut open = view.open;
        egui::Window::new("Grid results")
            .open(&mut open)
            .resizable(true)
            .default_width(560.0)
            .default_height(620.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let l = ui.label("grid folder");
                    ui.add(egui::TextEdit::singleline(&mut view.path).desired_width(280.0))
                        .labelled_by(l.id);
                    if ui
                        .add_enabled(!view.path.trim().is_empty(), egui::Button::new("Open"))
                        .clicked()
                    {
                        commands.push(Command::OpenGridResults(Some(PathBuf::from(
                            view.path.trim(),
                        ))));
                    }
                    if ui.button("Choose folder…").clicked() {
                        commands.push(Command::OpenGridResults(pick_folder(
                            "Open a collected grid",
                        )));
                    }
                });
                let Some(shown) = &view.shown else {
                    ui.label(
                        RichText::new(
                            "A grid's folder after `crl-lab grid collect` (or its collected/ \
                             folder).",
                        )
                        .weak(),
                    );
                    return;
                };
                ui.label(format!(
                    "`{}`: {} figures from {} of {} cells · grid fnv1a64:{}",
                    shown.index.name,
                    shown.index.figures.len(),
                    shown.index.cells_done,
                    shown.index.cells,
                    shown.index.grid_hash
                ));
                let fresh = !matches!(&self.textures, Some((f, t)) if *f == shown.folder && t.len() == shown.images.len());
                if fresh {
                    self.textures = Some((shown.folder.clone(), vec![None; shown.images.len()]));
                }
                let Some((_, textures)) = &mut self.textures else {
                    return;
                };
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for ((fig, image), tex) in
                        shown.index.figures.iter().zip(&shown.images).zip(textures)
                    {
                        ui.add_space(6.0);
                        ui.strong(&fig.title);
                        match image {
                            Ok(img) => {
                                let t = tex.get_or_insert_with(|| {
                                    ui.ctx().load_texture(
                                        format!("grid:{}", fig.name),
                                        img.clone(),
                                        egui::TextureOptions::LINEAR,
                                    )
                                });
                                let w = ui.available_width().min(img.size[0] as f32);
                                let h = w * img.size[1] as f32 / img.size[0].max(1) as f32;
                                ui.add(
                                    egui::Image::new((t.id(), egui::vec2(w, h)))
                                        .alt_text(fig.title.as_str()),
                                );
                            }
                            Err(e) => {
                                ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
                            }
                        }
                        ui.label(
                            RichText::new(format!("{} · {} · {}", fig.svg, fig.png, fig.csv))
                                .weak()
                                .small(),
                        );
                    }
                });
            });
        if !open {
            commands.push(Command::ShowGridResults(false));
        }
    }
}
