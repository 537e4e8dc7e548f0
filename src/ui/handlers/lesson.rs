//! Lessons: starting one, moving through its steps (by the app's state, or by Next, Back, Skip
//! and Restart), opening a teacher's lesson file (read on the file thread), and checking each
//! frame whether the current step's condition holds (`session::step_done` decides).

use std::path::{Path, PathBuf};

use crate::experiment::{RunMode, RunState};
use crate::session::{Lesson, LessonFacts, LessonStep, baseline_drop, step_done, waits_when_held};
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::worker::FileTask;

impl CrlApp {
    /// The lesson going on and its current step.
    pub(crate) fn current_lesson(&self) -> Option<(&Lesson, usize)> {
        let p = &self.state.lesson;
        let lesson = self.lessons.get(p.active.as_deref()?)?;
        Some((lesson, p.step.min(lesson.steps.len().saturating_sub(1))))
    }

    fn current_step(&self) -> Option<&LessonStep> {
        self.current_lesson().map(|(l, i)| &l.steps[i])
    }

    /// Starts the lesson `id` at its first step (the panel unfolds).
    pub(crate) fn start_lesson(&mut self, id: &str) {
        if self.lessons.get(id).is_none() {
            return self.say(Notice::error(format!("No lesson `{id}`")));
        }
        let p = &mut self.state.lesson;
        p.active = Some(id.to_owned());
        p.step = 0;
        p.collapsed = false;
        self.lessons.at_step = self.lessons.now;
        self.lessons.entry = None;
    }

    /// Goes to the next step, finishing the lesson after its last.
    pub(crate) fn lesson_next(&mut self) {
        let Some((lesson, i)) = self.current_lesson() else {
            return;
        };
        let (n, id, title) = (lesson.steps.len(), lesson.id.clone(), lesson.title.clone());
        self.lessons.at_step = self.lessons.now;
        self.lessons.entry = None;
        let p = &mut self.state.lesson;
        if i + 1 < n {
            p.step = i + 1;
        } else {
            p.active = None;
            p.step = 0;
            if !p.completed.contains(&id) {
                p.completed.push(id);
            }
            self.say(Notice::info(format!("Lesson complete: {title}")));
        }
    }

    /// Goes back one step.
    pub(crate) fn lesson_back(&mut self) {
        let p = &mut self.state.lesson;
        p.step = p.step.saturating_sub(1);
        self.lessons.at_step = self.lessons.now;
        self.lessons.entry = None;
    }

    /// Starts the current lesson again.
    pub(crate) fn lesson_restart(&mut self) {
        if let Some(id) = self.state.lesson.active.clone() {
            self.start_lesson(&id);
        }
    }

    /// Ends the lesson without finishing it.
    pub(crate) fn lesson_close(&mut self) {
        self.state.lesson.active = None;
        self.state.lesson.step = 0;
    }

    /// Reads a lesson file and starts it; a bad file is refused with its message and nothing
    /// else changes.
    pub(crate) fn open_lesson(&mut self, path: Option<PathBuf>) {
        let Some(path) = path else {
            return self.say(Notice::info(
                "No file picked (type its path in the Lessons menu instead)",
            ));
        };
        self.queue_file(FileTask::ReadLesson { path, start: true });
    }

    /// Reads the lesson files opened in earlier sessions (a file gone or changed says so).
    pub(crate) fn reread_lessons(&mut self) {
        for path in self.state.lesson.files.clone() {
            self.queue_file(FileTask::ReadLesson {
                path: PathBuf::from(path),
                start: false,
            });
        }
    }

    /// Takes in a lesson file the file thread read: into the list (replacing one of the same
    /// id), remembered and started when it was opened from the menu; a bad file is refused with
    /// its message and nothing else changes.
    pub(crate) fn lesson_read(
        &mut self,
        path: &Path,
        start: bool,
        result: crate::Result<Box<Lesson>>,
    ) {
        let lesson = match result {
            Ok(l) => *l,
            Err(e) => return self.say(Notice::error(format!("Cannot use the lesson: {e}"))),
        };
        let id = lesson.id.clone();
        match self.lessons.all.iter_mut().find(|l| l.id == id) {
            Some(l) => *l = lesson,
            None => self.lessons.all.push(lesson),
        }
        if start {
            let text = path.display().to_string();
            if !self.state.lesson.files.contains(&text) {
                self.state.lesson.files.push(text);
            }
            self.start_lesson(&id);
        }
    }

    /// Each frame: counts the runs, sweeps and calibrations that finished, then moves on if the
    /// current step's condition holds.
    pub(crate) fn lesson_frame(&mut self) {
        let run_active = self.run.as_ref().is_some_and(|r| r.state.is_active());
        let (was_run, was_calibrating) = self.lessons.was;
        if was_run
            && !run_active
            && let Some(run) = &self.run
            && run.state == RunState::Done
        {
            match run.mode {
                RunMode::Compare => self.lessons.now.runs += 1,
                RunMode::BetaSweep => self.lessons.now.sweeps += 1,
            }
        }
        if was_calibrating && !self.calibration.running && self.calibration.error.is_none() {
            self.lessons.now.calibrations += 1;
        }
        self.lessons.was = (run_active, self.calibration.running);
        self.lessons.now.nodes = self.state.scenario.nodes.len();
        // A step moves on when its condition comes to hold; one that held from the start
        // waits for Next (the student still reads it), unless it stops holding and holds again.
        let Some(step) = self.current_step() else {
            return;
        };
        let done = step_done(&step.done_when, &self.lesson_facts());
        if done && !waits_when_held(&step.done_when) {
            return self.lesson_next();
        }
        match self.lessons.entry {
            None => self.lessons.entry = Some(done),
            Some(true) if !done => self.lessons.entry = Some(false),
            Some(false) if done => self.lesson_next(),
            _ => {}
        }
    }

    /// The app's state as lesson conditions look at it.
    fn lesson_facts(&self) -> LessonFacts<'_> {
        let st = &self.state;
        LessonFacts {
            now: self.lessons.now,
            at_step: self.lessons.at_step,
            scenario: &st.scenario,
            tab: st.tab,
            data_shift: st.data.shift,
            conditional: st.train.config.conditional,
            mode: st.train.mode,
            run: self.run.as_ref(),
        }
    }

    /// The last finished run's baseline score at shift 0 minus at the largest shift (means over
    /// seeds; accuracy, or R² for a continuous outcome), what the `baseline_fails` step
    /// measures.
    pub fn baseline_drop(&self) -> Option<f64> {
        self.run.as_ref().and_then(baseline_drop)
    }
}
