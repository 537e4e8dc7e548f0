//! The session's file state: which workspace file is being edited, what it held when last opened
//! or saved (to tell unsaved work), the path typed in the File menu, and what waits for the
//! answer to "discard unsaved work?" or for a save to finish.

use std::path::PathBuf;

/// What waits for the answer to "discard unsaved work?".
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Open this workspace.
    Open(PathBuf),
    /// Close the window.
    Close,
}

/// The app's file state for the session.
// Independent flags of the file session (answered, closing, restored…), not one state.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Default)]
pub struct Files {
    /// The workspace file being edited, once opened or saved.
    pub path: Option<PathBuf>,
    /// The workspace JSON as last opened or saved (to tell unsaved work).
    pub saved_json: Option<String>,
    /// A path typed in the File menu (the way in when no file dialog is available).
    pub typed: String,
    /// An action waiting for the user's answer.
    pub pending: Option<Pending>,
    /// The user agreed to close with unsaved work.
    pub allow_close: bool,
    /// Close the window at the next frame (after "discard unsaved work?").
    pub close_now: bool,
    /// The session was restored from a recovery file and not saved since: it is in no file.
    pub restored: bool,
    /// What waits for the save to this file asked for by "save first" (it goes on once the
    /// save is done).
    pub after_save: Option<(PathBuf, Pending)>,
    /// The window was asked to close while a save ran: it closes once the save is done.
    pub close_when_saved: bool,
}
