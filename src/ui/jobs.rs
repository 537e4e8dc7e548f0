//! The one owner of the app's background jobs: training, logs, the logs preview, calibration,
//! the start-up device probe, the file tasks (one at a time, in the order asked) and the data
//! view's sampling. Each kind has its thread's queue and its own control, so steering one never
//! reaches another (the training panel's β does not reach a logs run). Each frame,
//! [`Jobs::drain`] hands the app everything the threads sent, in one list, through one path.

use std::collections::VecDeque;
use std::sync::Arc;

use std::path::PathBuf;

use crate::data::logs::LogMapping;
use crate::experiment::{LogsJob, TrainJob};
use crate::mi::{CalibrationConfig, StaircaseConfig};
use crate::scm::Scenario;
use crate::train::{DeviceChoice, RunControl};
use crate::ui::data_samples::SampleKey;
use crate::ui::worker::{
    CalibrationMsg, FileDone, FileTask, Job, LogsMsg, PreviewMsg, SampleMsg, TrainMsg, Waker,
    Worker, calibration_worker, file_worker, logs_worker, preview_worker, probe_worker,
    sample_worker, training_worker,
};

/// File tasks that may wait behind the running one.
const FILE_QUEUE: usize = 16;

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
    /// A file task.
    Files,
    /// The data view's sampling.
    Sampling,
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
    /// What a file task did.
    File(FileDone),
    /// A file task could not start its thread; the message says why.
    FileNotStarted(String),
    /// The data view's samples.
    Samples(SampleMsg),
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
        if let Some(msgs) = job.drain() {
            out.extend(msgs.into_iter().map(wrap));
        } else {
            self.job = None;
            out.push(JobEvent::Ended(kind));
        }
    }
}

impl<M: Send + 'static> Slot<M, Arc<RunControl>> {
    /// Starts `worker` with a control of its own, made ready by `prepare`, waking the UI with
    /// `wake`.
    fn run(
        &mut self,
        worker: Worker<M>,
        prepare: impl FnOnce(&RunControl),
        wake: &Waker,
    ) -> std::io::Result<()> {
        let control = Arc::new(RunControl::default());
        prepare(&control);
        let job = worker.spawn(Arc::clone(&control), Arc::clone(wake))?;
        self.start(job, control);
        Ok(())
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
    /// The file task running, what the status bar says of it, and whether it saves.
    files: Slot<FileDone, (String, bool)>,
    /// File tasks waiting, in the order asked.
    file_queue: VecDeque<FileTask>,
    /// Cancelled when the window closes: file tasks not begun then are skipped, saves excepted.
    files_control: Arc<RunControl>,
    /// Why a file task could not start, until drained.
    file_errors: Vec<String>,
    sampling: Slot<SampleMsg, ()>,
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
            files: Slot::default(),
            file_queue: VecDeque::new(),
            files_control: Arc::new(RunControl::default()),
            file_errors: Vec::new(),
            sampling: Slot::default(),
            plotted: None,
            device_fault_at_step: None,
        }
    }

    /// Starts looking for a GPU, to name the device in the status bar. A probe that cannot
    /// start leaves the status bar's line as it is.
    pub fn start_probe(&mut self) {
        // Nothing steers the probe: its control is its own.
        let control = Arc::new(RunControl::default());
        if let Ok(job) = probe_worker().spawn(control, Arc::clone(&self.wake)) {
            self.probe.start(job, ());
        }
    }

    /// Starts training `job`; its run is then the one on the plots.
    pub fn start_training(&mut self, job: TrainJob) -> std::io::Result<()> {
        let fault_at = self
            .device_fault_at_step
            .filter(|_| job.device != DeviceChoice::Cpu);
        let prepare = |c: &RunControl| {
            if let Some(step) = fault_at {
                c.inject_device_fault(step);
            }
        };
        self.training
            .run(training_worker(job), prepare, &self.wake)?;
        self.plotted = Some(Plotted::Training);
        Ok(())
    }

    /// Starts reading a logs source and training on it (one such run at a time); its run is
    /// then the one on the plots.
    pub fn start_logs(&mut self, job: LogsJob) -> std::io::Result<()> {
        self.logs.run(logs_worker(job), |_| {}, &self.wake)?;
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
        let worker = preview_worker(path, mapping, n_rows);
        self.preview.run(worker, |_| {}, &self.wake)
    }

    /// Starts a calibration over `configs` and then up `staircase`, with a control of its own.
    pub fn start_calibration(
        &mut self,
        configs: Vec<CalibrationConfig>,
        staircase: StaircaseConfig,
        device: DeviceChoice,
    ) -> std::io::Result<()> {
        let worker = calibration_worker(configs, staircase, device);
        self.calibration.run(worker, |_| {}, &self.wake)
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

    /// Queues `task` behind the file tasks asked before it; refused (with the message to show)
    /// when too many wait.
    pub fn queue_file(&mut self, task: FileTask) -> Result<(), String> {
        if self.file_queue.len() >= FILE_QUEUE {
            return Err(format!(
                "Busy: {} file tasks wait; try again when they are done",
                self.file_queue.len()
            ));
        }
        self.file_queue.push_back(task);
        self.start_next_file();
        Ok(())
    }

    /// Starts the next waiting file task if none runs.
    fn start_next_file(&mut self) {
        while self.files.job.is_none() {
            let Some(task) = self.file_queue.pop_front() else {
                return;
            };
            let label = (task.caption(), task.is_save());
            let worker = file_worker(task);
            match worker.spawn(Arc::clone(&self.files_control), Arc::clone(&self.wake)) {
                Ok(job) => self.files.start(job, label),
                Err(e) => self
                    .file_errors
                    .push(format!("Cannot start the file thread: {e}")),
            }
        }
    }

    /// What the running file task is doing, for the status bar.
    pub fn file_caption(&self) -> Option<&str> {
        self.files.job.as_ref()?;
        self.files.control.as_ref().map(|(c, _)| c.as_str())
    }

    /// Whether a file task runs or waits.
    pub fn files_busy(&self) -> bool {
        self.files.job.is_some() || !self.file_queue.is_empty()
    }

    /// Whether a save of the workspace runs or waits (closing waits for it).
    pub fn saving(&self) -> bool {
        let running = self.files.job.is_some() && self.files.control.as_ref().is_some_and(|c| c.1);
        running || self.file_queue.iter().any(FileTask::is_save)
    }

    /// Starts sampling `scenario` for the data view; a sampling still going is forgotten (its
    /// thread ends after its one message, which nobody reads).
    pub fn start_sampling(&mut self, scenario: Scenario, key: SampleKey) -> std::io::Result<()> {
        let control = Arc::new(RunControl::default());
        let job = sample_worker(scenario, key).spawn(control, Arc::clone(&self.wake))?;
        self.sampling.start(job, ());
        Ok(())
    }

    /// Stops everything (the window is closing). File tasks not begun are dropped, saves
    /// excepted.
    pub fn cancel_all(&mut self) {
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
        self.files_control.cancel();
        self.file_queue.retain(FileTask::is_save);
    }

    /// Stops everything and waits, at most `timeout`, for every thread to end (the window is
    /// closing). Returns whether they all did; the probe, which cannot be stopped, is not
    /// waited for.
    pub fn shutdown(&mut self, timeout: std::time::Duration) -> bool {
        self.cancel_all();
        let deadline = std::time::Instant::now() + timeout;
        loop {
            // Not short-circuited: every slot's queue is emptied on each pass.
            // A save that waited starts once the one before it is done.
            if !self.files.still_running() {
                self.files.job = None;
                self.start_next_file();
            }
            let running = [
                self.training.still_running(),
                self.logs.still_running(),
                self.preview.still_running(),
                self.calibration.still_running(),
                self.files.still_running() || !self.file_queue.is_empty(),
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
    /// first, then calibration's, the logs', the preview's, the probe's, the file tasks' and the
    /// sampling's.
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
        self.files
            .drain_into(JobKind::Files, JobEvent::File, &mut out);
        self.start_next_file();
        out.extend(self.file_errors.drain(..).map(JobEvent::FileNotStarted));
        self.sampling
            .drain_into(JobKind::Sampling, JobEvent::Samples, &mut out);
        out
    }
}
