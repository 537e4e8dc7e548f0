//! How whoever watches a run steers it from another thread: cancel, pause, new betas, and (in
//! debug builds or with the `fault-injection` feature) a device fault injected on purpose.

use std::sync::Mutex;
#[cfg(any(debug_assertions, feature = "fault-injection"))]
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::{AtomicBool, Ordering};

/// Steers a running training from another thread: cancel, pause, new betas.
#[derive(Debug, Default)]
pub struct RunControl {
    cancel: AtomicBool,
    pause: AtomicBool,
    /// The model step at which the run fails as a lost device would (0: never); see
    /// [`RunControl::inject_device_fault`]. Only in builds that carry the fault hooks.
    #[cfg(any(debug_assertions, feature = "fault-injection"))]
    device_fault_at: AtomicUsize,
    /// The latest betas the user set, and how many times they were set.
    betas: Mutex<(u64, Option<Vec<f64>>)>,
}

impl RunControl {
    /// Asks the run to stop; it returns what it has within one step.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Whether cancel was asked.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Pauses or resumes.
    pub fn set_paused(&self, paused: bool) {
        self.pause.store(paused, Ordering::SeqCst);
    }

    /// Whether the run is paused.
    pub fn is_paused(&self) -> bool {
        self.pause.load(Ordering::SeqCst)
    }

    /// New penalty weights, one per member, applied from the next step.
    pub fn set_betas(&self, betas: Vec<f64>) {
        if let Ok(mut b) = self.betas.lock() {
            *b = (b.0 + 1, Some(betas));
        }
    }

    /// The betas set since `seen` (each shard of a run keeps its own `seen`, starting at 0).
    pub(crate) fn betas_since(&self, seen: &mut u64) -> Option<Vec<f64>> {
        let b = self.betas.lock().ok()?;
        if b.0 == *seen {
            return None;
        }
        *seen = b.0;
        b.1.clone()
    }
}

/// The fault hooks, so that what callers do with a failing GPU can be tested on any machine.
/// Debug builds (every test run) and builds with the `fault-injection` feature carry them; a
/// release build without the feature does not check them in its training steps.
#[cfg(any(debug_assertions, feature = "fault-injection"))]
impl RunControl {
    /// Makes the run fail at model step `step` (1-based) exactly as a device that stops
    /// responding does: the step returns [`crate::Error::Device`] and the run ends with it.
    pub fn inject_device_fault(&self, step: usize) {
        self.device_fault_at.store(step, Ordering::SeqCst);
    }

    /// The injected device fault of model step `step` (1-based), if any.
    pub(crate) fn device_fault(&self, step: usize) -> crate::error::Result<()> {
        if self.device_fault_at.load(Ordering::SeqCst) == step && step > 0 {
            return Err(crate::error::Error::Device(format!(
                "the device stopped responding at step {step} (a fault injected on purpose)"
            )));
        }
        Ok(())
    }
}

/// A release build without the `fault-injection` feature: the hook's setter stays, so that
/// callers compile in every build, and does nothing; training steps check nothing.
#[cfg(not(any(debug_assertions, feature = "fault-injection")))]
impl RunControl {
    /// Does nothing: this build does not carry the fault hooks (build with debug assertions or
    /// the `fault-injection` feature for a run that fails at model step `step`).
    pub fn inject_device_fault(&self, step: usize) {
        let _ = step;
    }
}
