//! The device probe: looks for a GPU once at start-up, off the UI thread (it can take seconds),
//! so the status bar can name the device before anything trains.

use crate::train::{DeviceChoice, select_device};

use super::channel::{Job, Waker, spawn_worker};

/// Starts the probe on a thread named `crl-device-probe`; it sends one line naming the device.
pub fn spawn_probe(wake: Waker) -> std::io::Result<Job<String>> {
    spawn_worker("crl-device-probe", move |tx| {
        let line = match select_device(DeviceChoice::Auto) {
            Ok(d) => d.description,
            Err(e) => format!("no device: {e}"),
        };
        let _ = tx.send(line);
        wake();
    })
}
