//! A logs observer in two halves, the way both the app's logs thread and the CLI's progress bars
//! watch a run: training's events go to one observer, the reading's to another.

use super::job::LogsObserver;
use super::source::LoadedLogs;
use crate::data::logs::LoadEvent;
use crate::train::{Observer, Report, RunInfo, TestOutputs};

/// Watches the reading of a logs run: each loading event, then the data in memory.
pub trait LoadWatcher {
    /// A loading event (a file opened, bytes read, a cache used or written).
    fn on_load(&mut self, event: &LoadEvent);
    /// The logs are in memory; training starts next.
    fn on_loaded(&mut self, _data: &LoadedLogs) {}
}

/// A [`LogsObserver`] that hands training's events to `train` and the reading's to `load`.
pub struct SplitObserver<T, L> {
    /// Watches training.
    pub train: T,
    /// Watches the reading.
    pub load: L,
}

impl<T: Observer, L> Observer for SplitObserver<T, L> {
    fn on_start(&mut self, info: &RunInfo) {
        self.train.on_start(info);
    }
    fn on_report(&mut self, report: &Report) {
        self.train.on_report(report);
    }
    fn on_test_outputs(&mut self, outputs: &TestOutputs) {
        self.train.on_test_outputs(outputs);
    }
}

impl<T: Observer, L: LoadWatcher> LogsObserver for SplitObserver<T, L> {
    fn on_load(&mut self, event: &LoadEvent) {
        self.load.on_load(event);
    }
    fn on_loaded(&mut self, data: &LoadedLogs) {
        self.load.on_loaded(data);
    }
}
