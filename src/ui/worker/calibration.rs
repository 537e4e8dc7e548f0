//! The calibration thread: trains the chosen estimator on correlated Gaussians, one correlation
//! after another, and reports each estimate; a cancel flag stops it between correlations.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::mi::{Calibration, CalibrationConfig, calibrate};
use crate::train::{DeviceChoice, select_device};

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
/// `crl-calibrate`. `cancel` stops it between correlations.
pub fn spawn_calibration(
    configs: Vec<CalibrationConfig>,
    device: DeviceChoice,
    cancel: Arc<AtomicBool>,
    wake: Waker,
) -> std::io::Result<Job<CalibrationMsg>> {
    spawn_worker("crl-calibrate", move |tx| {
        let send = |m| {
            let _ = tx.send(m);
            wake();
        };
        let device = match select_device(device) {
            Ok(d) => d,
            Err(e) => return send(CalibrationMsg::Failed(e.to_string())),
        };
        for config in &configs {
            if cancel.load(Ordering::SeqCst) {
                break;
            }
            match calibrate(config, &device.device) {
                Ok(c) => send(CalibrationMsg::Point(c)),
                Err(e) => return send(CalibrationMsg::Failed(e.to_string())),
            }
        }
        send(CalibrationMsg::Finished);
    })
}
