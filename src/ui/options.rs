//! How the app starts: the options a caller (the window, a test) gives it.

use std::path::PathBuf;
use std::time::Duration;

use crate::ui::autosave::AUTOSAVE_EVERY;

/// How the app starts (tests switch the device probe and autosave off, or point autosave at a
/// folder of their own).
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// Look for a GPU at start-up, in the background, to show the device in the status bar.
    pub probe_device: bool,
    /// Where the session is autosaved and where sessions left by unclean exits are looked for
    /// (`None`: no autosave).
    pub recovery_dir: Option<PathBuf>,
    /// How often the session is looked at for changes to autosave.
    pub autosave_every: Duration,
    /// A fault hook for tests: the device of every training run not asked to run on the CPU
    /// fails at this model step.
    pub device_fault_at_step: Option<usize>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            probe_device: true,
            recovery_dir: default_recovery_dir(),
            autosave_every: AUTOSAVE_EVERY,
            device_fault_at_step: None,
        }
    }
}

impl AppOptions {
    /// What tests start with: no device probe, no autosave, no faults.
    pub fn headless() -> Self {
        AppOptions {
            probe_device: false,
            recovery_dir: None,
            autosave_every: AUTOSAVE_EVERY,
            device_fault_at_step: None,
        }
    }
}

/// The recovery folder beside eframe's stored state (`~/.local/share/crl-lab/recovery` on
/// Linux), or `$CRL_LAB_RECOVERY_DIR`.
fn default_recovery_dir() -> Option<PathBuf> {
    std::env::var_os("CRL_LAB_RECOVERY_DIR")
        .map(PathBuf::from)
        .or_else(|| eframe::storage_dir("crl-lab").map(|d| d.join("recovery")))
}
