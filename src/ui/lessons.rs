//! The lessons the app knows (the built-in ones and the files the student opened) and what the
//! current step's condition is measured against: counts of finished runs, sweeps and
//! calibrations, and the node count, taken when the step began.

use crate::session::{Lesson, LessonCounts, builtin_lessons};

/// The app's lessons and the bookkeeping of the current step.
#[derive(Debug)]
pub struct Lessons {
    /// Every lesson, built-in first.
    pub all: Vec<Lesson>,
    /// The counts now.
    pub now: LessonCounts,
    /// The counts when the current step began.
    pub at_step: LessonCounts,
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
            now: LessonCounts::default(),
            at_step: LessonCounts::default(),
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
