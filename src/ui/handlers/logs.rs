//! Training on logs from any source (KuaiRand, your own files, Yahoo! R3, Coat): the KuaiRand
//! folder picked, starting a run on the view's source, and taking in what the logs thread
//! reports (its training reports go to the run on the plots).

use std::path::PathBuf;

use crate::data::logs::ReadLimits;
use crate::experiment::{
    JobEnd, LogsJob, LogsSettings, RowCount, RunMode, RunResults, compare_members,
};
use crate::scm::OutcomeKind;
use crate::train::TrainConfig;
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::results::LogsView;
use crate::ui::state::LogSourceKind;
use crate::ui::worker::{LogsMsg, TrainMsg};

impl CrlApp {
    /// Takes the folder picked in the KuaiRand source's dialog.
    pub(crate) fn set_kuairand_folder(&mut self, dir: Option<PathBuf>) {
        match dir {
            Some(dir) => self.state.kuairand.dir = dir.display().to_string(),
            None => self.say(Notice::info("No folder picked (type the path instead)")),
        }
    }

    /// The configuration and seeds of a run on logs (the training panel's settings with the
    /// view's β and rows, every model selected by its best validation step), or why not.
    fn logs_config(&mut self) -> Option<(TrainConfig, usize)> {
        if self.run.as_ref().is_some_and(|r| r.state.is_active()) || self.kuairand.running {
            self.say(Notice::error("A run is going: stop it first"));
            return None;
        }
        let src = &self.state.kuairand;
        let mut config = self.state.train.config.clone();
        config.beta = src.beta;
        config.n_train = src.n_train;
        config.report_every = crate::experiment::report_every(config.steps);
        // Every model is evaluated at its best validation step, the same rule for all.
        config.keep_best_val = true;
        if let Err(e) = config.validate() {
            self.say(Notice::error(format!("Cannot train on these logs: {e}")));
            return None;
        }
        Some((config, self.state.train.n_seeds.max(1)))
    }

    /// The run on the plots and the view's state once a logs job has started.
    fn logs_started(&mut self, config: &TrainConfig, n_seeds: usize, status: &str) {
        let members = compare_members(config.seed, n_seeds, config.beta, false);
        self.run_origin = None;
        self.run_pinned = false;
        self.run = Some(RunResults::new(
            OutcomeKind::Binary,
            RunMode::Compare,
            members,
            config.estimator,
            config.penalty_batch,
            config.steps,
            Vec::new(),
        ));
        self.kuairand = LogsView {
            running: true,
            status: status.into(),
            preview: self.kuairand.preview.take(),
            ..LogsView::default()
        };
    }

    /// Starts a run on the view's source.
    pub(crate) fn start_logs(&mut self) {
        let source = match self.state.kuairand.source() {
            Ok(s) => s,
            Err(e) => {
                self.kuairand.error = Some(e.clone());
                return self.say(Notice::error(format!("Cannot train on these logs: {e}")));
            }
        };
        let Some((config, n_seeds)) = self.logs_config() else {
            return;
        };
        let job = LogsJob {
            source,
            settings: LogsSettings::default(),
            train_rows: RowCount::AtMost(config.n_train),
            config: config.clone(),
            n_seeds,
            device: self.state.train.device,
            limits: ReadLimits::process(),
        };
        let status = match self.state.kuairand.kind {
            LogSourceKind::KuaiRand => "opening the folder…",
            _ => "opening the logs…",
        };
        match self.jobs.start_logs(job) {
            Ok(()) => self.logs_started(&config, n_seeds, status),
            Err(e) => self.say(Notice::error(format!("Cannot start the logs thread: {e}"))),
        }
    }

    pub(crate) fn apply_logs_msg(&mut self, m: LogsMsg) {
        match m {
            LogsMsg::Loading(file, frac) => {
                self.kuairand.status = format!("reading {file}: {:.0}%", frac * 100.0);
            }
            LogsMsg::Started(info) => {
                self.kuairand.status = "training…".into();
                self.apply_train_msg(TrainMsg::Started(info));
            }
            LogsMsg::Report(r) => self.apply_train_msg(TrainMsg::Report(r)),
            LogsMsg::Done(done) => {
                let done = *done;
                self.kuairand.running = false;
                self.kuairand.summary = done.summary;
                self.kuairand.caption = Some(done.caption);
                self.kuairand.references = done.references;
                self.kuairand.warnings = done.warnings;
                if let Some(run) = &mut self.run {
                    run.record_end(JobEnd::Done);
                }
            }
            LogsMsg::Failed(e) => {
                self.kuairand.running = false;
                self.kuairand.error = Some(e.clone());
                if let Some(run) = &mut self.run {
                    run.record_failure(e);
                }
            }
        }
    }

    /// The logs thread has gone; a run it left going failed.
    pub(crate) fn logs_ended(&mut self) {
        if self.kuairand.running {
            self.kuairand.running = false;
            self.kuairand.error = Some("the real-logs thread ended unexpectedly".into());
        }
    }
}
