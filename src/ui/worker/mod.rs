//! What each background thread runs and what it sends back. The app's `Jobs` owns the threads
//! once started.

mod calibration;
mod channel;
mod kuairand;
mod probe;
mod training;

pub use calibration::{CalibrationMsg, spawn_calibration};
pub use channel::{Job, Waker};
pub use kuairand::{KuaiRandMsg, spawn_kuairand, spawn_logs};
pub use probe::spawn_probe;
pub use training::{TrainMsg, spawn_training};
