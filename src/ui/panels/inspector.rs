//! The node inspector: role, dimension, mechanism, noise and parameters of the selected node (or
//! the weights of the selected edge). It edits a copy and pushes one `SetNode` per change; any
//! parameter can be marked as shifting, with a training and a test value.

use egui::{ComboBox, DragValue, Grid, RichText, Ui};

use crate::scm::{Activation, Edge, Mechanism, Node, Noise, Param, Role, Scenario};

use crate::ui::command::{Command, Selection};
use crate::ui::theme;

/// Inspector state that lives for a session: the name being typed.
#[derive(Debug, Default)]
pub struct Inspector {
    rename: Option<(String, String)>,
}

/// One value of a parameter, named by the label `label_id`; returns whether it changed.
fn value_ui(
    ui: &mut Ui,
    v: &mut f64,
    range: &std::ops::RangeInclusive<f64>,
    label_id: egui::Id,
    tip: &str,
) -> bool {
    ui.add(
        DragValue::new(v)
            .speed(0.02)
            .range(range.clone())
            .max_decimals(3),
    )
    .labelled_by(label_id)
    .on_hover_text(tip)
    .changed()
}

/// A labelled number with a "shifts" toggle; returns whether it changed. `range` bounds the
/// value (probabilities, scales).
fn param_ui(
    ui: &mut Ui,
    label: &str,
    p: &mut Param,
    range: std::ops::RangeInclusive<f64>,
    tip: &str,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label).on_hover_text(tip);
        match p {
            Param::Fixed(v) => changed |= value_ui(ui, v, &range, l.id, tip),
            Param::Shifting { train, test } => {
                let t = ui.weak("train");
                changed |= value_ui(
                    ui,
                    train,
                    &range,
                    t.id,
                    "value in the training environment (s = 0)",
                );
                let t = ui.weak("test");
                changed |= value_ui(
                    ui,
                    test,
                    &range,
                    t.id,
                    "value in the test environment (s = 1); s interpolates",
                );
            }
        }
        let mut shifting = matches!(p, Param::Shifting { .. });
        if ui
            .checkbox(&mut shifting, "Δ")
            .on_hover_text("Shifts between environments: set a training and a test value")
            .changed()
        {
            *p = if shifting {
                let v = p.at(0.0);
                Param::Shifting { train: v, test: v }
            } else {
                Param::Fixed(p.at(0.0))
            };
            changed = true;
        }
    });
    changed
}

/// A choice among `options` (each a variant with default parameters), named by their names;
/// picking another variant replaces `value` by that option. Returns whether it changed.
fn variant_choice_ui<T, const N: usize>(
    ui: &mut Ui,
    id_salt: &str,
    label_id: egui::Id,
    value: &mut T,
    options: [T; N],
    name: fn(&T) -> &'static str,
) -> bool {
    let mut changed = false;
    let current = name(value);
    ComboBox::from_id_salt(id_salt)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for o in options {
                let n = name(&o);
                if ui.selectable_label(current == n, n).clicked() && current != n {
                    *value = o;
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(label_id);
    changed
}

fn mechanism_ui(ui: &mut Ui, m: &mut Mechanism) -> bool {
    let l = ui.label("mechanism").on_hover_text(
        "How the node combines its parents: linear, a nonlinearity of a linear map, or a discrete \
         draw (logistic/threshold: binary; categorical: softmax over classes)",
    );
    let options = [
        Mechanism::Linear,
        Mechanism::Nonlinear {
            activation: Activation::Tanh,
        },
        Mechanism::Logistic,
        Mechanism::Threshold {
            threshold: Param::Fixed(0.0),
        },
        Mechanism::Categorical { classes: 3 },
    ];
    let mut changed = variant_choice_ui(ui, "mechanism", l.id, m, options, Mechanism::name);
    ui.end_row();
    match m {
        Mechanism::Nonlinear { activation } => {
            let l = ui.label("activation");
            ComboBox::from_id_salt("activation")
                .selected_text(format!("{activation:?}").to_lowercase())
                .show_ui(ui, |ui| {
                    for a in [
                        Activation::Tanh,
                        Activation::Relu,
                        Activation::Sigmoid,
                        Activation::Sin,
                        Activation::Square,
                    ] {
                        changed |= ui
                            .selectable_value(activation, a, format!("{a:?}").to_lowercase())
                            .changed();
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
        }
        Mechanism::Threshold { threshold } => {
            ui.label("");
            changed |= param_ui(
                ui,
                "threshold",
                threshold,
                -10.0..=10.0,
                "1 when the linear score exceeds this",
            );
            ui.end_row();
        }
        Mechanism::Categorical { classes } => {
            let l = ui.label("classes");
            changed |= ui
                .add(DragValue::new(classes).range(2..=12))
                .labelled_by(l.id)
                .on_hover_text("Number of categories (2 to 12)")
                .changed();
            ui.end_row();
        }
        _ => {}
    }
    changed
}

fn noise_ui(ui: &mut Ui, n: &mut Noise) -> bool {
    let l = ui.label("noise").on_hover_text(
        "Exogenous noise: added to a continuous node, or a label flip for a discrete one",
    );
    let one = Param::Fixed(1.0);
    let options = [
        Noise::None,
        Noise::Gaussian { sd: one },
        Noise::Uniform { half_width: one },
        Noise::Laplace { scale: one },
        Noise::LabelFlip {
            prob: Param::Fixed(0.1),
        },
    ];
    let mut changed = variant_choice_ui(ui, "noise", l.id, n, options, Noise::name);
    ui.end_row();
    let (label, tip, range) = match n {
        Noise::Gaussian { .. } => (
            "sd",
            "Standard deviation of the Gaussian noise (≥ 0)",
            0.0..=100.0,
        ),
        Noise::Uniform { .. } => (
            "half width",
            "Noise is uniform on [-w, w] (≥ 0)",
            0.0..=100.0,
        ),
        Noise::Laplace { .. } => ("scale", "Scale of the Laplace noise (≥ 0)", 0.0..=100.0),
        Noise::LabelFlip { .. } => (
            "flip prob.",
            "Probability that the drawn label is flipped (0 to 1)",
            0.0..=1.0,
        ),
        Noise::None => return changed,
    };
    let p = match n {
        Noise::Gaussian { sd } => sd,
        Noise::Uniform { half_width } => half_width,
        Noise::Laplace { scale } => scale,
        Noise::LabelFlip { prob } => prob,
        Noise::None => return changed,
    };
    ui.label("");
    changed |= param_ui(ui, label, p, range, tip);
    ui.end_row();
    changed
}

fn weights_ui(ui: &mut Ui, e: &mut Edge, child: &str) -> bool {
    let mut changed = false;
    let rows = e.weights.len();
    for (r, row) in e.weights.iter_mut().enumerate() {
        for (c, w) in row.iter_mut().enumerate() {
            let label = if rows == 1 && row_len_one(c) {
                format!("{} -> {child}", e.from)
            } else {
                format!("w[{r}][{c}]")
            };
            changed |= param_ui(
                ui,
                &label,
                w,
                -100.0..=100.0,
                "Weight of this parent coordinate in the child's linear score",
            );
        }
    }
    changed
}

fn row_len_one(c: usize) -> bool {
    c == 0
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
            Selection::Edge { from, to } => self.edge_ui(ui, scenario, from, to, commands),
            Selection::Node(name) => self.node_ui(ui, scenario, name, commands),
        }
    }

    fn edge_ui(
        &mut self,
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
            commands.push(Command::SetNode {
                name: to.to_owned(),
                node: Box::new(node),
            });
        }
        if ui
            .button("Remove edge")
            .on_hover_text("Delete this edge (Delete key)")
            .clicked()
        {
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
                .on_hover_text("Letters, digits, _ or -; press Enter to rename");
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
                if ui
                    .button("Add a bias")
                    .on_hover_text("A constant added to the linear score")
                    .clicked()
                {
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
            commands.push(Command::SetNode {
                name: name.to_owned(),
                node: Box::new(node),
            });
        }
        if ui
            .button("Delete node")
            .on_hover_text("Remove this node and its edges (Delete key)")
            .clicked()
        {
            commands.push(Command::DeleteNode(name.to_owned()));
        }
    }
}
