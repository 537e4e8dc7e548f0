//! Training and calibration off the UI thread: a named thread per job, a bounded channel of
//! messages back, a [`RunControl`] (cancel, pause, beta) in the other direction. The thread
//! asks the UI to repaint whenever it sends, so an idle window costs nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;

use crate::experiment::{EvalRow, JobObserver, TrainJob, run_job};
use crate::mi::{Calibration, CalibrationConfig, calibrate};
use crate::train::{DeviceChoice, Observer, Report, RunControl, RunInfo, select_device};

/// Messages a queue can hold before the worker waits for the UI.
const CHANNEL_DEPTH: usize = 256;

/// Something that wakes the UI (egui's `Context::request_repaint` in the app).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What a training thread reports.
#[derive(Clone, Debug)]
pub enum TrainMsg {
    /// The device is chosen and the first step is about to run.
    Started(RunInfo),
    /// A periodic report.
    Report(Report),
    /// Training ended (`cancelled`: stopped early); evaluation follows unless cancelled.
    Trained {
        /// Whether the user stopped it.
        cancelled: bool,
    },
    /// Every member evaluated at one shift.
    Evaluated(Vec<EvalRow>),
    /// The job is over.
    Finished,
    /// The job failed; the message names why.
    Failed(String),
}

/// A running job: its messages and its controls.
pub struct Job<M> {
    rx: Receiver<M>,
    handle: Option<JoinHandle<()>>,
}

impl<M> Job<M> {
    /// A job from its message queue and thread.
    pub fn new(rx: Receiver<M>, handle: JoinHandle<()>) -> Self {
        Job {
            rx,
            handle: Some(handle),
        }
    }

    /// Messages that have arrived, without waiting. `None` once the thread has gone and the
    /// queue is empty.
    pub fn drain(&mut self) -> Option<Vec<M>> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(m) => out.push(m),
                Err(TryRecvError::Empty) => return Some(out),
                Err(TryRecvError::Disconnected) => {
                    if let Some(h) = self.handle.take() {
                        // The thread has returned; joining only collects a panic, reported by
                        // the caller as a failed job because no Finished arrived.
                        let _ = h.join();
                    }
                    return if out.is_empty() { None } else { Some(out) };
                }
            }
        }
    }
}

/// Messages that can carry the engine's start and report events.
pub trait TrainEvents {
    /// The run started.
    fn started(info: RunInfo) -> Self;
    /// A periodic report.
    fn report(report: Report) -> Self;
}

impl TrainEvents for TrainMsg {
    fn started(info: RunInfo) -> Self {
        TrainMsg::Started(info)
    }
    fn report(report: Report) -> Self {
        TrainMsg::Report(report)
    }
}

/// A worker thread's end of the channel: sends, wakes the UI, and cancels the run once the UI
/// has gone. It observes training for any message type that carries its events.
pub struct Outbox<M> {
    tx: SyncSender<M>,
    wake: Waker,
    /// The run this worker steers.
    pub control: Arc<RunControl>,
}

impl<M> Outbox<M> {
    /// An outbox on `tx` that wakes the UI with `wake`.
    pub fn new(tx: SyncSender<M>, wake: Waker, control: Arc<RunControl>) -> Self {
        Outbox { tx, wake, control }
    }

    /// Sends `msg`; a closed channel means the UI is gone, so the run stops.
    pub fn send(&self, msg: M) {
        if self.tx.send(msg).is_err() {
            self.control.cancel();
        }
        (self.wake)();
    }
}

impl<M: TrainEvents> Observer for Outbox<M> {
    fn on_start(&mut self, info: &RunInfo) {
        self.send(M::started(info.clone()));
    }

    fn on_report(&mut self, report: &Report) {
        self.send(M::report(report.clone()));
    }
}

impl JobObserver for Outbox<TrainMsg> {
    fn on_trained(&mut self, cancelled: bool) {
        self.send(TrainMsg::Trained { cancelled });
    }

    fn on_evaluated(&mut self, rows: &[EvalRow]) {
        self.send(TrainMsg::Evaluated(rows.to_vec()));
    }
}

/// Starts a training job on a thread named `crl-train`.
pub fn spawn_training(
    job: TrainJob,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<TrainMsg>> {
    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    let handle = std::thread::Builder::new()
        .name("crl-train".into())
        .spawn(move || {
            let mut obs = Outbox::new(tx, wake, Arc::clone(&control));
            let result = run_job(&job, &mut obs, &control);
            match result {
                Ok(_) => obs.send(TrainMsg::Finished),
                Err(e) => obs.send(TrainMsg::Failed(e.to_string())),
            }
        })?;
    Ok(Job {
        rx,
        handle: Some(handle),
    })
}

/// What a calibration thread reports.
#[derive(Clone, Debug)]
pub enum CalibrationMsg {
    /// One correlation done.
    Point(Calibration),
    /// All done (or stopped).
    Finished,
    /// It failed; the message names why.
    Failed(String),
}

/// Starts a calibration over `configs` (one per correlation) on a thread named
/// `crl-calibrate`. `cancel` stops it between correlations.
pub fn spawn_calibration(
    configs: Vec<CalibrationConfig>,
    device: DeviceChoice,
    cancel: Arc<AtomicBool>,
    wake: Waker,
) -> std::io::Result<Job<CalibrationMsg>> {
    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    let handle = std::thread::Builder::new()
        .name("crl-calibrate".into())
        .spawn(move || {
            let send = |m| {
                let _ = tx.send(m);
                wake();
            };
            let device = match select_device(device) {
                Ok(d) => d,
                Err(e) => return send(CalibrationMsg::Failed(e.to_string())),
            };
            for config in &configs {
                if cancel.load(Ordering::SeqCst) {
                    break;
                }
                match calibrate(config, &device.device) {
                    Ok(c) => send(CalibrationMsg::Point(c)),
                    Err(e) => return send(CalibrationMsg::Failed(e.to_string())),
                }
            }
            send(CalibrationMsg::Finished);
        })?;
    Ok(Job {
        rx,
        handle: Some(handle),
    })
}
