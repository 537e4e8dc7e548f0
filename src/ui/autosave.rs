//! Autosave: the session goes to this process's recovery file (see
//! [`crate::session::Recovery`]) at most every `every` while it changes, and at once when a run
//! ends; a named thread writes it, so a slow disk never stalls a frame. A clean exit removes the
//! file; what an unclean exit left is offered back at the next start.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::hash::fnv1a64_hex;
use crate::session::{Recovery, recovery_path, unclean_sessions};

/// How often the session is looked at for changes unless the app is told otherwise.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(30);

/// A session an unclean exit left, waiting for the user's answer.
#[derive(Debug)]
pub struct RecoveryOffer {
    /// Its file.
    pub path: PathBuf,
    /// What it holds, or why it cannot be read.
    pub recovery: Result<Recovery, String>,
}

/// What the writer thread does, in order.
enum Job {
    /// Write the session's text to the file.
    Write(PathBuf, String),
    /// Remove the file (the session is all in a workspace file now).
    Remove(PathBuf),
}

/// The writer thread and its queues.
struct Writer {
    tx: Option<SyncSender<Job>>,
    done: Receiver<Result<(), String>>,
    handle: Option<JoinHandle<()>>,
}

impl Writer {
    fn spawn() -> std::io::Result<Self> {
        // One write in flight and one waiting at most: a newer session replaces nothing queued,
        // it waits for the next tick.
        let (tx, rx) = sync_channel::<Job>(1);
        let (done_tx, done) = sync_channel(4);
        let handle = std::thread::Builder::new()
            .name("crl-autosave".into())
            .spawn(move || {
                for job in rx {
                    let r = match job {
                        Job::Write(path, text) => {
                            crate::fs::write_string(&path, &text).map_err(|e| e.to_string())
                        }
                        Job::Remove(path) => match std::fs::remove_file(&path) {
                            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                                Err(format!("cannot remove {}: {e}", path.display()))
                            }
                            _ => Ok(()),
                        },
                    };
                    if done_tx.send(r).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Writer {
            tx: Some(tx),
            done,
            handle: Some(handle),
        })
    }

    /// Ends the thread once it has written what it holds.
    fn finish(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The app's autosave: where, how often, what was written last.
pub struct Autosave {
    /// This process's recovery file (`None`: autosave is off).
    path: Option<PathBuf>,
    every: Duration,
    last_check: Instant,
    /// The hash of the last session handed to the writer.
    written: Option<String>,
    /// This process's file has been written (and not removed since).
    file_kept: bool,
    /// Look at the session at the next frame, whatever the interval (a run ended).
    due: bool,
    writer: Option<Writer>,
    /// Sessions earlier processes left, newest first; the first is offered.
    pub offers: Vec<RecoveryOffer>,
}

impl Autosave {
    /// Autosave into `dir` (created if missing) every `every`, with the sessions found there
    /// that an unclean exit left; `None` switches it off. A folder that cannot be made or a
    /// thread that cannot start is returned as the message to show (the app runs on without).
    pub fn new(dir: Option<&Path>, every: Duration) -> (Self, Option<String>) {
        let mut autosave = Autosave {
            path: None,
            every,
            last_check: Instant::now(),
            written: None,
            file_kept: false,
            due: false,
            writer: None,
            offers: Vec::new(),
        };
        let Some(dir) = dir else {
            return (autosave, None);
        };
        if let Err(e) = std::fs::create_dir_all(dir) {
            let text = format!(
                "Autosave is off: cannot make its folder {}: {e}",
                dir.display()
            );
            return (autosave, Some(text));
        }
        autosave.offers = unclean_sessions(dir)
            .into_iter()
            .map(|(path, r)| RecoveryOffer {
                path,
                recovery: r.map_err(|e| e.to_string()),
            })
            .collect();
        match Writer::spawn() {
            Ok(w) => {
                autosave.writer = Some(w);
                autosave.path = Some(recovery_path(dir, std::process::id()));
                (autosave, None)
            }
            Err(e) => (
                autosave,
                Some(format!("Autosave is off: cannot start its thread: {e}")),
            ),
        }
    }

    /// The session as the app starts (what eframe's stored state restores anyway): it is not
    /// written until it changes, so an unclean exit of a session nobody touched offers nothing.
    pub fn unchanged_from(&mut self, workspace_json: &str) {
        self.written = Some(fnv1a64_hex(workspace_json.as_bytes()));
    }

    /// Whether the session should be looked at now (the interval has passed, or a run ended).
    pub fn is_due(&self, now: Instant) -> bool {
        self.path.is_some() && (self.due || now.duration_since(self.last_check) >= self.every)
    }

    /// How long until the next look (for a repaint while the window is idle).
    pub fn next_in(&self, now: Instant) -> Option<Duration> {
        self.path.as_ref()?;
        Some(
            self.every
                .saturating_sub(now.duration_since(self.last_check))
                .max(Duration::from_millis(50)),
        )
    }

    /// Look at the session at the next frame (a run ended).
    pub fn soon(&mut self) {
        self.due = true;
    }

    /// Hands the session (its workspace's canonical text, and the file it came from) to the
    /// writer when it changed since the last write. The writer being busy leaves it due.
    pub fn offer(&mut self, now: Instant, workspace_json: &str, recovery: &Recovery) {
        let (Some(path), Some(writer)) = (&self.path, &self.writer) else {
            return;
        };
        let hash = fnv1a64_hex(workspace_json.as_bytes());
        if self.written.as_ref() == Some(&hash) {
            self.last_check = now;
            self.due = false;
            return;
        }
        let Ok(text) = recovery.to_json_with(workspace_json) else {
            return;
        };
        let Some(tx) = &writer.tx else { return };
        match tx.try_send(Job::Write(path.clone(), text)) {
            Ok(()) => {
                self.written = Some(hash);
                self.file_kept = true;
                self.last_check = now;
                self.due = false;
            }
            Err(TrySendError::Full(_)) => {}
            Err(TrySendError::Disconnected(_)) => self.path = None,
        }
    }

    /// The session is all in its workspace file (just opened or saved): nothing to recover, so
    /// this process's file goes (written again once the session changes).
    pub fn in_file(&mut self, now: Instant, workspace_json: &str) {
        let (Some(path), Some(writer)) = (&self.path, &self.writer) else {
            return;
        };
        if self.file_kept {
            let Some(tx) = &writer.tx else { return };
            if tx.try_send(Job::Remove(path.clone())).is_err() {
                return;
            }
            self.file_kept = false;
        }
        self.written = Some(fnv1a64_hex(workspace_json.as_bytes()));
        self.last_check = now;
        self.due = false;
    }

    /// What the writer reported since the last call: the first failure, if any.
    pub fn failure(&mut self) -> Option<String> {
        let writer = self.writer.as_ref()?;
        let mut failed = None;
        while let Ok(r) = writer.done.try_recv() {
            if let Err(e) = r {
                // Written again at the next look, whether or not it changed.
                self.written = None;
                failed.get_or_insert(e);
            }
        }
        failed
    }

    /// The app is closing cleanly: the writer finishes, and this process's file goes (nothing
    /// is left to recover).
    pub fn close(&mut self) {
        if let Some(w) = &mut self.writer {
            w.finish();
        }
        self.writer = None;
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Autosave {
    fn drop(&mut self) {
        // Dropped without `close` (a test's app, say): stop the thread, keep the file.
        if let Some(w) = &mut self.writer {
            w.finish();
        }
    }
}
