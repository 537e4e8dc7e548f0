//! What loading tells whoever watches it (the CLI's progress bar, the app, tests). The loader
//! never prints.

use std::path::PathBuf;

/// One step of a load.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadEvent {
    /// A file is being read: `bytes_done` of `bytes_total` so far (sent at the start, every
    /// few tens of thousands of rows, and at the end).
    Reading {
        /// The file's name (no folder).
        file: String,
        /// Bytes parsed so far.
        bytes_done: u64,
        /// The file's size.
        bytes_total: u64,
    },
    /// The cache matched the files and was used.
    CacheUsed {
        /// The cache file.
        path: PathBuf,
    },
    /// A cache exists but cannot be used (the files changed, another format version, damaged);
    /// the data are parsed again and the cache rewritten.
    CacheRejected {
        /// The cache file.
        path: PathBuf,
        /// Why it was not used.
        reason: String,
    },
    /// The parsed data were written to the cache.
    CacheWritten {
        /// The cache file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// The cache could not be written (a read-only folder, say); loading went on without it.
    CacheNotWritten {
        /// The cache file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Watches a load.
pub trait LoadObserver {
    /// Called for every event, in order.
    fn on_event(&mut self, event: &LoadEvent);
    /// Whether the reader should stop (the user stopped the run, or the app is closing); asked
    /// at every progress event, so a read stops within a fraction of a second.
    fn stop_requested(&self) -> bool {
        false
    }
}

impl<F: FnMut(&LoadEvent)> LoadObserver for F {
    fn on_event(&mut self, event: &LoadEvent) {
        self(event);
    }
}

/// A load observer that ignores everything.
pub struct QuietLoad;

impl LoadObserver for QuietLoad {
    fn on_event(&mut self, _event: &LoadEvent) {}
}
