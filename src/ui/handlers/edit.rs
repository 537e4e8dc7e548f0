//! Edits of the scenario and its layout: presets, nodes, edges, moves, layout, selection, and
//! undo and redo. Every edit is one undoable step; an edit the core refuses changes nothing and
//! is shown over the canvas.

use crate::scm::{Node, Role, Scenario, preset};
use crate::ui::app::{CrlApp, validation_of};
use crate::ui::command::{Command, Selection};
use crate::ui::history::{History, Snapshot};
use crate::ui::layout::{Layout, auto_layout};
use crate::ui::notice::Notice;

impl CrlApp {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            scenario: self.state.scenario.clone(),
            layout: self.state.layout.clone(),
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.state.scenario = s.scenario;
        self.state.layout = s.layout;
        self.scenario_changed();
        if let Selection::Node(n) = &self.selection
            && self.state.scenario.id(n).is_err()
        {
            self.selection = Selection::None;
        }
    }

    /// Call after the scenario changed: the data view resamples and validation reruns.
    pub(crate) fn scenario_changed(&mut self) {
        self.generation += 1;
        self.validation = validation_of(&self.state.scenario);
    }

    /// Applies an edit of the scenario (and layout) as one undoable step; an error leaves both
    /// as they were and is shown on the canvas.
    fn edit(
        &mut self,
        key: Option<&str>,
        f: impl FnOnce(&mut Scenario, &mut Layout) -> crate::Result<()>,
    ) -> bool {
        let before = self.snapshot();
        let mut scenario = before.scenario.clone();
        let mut layout = before.layout.clone();
        match f(&mut scenario, &mut layout) {
            Ok(()) => {
                if scenario != before.scenario || layout != before.layout {
                    self.history.record(before, key);
                    self.state.scenario = scenario;
                    self.state.layout = layout;
                    self.scenario_changed();
                }
                if self.notice.as_ref().is_some_and(|n| n.graph) {
                    self.notice = None;
                }
                true
            }
            Err(e) => {
                self.say(Notice::graph_error(format!("Refused: {e}")));
                false
            }
        }
    }

    pub(crate) fn load_preset(&mut self, name: &str) {
        match preset(name) {
            Ok(p) => {
                let layout = auto_layout(&p);
                let hints = p.hints.clone();
                let title = p.title.clone();
                self.edit(None, |s, l| {
                    *s = p;
                    *l = layout;
                    Ok(())
                });
                self.state.train.config.apply_hints(&hints);
                self.selection = Selection::None;
                self.say(Notice::info(format!(
                    "Loaded preset “{title}” (Ctrl+Z to go back)"
                )));
            }
            Err(e) => self.say(Notice::error(e.to_string())),
        }
    }

    pub(crate) fn add_node(&mut self, role: Role, pos: [f32; 2]) {
        let name = self.state.scenario.unique_name(match role {
            Role::Feature => "x",
            Role::Confounder => "c",
            Role::Outcome => "y",
            Role::Latent => "u",
            Role::Exposure => "o",
        });
        let added = self.edit(None, |s, l| {
            s.add_node(Scenario::default_node(&name, role))?;
            l.insert(name.clone(), pos);
            Ok(())
        });
        if added {
            self.selection = Selection::Node(name);
        }
    }

    pub(crate) fn delete_node(&mut self, name: &str) {
        if self.edit(None, |s, l| {
            s.remove_node(name)?;
            l.remove(name);
            Ok(())
        }) {
            self.selection = Selection::None;
        }
    }

    pub(crate) fn rename_node(&mut self, old: &str, new: &str) {
        let new = new.trim().to_owned();
        if self.edit(None, |s, l| {
            s.rename_node(old, &new)?;
            if let Some(p) = l.remove(old) {
                l.insert(new.clone(), p);
            }
            Ok(())
        }) {
            self.selection = Selection::Node(new);
        }
    }

    pub(crate) fn add_edge(&mut self, from: String, to: String) {
        if self.edit(None, |s, _| s.add_edge(&from, &to)) {
            self.selection = Selection::Edge { from, to };
        }
    }

    pub(crate) fn remove_edge(&mut self, from: &str, to: &str) {
        if self.edit(None, |s, _| s.remove_edge(from, to)) {
            self.selection = Selection::None;
        }
    }

    /// The inspector's edits of one node coalesce into one undo step while the pointer is down.
    pub(crate) fn set_node(&mut self, name: &str, node: Node) {
        let key = format!("node:{name}");
        self.edit(Some(&key), |s, _| s.set_node(name, node));
    }

    /// One drag of one node is one undo step.
    pub(crate) fn move_node(&mut self, name: &str, pos: [f32; 2]) {
        let key = format!("move:{name}");
        self.edit(Some(&key), |_, l| {
            l.insert(name.to_owned(), pos);
            Ok(())
        });
    }

    pub(crate) fn relayout(&mut self) {
        let layout = auto_layout(&self.state.scenario);
        self.edit(None, |_, l| {
            *l = layout;
            Ok(())
        });
    }

    pub(crate) fn delete_selection(&mut self) {
        match self.selection.clone() {
            Selection::Node(n) => self.handle_command(Command::DeleteNode(n)),
            Selection::Edge { from, to } => self.handle_command(Command::RemoveEdge { from, to }),
            Selection::None => {}
        }
    }

    pub(crate) fn undo(&mut self) {
        self.travel(History::undo, "Undone", "Nothing to undo");
    }

    pub(crate) fn redo(&mut self) {
        self.travel(History::redo, "Redone", "Nothing to redo");
    }

    /// Goes back or forward one step of `history`, saying where it went.
    fn travel(
        &mut self,
        step: fn(&mut History, Snapshot) -> Option<Snapshot>,
        done: &str,
        nothing: &str,
    ) {
        let current = self.snapshot();
        match step(&mut self.history, current) {
            Some(s) => {
                self.restore(s);
                self.say(Notice::info(done));
            }
            None => self.say(Notice::info(nothing)),
        }
    }
}
