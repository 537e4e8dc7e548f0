//! Undo and redo: snapshots of the scenario and its layout, taken before each edit.

use crate::scm::Scenario;
use crate::ui::layout::Layout;

/// A scenario and its layout: the unit of undo.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The graph.
    pub scenario: Scenario,
    /// Where its nodes sit.
    pub layout: Layout,
}

/// Undo and redo stacks of snapshots. Consecutive edits with the same coalescing key (dragging
/// one node, dragging one slider) form one undo step until [`History::seal`] is called (the app
/// seals whenever no pointer button is held).
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    open_key: Option<String>,
}

/// How many edits can be undone.
const MAX_UNDO: usize = 200;

impl History {
    /// Records `before` (the state before an edit). `key` groups a run of edits into one step.
    pub fn record(&mut self, before: Snapshot, key: Option<&str>) {
        let coalesce = key.is_some() && self.open_key.as_deref() == key;
        if !coalesce {
            self.undo.push(before);
            if self.undo.len() > MAX_UNDO {
                self.undo.remove(0);
            }
        }
        self.open_key = key.map(str::to_owned);
        self.redo.clear();
    }

    /// Ends the current run of coalesced edits.
    pub fn seal(&mut self) {
        self.open_key = None;
    }

    /// The state to go back to, given the current one.
    pub fn undo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let prev = self.undo.pop()?;
        self.redo.push(current);
        self.open_key = None;
        Some(prev)
    }

    /// The state to go forward to, given the current one.
    pub fn redo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.open_key = None;
        Some(next)
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
