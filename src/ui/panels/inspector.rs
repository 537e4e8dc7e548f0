//! The node inspector: role, dimension, mechanism, noise and parameters of the selected node (or
//! the weights of the selected edge). It edits a copy and pushes one `SetNode` per change; any
//! parameter can be marked as shifting, with a training and a test value.

use egui::{ComboBox, DragValue, Grid, RichText, Ui};

use crate::scm::{Node, Param, Role, Scenario};
use crate::ui::command::{Command, Selection};
use crate::ui::theme;

use super::node_parts::{mechanism_ui, noise_ui, param_ui, weights_ui};
use super::widgets::button_ui;

/// Inspector state that lives for a session: the name being typed.
#[derive(Debug, Default)]
pub struct Inspector {
    rename: Option<(String, String)>,
}

impl Inspector {
    /// Shows the inspector for `selection`, pushing edits onto `commands`.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        scenario: &Scenario,
        selection: &Selection,
        commands: &mut Vec<Command>,
    ) {
        match selection {
            Selection::None => {
                ui.weak("Select a node to edit it. Right-click the canvas to add one.");
            }
            Selection::Edge { from, to } => Self::edge_ui(ui, scenario, from, to, commands),
            Selection::Node(name) => self.node_ui(ui, scenario, name, commands),
        }
    }

    fn edge_ui(
        ui: &mut Ui,
        scenario: &Scenario,
        from: &str,
        to: &str,
        commands: &mut Vec<Command>,
    ) {
        let Ok(id) = scenario.id(to) else { return };
        let mut node = scenario.node(id).clone();
        ui.label(RichText::new(format!("Edge {from} -> {to}")).strong());
        let mut changed = false;
        if let Some(e) = node.parents.iter_mut().find(|e| e.from == from) {
            changed |= weights_ui(ui, e, to);
        }
        if changed {
            commands.push(Command::set_node(to, node));
        }
        if button_ui(ui, true, "Remove edge", "Delete this edge (Delete key)") {
            commands.push(Command::RemoveEdge {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
    }

    fn node_ui(
        &mut self,
        ui: &mut Ui,
        scenario: &Scenario,
        name: &str,
        commands: &mut Vec<Command>,
    ) {
        let Ok(id) = scenario.id(name) else { return };
        let original = scenario.node(id);
        let mut node: Node = original.clone();
        let mut changed = false;

        // Name: typed into a buffer, applied on Enter or when the field loses focus.
        let buf = match &mut self.rename {
            Some((n, b)) if n == name => b,
            _ => {
                self.rename = Some((name.to_owned(), name.to_owned()));
                match &mut self.rename {
                    Some((_, b)) => b,
                    None => return,
                }
            }
        };
        ui.horizontal(|ui| {
            let l = ui.label("name");
            let r = ui
                .text_edit_singleline(buf)
                .labelled_by(l.id)
                .on_hover_text(
                    "Letters, digits, _ or -; press Enter to rename (or r on the canvas)",
                );
            // `r` on the canvas asked to rename this node.
            let request = egui::Id::unique(super::graph::RENAME_REQUEST);
            if ui.ctx().data(|d| d.get_temp::<String>(request)).as_deref() == Some(name) {
                r.request_focus();
                ui.ctx().data_mut(|d| d.remove::<String>(request));
            }
            if r.lost_focus() && buf.as_str() != name {
                commands.push(Command::RenameNode {
                    old: name.to_owned(),
                    new: buf.clone(),
                });
            }
        });

        Grid::new("inspector")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                let l = ui.label("role").on_hover_text(
                    "feature: a model input; confounder: what the penalty removes from z; outcome: \
                 the label; latent: hidden from the model; exposure: decides which rows are logged",
                );
                ComboBox::from_id_salt("role")
                    .selected_text(
                        RichText::new(node.role.name()).color(theme::role_colour(node.role)),
                    )
                    .show_ui(ui, |ui| {
                        for r in Role::ALL {
                            changed |= ui
                                .selectable_value(
                                    &mut node.role,
                                    r,
                                    RichText::new(r.name()).color(theme::role_colour(r)),
                                )
                                .changed();
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("dimension");
                changed |= ui
                    .add(DragValue::new(&mut node.dim).range(1..=16))
                    .labelled_by(l.id)
                    .on_hover_text(
                        "Number of coordinates of this node (1 to 16); the outcome has 1",
                    )
                    .changed();
                ui.end_row();
                changed |= mechanism_ui(ui, &mut node.mechanism);
                changed |= noise_ui(ui, &mut node.noise);
            });

        ui.collapsing("bias", |ui| {
            let rows = node.mechanism.pre_rows(node.dim);
            if node.bias.is_empty() {
                if button_ui(
                    ui,
                    true,
                    "Add a bias",
                    "A constant added to the linear score",
                ) {
                    node.bias = vec![Param::Fixed(0.0); rows];
                    changed = true;
                }
            } else {
                for (i, b) in node.bias.iter_mut().enumerate() {
                    changed |= param_ui(
                        ui,
                        &format!("b[{i}]"),
                        b,
                        -100.0..=100.0,
                        "Constant added to this coordinate's score",
                    );
                }
            }
        });

        ui.collapsing(format!("parents ({})", node.parents.len()), |ui| {
            let mut remove = None;
            for e in &mut node.parents {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("from {}", e.from)).strong());
                    if ui
                        .small_button("remove")
                        .on_hover_text("Delete this edge")
                        .clicked()
                    {
                        remove = Some(e.from.clone());
                    }
                });
                changed |= weights_ui(ui, e, name);
            }
            if let Some(from) = remove {
                commands.push(Command::RemoveEdge {
                    from,
                    to: name.to_owned(),
                });
            }
            let candidates: Vec<&str> = scenario
                .nodes
                .iter()
                .map(|n| n.name.as_str())
                .filter(|n| *n != name && !scenario.has_edge(n, name))
                .collect();
            if !candidates.is_empty() {
                ComboBox::from_id_salt("add-parent")
                    .selected_text("Add parent…")
                    .show_ui(ui, |ui| {
                        for c in candidates {
                            if ui.selectable_label(false, c).clicked() {
                                commands.push(Command::AddEdge {
                                    from: c.to_owned(),
                                    to: name.to_owned(),
                                });
                            }
                        }
                    })
                    .response
                    .on_hover_text("Add an edge into this node (refused if it closes a cycle)");
            }
        });

        if changed {
            commands.push(Command::set_node(name, node));
        }
        if button_ui(
            ui,
            true,
            "Delete node",
            "Remove this node and its edges (Delete key)",
        ) {
            commands.push(Command::DeleteNode(name.to_owned()));
        }
    }
}
