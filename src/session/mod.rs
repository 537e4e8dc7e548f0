//! The session: what a workspace file holds (scenario, layout, settings, view state, results and
//! pinned runs), the recovery file an unclean exit leaves, and guided lessons with the
//! conditions that move their steps on. Figures and CSVs built from a session are `export`'s.

mod lesson;
mod pinned;
mod recovery;
mod view;
mod workspace;

pub use lesson::{
    LESSON_FORMAT, LESSON_VERSION, Lesson, LessonCounts, LessonFacts, LessonStep, STEP_KINDS,
    StepDone, baseline_drop, builtin_lessons, step_done, waits_when_held,
};
pub use pinned::{
    PinnedCurve, PinnedRow, PinnedRun, differences, pinned_curves, pinned_rows, unique_name,
};
pub use recovery::{
    RECOVERY_FORMAT, RECOVERY_VERSION, Recovery, process_alive, recovery_path, unclean_sessions,
};
pub use view::{ColourBy, DataSettings, PlotSettings, RepresentationView, Tab};
pub use workspace::{NodeLayout, WORKSPACE_FORMAT, WORKSPACE_VERSION, Workspace};
