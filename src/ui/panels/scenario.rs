//! The left panel: the scenario's title and edit buttons, the graph canvas, the validation
//! messages, and below them the inspector and the scenario's description.

use crate::ui::highlight::mark;
use egui::{RichText, Ui};

use crate::ui::app_view::AppView;
use crate::ui::command::Command;
use crate::ui::theme;

use super::graph::GraphEditor;
use super::inspector::Inspector;
use super::widgets::{ShortcutHint, add_node_menu_ui, undo_redo_ui};

/// Height of the graph canvas, in points.
const CANVAS_HEIGHT: f32 = 300.0;

/// The panel and the widget state of its canvas and inspector.
#[derive(Debug, Default)]
pub struct ScenarioPanel {
    graph: GraphEditor,
    inspector: Inspector,
}

impl ScenarioPanel {
    /// Shows the panel.
    pub fn ui(&mut self, ui: &mut Ui, app: &AppView<'_>, commands: &mut Vec<Command>) {
        let state = app.state;
        ui.horizontal(|ui| {
            ui.heading("Scenario");
            ui.weak(&state.scenario.title);
        });
        ui.horizontal(|ui| {
            let r = add_node_menu_ui(ui, "+ Node", &state.layout, commands)
                .on_hover_text("Add a node (or right-click the canvas)");
            mark(&r, "add_node");
            if ui
                .button("Layout")
                .on_hover_text("Arrange the nodes by depth")
                .clicked()
            {
                commands.push(Command::AutoLayout);
            }
            undo_redo_ui(ui, app.history, ShortcutHint::Tooltip, commands);
        });
        let banner = app.notice.filter(|n| n.graph).map(|n| n.text.as_str());
        self.graph.ui(
            ui,
            &state.scenario,
            &state.layout,
            app.selection,
            banner,
            CANVAS_HEIGHT,
            commands,
        );
        match app.validation {
            Err(e) => {
                ui.colored_label(theme::ERROR, e.as_str());
            }
            Ok(w) => {
                for w in w {
                    ui.colored_label(theme::WARNING, w.as_str());
                }
            }
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::CollapsingHeader::new("Inspector")
                    .default_open(true)
                    .show(ui, |ui| {
                        self.inspector
                            .ui(ui, &state.scenario, app.selection, commands);
                    });
                egui::CollapsingHeader::new("About this scenario")
                    .default_open(true)
                    .show(ui, |ui| {
                        ui.label(RichText::new(&state.scenario.title).strong());
                        ui.label(&state.scenario.description);
                    });
            });
    }
}
