//! The real-logs thread: runs the core's KuaiRand job (open a downloaded KuaiRand-Pure or
//! KuaiRand-1K folder, then train baseline and CRL on the policy's logs and evaluate them on the
//! random-exposure log) or its logs job (the user's own files, Yahoo! R3, Coat), forwarding how
//! far it has read and its training reports. Its own [`RunControl`] stops or pauses it.

use std::sync::Arc;

use crate::data::kuairand::{LEAKAGE_WARNING, LoadEvent};
use crate::experiment::{
    KuaiRandCounts, KuaiRandJob, KuaiRandObserver, KuaiRandReference, KuaiRandSummaryRow,
    LogsCounts, LogsJob, LogsObserver, run_kuairand_job, run_logs_job,
};
use crate::train::{Observer, Report, RunControl, RunInfo};

use super::channel::{Job, Outbox, TrainEvents, Waker, spawn_worker};

/// What the KuaiRand thread reports.
#[derive(Clone, Debug)]
pub enum KuaiRandMsg {
    /// Reading a file: name and fraction done.
    Loading(String, f32),
    /// Training started.
    Started(RunInfo),
    /// A training report.
    Report(Report),
    /// Finished.
    Done(Box<RealLogsDone>),
    /// Failed; the message names why.
    Failed(String),
}

impl TrainEvents for KuaiRandMsg {
    fn started(info: RunInfo) -> Self {
        KuaiRandMsg::Started(info)
    }
    fn report(report: Report) -> Self {
        KuaiRandMsg::Report(report)
    }
}

/// What a finished run hands the view.
#[derive(Clone, Debug)]
pub struct RealLogsDone {
    /// The metrics table.
    pub summary: Vec<KuaiRandSummaryRow>,
    /// The row counts, in words.
    pub caption: String,
    /// The references without training.
    pub references: Vec<KuaiRandReference>,
    /// Models that did worse than the base rate, one line each.
    pub warnings: Vec<String>,
}

/// The KuaiRand run's row counts in words.
fn kuairand_caption(c: &KuaiRandCounts) -> String {
    format!(
        "statistics from {} standard-log rows before {} · trained on {} of {} rows from then · \
         {} held-out rows · {} random-exposure rows · {} inputs",
        c.past, c.window_start, c.train_used, c.train_split, c.held_out, c.random, c.n_features
    )
}

/// A logs run's row counts in words.
fn logs_caption(c: &LogsCounts) -> String {
    format!(
        "trained on {} of {} training rows · {} held-out rows{} · {} test rows · {} inputs · \
         confounder proxy of {} classes",
        c.train_used,
        c.train_split,
        c.held_out,
        c.held_out_from
            .map_or_else(String::new, |t| format!(" (the latest, from {t})")),
        c.test,
        c.n_features,
        c.confounder_width
    )
}

/// The thread's observer: training events go out as they come; reading progress only per file
/// and every 2 %, so a large file does not flood the queue.
struct Forward {
    out: Outbox<KuaiRandMsg>,
    last: (String, f32),
}

impl Observer for Forward {
    fn on_start(&mut self, info: &RunInfo) {
        self.out.on_start(info);
    }
    fn on_report(&mut self, report: &Report) {
        self.out.on_report(report);
    }
}

impl LogsObserver for Forward {
    fn on_load(&mut self, event: &LoadEvent) {
        self.loading(event);
    }
}

impl KuaiRandObserver for Forward {
    fn on_load(&mut self, event: &LoadEvent) {
        self.loading(event);
    }
}

impl Forward {
    fn loading(&mut self, event: &LoadEvent) {
        if let LoadEvent::Reading {
            file,
            bytes_done,
            bytes_total,
        } = event
        {
            let frac = *bytes_done as f32 / (*bytes_total).max(1) as f32;
            if *file != self.last.0 || frac - self.last.1 >= 0.02 {
                self.last = (file.clone(), frac);
                self.out.send(KuaiRandMsg::Loading(file.clone(), frac));
            }
        }
    }
}

/// Runs `job` on a thread named `crl-kuairand`.
pub fn spawn_kuairand(
    job: KuaiRandJob,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<KuaiRandMsg>> {
    spawn_worker("crl-kuairand", move |tx| {
        let mut fwd = Forward {
            out: Outbox::new(tx, wake, Arc::clone(&control)),
            last: (String::new(), -1.0),
        };
        let leakage = job
            .settings
            .encode
            .use_statistics_file
            .then_some(LEAKAGE_WARNING);
        let msg = match run_kuairand_job(&job, &mut fwd, &control) {
            Ok(out) => KuaiRandMsg::Done(Box::new(RealLogsDone {
                warnings: leakage
                    .into_iter()
                    .map(str::to_owned)
                    .chain(out.result.warnings())
                    .collect(),
                caption: kuairand_caption(&out.result.counts),
                summary: out.result.summary,
                references: out.result.references,
            })),
            Err(e) => KuaiRandMsg::Failed(e.to_string()),
        };
        fwd.out.send(msg);
    })
}

/// Runs `job` (the user's own logs, Yahoo! R3 or Coat) on a thread named `crl-logs`.
pub fn spawn_logs(
    job: LogsJob,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<KuaiRandMsg>> {
    spawn_worker("crl-logs", move |tx| {
        let mut fwd = Forward {
            out: Outbox::new(tx, wake, Arc::clone(&control)),
            last: (String::new(), -1.0),
        };
        let msg = match run_logs_job(&job, &mut fwd, &control) {
            Ok(out) => KuaiRandMsg::Done(Box::new(RealLogsDone {
                warnings: out.result.warnings(),
                caption: format!(
                    "{} · {}",
                    out.data.describe(),
                    logs_caption(&out.result.counts)
                ),
                summary: out.result.summary,
                references: out.result.references,
            })),
            Err(e) => KuaiRandMsg::Failed(e.to_string()),
        };
        fwd.out.send(msg);
    })
}
