//! Guided lessons: the lesson file format, and the conditions on the app's state that say a
//! step was done (a pure function over a snapshot the app fills, so no window is needed to
//! test it).

mod condition;
mod file;

pub use condition::{LessonCounts, LessonFacts, baseline_drop, step_done, waits_when_held};
pub use file::{
    LESSON_FORMAT, LESSON_VERSION, Lesson, LessonStep, STEP_KINDS, StepDone, builtin_lessons,
};
