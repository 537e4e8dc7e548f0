//! Training on the scenario: starting a run, pausing, stopping and steering β, and taking in
//! what the training thread reports. KuaiRand runs report through here too (their loss and MI
//! fill the same plots).

use crate::experiment::{RunMode, RunState, TrainJob};
use crate::train::{Backend, DeviceChoice};
use crate::ui::app::CrlApp;
use crate::ui::notice::{Notice, NoticeAction};
use crate::ui::worker::TrainMsg;

impl CrlApp {
    pub(crate) fn start_training(&mut self) {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) {
            return;
        }
        if let Err(e) = &self.validation {
            let text = format!("Cannot train: {e}");
            self.say(Notice::error(text));
            return;
        }
        // A run too large for the memory budget is refused here, before a thread starts.
        let job = match TrainJob::from_settings(&self.state.scenario, &self.state.train)
            .and_then(|j| j.check_memory().map(|()| j))
        {
            Ok(j) => j,
            Err(e) => return self.say(Notice::error(format!("Cannot train: {e}"))),
        };
        let run = job.empty_results(&self.state.train);
        match self.jobs.start_training(job) {
            Ok(()) => {
                self.run = Some(run);
                self.run_origin = Some((self.state.scenario.clone(), self.state.train.clone()));
                self.run_pinned = false;
                self.notice = None;
                // The status bar's frame time then describes frames during this run.
                self.frame_times.clear();
            }
            Err(e) => self.say(Notice::error(format!(
                "Cannot start the training thread: {e}"
            ))),
        }
    }

    /// Trains again with the same settings on the CPU (what a failed GPU run offers).
    pub(crate) fn train_on_cpu(&mut self) {
        self.state.train.device = DeviceChoice::Cpu;
        self.start_training();
    }

    /// Pauses or resumes the run on the plots (a training or a KuaiRand run).
    pub(crate) fn set_paused(&mut self, paused: bool) {
        if let (Some(c), Some(run)) = (self.jobs.plotted_control(), &mut self.run) {
            c.set_paused(paused);
            if matches!(run.state, RunState::Training | RunState::Paused) {
                run.state = if paused {
                    RunState::Paused
                } else {
                    RunState::Training
                };
            }
        }
    }

    /// Stops the run on the plots (a training or a KuaiRand run), keeping what it has.
    pub(crate) fn stop_run(&mut self) {
        if let Some(c) = self.jobs.plotted_control() {
            c.cancel();
            c.set_paused(false);
        }
    }

    /// The new β is the setting for the next run, and steers a running comparison from its next
    /// step. A KuaiRand run has its own β (its view's), so this leaves it alone.
    pub(crate) fn set_beta(&mut self, beta: f64) {
        self.state.train.config.beta = beta;
        if let (Some(c), Some(run)) = (self.jobs.training_control(), &mut self.run)
            && run.state.is_active()
            && run.mode == RunMode::Compare
        {
            let betas = run
                .members
                .iter()
                .map(|m| if m.is_penalised() { beta } else { 0.0 })
                .collect();
            c.set_betas(betas);
            run.set_crl_beta(beta);
        }
    }

    pub(crate) fn apply_train_msg(&mut self, m: TrainMsg) {
        let Some(run) = &mut self.run else { return };
        match m {
            TrainMsg::Started(info) => {
                self.device_line = match info.threads {
                    0 | 1 => format!("device: {}", info.device),
                    n => format!(
                        "device: {}, the models split across {n} threads",
                        info.device
                    ),
                };
                run.record_start(info);
            }
            TrainMsg::Report(r) => run.record_report(r),
            TrainMsg::Trained { cancelled, .. } => run.record_trained(cancelled),
            TrainMsg::Evaluated(at, rows) => {
                if run.eval_at.is_none() {
                    self.frame_times
                        .log_run_event(&format!("first OOD result (step {})", at.step));
                }
                run.record_evaluated(at, &rows);
            }
            TrainMsg::Representation(r) => run.representation = Some(*r),
            TrainMsg::Finished(end) => {
                run.record_end(end);
                self.frame_times
                    .log_run_event(&format!("run {:?}", run.state));
            }
            TrainMsg::Failed { message, device } => {
                let mut notice = Notice::error(format!("Training failed: {message}"));
                // A device that failed under a run that was not on the CPU: offer the CPU.
                let on_gpu = run
                    .info
                    .as_ref()
                    .is_none_or(|i| i.backend != Some(Backend::Cpu));
                if device && on_gpu {
                    notice.action = Some(NoticeAction::TrainOnCpu);
                }
                self.notice = Some(notice);
                run.record_failure(message);
            }
        }
    }

    /// The training thread has gone; a run it left active failed.
    pub(crate) fn training_ended(&mut self) {
        if let Some(run) = &mut self.run
            && run.state.is_active()
        {
            run.record_failure("the training thread ended unexpectedly");
        }
    }
}
