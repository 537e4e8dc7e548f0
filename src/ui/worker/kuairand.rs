//! The KuaiRand thread: runs the core's KuaiRand job (open a downloaded KuaiRand-Pure or
//! KuaiRand-1K folder, then train baseline and CRL on the policy's logs and evaluate them on the
//! random-exposure log), forwarding how far it has read and its training reports. Its own
//! [`RunControl`] stops or pauses it.

use std::sync::Arc;

use crate::data::kuairand::LoadEvent;
use crate::experiment::{
    KuaiRandCounts, KuaiRandJob, KuaiRandObserver, KuaiRandReference, KuaiRandSummaryRow,
    run_kuairand_job,
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
    /// Finished: the table and the row counts.
    Done(
        Vec<KuaiRandSummaryRow>,
        KuaiRandCounts,
        Vec<KuaiRandReference>,
        Vec<String>,
    ),
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

impl KuaiRandObserver for Forward {
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
        let msg = match run_kuairand_job(&job, &mut fwd, &control) {
            Ok(out) => {
                let warnings = out.result.warnings();
                KuaiRandMsg::Done(
                    out.result.summary,
                    out.result.counts,
                    out.result.references,
                    warnings,
                )
            }
            Err(e) => KuaiRandMsg::Failed(e.to_string()),
        };
        fwd.out.send(msg);
    })
}
