//! The lessons the app knows (the built-in ones and the files the student opened) and what the
//! current step's condition is measured against: counts of finished runs, sweeps and
//! calibrations, and the node count, taken when the step began.

use crate::export::{Lesson, builtin_lessons};

/// What has happened so far, counted frame by frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Compare runs that finished.
    pub runs: usize,
    /// β sweeps that finished.
    pub sweeps: usize,
    /// Calibrations that finished without an error.
    pub calibrations: usize,
    /// Nodes of the scenario.
    pub nodes: usize,
}

/// The app's lessons and the bookkeeping of the current step.
#[derive(Debug)]
pub struct Lessons {
    /// Every lesson, built-in first.
    pub all: Vec<Lesson>,
    /// The counts now.
    pub now: Counts,
    /// The counts when the current step began.
    pub at_step: Counts,
    /// Last frame: a run was active, a calibration running.
    pub was: (bool, bool),
    /// The path typed in the Lessons menu.
    pub path: String,
    /// Whether the current step's condition held when it was first checked (`None` until
    /// then): a step whose condition already holds waits for Next instead of vanishing.
    pub entry: Option<bool>,
}

impl Default for Lessons {
    fn default() -> Self {
        Lessons {
            all: builtin_lessons(),
            now: Counts::default(),
            at_step: Counts::default(),
            was: (false, false),
            path: String::new(),
            entry: None,
        }
    }
}

impl Lessons {
    /// The lesson with this id.
    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.all.iter().find(|l| l.id == id)
    }
}
