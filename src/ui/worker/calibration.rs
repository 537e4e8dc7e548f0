//! The calibration thread: runs the core's calibration (the chosen estimator on correlated
//! Gaussians, one correlation after another, then one critic up the staircase of true MI) and
//! reports each estimate and each staircase reading; its own [`RunControl`] stops it between
//! correlations or at the next staircase reading.

use std::sync::Arc;

use crate::experiment::{run_calibration, run_staircase};
use crate::mi::{Calibration, CalibrationConfig, StaircaseConfig, StaircasePoint};
use crate::train::{DeviceChoice, RunControl};

use super::channel::{Job, Waker, spawn_worker};

/// What a calibration thread reports.
#[derive(Clone, Debug)]
pub enum CalibrationMsg {
    /// One correlation done.
    Point(Calibration),
    /// One reading of the staircase.
    Staircase(StaircasePoint),
    /// All done (or stopped).
    Finished,
    /// It failed; the message names why.
    Failed(String),
}

/// Starts a calibration over `configs` (one per correlation), then up `staircase`, on a thread
/// named `crl-calibrate`. Cancelling `control` stops it between correlations or at the next
/// staircase reading.
pub fn spawn_calibration(
    configs: Vec<CalibrationConfig>,
    staircase: StaircaseConfig,
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
        })
        .and_then(|_| {
            run_staircase(&staircase, device, &control, &mut |p| {
                send(CalibrationMsg::Staircase(p.clone()));
            })
        });
        send(match result {
            Ok(_) => CalibrationMsg::Finished,
            Err(e) => CalibrationMsg::Failed(e.to_string()),
        });
    })
}
