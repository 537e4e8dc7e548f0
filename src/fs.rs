//! The lowest layer: reading and writing files so that a failure never leaves a partial file behind,
//! and every error names the path.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// Writes `path` through `write`: the bytes go to a temporary file in the same folder, which is
/// renamed over `path` only once `write` succeeded and everything is flushed. On any error the
/// temporary file is removed and `path` is left as it was.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::io(
            "cannot write",
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "the folder does not exist"),
        ));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".crl-lab-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        write(&mut w)?;
        w.flush().map_err(|e| Error::io("cannot write", path, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("cannot write", path, e))?;
    // A temporary file is private (0600); the result should read like any file the user saves:
    // keep the permissions of the file it replaces, else the usual 0644 on Unix.
    let permissions = fs::metadata(path)
        .map(|m| m.permissions())
        .ok()
        .or_else(default_permissions);
    if let Some(p) = permissions {
        tmp.as_file()
            .set_permissions(p)
            .map_err(|e| Error::io("cannot set the permissions of", path, e))?;
    }
    tmp.persist(path)
        .map_err(|e| Error::io("cannot write", path, e.error))?;
    Ok(())
}

/// Writes a string to `path` atomically.
pub fn write_string(path: &Path, text: &str) -> Result<()> {
    write_atomically(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io("cannot write", path, e))
    })
}

/// Reads a whole text file, naming the path on failure.
pub fn read_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))
}

/// How a versioned JSON file (a workspace, a grid) names itself and how its errors read. Such a
/// file is a JSON object whose `format` field is [`format`](Self::format) and whose `version`
/// field is [`version`](Self::version), checked before anything else, so an old or new file
/// gets a message about its version, not about a missing field.
#[derive(Clone, Copy, Debug)]
pub struct VersionedJson<'a> {
    /// The `format` string the file must carry.
    pub format: &'a str,
    /// The one `version` this crl-lab reads.
    pub version: u32,
    /// What the file is, in messages: `grid` gives "not a crl-lab grid", "damaged grid".
    pub noun: &'a str,
    /// Said after "not a valid JSON file" (`" (damaged or truncated?)"`, or empty).
    pub invalid_hint: &'a str,
    /// What updating crl-lab lets the user do with a newer file (`read`, `open`).
    pub newer_verb: &'a str,
    /// Said after the message about an older file (`"; no converter exists for it"`, or empty).
    pub older_note: &'a str,
}

impl VersionedJson<'_> {
    /// Parses `text` as this kind of file, checking its format and version first; every error
    /// is an [`Error::BadFile`] naming `label` (usually the path).
    pub fn parse<T: DeserializeOwned>(&self, text: &str, label: &str) -> Result<T> {
        let bad = |detail: String| Error::BadFile {
            path: label.to_owned(),
            detail,
        };
        let Self {
            format,
            noun,
            invalid_hint,
            newer_verb,
            older_note,
            ..
        } = *self;
        let value: Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a valid JSON file{invalid_hint}: {e}")))?;
        let Some(obj) = value.as_object() else {
            return Err(bad(format!(
                "not a crl-lab {noun} (expected a JSON object)"
            )));
        };
        match obj.get("format").and_then(Value::as_str) {
            Some(f) if f == format => {}
            Some(other) => {
                return Err(bad(format!(
                    "not a crl-lab {noun} (format is `{other}`, expected `{format}`)"
                )));
            }
            None => {
                return Err(bad(format!(
                    "not a crl-lab {noun} (no `format: \"{format}\"` field)"
                )));
            }
        }
        let version = obj
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(format!("the {noun} has no whole-number `version` field")))?;
        let current = u64::from(self.version);
        if version > current {
            return Err(bad(format!(
                "version {version} is newer than this crl-lab understands ({current}); \
                 update crl-lab to {newer_verb} it"
            )));
        }
        if version < current {
            return Err(bad(format!(
                "version {version} is older than this crl-lab understands ({current}){older_note}"
            )));
        }
        serde_json::from_value(value).map_err(|e| bad(format!("damaged {noun}: {e}")))
    }
}

// The `Option` is the non-unix twin's `None`: callers handle both targets alike.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}
