//! What each background thread runs and what it sends back. The app's `Jobs` owns the threads
//! once started.

mod calibration;
mod channel;
mod files;
mod logs;
mod logs_preview;
mod probe;
mod sample;
mod training;

pub use calibration::{CalibrationMsg, calibration_worker};
pub use channel::{Job, Waker, Worker};
pub use files::{FileDone, FileTask, PlotSnapshot, file_worker};
pub use logs::{LogsMsg, logs_worker};
pub use logs_preview::{PreviewMsg, preview_worker};
pub use probe::probe_worker;
pub use sample::{SampleMsg, sample_worker};
pub use training::{TrainMsg, training_worker};
