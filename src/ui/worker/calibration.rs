//! The calibration thread: runs the core's calibration (the chosen estimator on correlated
//! Gaussians, one correlation after another) and reports each estimate; its own
//! [`RunControl`] stops it between correlations.

use std::sync::Arc;

use crate::experiment::run_calibration;
use crate::mi::{Calibration, CalibrationConfig};
use crate::train::{DeviceChoice, RunControl};

use super::channel::{Job, Waker, spawn_worker};

/// What a calibration thread reports.
#[derive(Clone, Debug)]
pub enum CalibrationMsg {
    /// One correlation done.
    Point(Calibration),
    /// All done (or stopped).
    Finished,
    /// It failed; the message names why.
    Failed(String),
}

/// Starts a calibration over `configs` (one per correlation) on a thread named
/// `crl-calibrate`. Cancelling `control` stops it between correlations.
pub fn spawn_calibration(
    configs: Vec<CalibrationConfig>,
    device: DeviceChoice,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<CalibrationMsg>> {
    spawn_worker("crl-calibrate", move |tx| {
        let send = |m| {
            if tx.send(m).is_err() {
                // The UI has gone: stop after this correlation.
                control.cancel();
            }
            wake();
        };
        let result = run_calibration(&configs, device, &control, &mut |_, c| {
            send(CalibrationMsg::Point(c.clone()));
        });
        send(match result {
            Ok(_) => CalibrationMsg::Finished,
            Err(e) => CalibrationMsg::Failed(e.to_string()),
        });
    })
}
