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

pub use calibration::{CalibrationMsg, spawn_calibration};
pub use channel::{Job, Waker};
pub use files::{FileDone, FileTask, PlotSnapshot, spawn_file_task};
pub use logs::{LogsMsg, spawn_logs};
pub use logs_preview::{PreviewMsg, spawn_preview};
pub use probe::spawn_probe;
pub use sample::{SampleMsg, spawn_sampling};
pub use training::{TrainMsg, spawn_training};
