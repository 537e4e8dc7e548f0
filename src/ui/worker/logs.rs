//! The logs thread: runs the core's logs job on any source (a KuaiRand folder, your own files,
//! Yahoo! R3, Coat: read it, then train baseline and CRL on the logging policy's rows and
//! evaluate them on held-out rows and the test log), forwarding how far it has read and its
//! training reports. Its own [`RunControl`](crate::train::RunControl) stops or pauses it.

use std::sync::Arc;

use crate::data::kuairand::LEAKAGE_WARNING;
use crate::data::logs::LoadEvent;
use crate::experiment::{
    KuaiRandCounts, LoadWatcher, LogSource, LogsCounts, LogsJob, LogsOutput, LogsReference,
    LogsSummaryRow, SourceResult, SplitObserver, run_logs_job,
};
use crate::train::{Report, RunInfo};

use super::channel::{Outbox, TrainEvents, Worker};

/// What the logs thread reports.
#[derive(Clone, Debug)]
pub enum LogsMsg {
    /// Reading a file: name and fraction done.
    Loading(String, f32),
    /// Training started.
    Started(RunInfo),
    /// A training report.
    Report(Report),
    /// Finished.
    Done(Box<LogsDone>),
    /// Failed; the message names why.
    Failed(String),
}

impl TrainEvents for LogsMsg {
    fn started(info: RunInfo) -> Self {
        LogsMsg::Started(info)
    }
    fn report(report: Report) -> Self {
        LogsMsg::Report(report)
    }
}

/// What a finished run hands the view.
#[derive(Clone, Debug)]
pub struct LogsDone {
    /// The metrics table.
    pub summary: Vec<LogsSummaryRow>,
    /// The row counts, in words.
    pub caption: String,
    /// The references without training.
    pub references: Vec<LogsReference>,
    /// The leakage warning (if the run was told to leak) and the models that did worse than
    /// the base rate, one line each.
    pub warnings: Vec<String>,
}

impl LogsDone {
    /// The view's summary of a finished job on `source`.
    fn of(source: &LogSource, out: LogsOutput) -> Self {
        let leakage = matches!(
            source,
            LogSource::KuaiRand { encode, .. } if encode.use_statistics_file
        )
        .then_some(LEAKAGE_WARNING);
        let warnings = leakage
            .into_iter()
            .map(str::to_owned)
            .chain(out.result.warnings())
            .collect();
        match out.result {
            SourceResult::KuaiRand(r) => LogsDone {
                caption: kuairand_caption(&r.counts),
                summary: r.summary,
                references: r.references,
                warnings,
            },
            SourceResult::Mapped(r) => LogsDone {
                caption: format!("{} · {}", out.data.describe(), mapped_caption(&r.counts)),
                summary: r.summary,
                references: r.references,
                warnings,
            },
        }
    }
}

/// A KuaiRand run's row counts in words.
fn kuairand_caption(c: &KuaiRandCounts) -> String {
    format!(
        "statistics from {} standard-log rows before {} · trained on {} of {} rows from then · \
         {} held-out rows · {} random-exposure rows · {} inputs",
        c.past, c.window_start, c.train_used, c.train_split, c.held_out, c.random, c.n_features
    )
}

/// A mapped-logs run's row counts in words.
fn mapped_caption(c: &LogsCounts) -> String {
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

/// The reading half of the thread's observer (training events go out as they come, through
/// the outbox itself): progress only per file and every 2 %, so a large file does not flood the
/// queue.
struct Loading {
    out: Outbox<LogsMsg>,
    last: (String, f32),
}

impl LoadWatcher for Loading {
    fn on_load(&mut self, event: &LoadEvent) {
        if let LoadEvent::Reading {
            file,
            bytes_done,
            bytes_total,
        } = event
        {
            let frac = *bytes_done as f32 / (*bytes_total).max(1) as f32;
            if *file != self.last.0 || frac - self.last.1 >= 0.02 {
                self.last = (file.clone(), frac);
                self.out.send(LogsMsg::Loading(file.clone(), frac));
            }
        }
    }
}

/// A logs job, for a thread named `crl-logs`.
pub fn logs_worker(job: LogsJob) -> Worker<LogsMsg> {
    Worker::new("crl-logs", move |out| {
        let control = Arc::clone(&out.control);
        let load = Loading {
            out: out.clone(),
            last: (String::new(), -1.0),
        };
        let mut obs = SplitObserver { train: out, load };
        let msg = match run_logs_job(&job, &mut obs, &control) {
            Ok(out) => LogsMsg::Done(Box::new(LogsDone::of(&job.source, out))),
            Err(e) => LogsMsg::Failed(e.to_string()),
        };
        obs.train.send(msg);
    })
}
