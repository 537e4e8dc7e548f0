//! The graph canvas: nodes coloured by role, edges as arrows with a badge where they shift.
//! Drag a node to move it; drag from its dot (or Shift-drag it) onto another node to connect
//! them; right-click the canvas to add a node. The canvas only pushes commands: whether an
//! edge may be added is the core's decision (`Scenario::add_edge`).
//!
//! Over 400 lines: the canvas's hit testing, dragging, edge drawing and keys act on one shared
//! interaction state, kept in one place so a gesture cannot be half-handled.

use egui::{
    Align2, Color32, CornerRadius, FontId, Id, Key, Pos2, Rect, Role as A11yRole, Sense, Shape,
    Stroke, StrokeKind, Ui, Vec2, WidgetInfo, pos2, vec2,
};

use crate::scm::{Role, Scenario};

use crate::ui::command::{Command, Selection};
use crate::ui::layout::Layout;
use crate::ui::theme;

/// Canvas-only state that lives for a session: the edge being drawn.
#[derive(Debug, Default)]
pub struct GraphEditor {
    /// The node a connection is being dragged from.
    connecting: Option<String>,
    /// Where the pointer last was while connecting (the release frame may have none).
    last_pointer: Option<Pos2>,
}

const MARGIN: f32 = 34.0;
const NODE_H: f32 = 26.0;

struct Placed {
    name: String,
    role: Role,
    rect: Rect,
    shifting: bool,
}

fn to_screen(canvas: Rect, p: [f32; 2]) -> Pos2 {
    let inner = canvas.shrink2(vec2(MARGIN + 12.0, MARGIN));
    pos2(
        inner.min.x + p[0] * inner.width(),
        inner.min.y + p[1] * inner.height(),
    )
}

fn from_screen(canvas: Rect, s: Pos2) -> [f32; 2] {
    let inner = canvas.shrink2(vec2(MARGIN + 12.0, MARGIN));
    [
        ((s.x - inner.min.x) / inner.width().max(1.0)).clamp(0.0, 1.0),
        ((s.y - inner.min.y) / inner.height().max(1.0)).clamp(0.0, 1.0),
    ]
}

/// Where the segment from the centre of `r` towards `towards` leaves `r`.
fn exit_point(r: Rect, towards: Pos2) -> Pos2 {
    let c = r.center();
    let d = towards - c;
    if d.length_sq() < 1e-6 {
        return c;
    }
    let tx = if d.x.abs() > 1e-6 {
        (r.width() / 2.0) / d.x.abs()
    } else {
        f32::INFINITY
    };
    let ty = if d.y.abs() > 1e-6 {
        (r.height() / 2.0) / d.y.abs()
    } else {
        f32::INFINITY
    };
    c + d * tx.min(ty).min(1.0)
}

fn dist_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

fn arrow(painter: &egui::Painter, a: Pos2, b: Pos2, stroke: Stroke, dashed: bool) {
    if dashed {
        painter.extend(Shape::dashed_line(&[a, b], stroke, 6.0, 4.0));
    } else {
        painter.line_segment([a, b], stroke);
    }
    let dir = (b - a).normalized();
    let normal = vec2(-dir.y, dir.x);
    let head = 9.0;
    painter.add(Shape::convex_polygon(
        vec![
            b,
            b - dir * head + normal * head * 0.45,
            b - dir * head - normal * head * 0.45,
        ],
        stroke.color,
        Stroke::NONE,
    ));
}

impl GraphEditor {
    /// Draws the canvas into the available width, `height` points tall, and pushes what the
    /// user did onto `commands`. `banner` is a message shown along the canvas's bottom edge.
    #[allow(clippy::too_many_arguments)]
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        scenario: &Scenario,
        layout: &Layout,
        selection: &Selection,
        banner: Option<&str>,
        height: f32,
        commands: &mut Vec<Command>,
    ) {
        let (canvas, bg) =
            ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click());
        let painter = ui.painter_at(canvas);
        let visuals = ui.visuals().clone();
        painter.rect(
            canvas,
            CornerRadius::same(6),
            visuals.extreme_bg_color,
            visuals.widgets.noninteractive.bg_stroke,
            StrokeKind::Inside,
        );
        let font = FontId::proportional(13.0);
        let placed: Vec<Placed> = scenario
            .nodes
            .iter()
            .map(|n| {
                let p = layout.get(&n.name).copied().unwrap_or([0.5, 0.5]);
                let c = to_screen(canvas, p);
                let w = ui.ctx()
                    .fonts_mut(|f| f.layout_no_wrap(n.name.clone(), font.clone(), Color32::WHITE).size().x)
                    + 18.0;
                Placed {
                    name: n.name.clone(),
                    role: n.role,
                    rect: Rect::from_center_size(c, vec2(w.max(40.0), NODE_H)),
                    shifting: n.bias.iter().any(crate::scm::Param::is_shifting)
                        || n.noise.param().is_some_and(|(_, p)| p.is_shifting())
                        || matches!(n.mechanism, crate::scm::Mechanism::Threshold { threshold } if threshold.is_shifting()),
                }
            })
            .collect();
        let find = |name: &str| placed.iter().find(|p| p.name == name);

        // Edges first, under the nodes.
        let edge_colour = visuals.widgets.inactive.fg_stroke.color;
        let mut edges = Vec::new();
        for child in &scenario.nodes {
            for e in &child.parents {
                let (Some(a), Some(b)) = (find(&e.from), find(&child.name)) else {
                    continue;
                };
                let start = exit_point(a.rect, b.rect.center());
                let end = exit_point(b.rect, a.rect.center());
                let selected = *selection
                    == Selection::Edge {
                        from: e.from.clone(),
                        to: child.name.clone(),
                    };
                let stroke = if selected {
                    Stroke::new(3.0, visuals.selection.stroke.color)
                } else {
                    Stroke::new(1.6, edge_colour)
                };
                let shifting = e.is_shifting();
                arrow(&painter, start, end, stroke, shifting);
                if shifting {
                    let mid = start + (end - start) * 0.5;
                    painter.circle_filled(mid, 8.0, theme::WARNING);
                    painter.text(
                        mid,
                        Align2::CENTER_CENTER,
                        "Δ",
                        FontId::proportional(11.0),
                        Color32::BLACK,
                    );
                }
                edges.push((e.from.clone(), child.name.clone(), start, end));
            }
        }

        // Nodes, their ports, and their interaction.
        let pointer = ui.ctx().pointer_latest_pos();
        let shift_held = ui.input(|i| i.modifiers.shift);
        for p in &placed {
            let fill = theme::role_colour(p.role);
            let selected = *selection == Selection::Node(p.name.clone());
            let id = Id::unique(("graph-node", &p.name));
            let resp = ui.interact(p.rect, id, Sense::click_and_drag());
            let name = p.name.clone();
            resp.widget_info(|| WidgetInfo::labeled(A11yRole::Button, true, &name));
            let resp = resp.on_hover_text(
                "Drag to move · c: edge from the selected node to this one · r rename · d delete · \
                 o/f/k/l/e: outcome, feature, confounder, latent, exposure",
            );
            let stroke = if selected {
                Stroke::new(2.5, visuals.strong_text_color())
            } else if resp.hovered() {
                Stroke::new(1.5, visuals.strong_text_color())
            } else {
                Stroke::NONE
            };
            painter.rect(
                p.rect,
                CornerRadius::same(13),
                fill,
                stroke,
                StrokeKind::Outside,
            );
            painter.text(
                p.rect.center(),
                Align2::CENTER_CENTER,
                &p.name,
                font.clone(),
                theme::text_on(fill),
            );
            if p.shifting {
                let b = p.rect.right_top();
                painter.circle_filled(b, 7.0, theme::WARNING);
                painter.text(
                    b,
                    Align2::CENTER_CENTER,
                    "Δ",
                    FontId::proportional(10.0),
                    Color32::BLACK,
                );
            }
            // The port: drag from it to connect.
            let port = pos2(p.rect.center().x, p.rect.max.y + 5.0);
            let port_rect = Rect::from_center_size(port, vec2(12.0, 12.0));
            let port_resp = ui.interact(port_rect, id.with("port"), Sense::drag());
            let port_label = format!("connect from {}", p.name);
            port_resp.widget_info(|| WidgetInfo::labeled(A11yRole::Button, true, &port_label));
            let port_hot = port_resp.hovered() || port_resp.dragged();
            painter.circle(
                port,
                if port_hot { 5.5 } else { 4.0 },
                visuals.widgets.inactive.bg_fill,
                Stroke::new(1.2, fill),
            );

            if resp.clicked() {
                commands.push(Command::Select(Selection::Node(p.name.clone())));
            }
            if port_resp.drag_started() || (resp.drag_started() && shift_held) {
                self.connecting = Some(p.name.clone());
                commands.push(Command::Select(Selection::Node(p.name.clone())));
            } else if resp.dragged() && self.connecting.is_none() {
                let d = resp.drag_delta();
                if d != Vec2::ZERO {
                    let cur = to_screen(canvas, layout.get(&p.name).copied().unwrap_or([0.5, 0.5]));
                    commands.push(Command::MoveNode {
                        name: p.name.clone(),
                        pos: from_screen(canvas, cur + d),
                    });
                }
            }
            resp.on_hover_text(format!(
                "{} ({}). Drag to move, drag from the dot below (or Shift-drag) onto another node \
                 to add an edge, Delete to remove.",
                p.name,
                p.role.name()
            ));
        }

        // A connection being drawn.
        if let Some(from) = self.connecting.clone() {
            if pointer.is_some() {
                self.last_pointer = pointer;
            }
            let released = !ui.input(|i| i.pointer.primary_down());
            if let (Some(a), Some(ptr)) = (find(&from), self.last_pointer) {
                let start = pos2(a.rect.center().x, a.rect.max.y + 5.0);
                let target = placed
                    .iter()
                    .find(|q| q.rect.contains(ptr) && q.name != from);
                let colour = if target.is_some() {
                    visuals.selection.stroke.color
                } else {
                    edge_colour
                };
                arrow(&painter, start, ptr, Stroke::new(2.0, colour), true);
                if released {
                    if let Some(t) = target {
                        commands.push(Command::AddEdge {
                            from: from.clone(),
                            to: t.name.clone(),
                        });
                    }
                    self.connecting = None;
                    self.last_pointer = None;
                }
            } else {
                self.connecting = None;
            }
        }

        let hovered = pointer
            .filter(|p| canvas.contains(*p))
            .and_then(|p| placed.iter().find(|n| n.rect.contains(p)))
            .map(|n| n.name.as_str());
        if pointer.is_some_and(|p| canvas.contains(p)) {
            keys_ui(ui, canvas, hovered, scenario, selection, commands);
        }

        // The background: select edges, clear the selection, add nodes.
        if bg.clicked() {
            let hit = bg.interact_pointer_pos().and_then(|ptr| {
                edges
                    .iter()
                    .map(|(f, t, a, b)| (dist_to_segment(ptr, *a, *b), f, t))
                    .filter(|(d, _, _)| *d < 6.0)
                    .min_by(|x, y| x.0.total_cmp(&y.0))
            });
            commands.push(Command::Select(match hit {
                Some((_, f, t)) => Selection::Edge {
                    from: f.clone(),
                    to: t.clone(),
                },
                None => Selection::None,
            }));
        }
        let click_pos = bg.interact_pointer_pos().map(|p| from_screen(canvas, p));
        bg.context_menu(|ui| {
            ui.label("Add a node here");
            for role in Role::ALL {
                if ui.button(format!("{} node", role.name())).clicked() {
                    commands.push(Command::AddNode {
                        role,
                        pos: click_pos.unwrap_or([0.5, 0.5]),
                    });
                    ui.close();
                }
            }
        });
        if scenario.nodes.is_empty() {
            painter.text(
                canvas.center(),
                Align2::CENTER_CENTER,
                "Right-click to add a node, or load a preset",
                FontId::proportional(13.0),
                visuals.weak_text_color(),
            );
        }
        if let Some(text) = banner {
            let r = Rect::from_min_max(pos2(canvas.min.x, canvas.max.y - 24.0), canvas.max);
            painter.rect_filled(r, CornerRadius::same(4), theme::ERROR.gamma_multiply(0.9));
            painter.text(
                r.left_center() + vec2(8.0, 0.0),
                Align2::LEFT_CENTER,
                text,
                FontId::proportional(12.5),
                Color32::WHITE,
            );
        }
        // Legend of roles along the top edge.
        let mut x = canvas.min.x + 8.0;
        for role in Role::ALL {
            let c = theme::role_colour(role);
            painter.circle_filled(pos2(x + 4.0, canvas.min.y + 11.0), 4.0, c);
            let r = painter.text(
                pos2(x + 11.0, canvas.min.y + 11.0),
                Align2::LEFT_CENTER,
                role.name(),
                FontId::proportional(10.5),
                visuals.weak_text_color(),
            );
            x = r.max.x + 8.0;
        }
    }
}

/// The key that asks the inspector to focus the name field of the node it shows.
pub const RENAME_REQUEST: &str = "crl-rename-request";

/// DAGitty-like keys with the pointer over the canvas (none while a text field has the
/// keyboard): `n` a new feature node at the pointer; `c` an edge from the selected node to the
/// node under the pointer; `r` rename; `d` (or Delete) delete; `o`, `f`, `k`, `l`, `e` the role
/// (outcome, feature, confounder, latent, exposure). A key acts on the node under the pointer,
/// or else on the selected node.
fn keys_ui(
    ui: &Ui,
    canvas: Rect,
    hovered: Option<&str>,
    scenario: &Scenario,
    selection: &Selection,
    commands: &mut Vec<Command>,
) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let pressed = |k: Key| ui.input(|i| i.key_pressed(k) && i.modifiers.is_none());
    let selected = match selection {
        Selection::Node(n) => Some(n.as_str()),
        _ => None,
    };
    let target = hovered.or(selected);
    if pressed(Key::N)
        && let Some(p) = ui.ctx().pointer_latest_pos()
    {
        commands.push(Command::AddNode {
            role: Role::Feature,
            pos: from_screen(canvas, p),
        });
    }
    if pressed(Key::C)
        && let (Some(from), Some(to)) = (selected, hovered)
        && from != to
    {
        commands.push(Command::AddEdge {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
    let Some(name) = target else { return };
    if pressed(Key::D) {
        commands.push(Command::DeleteNode(name.to_owned()));
    }
    if pressed(Key::R) {
        commands.push(Command::Select(Selection::Node(name.to_owned())));
        ui.ctx()
            .data_mut(|d| d.insert_temp(Id::unique(RENAME_REQUEST), name.to_owned()));
    }
    for (key, role) in [
        (Key::O, Role::Outcome),
        (Key::F, Role::Feature),
        (Key::K, Role::Confounder),
        (Key::L, Role::Latent),
        (Key::E, Role::Exposure),
    ] {
        if pressed(key)
            && let Ok(id) = scenario.id(name)
            && scenario.node(id).role != role
        {
            let mut node = scenario.node(id).clone();
            node.role = role;
            commands.push(Command::set_node(name, node));
        }
    }
}
