//! The training thread: runs the core's job (training, evaluated across shifts at each report) and
//! reports each step of it; a [`RunControl`](crate::train::RunControl) steers it from the UI (cancel, pause, beta).

use std::sync::Arc;

use crate::error::Error;
use crate::experiment::{EvalAt, EvalRow, JobEnd, JobObserver, Representation, TrainJob, run_job};
use crate::train::{Report, RunInfo};

use super::channel::{Outbox, TrainEvents, Worker};

/// What a training thread reports.
#[derive(Clone, Debug)]
pub enum TrainMsg {
    /// The device is chosen and the first step is about to run.
    Started(RunInfo),
    /// A periodic report.
    Report(Report),
    /// Training ended (`cancelled`: stopped early).
    Trained {
        /// Whether the user stopped it.
        cancelled: bool,
    },
    /// Every member evaluated at every shift, on the model at a step (replaces the last).
    Evaluated(EvalAt, Vec<EvalRow>),
    /// The models' representations at a report (replaces the last).
    Representation(Box<Representation>),
    /// The job is over: done, or stopped by the user.
    Finished(JobEnd),
    /// The job failed; the message names why.
    Failed {
        /// What went wrong.
        message: String,
        /// The compute device failed (lost, out of memory, a backend panic), so the same run
        /// may go through on the CPU.
        device: bool,
    },
}

impl TrainEvents for TrainMsg {
    fn started(info: RunInfo) -> Self {
        TrainMsg::Started(info)
    }
    fn report(report: Report) -> Self {
        TrainMsg::Report(report)
    }
}

impl JobObserver for Outbox<TrainMsg> {
    fn on_trained(&mut self, cancelled: bool) {
        self.send(TrainMsg::Trained { cancelled });
    }

    fn on_evaluated(&mut self, at: EvalAt, rows: &[EvalRow]) {
        self.send(TrainMsg::Evaluated(at, rows.to_vec()));
    }

    fn on_representation(&mut self, r: &Representation) {
        self.send(TrainMsg::Representation(Box::new(r.clone())));
    }
}

/// A training job, for a thread named `crl-train`.
pub fn training_worker(job: TrainJob) -> Worker<TrainMsg> {
    Worker::new("crl-train", move |mut obs| {
        let control = Arc::clone(&obs.control);
        let result = run_job(&job, &mut obs, &control);
        match result {
            Ok(end) => obs.send(TrainMsg::Finished(end)),
            Err(e) => obs.send(TrainMsg::Failed {
                device: matches!(e, Error::Device(_)),
                message: e.to_string(),
            }),
        }
    })
}
