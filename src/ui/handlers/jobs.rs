//! What the worker threads sent, applied: each job's messages go to its area's handler, a run's
//! end is autosaved at once, and whether any job is busy (the frame then keeps repainting).

use crate::ui::app::CrlApp;
use crate::ui::jobs::{JobEvent, JobKind};
use crate::ui::notice::Notice;

impl CrlApp {
    /// Applies what a job sent (see `Jobs::drain`).
    pub(crate) fn apply_job_event(&mut self, event: JobEvent) {
        let event_kind = match &event {
            JobEvent::Ended(kind) => Some(*kind),
            _ => None,
        };
        match event {
            JobEvent::Training(m) => self.apply_train_msg(m),
            JobEvent::Logs(m) => self.apply_logs_msg(m),
            JobEvent::LogsPreview(m) => self.apply_preview(m),
            JobEvent::Calibration(m) => self.apply_calibration_msg(m),
            JobEvent::Device(line) => self.device_line = format!("device: {line}"),
            JobEvent::File(done) => self.apply_file_done(done),
            JobEvent::FileNotStarted(e) => self.say(Notice::error(e)),
            JobEvent::Samples(msg) => self.samples_arrived(msg),
            JobEvent::Ended(JobKind::Sampling) => {
                // A thread that ended without sending: say so in the view, not forever
                // "sampling…".
                if let Some(key) = self.data_samples.drawing.take() {
                    self.data_samples
                        .insert(key, Err("the sampling thread failed".into()));
                }
            }
            JobEvent::Ended(JobKind::Training) => self.training_ended(),
            JobEvent::Ended(JobKind::Logs) => self.logs_ended(),
            JobEvent::Ended(JobKind::LogsPreview) => self.kuairand.previewing = false,
            JobEvent::Ended(JobKind::Calibration) => self.calibration_ended(),
            JobEvent::Ended(JobKind::Files | JobKind::Probe) => {}
        }
        // A run's end is autosaved at once, whatever the interval.
        if matches!(
            event_kind,
            Some(JobKind::Training | JobKind::Logs | JobKind::Calibration)
        ) {
            self.autosave.soon();
        }
    }

    pub(crate) fn busy(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.state.is_active())
            || self.calibration.running
            || self.kuairand.running
    }
}
