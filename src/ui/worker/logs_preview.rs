//! The logs preview thread: reads the header and first rows of a training log off the UI thread
//! (a file on a slow or network disk can take seconds to open), for the column table.

use std::path::PathBuf;
use std::sync::Arc;

use crate::data::logs::{LogMapping, Preview, preview};
use crate::train::RunControl;

use super::channel::{Job, Outbox, Waker, spawn_worker};

/// What the preview thread reports: the file it read and its first rows, or why not.
#[derive(Clone, Debug)]
pub struct PreviewMsg {
    /// The file read.
    pub path: PathBuf,
    /// Its header and first rows, or the error's text.
    pub result: Result<Preview, String>,
}

/// Reads the first `n_rows` rows of `path` with `mapping`'s delimiter on a thread named
/// `crl-logs-preview`. A cancelled preview (a newer one superseded it) sends nothing.
pub fn spawn_preview(
    path: PathBuf,
    mapping: LogMapping,
    n_rows: usize,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<PreviewMsg>> {
    spawn_worker("crl-logs-preview", move |tx| {
        let result = preview(&path, &mapping, n_rows).map_err(|e| e.to_string());
        if !control.is_cancelled() {
            Outbox::new(tx, wake, control).send(PreviewMsg { path, result });
        }
    })
}
