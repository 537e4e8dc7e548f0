//! The device probe: looks for a GPU once at start-up, off the UI thread (it can take seconds),
//! so the status bar can name the device before anything trains.

use crate::train::{DeviceChoice, select_device};

use super::channel::Worker;

/// The probe, on a thread named `crl-device-probe`; it sends one line naming the device.
pub fn probe_worker() -> Worker<String> {
    Worker::new("crl-device-probe", |out| {
        out.send(match select_device(DeviceChoice::Auto) {
            Ok(d) => d.description,
            Err(e) => format!("no device: {e}"),
        });
    })
}
