//! The calibration thread: runs the core's calibration (the chosen estimator on correlated
//! Gaussians, one correlation after another, then one critic up the staircase of true MI) and
//! reports each estimate and each staircase reading; its own
//! [`RunControl`](crate::train::RunControl) stops it between correlations or at the next
//! staircase reading.

use crate::experiment::{run_calibration, run_staircase};
use crate::mi::{Calibration, CalibrationConfig, StaircaseConfig, StaircasePoint};
use crate::train::DeviceChoice;

use super::channel::Worker;

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

/// A calibration over `configs` (one per correlation), then up `staircase`, for a thread named
/// `crl-calibrate`. Cancelling its control stops it between correlations or at the next
/// staircase reading; so does the UI going.
pub fn calibration_worker(
    configs: Vec<CalibrationConfig>,
    staircase: StaircaseConfig,
    device: DeviceChoice,
) -> Worker<CalibrationMsg> {
    Worker::new("crl-calibrate", move |out| {
        let control = &out.control;
        let result = run_calibration(&configs, device, control, &mut |_, c| {
            out.send(CalibrationMsg::Point(c.clone()));
        })
        .and_then(|_| {
            run_staircase(&staircase, device, control, &mut |p| {
                out.send(CalibrationMsg::Staircase(p.clone()));
            })
        });
        out.send(match result {
            Ok(_) => CalibrationMsg::Finished,
            Err(e) => CalibrationMsg::Failed(e.to_string()),
        });
    })
}
