//! The plumbing every worker thread shares: a named thread, a bounded queue of messages back
//! to the UI that wakes it on each send (so an idle window costs nothing), and the UI's end of
//! that queue.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;

use crate::train::{Observer, Report, RunControl, RunInfo};

/// Messages a queue can hold before the worker waits for the UI.
const CHANNEL_DEPTH: usize = 256;

/// Something that wakes the UI (egui's `Context::request_repaint` in the app).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A running job as the UI sees it: its messages and its thread.
pub struct Job<M> {
    rx: Receiver<M>,
    handle: Option<JoinHandle<()>>,
}

impl<M> Job<M> {
    /// A job from its message queue and thread.
    fn new(rx: Receiver<M>, handle: JoinHandle<()>) -> Self {
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

impl<M> Job<M> {
    /// Whether the thread has returned (or was already collected).
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Drops what the thread has sent, so that a thread blocked on a full queue can go on to
    /// see that it was cancelled.
    pub fn discard_messages(&self) {
        while self.rx.try_recv().is_ok() {}
    }
}

/// Runs `body` on a thread named `name`; what it sends on its end of a bounded queue arrives
/// through the returned job.
fn spawn_worker<M: Send + 'static>(
    name: &str,
    body: impl FnOnce(SyncSender<M>) + Send + 'static,
) -> std::io::Result<Job<M>> {
    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    let handle = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || body(tx))?;
    Ok(Job::new(rx, handle))
}

/// A job not started yet: the name of its thread and what it does, given its end of the queue
/// as an [`Outbox`].
pub struct Worker<M> {
    name: &'static str,
    body: Box<dyn FnOnce(Outbox<M>) + Send>,
}

impl<M: Send + 'static> Worker<M> {
    /// A job that runs `body` on a thread named `name`.
    pub fn new(name: &'static str, body: impl FnOnce(Outbox<M>) + Send + 'static) -> Self {
        Worker {
            name,
            body: Box::new(body),
        }
    }

    /// Starts it; `control` steers it (and is cancelled when the UI has gone), and each message
    /// sent wakes the UI with `wake`.
    pub fn spawn(self, control: Arc<RunControl>, wake: Waker) -> std::io::Result<Job<M>> {
        let Worker { name, body } = self;
        spawn_worker(name, move |tx| body(Outbox::new(tx, wake, control)))
    }
}

/// Messages that can carry the engine's start and report events.
pub trait TrainEvents {
    /// The run started.
    fn started(info: RunInfo) -> Self;
    /// A periodic report.
    fn report(report: Report) -> Self;
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

// By hand: a derive would ask `M: Clone`, and the queue's end clones without it.
impl<M> Clone for Outbox<M> {
    fn clone(&self) -> Self {
        Outbox {
            tx: self.tx.clone(),
            wake: Arc::clone(&self.wake),
            control: Arc::clone(&self.control),
        }
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
