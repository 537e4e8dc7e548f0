//! The logs preview thread: reads the header and first rows of a training log off the UI thread
//! (a file on a slow or network disk can take seconds to open), for the column table.

use std::path::PathBuf;

use crate::data::logs::{LogMapping, Preview, preview};

use super::channel::Worker;

/// What the preview thread reports: the file it read and its first rows, or why not.
#[derive(Clone, Debug)]
pub struct PreviewMsg {
    /// The file read.
    pub path: PathBuf,
    /// Its header and first rows, or the error's text.
    pub result: Result<Preview, String>,
}

/// Reads the first `n_rows` rows of `path` with `mapping`'s delimiter, for a thread named
/// `crl-logs-preview`. A cancelled preview (a newer one superseded it) sends nothing.
pub fn preview_worker(path: PathBuf, mapping: LogMapping, n_rows: usize) -> Worker<PreviewMsg> {
    Worker::new("crl-logs-preview", move |out| {
        let result = preview(&path, &mapping, n_rows).map_err(|e| e.to_string());
        if !out.control.is_cancelled() {
            out.send(PreviewMsg { path, result });
        }
    })
}
