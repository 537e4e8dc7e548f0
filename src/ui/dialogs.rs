//! File dialogs (rfd), run by views on the UI thread when the user clicks; each returns the path
//! chosen, or `None` when cancelled or when no dialog can open (no desktop portal: Xvfb, CI),
//! and the view pushes a command with it. Reading and writing is left to the handlers.

use std::path::{Path, PathBuf};

/// Asks for a workspace file to open.
pub fn pick_open() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Open workspace")
        .add_filter("crl-lab workspace", &["json"])
        .pick_file()
}

/// Asks where to save `default_name`.
pub fn pick_save(title: &str, default_name: &str, ext: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(default_name)
        .add_filter(ext, &[ext])
        .save_file()
}

/// Asks for a folder.
pub fn pick_folder(title: &str) -> Option<PathBuf> {
    rfd::FileDialog::new().set_title(title).pick_folder()
}

/// Asks where to save the workspace ("Save as", or a first save).
pub fn pick_workspace_save() -> Option<PathBuf> {
    pick_save("Save workspace", "workspace.json", "json")
}

/// Where "Save" writes: the workspace's own file, asking only when it has none.
pub fn save_target(current: Option<&Path>) -> Option<PathBuf> {
    current.map(Path::to_owned).or_else(pick_workspace_save)
}

/// Asks for a file to read, showing those ending in `exts` first.
pub fn pick_file(title: &str, what: &str, exts: &[&str]) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title(title)
        .add_filter(what, exts)
        .pick_file()
}
