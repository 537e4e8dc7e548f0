//! Small widgets more than one panel shows, written once so that they stay alike: the Add-node
//! menu, Undo and Redo, the tab choice, a labelled value, a button with its tip and the
//! estimator choice.

use egui::{Button, ComboBox, Id, Response, Ui, Widget};

use crate::mi::EstimatorKind;
use crate::scm::Role;
use crate::ui::command::Command;
use crate::ui::highlight::mark;
use crate::ui::history::History;
use crate::ui::layout::{Layout, free_spot};
use crate::ui::state::Tab;

/// A menu of node roles under `label`; the chosen node goes to a free spot of `layout`.
pub fn add_node_menu_ui(
    ui: &mut Ui,
    label: &str,
    layout: &Layout,
    commands: &mut Vec<Command>,
) -> Response {
    ui.menu_button(label, |ui| {
        for role in Role::ALL {
            if ui.button(role.name()).clicked() {
                commands.push(Command::AddNode {
                    role,
                    pos: free_spot(layout),
                });
            }
        }
    })
    .response
}

/// Where a button shows its keyboard shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShortcutHint {
    /// Beside the label, as menus do.
    BesideLabel,
    /// In the tooltip, as toolbars do (the label stays short).
    Tooltip,
}

/// Undo and Redo, each enabled when there is something to undo or redo.
pub fn undo_redo_ui(
    ui: &mut Ui,
    history: &History,
    hint: ShortcutHint,
    commands: &mut Vec<Command>,
) {
    for (label, shortcut, enabled, command) in [
        ("Undo", "Ctrl+Z", history.can_undo(), Command::Undo),
        ("Redo", "Ctrl+Shift+Z", history.can_redo(), Command::Redo),
    ] {
        let button = egui::Button::new(label);
        let clicked = match hint {
            ShortcutHint::BesideLabel => ui
                .add_enabled(enabled, button.shortcut_text(shortcut))
                .clicked(),
            ShortcutHint::Tooltip => ui
                .add_enabled(enabled, button)
                .on_hover_text(shortcut)
                .clicked(),
        };
        if clicked {
            commands.push(command);
        }
    }
}

/// One selectable label per tab, `current` highlighted (the tab bar and the View menu).
pub fn tab_choice_ui(ui: &mut Ui, current: Tab, commands: &mut Vec<Command>) {
    for t in Tab::ALL {
        let r = ui.selectable_label(current == t, t.label());
        mark(&r, &format!("tab:{}", t.key()));
        if r.clicked() {
            commands.push(Command::SetTab(t));
        }
    }
}

/// `widget` after a label that names it for screen readers and tests, `tip` on the label.
/// Returns the widget's response.
pub fn labelled_ui(ui: &mut Ui, label: &str, tip: &str, widget: impl Widget) -> Response {
    let l = ui.label(label).on_hover_text(tip);
    ui.add(widget).labelled_by(l.id)
}

/// A button labelled `label` with `tip` on it, greyed out unless `enabled`; whether it was
/// clicked.
pub fn button_ui(ui: &mut Ui, enabled: bool, label: &str, tip: &str) -> bool {
    ui.add_enabled(enabled, Button::new(label))
        .on_hover_text(tip)
        .clicked()
}

/// A choice of MI estimator, named by the label `label_id`; returns whether it changed.
pub fn estimator_choice_ui(
    ui: &mut Ui,
    id_salt: &str,
    label_id: Id,
    estimator: &mut EstimatorKind,
) -> bool {
    let mut changed = false;
    ComboBox::from_id_salt(id_salt)
        .selected_text(estimator.name())
        .show_ui(ui, |ui| {
            for k in EstimatorKind::ALL {
                changed |= ui.selectable_value(estimator, k, k.name()).changed();
            }
        })
        .response
        .labelled_by(label_id);
    changed
}
