//! Training on KuaiRand logs: the source's folder, starting a run, and taking in what the
//! KuaiRand thread reports (its training reports go to the run on the plots).

use std::path::PathBuf;

use crate::data::kuairand::{CachePolicy, EncodeOptions};
use crate::experiment::{
    JobEnd, KuaiRandJob, KuaiRandSettings, RunMode, RunResults, compare_members,
};
use crate::scm::OutcomeKind;
use crate::train::TrainConfig;
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::results::KuaiRandResults;
use crate::ui::worker::{KuaiRandMsg, TrainMsg};

impl CrlApp {
    /// Takes the folder picked in the view's dialog.
    pub(crate) fn set_kuairand_folder(&mut self, dir: Option<PathBuf>) {
        match dir {
            Some(dir) => self.state.kuairand.dir = dir.display().to_string(),
            None => self.say(Notice::info("No folder picked (type the path instead)")),
        }
    }

    /// The configuration and seeds of a run on real logs (the training panel's settings with
    /// the view's β and rows, every model selected by its best validation step), or why not.
    pub(crate) fn real_logs_config(&mut self) -> Option<(TrainConfig, usize)> {
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

    /// The run on the plots and the view's state once a real-logs job has started.
    pub(crate) fn real_logs_started(&mut self, config: &TrainConfig, n_seeds: usize, status: &str) {
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
        self.kuairand = KuaiRandResults {
            running: true,
            status: status.into(),
            preview: self.kuairand.preview.take(),
            ..KuaiRandResults::default()
        };
    }

    pub(crate) fn start_kuairand(&mut self) {
        let Some((config, n_seeds)) = self.real_logs_config() else {
            return;
        };
        let job = KuaiRandJob {
            dir: PathBuf::from(self.state.kuairand.dir.trim()),
            cache: CachePolicy::Use,
            settings: KuaiRandSettings {
                encode: EncodeOptions {
                    use_statistics_file: self.state.kuairand.use_statistics_file,
                    ..EncodeOptions::default()
                },
                ..KuaiRandSettings::default()
            },
            config: config.clone(),
            all_training_rows: false,
            n_seeds,
            device: self.state.train.device,
        };
        match self.jobs.start_kuairand(job) {
            Ok(()) => self.real_logs_started(&config, n_seeds, "opening the folder…"),
            Err(e) => self.say(Notice::error(format!(
                "Cannot start the KuaiRand thread: {e}"
            ))),
        }
    }

    pub(crate) fn apply_kuairand_msg(&mut self, m: KuaiRandMsg) {
        match m {
            KuaiRandMsg::Loading(file, frac) => {
                self.kuairand.status = format!("reading {file}: {:.0}%", frac * 100.0);
            }
            KuaiRandMsg::Started(info) => {
                self.kuairand.status = "training…".into();
                self.apply_train_msg(TrainMsg::Started(info));
            }
            KuaiRandMsg::Report(r) => self.apply_train_msg(TrainMsg::Report(r)),
            KuaiRandMsg::Done(done) => {
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
            KuaiRandMsg::Failed(e) => {
                self.kuairand.running = false;
                self.kuairand.error = Some(e.clone());
                if let Some(run) = &mut self.run {
                    run.record_failure(e);
                }
            }
        }
    }

    /// The KuaiRand thread has gone; a run it left going failed.
    pub(crate) fn kuairand_ended(&mut self) {
        if self.kuairand.running {
            self.kuairand.running = false;
            self.kuairand.error = Some("the real-logs thread ended unexpectedly".into());
        }
    }
}
