//! The one owner of the app's background jobs: training, logs, the logs preview, calibration and
//! the start-up device probe. Each kind has its thread's queue and its own control, so steering
//! one never reaches another (the training panel's β does not reach a logs run). Each frame,
//! [`Jobs::drain`] hands the app everything the threads sent, in one list, through one path.

use std::sync::Arc;

use std::path::PathBuf;

use crate::data::logs::LogMapping;
use crate::experiment::{LogsJob, TrainJob};
use crate::mi::{CalibrationConfig, StaircaseConfig};
use crate::train::{DeviceChoice, RunControl};
use crate::ui::worker::{
    CalibrationMsg, Job, LogsMsg, PreviewMsg, TrainMsg, Waker, spawn_calibration, spawn_logs,
    spawn_preview, spawn_probe, spawn_training,
};

/// The kinds of job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Training on the scenario.
    Training,
    /// Training on logs (any source).
    Logs,
    /// Reading the first rows of a training log.
    LogsPreview,
    /// Estimator calibration.
    Calibration,
    /// The start-up device probe.
    Probe,
}

/// Something a job sent, or the news that its thread has gone.
#[derive(Debug)]
pub enum JobEvent {
    /// From the training thread.
    Training(TrainMsg),
    /// From the logs thread.
    Logs(LogsMsg),
    /// From the logs preview thread.
    LogsPreview(PreviewMsg),
    /// From the calibration thread.
    Calibration(CalibrationMsg),
    /// The device probe's line.
    Device(String),
    /// The job's thread has gone and everything it sent has been handed over.
    Ended(JobKind),
}

/// One kind of job: the thread's queue while it runs, and the control of the last one started.
/// The control outlives the thread, so a late Pause or Stop lands harmlessly on a finished run.
struct Slot<M, C> {
    job: Option<Job<M>>,
    control: Option<C>,
}

impl<M, C> Default for Slot<M, C> {
    fn default() -> Self {
        Slot {
            job: None,
            control: None,
        }
    }
}

impl<M, C> Slot<M, C> {
    fn start(&mut self, job: Job<M>, control: C) {
        self.job = Some(job);
        self.control = Some(control);
    }

    /// Whether the thread is still going; its queue is emptied, so a thread blocked on a full
    /// queue goes on to see that it was cancelled.
    fn still_running(&self) -> bool {
        self.job.as_ref().is_some_and(|j| {
            j.discard_messages();
            !j.is_finished()
        })
    }

    /// Moves what the thread has sent into `out`, each message wrapped by `wrap`; once the
    /// thread has gone and its queue is empty, forgets it and says so.
    fn drain_into(&mut self, kind: JobKind, wrap: fn(M) -> JobEvent, out: &mut Vec<JobEvent>) {
        let Some(job) = &mut self.job else { return };
        match job.drain() {
            Some(msgs) => out.extend(msgs.into_iter().map(wrap)),
            None => {
                self.job = None;
                out.push(JobEvent::Ended(kind));
            }
        }
    }
}

/// Which run the plots show, so Pause and Stop reach the job that is filling them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plotted {
    Training,
    Logs,
}

/// Every background job of the app.
pub struct Jobs {
    wake: Waker,
    training: Slot<TrainMsg, Arc<RunControl>>,
    logs: Slot<LogsMsg, Arc<RunControl>>,
    preview: Slot<PreviewMsg, Arc<RunControl>>,
    calibration: Slot<CalibrationMsg, Arc<RunControl>>,
    probe: Slot<String, ()>,
    plotted: Option<Plotted>,
    /// A fault hook: the device of every training run not asked to run on the CPU fails at
    /// this model step.
    pub(crate) device_fault_at_step: Option<usize>,
}

impl Jobs {
    /// No jobs yet; threads started later wake the UI with `wake`.
    pub fn new(wake: Waker) -> Self {
        Jobs {
            wake,
            training: Slot::default(),
            logs: Slot::default(),
            preview: Slot::default(),
            calibration: Slot::default(),
            probe: Slot::default(),
            plotted: None,
            device_fault_at_step: None,
        }
    }

    /// Starts looking for a GPU, to name the device in the status bar. A probe that cannot
    /// start leaves the status bar's line as it is.
    pub fn start_probe(&mut self) {
        if let Ok(job) = spawn_probe(Arc::clone(&self.wake)) {
            self.probe.start(job, ());
        }
    }

    /// Starts training `job`; its run is then the one on the plots.
    pub fn start_training(&mut self, job: TrainJob) -> std::io::Result<()> {
        let control = Arc::new(RunControl::default());
        if let Some(step) = self.device_fault_at_step
            && job.device != DeviceChoice::Cpu
        {
            control.inject_device_fault(step);
        }
        let j = spawn_training(job, Arc::clone(&control), Arc::clone(&self.wake))?;
        self.training.start(j, control);
        self.plotted = Some(Plotted::Training);
        Ok(())
    }

    /// Starts reading a logs source and training on it (one such run at a time); its run is
    /// then the one on the plots.
    pub fn start_logs(&mut self, job: LogsJob) -> std::io::Result<()> {
        let control = Arc::new(RunControl::default());
        let j = spawn_logs(job, Arc::clone(&control), Arc::clone(&self.wake))?;
        self.logs.start(j, control);
        self.plotted = Some(Plotted::Logs);
        Ok(())
    }

    /// Starts reading the first `n_rows` rows of `path`; a preview still going is cancelled
    /// (what it would have sent is dropped with its queue).
    pub fn start_preview(
        &mut self,
        path: PathBuf,
        mapping: LogMapping,
        n_rows: usize,
    ) -> std::io::Result<()> {
        if let Some(c) = &self.preview.control {
            c.cancel();
        }
        let control = Arc::new(RunControl::default());
        let j = spawn_preview(
            path,
            mapping,
            n_rows,
            Arc::clone(&control),
            Arc::clone(&self.wake),
        )?;
        self.preview.start(j, control);
        Ok(())
    }

    /// Starts a calibration over `configs` and then up `staircase`, with a control of its own.
    pub fn start_calibration(
        &mut self,
        configs: Vec<CalibrationConfig>,
        staircase: StaircaseConfig,
        device: DeviceChoice,
    ) -> std::io::Result<()> {
        let control = Arc::new(RunControl::default());
        let j = spawn_calibration(
            configs,
            staircase,
            device,
            Arc::clone(&control),
            Arc::clone(&self.wake),
        )?;
        self.calibration.start(j, control);
        Ok(())
    }

    /// The control of the run on the plots (training's or the logs'): what Pause and Stop
    /// steer.
    pub fn plotted_control(&self) -> Option<&RunControl> {
        match self.plotted? {
            Plotted::Training => self.training.control.as_deref(),
            Plotted::Logs => self.logs.control.as_deref(),
        }
    }

    /// The training job's control, while its run is the one on the plots: what β steers.
    pub fn training_control(&self) -> Option<&RunControl> {
        match self.plotted? {
            Plotted::Training => self.training.control.as_deref(),
            Plotted::Logs => None,
        }
    }

    /// Stops the calibration after the current correlation (or at the staircase's next reading).
    pub fn stop_calibration(&self) {
        if let Some(c) = &self.calibration.control {
            c.cancel();
        }
    }

    /// Stops everything (the window is closing).
    pub fn cancel_all(&self) {
        for c in [
            &self.training.control,
            &self.logs.control,
            &self.preview.control,
        ]
        .into_iter()
        .flatten()
        {
            c.cancel();
        }
        self.stop_calibration();
    }

    /// Stops everything and waits, at most `timeout`, for every thread to end (the window is
    /// closing). Returns whether they all did; the probe, which cannot be stopped, is not
    /// waited for.
    pub fn shutdown(&mut self, timeout: std::time::Duration) -> bool {
        self.cancel_all();
        let deadline = std::time::Instant::now() + timeout;
        loop {
            // Not short-circuited: every slot's queue is emptied on each pass.
            let running = [
                self.training.still_running(),
                self.logs.still_running(),
                self.preview.still_running(),
                self.calibration.still_running(),
            ];
            if !running.contains(&true) {
                return true;
            }
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Everything the threads have sent since the last call, without waiting: training's
    /// first, then calibration's, the logs', the preview's and the probe's.
    pub fn drain(&mut self) -> Vec<JobEvent> {
        let mut out = Vec::new();
        self.training
            .drain_into(JobKind::Training, JobEvent::Training, &mut out);
        self.calibration
            .drain_into(JobKind::Calibration, JobEvent::Calibration, &mut out);
        self.logs
            .drain_into(JobKind::Logs, JobEvent::Logs, &mut out);
        self.preview
            .drain_into(JobKind::LogsPreview, JobEvent::LogsPreview, &mut out);
        self.probe
            .drain_into(JobKind::Probe, JobEvent::Device, &mut out);
        out
    }
}
