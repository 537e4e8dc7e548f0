//! Keyboard shortcuts, as commands: open and save (with their dialogs, like the File menu's
//! items), undo, redo and delete. Editing shortcuts wait while a text field has the keyboard.

use std::path::Path;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::ui::command::Command;
use crate::ui::dialogs::{pick_open, pick_workspace_save, save_target};

/// The commands this frame's keys ask for. `workspace_file` is where "Save" writes.
pub fn shortcut_commands(ctx: &egui::Context, workspace_file: Option<&Path>) -> Vec<Command> {
    let mut out = Vec::new();
    let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
    let save_as = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
    let (open_pressed, save_as_pressed, save_pressed) = ctx.input_mut(|i| {
        let open = i.consume_shortcut(&open);
        let save_as = i.consume_shortcut(&save_as);
        let save = !save_as && i.consume_shortcut(&save);
        (open, save_as, save)
    });
    // The dialogs open outside `input_mut`, which holds egui's input lock.
    if open_pressed {
        out.push(Command::OpenWorkspace(pick_open()));
    }
    if save_as_pressed {
        out.push(Command::SaveWorkspace(pick_workspace_save()));
    } else if save_pressed {
        out.push(Command::SaveWorkspace(save_target(workspace_file)));
    }
    let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    let redo_y = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
    let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|i| {
        if typing {
            return;
        }
        if i.consume_shortcut(&redo) || i.consume_shortcut(&redo_y) {
            out.push(Command::Redo);
        } else if i.consume_shortcut(&undo) {
            out.push(Command::Undo);
        }
        if i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace) {
            out.push(Command::DeleteSelection);
        }
    });
    out
}
