//! The calibration of an estimator, the way the app's worker and the headless commands run it:
//! over the correlations of [`CALIBRATION_RHOS`] (one fresh critic each), and up the staircase of
//! [`STAIRCASE_NATS`] (one critic throughout), each stopped by a [`RunControl`].
//!
//! [`CALIBRATION_RHOS`]: super::CALIBRATION_RHOS
//! [`STAIRCASE_NATS`]: super::STAIRCASE_NATS

use std::ops::ControlFlow;

use crate::error::{Error, Result};
use crate::mi::{
    Calibration, CalibrationConfig, Staircase, StaircaseConfig, StaircasePoint, calibrate_until,
    staircase,
};
use crate::train::{DeviceChoice, RunControl, select_device};

/// Trains the estimator of each configuration (one per correlation) on `device` and returns its
/// estimates in order; `on_point` sees each as it is done. Cancelling `control` stops it
/// between correlations, returning those done.
pub fn run_calibration(
    configs: &[CalibrationConfig],
    device: DeviceChoice,
    control: &RunControl,
    on_point: &mut dyn FnMut(usize, &Calibration),
) -> Result<Vec<Calibration>> {
    let device = select_device(device)?;
    let mut out = Vec::with_capacity(configs.len());
    for (i, config) in configs.iter().enumerate() {
        if control.is_cancelled() {
            break;
        }
        let c = match calibrate_until(config, &device.device, &|| control.is_cancelled()) {
            Err(Error::Cancelled) => break,
            other => other?,
        };
        on_point(i, &c);
        out.push(c);
    }
    Ok(out)
}

/// Trains one critic up the staircase of `config` on `device` and returns its readings;
/// `on_point` sees each as it is made. Cancelling `control` stops it at the next reading,
/// returning what is done (`None` when it was cancelled before it started).
pub fn run_staircase(
    config: &StaircaseConfig,
    device: DeviceChoice,
    control: &RunControl,
    on_point: &mut dyn FnMut(&StaircasePoint),
) -> Result<Option<Staircase>> {
    if control.is_cancelled() {
        return Ok(None);
    }
    let device = select_device(device)?;
    let result = staircase(config, &device.device, &mut |p| {
        on_point(p);
        if control.is_cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    Ok(Some(result))
}
