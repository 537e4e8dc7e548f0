//! A cell's name: the hash of the settings that decide its numbers.

use crate::error::{Error, Result};
use crate::hash::fnv1a64_hex;
use crate::session::Workspace;

/// FNV-1a 64 of what decides a workspace's numbers: its scenario and training settings (the CPU
/// threads excluded: they do not change the numbers; the node layout and plot settings too).
pub fn settings_hash(ws: &Workspace) -> Result<String> {
    let mut train = ws.train.clone();
    train.config.threads = 0;
    let text = serde_json::to_string(&(&ws.scenario, &train))
        .map_err(|e| Error::invalid(format!("cannot encode the settings: {e}")))?;
    Ok(fnv1a64_hex(text.as_bytes()))
}
